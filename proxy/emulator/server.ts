// Standalone emulator (`npm run emulator`): PORT (default 8081), FLOWROUTE_ACCESS_KEY/FLOWROUTE_SECRET_KEY
// (random ones are generated and printed when unset), EMULATOR_SEED=large, HOST (default 127.0.0.1).
import { randomBytes } from 'node:crypto';
import { startEmulator } from './index';

const port = Number(process.env.PORT ?? 8081);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (got "${process.env.PORT}").`);
  process.exit(1);
}
const seedEnv = process.env.EMULATOR_SEED ?? 'default';
if (seedEnv !== 'default' && seedEnv !== 'large') {
  console.error(`EMULATOR_SEED must be "default" or "large" (got "${seedEnv}").`);
  process.exit(1);
}
const givenKeys = Boolean(process.env.FLOWROUTE_ACCESS_KEY && process.env.FLOWROUTE_SECRET_KEY);
const accessKey = process.env.FLOWROUTE_ACCESS_KEY || `emu${randomBytes(4).toString('hex')}`;
const secretKey = process.env.FLOWROUTE_SECRET_KEY || randomBytes(16).toString('hex');

const started = Date.now();
const emulator = await startEmulator({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  accessKey,
  secretKey,
  seed: seedEnv,
  quiet: process.env.EMULATOR_QUIET === '1',
});
console.log(
  `Flowroute emulator (${seedEnv} seed) listening on ${emulator.url} after ${Date.now() - started} ms`,
);
if (givenKeys) {
  console.log('Credentials: FLOWROUTE_ACCESS_KEY / FLOWROUTE_SECRET_KEY from the environment.');
} else {
  // Generated for this run only; they protect nothing but the local emulator.
  console.log(`Generated credentials: access key ${accessKey}  secret key ${secretKey}`);
}
console.log(`Control API: ${emulator.url}/__emulator/stats`);

let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing the emulator`);
  emulator.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
