// Staff sign-in and server-side sessions (S-1..S-4): /auth/login, /auth/logout, /auth/me, /auth/config, and an
// onRequest hook that attaches `request.user` for /api, /admin and /auth. The session cookie is
// `__Host-session` — Secure, HttpOnly, SameSite=Strict, Path=/, no Domain. Chromium (checked with Debian's 156 via
// Playwright) stores Secure and __Host- cookies on http://localhost and http://127.0.0.1, so the same name works
// for local plain http; sign-in over plain http to any other host is refused.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isLoopbackHost, type Config } from '../config';
import type { Store } from '../store';
import type { ConfirmationStore } from '../store/confirmations';
import { generatePassword } from '../store/passwords';
import { DEFAULT_THROTTLE, loginRules, type ThrottleLimits } from '../store/throttle';
import { roleAtLeast, type SessionUser } from '../store/types';
import { OPERATIONS } from '../routes/table';
import { adminRoutes } from '../routes/admin';
import auditPlugin from './audit';
import csrfPlugin from './csrf';
import { sendProxyError } from './errors';
import { classify } from './static';

export const SESSION_COOKIE = '__Host-session';
export const DEMO_USERNAME = 'demo';
/** Operations that need a confirmation token (header X-Confirmation) when PURCHASE_CONFIRMATION=required. */
export const CONFIRMABLE = new Set(['purchaseNumber']);

declare module 'fastify' {
  interface FastifyInstance {
    /** S-13: set when purchases must carry a single-use X-Confirmation token (PURCHASE_CONFIRMATION=required). */
    purchaseConfirmation: ConfirmationStore | null;
    /** The user of a Cookie header's session when known without a query (fast-read.ts), else undefined. */
    cachedSessionUser?: (cookie: string | undefined) => SessionUser | undefined;
  }
  interface FastifyRequest {
    /** The signed-in staff member, or null. Set for /api, /admin and /auth requests. */
    user: SessionUser | null;
  }
}

export interface AuthOptions {
  store: Store;
  mode: 'demo' | 'live';
  throttle?: ThrottleLimits;
}

export function sessionCookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

/** The session token from the Cookie header (first occurrence), or null. */
export function readSessionToken(request: FastifyRequest): string | null {
  return sessionTokenOf(request.headers.cookie);
}

/** The session token in a Cookie header, or null. */
export function sessionTokenOf(raw: string | undefined): string | null {
  if (!raw) return null;
  for (const part of raw.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === SESSION_COOKIE) return part.slice(i + 1).trim() || null;
  }
  return null;
}

export function publicUser(u: { id: string; username: string; role: string }) {
  return { id: u.id, username: u.username, role: u.role };
}

export function requestMeta(request: FastifyRequest) {
  const ua = request.headers['user-agent'];
  return { sourceIp: request.ip, userAgent: typeof ua === 'string' ? ua : null };
}

function unauthenticated(reply: FastifyReply, detail = 'Sign in to use the dashboard.'): FastifyReply {
  return sendProxyError(reply, { status: 401, code: 'unauthenticated', title: 'Unauthorized', detail });
}

function storeUnavailable(reply: FastifyReply): FastifyReply {
  return sendProxyError(reply, {
    status: 503,
    code: 'store_unavailable',
    title: 'Service Unavailable',
    detail: 'The session store cannot be reached. Try again shortly.',
  });
}

/**
 * The SPA sends `Content-Type: application/json` on every mutation, also body-less ones (logout, disable). In this
 * (encapsulated) context an empty JSON body means "no body" instead of Fastify's 400.
 */
export function tolerateEmptyJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parse(request, text, done);
  });
}

function isSecureTransport(request: FastifyRequest): boolean {
  return request.protocol === 'https' || isLoopbackHost(request.hostname);
}

export const authPlugin = fp(
  async function auth(app: FastifyInstance, opts: AuthOptions) {
    const { store, mode } = opts;
    const limits = opts.throttle ?? DEFAULT_THROTTLE;
    const cookieMaxAge = Math.floor(store.sessions.absoluteMs / 1000);

    if (!app.hasRequestDecorator('user')) app.decorateRequest('user', null);
    // For fast-read.ts: the signed-in user when the session's row is cached and exact, else undefined (no session,
    // or one only `lookup` can decide: the request then goes through the hook below).
    app.decorate('cachedSessionUser', (cookie: string | undefined): SessionUser | undefined => {
      const token = sessionTokenOf(cookie);
      return token ? store.sessions.lookupCached(token)?.user : undefined;
    });

    // Callback style: a session whose row is cached and exact (PGlite, nothing written since) is answered
    // synchronously, without a promise and microtask per request; anything else goes through `lookup`.
    app.addHook('onRequest', (request, reply, done) => {
      request.user = null;
      if (classify(request.raw.url ?? '/') === 'page') return done();
      const token = readSessionToken(request);
      if (!token) return done();
      const cached = store.sessions.lookupCached(token);
      if (cached) {
        request.user = cached.user;
        return done();
      }
      store.sessions.lookup(token).then(
        (info) => {
          request.user = info?.user ?? null;
          done();
        },
        (err: unknown) => {
          request.log.error({ err: { message: (err as Error).message } }, 'session lookup failed');
          storeUnavailable(reply);
        },
      );
    });

    await app.register(async (routes) => {
      tolerateEmptyJson(routes);
      const app = routes;
      app.get('/auth/config', async () => (mode === 'demo' ? { mode, demoUser: DEMO_USERNAME } : { mode }));

      app.get('/auth/me', async (request, reply) => {
        if (!request.user) {
          if (readSessionToken(request)) reply.header('set-cookie', clearedSessionCookie());
          return unauthenticated(reply);
        }
        return { user: publicUser(request.user) };
      });

      app.post('/auth/login', { bodyLimit: 4096 }, async (request, reply) => {
        const body = request.body as { username?: unknown; password?: unknown } | undefined;
        const username = typeof body?.username === 'string' ? body.username.trim() : '';
        const password = typeof body?.password === 'string' ? body.password : '';
        if (!username || !password || username.length > 64 || password.length > 256) {
          return sendProxyError(reply, {
            status: 400,
            code: 'invalid_body',
            title: 'Bad Request',
            detail: 'Send {"username": "...", "password": "..."}.',
          });
        }
        if (!isSecureTransport(request)) {
          return sendProxyError(reply, {
            status: 403,
            code: 'insecure_transport',
            title: 'Forbidden',
            detail: 'Sign in over HTTPS (plain http is only accepted on localhost).',
          });
        }
        const meta = requestMeta(request);
        const rules = loginRules(username, request.ip, limits);
        const wait = await store.throttle.retryAfter(rules);
        if (wait > 0) {
          await store.audit
            .event({
              action: 'auth.throttled',
              actor: username.toLowerCase(),
              ...meta,
              status: 429,
              result: 'rejected',
            })
            .catch((err: unknown) =>
              request.log.error({ err: { message: (err as Error).message } }, 'audit failed'),
            );
          reply.header('retry-after', String(wait));
          return sendProxyError(reply, {
            status: 429,
            code: 'too_many_attempts',
            title: 'Too Many Requests',
            detail: `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`,
          });
        }
        const result = await store.users.authenticate(username, password);
        if (result === null) {
          await store.throttle.recordFailure(rules);
          await store.audit.event({
            action: 'auth.fail',
            actor: username.toLowerCase(),
            ...meta,
            status: 401,
            result: 'failed',
          });
          return sendProxyError(reply, {
            status: 401,
            code: 'invalid_credentials',
            title: 'Unauthorized',
            detail: 'Wrong username or password.',
          });
        }
        if (result === 'disabled') {
          await store.audit.event({
            action: 'auth.fail',
            actor: username.toLowerCase(),
            ...meta,
            status: 403,
            result: 'rejected',
            detail: 'account disabled',
          });
          return sendProxyError(reply, {
            status: 403,
            code: 'account_disabled',
            title: 'Forbidden',
            detail: 'This account is disabled. Ask an admin to enable it.',
          });
        }
        await store.throttle.reset(rules[0]!.key);
        // A new session id at every sign-in; an old session presented with this request ends now.
        if (request.user) await store.sessions.revoke(request.user.sessionId);
        const { token, idHash } = await store.sessions.create(result.id, {
          sourceIp: meta.sourceIp,
          ...(meta.userAgent ? { userAgent: meta.userAgent } : {}),
        });
        await store.audit.event({
          action: 'auth.login',
          actorId: result.id,
          actor: result.username,
          role: result.role,
          ...meta,
          sessionHash: idHash,
          status: 200,
          result: 'ok',
        });
        reply.header('set-cookie', sessionCookie(token, cookieMaxAge));
        return { user: publicUser(result) };
      });

      // S-13: a single-use, 5-minute confirmation for spending money, bound to (user, action, target, what was shown).
      app.post('/auth/confirmations', { bodyLimit: 4096 }, async (request, reply) => {
        const user = request.user;
        if (!user) return unauthenticated(reply);
        const body = (request.body ?? {}) as { action?: unknown; target?: unknown; details?: unknown };
        const op = OPERATIONS.find((o) => o.operationId === body.action);
        if (!op || !CONFIRMABLE.has(op.operationId)) {
          return sendProxyError(reply, {
            status: 400,
            code: 'invalid_body',
            title: 'Bad Request',
            detail: `action must be one of ${[...CONFIRMABLE].join(', ')}.`,
            source: { pointer: '/action' },
          });
        }
        if (typeof body.target !== 'string' || !/^[0-9]{11}$/.test(body.target)) {
          return sendProxyError(reply, {
            status: 400,
            code: 'invalid_body',
            title: 'Bad Request',
            detail: 'target must be the 11-digit number, e.g. 12065550100.',
            source: { pointer: '/target' },
          });
        }
        const details = body.details ?? {};
        if (typeof details !== 'object' || Array.isArray(details) || JSON.stringify(details).length > 1000) {
          return sendProxyError(reply, {
            status: 400,
            code: 'invalid_body',
            title: 'Bad Request',
            detail: 'details must be a small object (what the user was shown, e.g. the costs).',
            source: { pointer: '/details' },
          });
        }
        if (!roleAtLeast(user.role, op.minRole)) {
          return sendProxyError(reply, {
            status: 403,
            code: 'forbidden_role',
            title: 'Forbidden',
            detail: `This needs the ${op.minRole} role; you are ${user.role}.`,
          });
        }
        const issued = await store.confirmations.issue({
          userId: user.id,
          action: op.operationId,
          target: body.target,
          details: details as Record<string, unknown>,
        });
        reply.code(201);
        return issued;
      });

      app.post('/auth/logout', async (request, reply) => {
        const user = request.user;
        if (user) {
          await store.sessions.revoke(user.sessionId);
          await store.audit
            .event({
              action: 'auth.logout',
              actorId: user.id,
              actor: user.username,
              role: user.role,
              ...requestMeta(request),
              sessionHash: user.sessionId,
              result: 'ok',
            })
            .catch((err: unknown) =>
              request.log.error({ err: { message: (err as Error).message } }, 'audit failed'),
            );
        }
        reply.header('set-cookie', clearedSessionCookie());
        return reply.code(204).send();
      });
    });
  },
  { name: 'auth', fastify: '5.x' },
);

/**
 * Demo mode: the admin `demo` exists with DEMO_PASSWORD, or a fresh random password printed once. Live mode: no
 * default account, so a `demo` account left over from a demo run on the same database is disabled.
 */
export async function ensureDemoAccount(
  store: Store,
  config: Pick<Config, 'mode' | 'demoPassword'>,
  print: (line: string) => void,
): Promise<void> {
  if (config.mode === 'demo') {
    const password = config.demoPassword ?? generatePassword();
    await store.users.ensureDemoUser(DEMO_USERNAME, password);
    print(
      config.demoPassword
        ? `Demo mode: sign in as "${DEMO_USERNAME}" with the password from DEMO_PASSWORD.`
        : `Demo mode: sign in as "${DEMO_USERNAME}" with password ${password} (new on every start; set DEMO_PASSWORD to fix it).`,
    );
    return;
  }
  const demo = await store.users.findByUsername(DEMO_USERNAME);
  if (demo && !demo.disabled) {
    try {
      await store.users.setDisabled(demo.id, true);
      await store.sessions.revokeUser(demo.id);
      print(`Live mode: the demo account "${DEMO_USERNAME}" from an earlier demo run was disabled.`);
    } catch {
      print(
        `Live mode: the account "${DEMO_USERNAME}" is the last admin and stays enabled; add another admin.`,
      );
    }
  }
}

export interface StaffAccessOptions {
  config: Config;
}

/**
 * Everything staff access adds to the app, for app.ts's `deps.auth`: CSRF checks, sessions and /auth routes,
 * `app.audit`, the admin API, and (demo mode) the demo account. Register before the API table.
 */
export function createStaffAccess(
  store: Store,
  extra: { throttle?: ThrottleLimits; print?: (line: string) => void } = {},
): FastifyPluginAsync<StaffAccessOptions> {
  return fp(
    async function staffAccess(app: FastifyInstance, opts: StaffAccessOptions) {
      const { config } = opts;
      await app.register(csrfPlugin, { corsOrigins: config.corsOrigins });
      await app.register(authPlugin, {
        store,
        mode: config.mode,
        ...(extra.throttle ? { throttle: extra.throttle } : {}),
      });
      await app.register(auditPlugin, { store });
      app.decorate(
        'purchaseConfirmation',
        config.purchaseConfirmation === 'required' ? store.confirmations : null,
      );
      await app.register(adminRoutes, { store });
      await ensureDemoAccount(store, config, extra.print ?? ((line) => app.log.info(line)));
    },
    { name: 'staff-access', fastify: '5.x' },
  );
}
