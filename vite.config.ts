/// <reference types="vitest/config" />
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const contract = fileURLToPath(new URL('./proxy/flowroute', import.meta.url));
const webSrc = fileURLToPath(new URL('./web/src', import.meta.url));
// Every `import … from 'zod'` goes through lib/zod-config.ts, which sets zod's CSP-safe mode before any schema is
// built. So zod loads with the first screen that uses it, not with the entry (docs/performance.md, section 2).
const zodWithConfig = fileURLToPath(new URL('./web/src/lib/zod-config.ts', import.meta.url));

/**
 * Writes .br and .gz next to every built asset of 1 KB or more (assets/ only: index.html stays no-cache and
 * uncompressed); the proxy serves them with @fastify/static's preCompressed (docs/performance.md: the first route's
 * JS went over the wire as ~830 KB uncompressed).
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'flowroute-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir, 'assets');
    },
    writeBundle() {
      for (const name of readdirSync(outDir)) {
        const file = path.join(outDir, name);
        if (!/\.(js|css|svg|json)$/.test(name) || statSync(file).size < 1024) continue;
        const data = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

export default defineConfig({
  root: 'web',
  publicDir: '../public',
  plugins: [react(), precompress()],
  resolve: {
    alias: [
      { find: '@contract', replacement: contract },
      { find: '@', replacement: webSrc },
      { find: /^zod$/, replacement: zodWithConfig },
    ],
  },
  build: { outDir: '../dist', emptyOutDir: true, sourcemap: false },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/auth': 'http://127.0.0.1:8080',
    },
  },
  test: {
    root: '.',
    globals: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['web/src/**/*.test.{ts,tsx}'],
          setupFiles: ['./web/src/test-setup.ts'],
          css: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'proxy',
          environment: 'node',
          include: ['proxy/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
