// Starts the proxy: validated config, the embedded emulator in demo mode, listen, and graceful shutdown on signals.
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { startEmulator, type EmulatorHandle } from '../emulator/index';
import { buildApp, type BuildDeps } from './app';
import { ConfigError, describeConfig, loadConfig, type Config } from './config';
import { BatchedLines } from './log-stream';
import { createStaffAccess } from './plugins/auth';
import { describeStore, openStore, type Store } from './store';

/** Longer than the 20 s mutation deadline, so a purchase in flight is never cut off by a restart. */
export const SHUTDOWN_GRACE_MS = 25_000;

export interface RunningServer {
  app: FastifyInstance;
  config: Config;
  emulator: EmulatorHandle | null;
  url: string;
  close(): Promise<void>;
}

/**
 * Builds and starts everything for `config`. In demo mode the emulator is started on 127.0.0.1:EMULATOR_PORT
 * with freshly generated keys that exist only in this process.
 */
export async function startServer(
  config: Config,
  deps: BuildDeps = {},
  onClose?: () => Promise<void>,
): Promise<RunningServer> {
  let emulator: EmulatorHandle | null = null;
  let effective = config;
  if (config.mode === 'demo') {
    const accessKey = `demo-${randomBytes(8).toString('hex')}`;
    const secretKey = randomBytes(32).toString('base64url');
    emulator = await startEmulator({
      port: config.emulatorPort,
      host: '127.0.0.1',
      accessKey,
      secretKey,
      quiet: true,
    });
    effective = { ...config, upstream: { baseUrl: emulator.url, accessKey, secretKey } };
  }
  let app: FastifyInstance;
  try {
    app = await buildApp(effective, deps);
    if (emulator) {
      app.log.info(
        `Demo mode: no Flowroute keys set; using the embedded Flowroute emulator at ${emulator.url} (control API at ${emulator.url}/__emulator).`,
      );
    } else {
      app.log.info(`Live mode: forwarding to Flowroute at ${effective.upstream?.baseUrl ?? '?'}.`);
    }
    app.log.info({ config: describeConfig(effective) }, 'configuration');
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await emulator?.close().catch(() => undefined);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':')
    ? `[${config.host}]`
    : config.host === '0.0.0.0'
      ? 'localhost'
      : config.host;
  const url = `http://${host}:${port}`;
  let closing: Promise<void> | null = null;
  return {
    app,
    config: effective,
    emulator,
    url,
    close() {
      closing ??= (async () => {
        // Readiness goes false first so a load balancer stops sending; then Fastify stops accepting (503 to new
        // requests on kept-alive sockets) and waits for the requests in flight; then the emulator goes.
        app.readiness.shuttingDown = true;
        await app.close();
        await emulator?.close();
        await onClose?.();
      })();
      return closing;
    },
  };
}

/**
 * stdout through batches of ~8 KiB written off the event loop (sonic-boom, asynchronous), flushed every `flushMs`,
 * and synchronously on exit (close-with-grace exits after the drain, also after a fatal error). A synchronous write
 * per line was ~9 % of the proxy's busy CPU under load, and sonic-boom's own buffering ~4 µs a line (log-stream.ts,
 * docs/performance.md). Trade-off: a hard crash that skips the exit handlers (SIGKILL, the OOM killer, a native
 * abort) loses the lines of the last second.
 */
export function bufferedStdout(flushMs: number): BatchedLines {
  const boom = pino.destination({ dest: 1, sync: false, minLength: 0 });
  return new BatchedLines(
    { fd: 1, write: (data) => boom.write(data), flushSync: () => boom.flushSync() },
    flushMs,
  );
}

/**
 * Lets V8's old generation grow `percent` % past what the last full collection kept before it starts the next one
 * (config GC_HEAP_GROWING_PERCENT; 0 leaves V8's own heuristics). V8 reads it whenever it sets the next limit, so
 * setting it at start-up works (measured side by side: docs/performance.md, 34); server.test.ts checks in a child
 * process that this Node's V8 knows the flag.
 */
export function applyGcTuning(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  applyGcTuning(config.gcHeapGrowingPercent);
  let running: RunningServer;
  let store: Store | null = null;
  const logStream = config.logFlushMs > 0 ? bufferedStdout(config.logFlushMs) : null;
  try {
    const dbOptions = {
      databaseUrl: config.databaseUrl ?? undefined,
      schema: config.databaseSchema ?? undefined,
      queryTimeoutMs: config.databaseQueryTimeoutMs,
      dataDir: path.join(config.dataDir, 'db'),
    };
    console.log(`Opening the proxy's database: ${describeStore(dbOptions)}`);
    store = await openStore({
      ...dbOptions,
      storeMessageText: config.auditStoreMessageText,
      session: {
        idleMs: config.sessionIdleMinutes * 60_000,
        absoluteMs: config.sessionAbsoluteHours * 3_600_000,
      },
    });
    const opened = store;
    running = await startServer(
      config,
      {
        store: opened,
        auth: createStaffAccess(opened, { print: (line) => console.log(line) }),
        ...(logStream ? { logStream } : {}),
      },
      () => opened.close(),
    );
  } catch (err) {
    await store?.close().catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    console.error(
      e.code === 'EADDRINUSE'
        ? `Cannot listen: port ${config.port} on ${config.host} is already in use. Stop the other process or set PORT.`
        : `Start-up failed: ${e.message}`,
    );
    process.exit(1);
  }
  running.app.log.info(`Flowroute ops dashboard listening on ${running.url}`);
  logStream?.flush(); // the start-up lines now, not after the first interval
  closeWithGrace(
    { delay: SHUTDOWN_GRACE_MS, logger: { error: (msg: unknown) => running.app.log.error(String(msg)) } },
    async ({ signal, err }) => {
      if (err)
        running.app.log.error(
          { err: { message: err.message, stack: err.stack } },
          'fatal error; shutting down',
        );
      else running.app.log.info({ signal }, 'shutting down: finishing requests in flight');
      await running.close();
      running.app.log.info('stopped');
      logStream?.flushSync();
    },
  );
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(path.resolve(entry)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// Run only as the entry point (tests import startServer).
if (isEntryPoint()) void main();
