// Serves the built SPA from STATIC_DIR (history fallback to index.html) and answers every unknown URL:
// JSON 404/405 under /api, JSON 404 under /auth and /admin, index.html for other page GETs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config';
import { parseRawUrl } from '../routes/raw-url';
import { operationsForPath } from '../routes/table';
import { sendProxyError } from './errors';

const ONE_YEAR = 31_536_000;

/** What foldPath would change: an escape, a backslash, an upper-case or non-ASCII letter, a doubled slash. */
const NOT_PLAIN = /[%\\A-Z\u0080-\uffff]|\/\//;

/**
 * Decodes repeatedly (double-encoding tricks) and normalises slashes and case, only to CLASSIFY the URL, never to
 * serve it. Exported for the test that holds classify()'s shortcut to it.
 */
export function foldPath(rawPath: string): string {
  let p = rawPath;
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(p);
      if (next === p) break;
      p = next;
    } catch {
      break;
    }
  }
  return p
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/')
    .toLowerCase();
}

export type Area = 'api' | 'auth' | 'admin' | 'page';

/** The SPA's admin screens; the admin JSON API lives under /admin/users and /admin/audit/…. */
const SPA_ADMIN_PAGES = new Set(['/admin/staff', '/admin/audit']);

/** The area of a folded path (foldPath's answer). */
export function areaOf(p: string): Area {
  if (SPA_ADMIN_PAGES.has(p.replace(/\/+$/, ''))) return 'page';
  for (const area of ['api', 'auth', 'admin'] as const) {
    if (
      p === `/${area}` ||
      p.startsWith(`/${area}/`) ||
      p.startsWith(`/${area};`) ||
      p.startsWith(`/${area}.`)
    )
      return area;
  }
  return 'page';
}

export function classify(rawUrl: string): Area {
  const path = rawUrl.split(/[?#]/)[0] ?? '/';
  // A plain path (most requests) is already what foldPath would make of it.
  return areaOf(NOT_PLAIN.test(path) ? foldPath(path) : path);
}

function apiNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const raw = parseRawUrl(request.raw.url ?? '/');
  if (raw.ok) {
    const ops = operationsForPath(raw.path);
    if (ops.length > 0) {
      const allow = [...new Set(ops.map((o) => o.method))].join(', ');
      reply.header('allow', allow);
      return sendProxyError(reply, {
        status: 405,
        code: 'method_not_allowed',
        title: 'Method Not Allowed',
        detail: `${request.method} is not allowed here; use ${allow}.`,
      });
    }
  }
  return sendProxyError(reply, {
    status: 404,
    code: 'not_found',
    title: 'Not Found',
    detail: 'No such API operation.',
  });
}

export default fp(
  async function staticPlugin(app: FastifyInstance, opts: { config: Config }) {
    const root = path.resolve(opts.config.staticDir);
    const built = existsSync(path.join(root, 'index.html'));
    if (built) {
      await app.register(fastifyStatic, {
        root,
        wildcard: false, // one route per built file, found at start: nothing outside dist/ is reachable
        index: false,
        dotfiles: 'deny',
        cacheControl: false,
        etag: true,
        // .br/.gz written next to the assets by the build (vite.config.ts), sent to browsers that accept them.
        preCompressed: true,
        setHeaders: (reply, filePath) => {
          const rel = path.relative(root, filePath).split(path.sep).join('/');
          if (rel === 'index.html') reply.header('cache-control', 'no-cache');
          else if (rel.startsWith('assets/'))
            reply.header('cache-control', `public, max-age=${ONE_YEAR}, immutable`);
          else reply.header('cache-control', 'public, max-age=3600');
        },
      });
      app.get('/', { exposeHeadRoute: true }, (_request, reply) => reply.sendFile('index.html'));
    } else {
      app.log.warn(
        { staticDir: root },
        'No built SPA found (index.html missing): run `npm run build`. Pages answer 503 until then.',
      );
    }

    app.setNotFoundHandler((request, reply) => {
      const rawUrl = request.raw.url ?? '/';
      if (!rawUrl.startsWith('/')) {
        return sendProxyError(reply, {
          status: 404,
          code: 'not_found',
          title: 'Not Found',
          detail: 'Not found.',
        });
      }
      const area = classify(rawUrl);
      if (area === 'api') return apiNotFound(request, reply);
      if (area !== 'page' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        return sendProxyError(reply, {
          status: 404,
          code: 'not_found',
          title: 'Not Found',
          detail: 'Not found.',
        });
      }
      const last = (request.raw.url ?? '/').split(/[?#]/)[0]?.split('/').pop() ?? '';
      if (last.includes('.')) {
        // A missing file (e.g. an old hashed asset): a real 404, not the HTML shell with the wrong type.
        return reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'no-cache')
          .send('Not found');
      }
      if (!built) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'no-store')
          .send('The web app is not built yet: run `npm run build`.');
      }
      return reply.sendFile('index.html');
    });
  },
  { name: 'static-spa' },
);
