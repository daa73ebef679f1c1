// One structured access-log line per request (route template, status, upstream status/time, proxy flag); no headers.
import { hostname } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import pino, { type DestinationStream } from 'pino';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client's address as the request began (request.ip reads the socket, gone once the client hangs up). */
    accessIp?: string;
  }
}

function userIdOf(request: FastifyRequest): string | null {
  const user = (request as { user?: { id?: unknown } | null }).user;
  return user && typeof user.id === 'string' ? user.id : null;
}

/** A number for the line (pino writes a non-finite one as null, and so does this). */
function num(value: number | null): string {
  return value !== null && Number.isFinite(value) ? String(value) : 'null';
}

/** A JSON value for the line: strings through JSON.stringify (a path or an address may hold anything). */
function str(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : JSON.stringify(value);
}

/** One access line's fields; the line's format lives only in `accessLog` below (Fastify's hook and fast-read.ts). */
export interface AccessFields {
  id: string;
  userId: string | null;
  method: string;
  /** The operation id, the route template, or null when no route matched. */
  route: string | null;
  status: number;
  durationMs: number;
  remoteIp: string | undefined;
  /** Only when no route matched: the path asked for. */
  path?: string;
  upstreamStatus?: number | null;
  upstreamMs?: number;
  proxyFlag?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Writes one access line (level info, or error for a 5xx) when that level is on. */
    accessLog: (fields: AccessFields) => void;
  }
}

export default fp(
  async function accessLog(app: FastifyInstance) {
    const appStream = (app.log as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
    const levels = pino({ level: app.log.level }, appStream);
    const stream = (levels as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym]!;
    const infoOn = levels.isLevelEnabled('info');
    const errorOn = levels.isLevelEnabled('error');
    const base = `,"pid":${process.pid},"hostname":${str(hostname())}`;
    const write = (f: AccessFields): void => {
      const error = f.status >= 500;
      if (!(error ? errorOn : infoOn)) return;
      let line = `{"level":${error ? 50 : 30},"time":${Date.now()}${base},"req_id":${str(f.id)},"user_id":${str(
        f.userId,
      )},"method":${str(f.method)},"route":${str(f.route)},"status":${f.status},"duration_ms":${num(
        Math.round(f.durationMs),
      )}`;
      if (f.remoteIp !== undefined) line += `,"remote_ip":${str(f.remoteIp)}`;
      if (f.path !== undefined) line += `,"path":${str(f.path)}`;
      if (f.upstreamStatus !== undefined) line += `,"upstream_status":${num(f.upstreamStatus)}`;
      if (f.upstreamMs !== undefined) line += `,"upstream_ms":${num(f.upstreamMs)}`;
      if (f.proxyFlag !== undefined) line += `,"proxy_flag":${str(f.proxyFlag)}`;
      stream.write(`${line},"msg":"request"}\n`);
    };
    app.decorate('accessLog', write);
    if (!app.hasRequestDecorator('accessIp')) app.decorateRequest('accessIp', undefined);
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      request.accessIp = request.ip;
      done();
    });
    app.addHook('onResponse', (request, reply, done) => {
      const template = request.routeOptions.url;
      if (template === '/livez' || template === '/readyz') return done();
      const fields: AccessFields = {
        id: request.id,
        userId: userIdOf(request),
        method: request.method,
        route: request.routeOptions.config.operationId ?? template ?? null,
        status: reply.statusCode,
        durationMs: reply.elapsedTime,
        remoteIp: request.accessIp,
      };
      if (template === undefined) fields.path = (request.raw.url ?? '').split('?')[0]?.slice(0, 200) ?? '';
      if (request.upstreamStatus !== undefined) fields.upstreamStatus = request.upstreamStatus;
      if (request.upstreamMs !== undefined) fields.upstreamMs = request.upstreamMs;
      if (request.proxyFlag !== undefined) fields.proxyFlag = request.proxyFlag;
      write(fields);
      done();
    });
  },
  { name: 'access-log' },
);
