// Before/after of the web changes made for issue 8, measured side by side (the machine is shared, so separate runs
// at different times are not comparable): the SPA is built once per variant from the current tree with the changed
// files taken back to a given commit, each build is served by its own proxy, and cold /numbers loads (4× CPU
// throttle) alternate between them round by round.
//
//   node bench/ab-web.mjs [--rounds=5] [--set=first-route|deferred|render-once|early-auth] [--rtt=ms] [--throttle=4]
//
// Ports AB_PORT_BASE (default 9940) … +1+variants; builds in AB_BUILD_DIR (default build/bench/ab), so two runs can
// go side by side.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { coldLoad, LAUNCH } from './browser.mjs';
import { buildProxy } from './lib/build.mjs';
import { stopAll, stopChildrenOnExit } from './lib/procs.mjs';
import { startEmulator, startProxy, tempDir } from './lib/stack.mjs';

const SETS = {
  // Section 2, first round: quick search and toasts deferred, list request in the route loader, precompression.
  deferred: {
    variants: [
      { name: 'before', at: '509abf7' }, // the last commit before the web changes
      { name: '+ quick search and toasts deferred', at: 'f3ee207' },
      { name: '+ list request in the route loader', at: '9b3b69f' },
      { name: '+ precompressed assets', at: '2ca7364' },
    ],
    files: [
      'web/src/app/shell.tsx',
      'web/src/app/providers.tsx',
      'web/src/app/deferred-quick-search.tsx',
      'web/src/app/notifications-host.tsx',
      'web/src/app/notifications-container.tsx',
      'web/src/features/numbers/routes.tsx',
      'vite.config.ts',
    ],
  },
  // Section 2, second round: the first route under 200 KB (zod, theme, bulk bar, header, modulepreload, …).
  'first-route': {
    variants: [
      { name: 'before', at: '57f0563' },
      { name: '+ zod out of the entry', at: '5c9bce1' },
      { name: '+ theme without Modal/Drawer imports', at: 'a33d513' },
      { name: '+ bulk bar on first selection', at: 'e4ecfba' },
      { name: '+ header without floating-ui', at: '6aee7df' },
      { name: '+ modulepreload of the Numbers page', at: '7d8b86f' },
      { name: '+ frame without AppShell, cart store on demand', at: 'c3e42e3' },
      { name: '+ prefetch on hover (nav links, number links)', at: '0212cb6' },
    ],
    files: [
      'vite.config.ts',
      'web/src/main.tsx',
      'web/src/lib/zod-config.ts',
      'web/src/app/theme.ts',
      'web/src/app/shell.tsx',
      'web/src/app/shell.module.css',
      'web/src/app/hint.tsx',
      'web/src/app/hint.module.css',
      'web/src/app/user-menu.tsx',
      'web/src/app/user-menu-button.tsx',
      'web/src/features/numbers/pages/numbers-list-page.tsx',
      'web/src/features/purchase/routes.tsx',
      'web/src/app/router.tsx',
      'web/src/lib/route-prefetch.ts',
    ],
    // Also time list → a number's detail (hover, click) in each load.
    navigate: true,
  },
  // Fifth session: the sign-in check preloaded by index.html, the router started once it is in (run with and without
  // --rtt=100: on loopback the requests it moves off the critical path take a few ms each).
  'early-auth': {
    variants: [
      { name: 'before', at: 'bfed626' },
      { name: '+ sign-in check preloaded, router after it', at: 'HEAD' },
    ],
    files: ['vite.config.ts', 'web/src/main.tsx'],
  },
  // Third session: less main-thread work before the rows (section 2 goal: rows <= 1.5 s at 4x throttle).
  'render-once': {
    variants: [
      { name: 'before', at: 'c287553' },
      { name: '+ Intl on first use, route cells after the first frame', at: '2974c70' },
      { name: '+ first render after the first navigation (frame drawn once)', at: '033e16c' },
      { name: "+ V8 compile hints on the first route's chunks", at: 'HEAD' },
    ],
    files: [
      'web/src/lib/format.ts',
      'web/src/features/numbers/components/numbers-table.tsx',
      'web/src/main.tsx',
      'web/src/features/numbers/routes.tsx',
      'vite.config.ts',
    ],
  },
};
const option = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const SET = SETS[option('set', 'first-route')];
if (!SET) throw new Error(`unknown --set (use ${Object.keys(SETS).join(', ')})`);
const { variants: VARIANTS, files: FILES, navigate = false } = SET;
const PORT_BASE = Number(process.env.AB_PORT_BASE ?? 9940);
const rounds = Number(option('rounds', 5));
/** Added to every request's time (Chromium's network emulation), e.g. --rtt=100 for a proxy far away. */
const rttMs = Number(option('rtt', 0));
/** Chromium's CPU throttling (section 2 uses 4). */
const throttle = Number(option('throttle', 4));
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
  const root = path.resolve(process.env.AB_BUILD_DIR ?? 'build/bench/ab');
  log(`ab-web: building ${VARIANTS.length} SPAs …`);
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
    const emulator = await startEmulator({ port: PORT_BASE, seed: 'default', dir });
    const proxies = await Promise.all(
      VARIANTS.map((_, i) =>
        startProxy({
          port: PORT_BASE + 1 + i,
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
        const m = await coldLoad(browser, proxies[i].url, '/numbers', { throttle, navigate, rttMs });
        results[i].push(m);
        log(
          `  round ${r + 1} ${v.name}: FCP ${m.fcpMs} ms, rows ${m.tableMs} ms, JS ${m.jsGzipKb} KB gzip, ${m.jsTransferredKb} KB over the wire${navigate ? `, detail ${m.detailNavMs} ms after the click` : ''}`,
        );
      }
    }
    await browser.close();
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const lines = [
      `| variant (cold /numbers, ${throttle}× CPU throttle${rttMs ? `, ${rttMs} ms round trips` : ''}, median of ${rounds}) | JS gzip KB | JS over the wire KB | FCP ms | rows shown ms |${navigate ? ' number detail after click ms |' : ''}`,
      `| --- | --- | --- | --- | --- |${navigate ? ' --- |' : ''}`,
      ...VARIANTS.map((v, i) => {
        const rs = results[i];
        const nav = navigate ? ` ${median(rs.map((x) => x.detailNavMs))} |` : '';
        return `| ${v.name} | ${rs[0].jsGzipKb} | ${rs[0].jsTransferredKb} | ${median(rs.map((x) => x.fcpMs))} | ${median(rs.map((x) => x.tableMs))} |${nav}`;
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
