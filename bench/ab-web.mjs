// Before/after of the web changes made for issue 8, measured side by side (the machine is shared, so separate runs
// at different times are not comparable): the SPA is built four times from the current tree with the changed files
// taken back to a given commit, each build is served by its own proxy, and cold /numbers loads (4× CPU throttle)
// alternate between them round by round.
//
//   node bench/ab-web.mjs [--rounds=5]
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { coldLoad, LAUNCH } from './browser.mjs';
import { buildProxy } from './lib/build.mjs';
import { stopAll, stopChildrenOnExit } from './lib/procs.mjs';
import { startEmulator, startProxy, tempDir } from './lib/stack.mjs';

const BEFORE = '509abf7'; // the last commit before the web changes
const VARIANTS = [
  { name: 'before', at: BEFORE },
  { name: '+ quick search and toasts deferred', at: 'f3ee207' },
  { name: '+ list request in the route loader', at: '9b3b69f' },
  { name: '+ precompressed assets', at: '2ca7364' },
];
const FILES = [
  'web/src/app/shell.tsx',
  'web/src/app/providers.tsx',
  'web/src/app/deferred-quick-search.tsx',
  'web/src/app/notifications-host.tsx',
  'web/src/app/notifications-container.tsx',
  'web/src/features/numbers/routes.tsx',
  'vite.config.ts',
];
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 5);
const log = (s) => process.stderr.write(`${s}\n`);

function treeAt(commit, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The current tree (web, contract, public, configs) …
  const tar = execFileSync(
    'git',
    ['archive', 'HEAD', 'web', 'public', 'proxy/flowroute', 'vite.config.ts', 'tsconfig.json'],
    {
      maxBuffer: 1 << 28,
    },
  );
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  // … with the changed files as they were at `commit` (absent then = removed).
  for (const file of FILES) {
    const target = path.join(dir, file);
    try {
      writeFileSync(target, execFileSync('git', ['show', `${commit}:${file}`], { maxBuffer: 1 << 26 }));
    } catch {
      rmSync(target, { force: true });
    }
  }
}

async function main() {
  stopChildrenOnExit();
  const dir = tempDir('abweb');
  const root = path.resolve('build/bench/ab');
  log('ab-web: building four SPAs …');
  await buildProxy();
  const { build } = await import('vite');
  for (const [i, v] of VARIANTS.entries()) {
    const src = path.join(root, `src-${i}`);
    treeAt(v.at, src);
    await build({
      configFile: path.join(src, 'vite.config.ts'),
      root: path.join(src, 'web'), // the config's root: 'web' is relative to the working directory
      logLevel: 'error',
      build: { outDir: path.join(root, `dist-${i}`), emptyOutDir: true },
    });
  }
  try {
    const emulator = await startEmulator({ port: 9940, seed: 'default', dir });
    const proxies = await Promise.all(
      VARIANTS.map((_, i) =>
        startProxy({
          port: 9941 + i,
          upstreamUrl: emulator.url,
          dir,
          extraEnv: { STATIC_DIR: path.join(root, `dist-${i}`) },
        }),
      ),
    );
    const browser = await chromium.launch(LAUNCH);
    const results = VARIANTS.map(() => []);
    for (let r = 0; r < rounds; r++) {
      // The order rotates every round, so no variant always follows the same one.
      for (let k = 0; k < VARIANTS.length; k++) {
        const i = (k + r) % VARIANTS.length;
        const v = VARIANTS[i];
        const m = await coldLoad(browser, proxies[i].url, '/numbers', { throttle: 4 });
        results[i].push(m);
        log(
          `  round ${r + 1} ${v.name}: FCP ${m.fcpMs} ms, rows ${m.tableMs} ms, JS ${m.jsGzipKb} KB gzip, ${m.jsTransferredKb} KB over the wire`,
        );
      }
    }
    await browser.close();
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const lines = [
      `| variant (cold /numbers, 4× CPU throttle, median of ${rounds}) | JS gzip KB | JS over the wire KB | FCP ms | rows shown ms |`,
      '| --- | --- | --- | --- | --- |',
      ...VARIANTS.map((v, i) => {
        const rs = results[i];
        return `| ${v.name} | ${rs[0].jsGzipKb} | ${rs[0].jsTransferredKb} | ${median(rs.map((x) => x.fcpMs))} | ${median(rs.map((x) => x.tableMs))} |`;
      }),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    mkdirSync('bench/results', { recursive: true });
    const file = `bench/results/ab-web-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    writeFileSync(
      file,
      `${JSON.stringify({ variants: VARIANTS, rounds, results, table: lines.join('\n') }, null, 2)}\n`,
    );
    log(`ab-web: wrote ${file}`);
    rmSync(dir, { recursive: true, force: true });
  } finally {
    await stopAll();
  }
}

main().catch(async (err) => {
  await stopAll();
  console.error(err?.stack ?? err);
  process.exit(1);
});
