// Builds the proxy as a Fastify instance (tests use inject): headers, logs, health, auth, the closed API table, the SPA.
import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Config } from './config';
import accessLog from './plugins/access-log';
import cors from './plugins/cors';
import errors from './plugins/errors';
import forwarder from './plugins/forwarder';
import health from './plugins/health';
import idempotency from './plugins/idempotency';
import outcomes from './plugins/outcomes';
import { DbRateCounters, embeddedDbCounters, MemoryRateCounters, RateLimiter } from './plugins/rate-limits';
import securityHeaders from './plugins/security-headers';
import staticSpa from './plugins/static';
import { apiRoutes } from './routes/api';
import { createFastRead, MAX_PARAM_LENGTH, type FastRead } from './routes/fast-read';
import { outcomeRoutes } from './routes/outcomes';
import type { Queryable } from './store/db';
import type { AuditLog, IdempotencyStore, SessionUser } from './store/types';

/** What app.ts needs from the storage layer; the real store object may carry more (users, sessions…). */
export interface AppStore {
  idempotency?: IdempotencyStore | null;
  audit?: AuditLog | null;
  /** The database itself, for rate-limit counters shared by all replicas (table rate_counters). */
  db?: Queryable | null;
}

export interface BuildDeps {
  /** Database-backed stores; without one, idempotency is kept in memory and no audit is written. */
  store?: AppStore | null;
  /** Where JSON log lines go (tests capture them); default stdout. */
  logStream?: DestinationStream;
  /**
   * The staff-access plugin (sessions, /auth routes, CSRF). It must decorate `request.user` and is registered
   * before the API table. Without it every /api call is answered 401.
   */
  auth?: FastifyPluginAsync<{ config: Config; store: AppStore | null }> | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    store: AppStore | null;
  }
}

/** Log redaction backstop: the request serializer logs no headers, but nothing secret may ever get through. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.secretKey',
  '*.accessKey',
  'upstream.secretKey',
  'config.upstream.secretKey',
];

export async function buildApp(config: Config, deps: BuildDeps = {}): Promise<FastifyInstance> {
  // Reads that routes/fast-read.ts answers in front of Fastify once every plugin is registered (FAST_READS).
  let fastRead: FastRead | null = null;
  const app = Fastify({
    // The server Fastify would make (its timeouts included), with the fast read path in front of Fastify's handler.
    serverFactory: (handler, options) => {
      const listener: RequestListener = (req, res) => {
        if (fastRead === null || !fastRead(req, res)) handler(req, res);
      };
      // Fastify hands its options with its defaults filled in.
      const o = options as { keepAliveTimeout: number; requestTimeout: number; connectionTimeout: number };
      const server = createServer(listener);
      server.keepAliveTimeout = o.keepAliveTimeout;
      server.requestTimeout = o.requestTimeout;
      server.setTimeout(o.connectionTimeout);
      return server;
    },
    logger: {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    // access-log.ts writes exactly one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'req_id' }),
    genReqId: () => randomUUID(),
    // One limit for both paths: fast-read.ts leaves a longer path parameter to Fastify, which answers it 414.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    requestTimeout: 30_000,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
  });

  app.decorate('config', config);
  app.decorate('store', deps.store ?? null);

  // Flowroute's media type; parsed like JSON (with prototype-poisoning protection).
  app.addContentTypeParser(
    ['application/vnd.api+json'],
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  await app.register(errors);
  await app.register(accessLog);
  await app.register(securityHeaders, { config });
  await app.register(cors, { origins: config.corsOrigins });
  await app.register(health);
  await app.register(idempotency, { store: deps.store?.idempotency ?? null });
  await app.register(forwarder, { config });

  if (deps.auth) {
    await app.register(deps.auth, { config, store: deps.store ?? null });
  }
  if (!app.hasRequestDecorator('user')) {
    // No auth plugin: nobody is signed in, so the table answers every /api call with 401.
    app.decorateRequest('user', null);
  }

  await app.register(outcomes, { config, audit: deps.store?.audit ?? null });
  const db = deps.store?.db;
  const limiter = new RateLimiter(
    !db
      ? new MemoryRateCounters()
      : (db as { kind?: string }).kind === 'pglite'
        ? embeddedDbCounters(db) // one process: reads counted in memory (bench/)
        : new DbRateCounters(db),
  );
  await app.register(apiRoutes, { config, audit: deps.store?.audit ?? null, limiter });
  await app.register(outcomeRoutes, {
    audit: deps.store?.audit ?? null,
    settleDeadlineMs: config.settle.deadlineMs,
  });
  await app.register(staticSpa, { config });
  if (config.fastReads) fastRead = createFastRead(app, { config, limiter });
  // Closing (also app.close() without server.ts's drain): every request is Fastify's again, which answers 503.
  app.addHook('preClose', (done) => {
    fastRead = null;
    done();
  });
  return app;
}

export type { SessionUser };
