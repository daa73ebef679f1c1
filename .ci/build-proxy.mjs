// Compiles the proxy (and the standalone emulator and CLIs) to plain ESM JavaScript under build/proxy/, so
// production runs `node build/proxy/server.js` with no TypeScript loader. npm packages stay external.
import { existsSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const entries = {
  server: 'proxy/src/server.ts',
  emulator: 'proxy/emulator/server.ts',
  users: 'proxy/src/cli/users.ts',
  'audit-verify': 'proxy/src/cli/audit-verify.ts',
};
const missing = Object.values(entries).filter((p) => !existsSync(p));
if (missing.length > 0) {
  console.error(`build:proxy: missing entry points: ${missing.join(', ')}`);
  process.exit(1);
}
rmSync('build/proxy', { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: 'build/proxy',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled ESM has no require/__dirname; give packages that expect them what Node would.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
console.log('build:proxy: wrote build/proxy/{server,emulator,users,audit-verify}.js');
