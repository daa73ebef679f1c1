// Builds what the bench runs into build/bench/ (ignored like build/) instead of build/proxy and dist/, so a bench run never
// replaces the files other people's e2e servers are serving: the proxy bundle (same esbuild options as
// .ci/build-proxy.mjs; it must live inside the repo so `packages: 'external'` finds node_modules) and the SPA.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build as esbuild } from 'esbuild';

/** BENCH_BUILD_DIR (default build/bench) lets two runs build side by side; it must stay inside the repo. */
export const BUILD_DIR = path.resolve(process.env.BENCH_BUILD_DIR ?? 'build/bench');
export const PROXY_DIR = path.join(BUILD_DIR, 'proxy');
export const DIST_DIR = path.join(BUILD_DIR, 'dist');

/**
 * `srcRoot`: where `proxy/` is read from (ab-proxy.mjs builds older commits from an extracted copy inside the repo);
 * `outDir`: where server.js, emulator.js and users.js go.
 */
export async function buildProxy({ srcRoot = '.', outDir = PROXY_DIR } = {}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await esbuild({
    entryPoints: {
      server: path.join(srcRoot, 'proxy/src/server.ts'),
      emulator: path.join(srcRoot, 'proxy/emulator/server.ts'),
      users: path.join(srcRoot, 'proxy/src/cli/users.ts'),
    },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
}

export async function buildWeb() {
  const { build } = await import('vite');
  await build({
    configFile: path.resolve('vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: DIST_DIR, emptyOutDir: true },
  });
}
