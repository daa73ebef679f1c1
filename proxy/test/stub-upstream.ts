// Test helper: a tiny scripted "Flowroute" on port 0 that records every request it receives (headers as sent).
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface StubRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Raw header list as received, so duplicates (e.g. two Authorization headers) are visible. */
  rawHeaders: string[];
  body: string;
}

export type StubHandler = (req: StubRequest, res: ServerResponse) => void | Promise<void>;

export interface Stub {
  url: string;
  port: number;
  requests: StubRequest[];
  /** Requests whose headers arrived (counted even when the body never completes). */
  connections: number;
  setHandler(handler: StubHandler): void;
  close(): Promise<void>;
}

/** Default answer: a JSON:API list with headers a browser must never see (set-cookie, server, www-authenticate). */
export const defaultHandler: StubHandler = (req, res) => {
  res.writeHead(200, {
    'content-type': 'application/vnd.api+json',
    'set-cookie': 'upstream_session=abc; Path=/',
    server: 'flowroute-stub/1.0',
    'www-authenticate': 'Basic realm="x"',
    'x-upstream-internal': 'yes',
  });
  res.end(JSON.stringify({ data: [], links: { self: `https://api.flowroute.com${req.url}` } }));
};

export async function startStub(
  handler: StubHandler = defaultHandler,
  tls?: { key: string | Buffer; cert: string | Buffer },
): Promise<Stub> {
  let current = handler;
  const requests: StubRequest[] = [];
  const state = { connections: 0 };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    state.connections++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record: StubRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(record);
      void Promise.resolve(current(record, res)).catch(() => res.destroy());
    });
  };
  const server: Server = tls ? createHttpsServer(tls, onRequest) : createServer(onRequest);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return state.connections;
    },
    setHandler(h) {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Replies with a JSON body, a status and Flowroute's media type. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/vnd.api+json', ...headers });
  res.end(JSON.stringify(body));
}
