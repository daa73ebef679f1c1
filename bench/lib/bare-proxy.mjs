// The bench's reference row "bare node": the least a Node proxy can do for these reads — a node:http server and an
// undici Pool (keep-alive, the same 32 connections as our proxy's default) to the emulator; it adds the Basic auth
// header and streams the upstream body back with its status and content type. No routing, sessions, checks,
// limits, logging or security headers: it shows the floor any Node proxy reaches on this machine. stack.mjs starts it
// with the same V8 heap growth as our proxy (--heap-growing-percent=300).
//
//   BARE_PORT=… BARE_UPSTREAM=http://127.0.0.1:… BARE_AUTHORIZATION='Basic …' node bench/lib/bare-proxy.mjs
import http from 'node:http';
import { Pool } from 'undici';

const port = Number(process.env.BARE_PORT);
const host = process.env.BARE_HOST ?? '127.0.0.1';
const authorization = process.env.BARE_AUTHORIZATION;
if (!port || !process.env.BARE_UPSTREAM || !authorization) {
  console.error('bare-proxy: set BARE_PORT, BARE_UPSTREAM and BARE_AUTHORIZATION');
  process.exit(2);
}
const pool = new Pool(process.env.BARE_UPSTREAM, {
  connections: 32,
  pipelining: 1,
  keepAliveTimeout: 30_000,
});
const upstreamHeaders = { authorization, accept: 'application/vnd.api+json, application/json;q=0.9' };

const server = http.createServer((req, res) => {
  pool.request({ method: 'GET', path: req.url, headers: upstreamHeaders }).then(
    (up) => {
      const headers = { 'content-type': up.headers['content-type'] ?? 'application/json' };
      if (up.headers['content-length'] !== undefined)
        headers['content-length'] = up.headers['content-length'];
      res.writeHead(up.statusCode, headers);
      up.body.on('error', () => res.destroy());
      up.body.pipe(res);
    },
    () => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    },
  );
});
server.keepAliveTimeout = 30_000;
server.listen(port, host, () => console.log(`bare-proxy listening on http://${host}:${port}`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void pool.close().finally(() => process.exit(0));
  });
}
