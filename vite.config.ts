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

/**
 * Lets the browser fetch and compile the Numbers page (the landing page: `/` redirects there) while the entry is
 * still being parsed and run, instead of only once the router asks for it: `<link rel="modulepreload">` for its
 * chunk and the chunks it imports, and its CSS (docs/performance.md, section 2). On other pages these ~25 KB gzip are
 * fetched for nothing (the entry itself is ~130 KB). The CSS (a few hundred bytes of scoped classes) is linked as a
 * stylesheet, not preloaded: a preload left unused on other pages is a console warning there, and Vite's loader of the
 * page's chunk finds the stylesheet already in place.
 */
function preloadLandingPage(pageModule: string): Plugin {
  return {
    name: 'flowroute-preload-landing-page',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((c) => c.type === 'chunk');
        const page = chunks.find((c) => c.facadeModuleId?.endsWith(pageModule));
        const entry = chunks.find((c) => c.isEntry);
        if (!page || !entry) throw new Error(`preloadLandingPage: no chunk for ${pageModule}`);
        // The entry and what it imports statically are already loaded (or preloaded by Vite).
        const loaded = new Set([entry.fileName, ...entry.imports]);
        const files: string[] = [];
        const visit = (fileName: string) => {
          if (loaded.has(fileName) || files.includes(fileName)) return;
          files.push(fileName);
          const chunk = chunks.find((c) => c.fileName === fileName);
          for (const imported of chunk?.imports ?? []) visit(imported);
        };
        visit(page.fileName);
        const css = [...(page.viteMetadata?.importedCss ?? [])];
        return [
          ...files.map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` },
            injectTo: 'head' as const,
          })),
          ...css.map((file) => ({
            tag: 'link',
            attrs: { rel: 'stylesheet', crossorigin: true, href: `/${file}` },
            injectTo: 'head' as const,
          })),
        ];
      },
    },
  };
}

/**
 * Starts the sign-in check (`/auth/me`) and the deployment's settings (`/auth/config`) with the page itself, while the
 * app's code is still loading, instead of once the entry has run (~1 s later at 4× CPU throttle; one round trip
 * later on any network). The app's own `fetch` of the same URL, mode and credentials is answered by the preload
 * (main.tsx waits for it before starting the router). Every screen asks for both on a cold load: the shell's gate
 * and header, the sign-in page's redirect and demo hint. With `VITE_API_ORIGIN` the proxy is on another origin and
 * the requests carry its cookie (`use-credentials`), as the app's own do.
 */
function preloadSignInCheck(): Plugin {
  let origin = '';
  return {
    name: 'flowroute-preload-sign-in-check',
    configResolved(config) {
      origin = String(config.env.VITE_API_ORIGIN ?? '').replace(/\/+$/, '');
    },
    transformIndexHtml() {
      return ['/auth/me', '/auth/config'].map((href) => ({
        tag: 'link',
        attrs: {
          rel: 'preload',
          as: 'fetch',
          href: `${origin}${href}`,
          crossorigin: origin ? 'use-credentials' : 'anonymous',
        },
        injectTo: 'head-prepend' as const,
      }));
    },
  };
}

/**
 * Marks the chunks of a cold /numbers load with V8's explicit compile hint (`//# allFunctionsCalledOnLoad`), so
 * Chromium compiles their functions eagerly while the file streams in, off the main thread, instead of lazily on the
 * main thread at each function's first call (docs/performance.md). Other browsers ignore the comment.
 */
function compileHints(pageModule: string): Plugin {
  return {
    name: 'flowroute-compile-hints',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const entry = chunks.find((c) => c.isEntry);
        const page = chunks.find((c) => c.facadeModuleId?.endsWith(pageModule));
        if (!entry || !page) throw new Error(`compileHints: no chunk for the entry or ${pageModule}`);
        const marked = new Set<string>();
        const visit = (fileName: string) => {
          if (marked.has(fileName)) return;
          marked.add(fileName);
          const chunk = chunks.find((c) => c.fileName === fileName);
          for (const imported of chunk?.imports ?? []) visit(imported);
        };
        visit(entry.fileName);
        visit(page.fileName);
        for (const chunk of chunks) {
          if (!marked.has(chunk.fileName)) continue;
          chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
          // One line more at the top: the source map (when built with one; not `sourcemap: 'inline'`, whose map is
          // already inside the code here) starts with an empty line.
          if (chunk.map) chunk.map.mappings = `;${chunk.map.mappings}`;
          const mapFile = bundle[`${chunk.fileName}.map`];
          if (mapFile?.type === 'asset' && typeof mapFile.source === 'string') {
            const map = JSON.parse(mapFile.source) as { mappings: string };
            map.mappings = `;${map.mappings}`;
            mapFile.source = JSON.stringify(map);
          }
        }
      },
    },
  };
}

export default defineConfig({
  root: 'web',
  publicDir: '../public',
  plugins: [
    react(),
    precompress(),
    preloadSignInCheck(),
    preloadLandingPage('/features/numbers/pages/numbers-list-page.tsx'),
    compileHints('/features/numbers/pages/numbers-list-page.tsx'),
  ],
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
          // jsdom component tests that type and click take 2-5 s on a busy 2-core machine; the 5-s default
          // timed some out under load without any assertion failing.
          testTimeout: 20_000,
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
