// A faithful, stateful, in-memory Flowroute (Numbers v2, Routes, Messages v2.1/v2.2) on node:http, with
// Flowroute's auth, error bodies, paging and send limits, plus test-only fault switches and a control API.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl } from './control';
import type { Fault } from './faults';
import { ApiError, errorBody, errorReply, type Ctx, type Reply } from './http-util';
import { matchOperation } from './router';
import { EmulatorState } from './store';
import type { SeedKind } from './seed';

export { EmulatorState } from './store';
export { isFailingDestination, FAILED_STATUSES, OUTCOMES } from './mdr';
export type { FaultSpec, FaultKind } from './faults';
export type { OperationId } from './router';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  accessKey: string;
  secretKey: string;
  seed?: SeedKind;
  /** No request log lines. */
  quiet?: boolean;
  /** Clock for message times and delivery receipts (tests inject a fake one). Default Date.now. */
  now?: () => number;
  /** Origin used in response links; default: from the request's Host header. */
  baseUrl?: string;
}

export interface EmulatorHandle {
  url: string;
  port: number;
  state: EmulatorState;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const JSON_TYPES = new Set(['application/json', 'application/vnd.api+json']);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** HTTP Basic: access key as user name, secret key as password. Returns the access key or null. */
function authenticate(header: string | undefined, accessKey: string, secretKey: string): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  const okUser = timingSafeEqual(digest(user), digest(accessKey));
  const okPass = timingSafeEqual(digest(pass), digest(secretKey));
  return okUser && okPass ? user : null;
}

function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', reject);
  });
}

function serialize(reply: Reply): { headers: Record<string, string | number>; payload: string } {
  const headers: Record<string, string | number> = { ...reply.headers };
  if (reply.status === 204 || reply.body === undefined) return { headers, payload: '' };
  const payload = JSON.stringify(reply.body);
  headers['Content-Type'] = 'application/vnd.api+json';
  headers['Content-Length'] = Buffer.byteLength(payload);
  return { headers, payload };
}

async function send(req: IncomingMessage, res: ServerResponse, reply: Reply, fault?: Fault): Promise<void> {
  if (fault?.fault === 'reset_after') {
    // The change has been applied; the client never hears about it.
    req.socket.destroy();
    return;
  }
  if (fault?.fault === 'malformed') {
    const payload = '{"data": [{"type": "number", "id": "1206';
    res.writeHead(reply.status === 204 ? 200 : reply.status, {
      'Content-Type': 'application/vnd.api+json',
      'Content-Length': Buffer.byteLength(payload),
    });
    res.end(payload);
    return;
  }
  const { headers, payload } = serialize(reply);
  res.writeHead(reply.status, headers);
  if (req.method === 'HEAD' || payload === '') {
    if (fault?.fault === 'slow_body') await sleep(fault.ms ?? 2000);
    res.end();
    return;
  }
  if (fault?.fault === 'slow_body') {
    const half = Math.floor(payload.length / 2);
    res.write(payload.slice(0, half));
    await sleep(fault.ms ?? 2000);
    if (!res.destroyed) res.end(payload.slice(half));
    return;
  }
  res.end(payload);
}

export function createEmulatorHandler(opts: EmulatorOptions, state: EmulatorState) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    const { text: rawBody, tooLarge } = await readBody(req);

    if (path === '/__emulator' || path.startsWith('/__emulator/')) {
      handleControl(req, res, path, rawBody, state);
      return;
    }

    const fault = state.faults.take(method, path);
    if (fault) state.stats.faultsApplied++;
    if (fault?.fault === 'latency') await sleep(fault.ms ?? 1000);
    if (fault?.fault === 'reset_before') {
      req.socket.destroy();
      return;
    }

    let reply: Reply;
    const match = matchOperation(method, path);
    if (match.kind === 'operation') {
      const op = match.operation.operationId;
      state.stats.calls[op] = (state.stats.calls[op] ?? 0) + 1;
    }
    try {
      if (fault?.fault === 'status') {
        const status = fault.status ?? 503;
        throw new ApiError(
          status,
          status === 429 ? 'Too many requests.' : 'The service is temporarily unavailable.',
          undefined,
          status === 429 ? { 'Retry-After': String(fault.retryAfter ?? 1) } : {},
        );
      }
      const credential = authenticate(req.headers.authorization, opts.accessKey, opts.secretKey);
      if (credential === null) {
        throw new ApiError(401, 'Authentication failed.', 'Unauthorized', {
          'WWW-Authenticate': 'Basic realm="Flowroute API"',
        });
      }
      if (match.kind === 'not-found') {
        throw new ApiError(404, 'The requested URL was not found on the server.');
      }
      if (match.kind === 'method-not-allowed') {
        throw new ApiError(405, 'The method is not allowed for the requested URL.', 'Method Not Allowed', {
          Allow: match.allow.join(', '),
        });
      }
      let body: unknown;
      if (match.operation.body) {
        if (tooLarge) throw new ApiError(413, 'The request body is too large.');
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        // No Content-Type is read as JSON (the Python SDK sends none on route PATCHes); anything else that is
        // not one of the two JSON media types is refused, as Flowroute refused the Node SDK's text/plain.
        if (contentType !== '' && !JSON_TYPES.has(contentType)) {
          throw new ApiError(415, 'Send the body as application/vnd.api+json or application/json.');
        }
        if (rawBody.trim() !== '') {
          try {
            body = JSON.parse(rawBody);
          } catch {
            throw new ApiError(400, 'The request body is not valid JSON.');
          }
        }
      }
      const ctx: Ctx = {
        method,
        path,
        query: url.searchParams,
        base: opts.baseUrl ?? `http://${req.headers.host ?? '127.0.0.1'}`,
        params: match.params,
        body,
        credential,
        now: state.now(),
      };
      reply = match.operation.handler(ctx, state);
    } catch (err) {
      if (err instanceof ApiError) reply = errorReply(err);
      else {
        console.error('[emulator] handler error', err);
        reply = { status: 500, body: errorBody(500, 'Internal error in the emulator.') };
      }
    }
    await send(req, res, reply, fault);
    if (!opts.quiet) {
      const note = fault ? ` [fault ${fault.fault}]` : '';
      console.log(`[emulator] ${method} ${req.url} → ${reply.status} ${Date.now() - started}ms${note}`);
    }
  };
}

export async function startEmulator(opts: EmulatorOptions): Promise<EmulatorHandle> {
  const state = new EmulatorState({ seed: opts.seed ?? 'default', now: opts.now ?? Date.now });
  const handler = createEmulatorHandler(opts, state);
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      console.error('[emulator] request failed', err);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // Node closes idle keep-alive sockets after 5 s by default; a client that reuses one at that moment gets
  // ECONNRESET (seen from Playwright's request context on the control API). Idle sockets stay open 65 s.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    state,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
