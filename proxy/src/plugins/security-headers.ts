// Security headers on every response (helmet with a strict CSP) and `Cache-Control: no-store` on API answers.
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isLoopbackHost, type Config } from '../config';

/** Paths whose answers are per-user data and must never be cached by the browser or any intermediary. */
export function isPrivatePath(url: string): boolean {
  return /^\/(api|auth|admin)(\/|\?|$)/i.test(url);
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The headers put on every answer (helmet's set, computed once); fast-read.ts writes the same. */
    securityHeaders: Readonly<Record<string, string>>;
  }
}

/** Headers Fastify itself puts on the probe's answer (everything else on it is helmet's). */
const FASTIFY_OWN = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);

/**
 * @fastify/helmet runs helmet(options) on every request, re-parsing the CSP directives each time (~4 % of the proxy's
 * CPU on small reads; docs/performance.md). The headers depend only on the options, so they are taken once from a
 * throwaway instance and the same set is put on every reply.
 */
async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, options);
  probe.get('/', async () => '');
  const res = await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (FASTIFY_OWN.has(name) || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

export default fp(
  async function securityHeaders(app: FastifyInstance, opts: { config: Config }) {
    // Served over HTTPS unless we listen on loopback only (demo/dev on http://localhost). Non-loopback
    // deployments must sit behind TLS, so HSTS and upgrade-insecure-requests are sent there.
    const tls = !isLoopbackHost(opts.config.host);
    const headers = await helmetHeaders({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          // Mantine injects <style> tags and style attributes at run time; inline STYLES only, never scripts.
          styleSrc: ["'self'", "'unsafe-inline'"],
          // MMS previews show the sender's media, which Flowroute fetches from public https URLs.
          imgSrc: ["'self'", 'data:', 'https:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          manifestSrc: ["'self'"],
          workerSrc: ["'self'"],
          ...(tls ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      hsts: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
      crossOriginEmbedderPolicy: false,
    });
    app.decorate('securityHeaders', Object.freeze(headers));
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
    // In onSend, so it overrides whatever a handler set (e.g. the SPA shell's no-cache on /admin/… pages).
    app.addHook('onSend', (request, reply, payload, done) => {
      if (isPrivatePath(request.url)) reply.header('cache-control', 'no-store');
      done(null, payload);
    });
  },
  { name: 'security-headers' },
);
