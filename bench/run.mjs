// `npm run bench`: builds into build/bench/, starts what it needs on 127.0.0.1:9900-9999 (each in its own process
// group), measures, stops everything, prints ONE table and writes bench/results/<timestamp>.json.
//
//   npm run bench                      everything (~13 min on 2 cores)
//   npm run bench -- --only=proxy,memory   some sections: proxy, page, large, memory
//   npm run bench -- --rounds=5        section 1: rounds per server and cell, order rotating (default 3)
//   npm run bench -- --quick           shorter runs (one round of 2 s per load cell, 20,000 reads for memory)
//   npm run bench -- --no-build        reuse build/bench/ from the previous run
//   npm run bench -- --label="after X" a note stored in the JSON
//   npm run bench -- --keep            keep the servers' logs and databases (the temp dir) after a successful run
//   npm run bench -- --only=memory --memory-reads=200000   a longer memory run
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD_DIR, buildProxy, buildWeb } from './lib/build.mjs';
import { stopAll, stopChildrenOnExit } from './lib/procs.mjs';
import {
  BENCH_READ_LIMIT,
  PORTS,
  signIn,
  startBareProxy,
  startEmulator,
  startNginx,
  startProxy,
  tempDir,
} from './lib/stack.mjs';
import { renderTable } from './lib/table.mjs';
import { proxyGoals, runProxyThroughput } from './proxy-throughput.mjs';
import { runMemory } from './memory.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.split('=')
    .slice(1)
    .join('=');
const SECTIONS = ['proxy', 'page', 'large', 'memory'];
const only = option('only')?.split(',') ?? SECTIONS;
for (const s of only)
  if (!SECTIONS.includes(s)) throw new Error(`unknown section "${s}" (use ${SECTIONS.join(',')})`);
const quick = flag('quick');
const roundsOption = option('rounds');
if (roundsOption !== undefined && !/^[1-9][0-9]*$/.test(roundsOption))
  throw new Error(`--rounds must be a whole number of at least 1, got "${roundsOption}"`);

// What the chosen sections need from Debian (a clean clone's README install does not bring these).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = [];
if (only.includes('proxy') && !existsSync('/usr/sbin/nginx'))
  missing.push('nginx (/usr/sbin/nginx) for section 1');
if ((only.includes('page') || only.includes('large')) && !existsSync(CHROMIUM))
  missing.push(`chromium (${CHROMIUM}) for sections 2 and 3`);
if (missing.length > 0) {
  console.error(
    `bench: missing ${missing.join(' and ')}.\nInstall with: apt-get update && apt-get install -y nginx chromium\n(or choose sections with --only=…)`,
  );
  process.exit(2);
}

const log = (line) => process.stderr.write(`${line}\n`);

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? '?',
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: (() => {
      try {
        return /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.platform();
      } catch {
        return os.platform();
      }
    })(),
    loadavg: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

async function main() {
  stopChildrenOnExit();
  const startedAt = new Date();
  const dir = tempDir('run');
  const result = {
    startedAt: startedAt.toISOString(),
    label: option('label') ?? null,
    machine: machine(),
    settings: {
      sections: only,
      quick,
      // Section 1: each (read, connections) cell is run `proxyRounds` times per server, the order rotating.
      proxyRounds: Number(roundsOption ?? (quick ? 1 : 3)),
      // Section 1: before the first cell, each server answers both reads for this long (discarded).
      proxySettleS: quick ? 1 : 4,
      loadDurationS: quick ? 2 : 3,
      warmupS: quick ? 1 : 1,
      connections: [1, 16, 64],
      proxyReadLimitPerMinute: BENCH_READ_LIMIT,
      emulatorSeed: 'large',
      note: 'Client (autocannon / Chromium), servers and the emulator all share the same cores on loopback.',
    },
    sections: {},
  };
  log(
    `bench: ${result.machine.cores} cores, ${result.machine.cpu}, Node ${result.machine.node}; temp dir ${dir}`,
  );
  log(
    `bench: the proxy's per-user read limit is raised to ${BENCH_READ_LIMIT.toLocaleString('en-US')}/min (RATE_LIMIT_READS_PER_MINUTE) so the limiter counts every read but never refuses one`,
  );
  try {
    if (!flag('no-build')) {
      log(
        `bench: building the proxy${only.includes('page') || only.includes('large') ? ' and the SPA' : ''} into ${path.relative(process.cwd(), BUILD_DIR)}/ …`,
      );
      await buildProxy();
      if (only.includes('page') || only.includes('large')) await buildWeb();
    }

    const needsStack = only.some((s) => s !== 'page');
    if (needsStack) {
      log(`bench: starting the emulator (large seed) on ${PORTS.emulator} …`);
      const emulator = await startEmulator({ dir, seed: 'large' });

      if (only.includes('proxy')) {
        log(
          `bench: starting our proxy (live mode → emulator) on ${PORTS.proxy}, the bare Node proxy on ${PORTS.bare} and nginx on ${PORTS.nginx} …`,
        );
        const proxy = await startProxy({ upstreamUrl: emulator.url, dir });
        const bare = await startBareProxy({ upstreamUrl: emulator.url, dir });
        const nginx = await startNginx({ dir });
        const cookie = await signIn(proxy.url);
        log('bench: 1. proxy throughput and added latency');
        const s = result.settings;
        const proxyRun = await runProxyThroughput(
          {
            emulatorUrl: emulator.url,
            proxyUrl: proxy.url,
            nginxUrl: nginx.url,
            bareUrl: bare.url,
            cookie,
            pgids: {
              emulator: emulator.handle.pid,
              proxy: proxy.handle.pid,
              nginx: nginx.handle.pid,
              bare: bare.handle.pid,
            },
          },
          {
            connections: s.connections,
            durationS: s.loadDurationS,
            warmupS: s.warmupS,
            rounds: s.proxyRounds,
            settleS: s.proxySettleS,
            log,
          },
        );
        result.sections.proxy = { ...proxyRun, goals: proxyGoals(proxyRun.rows) };
        await nginx.handle.stop();
        await bare.handle.stop();
        await proxy.handle.stop();
      }

      if (only.includes('large')) {
        const { runLargeAccount } = await import('./browser.mjs');
        log(`bench: 3. large account in Chromium (proxy on ${PORTS.proxy} → large emulator)`);
        const proxy = await startProxy({ port: PORTS.proxy, upstreamUrl: emulator.url, dir });
        result.sections.large = await runLargeAccount({ proxyUrl: proxy.url, log });
        await proxy.handle.stop();
      }

      if (only.includes('memory')) {
        log(`bench: 4. memory (a fresh proxy on ${PORTS.proxyMemory}) …`);
        const proxy = await startProxy({ port: PORTS.proxyMemory, upstreamUrl: emulator.url, dir });
        const cookie = await signIn(proxy.url);
        const list = await fetch(`${proxy.url}/api/v2/numbers?limit=1`, { headers: { cookie } }).then((r) =>
          r.json(),
        );
        result.sections.memory = await runMemory({
          proxyUrl: proxy.url,
          pid: proxy.handle.pid,
          cookie,
          numberId: list.data[0].id,
          total: Number(option('memory-reads') ?? (quick ? 20_000 : 100_000)),
          log,
        });
        await proxy.handle.stop();
      }
      await emulator.handle.stop();
    }

    if (only.includes('page')) {
      const { runPageLoad } = await import('./browser.mjs');
      log(`bench: 2. page load (default seed, proxy on ${PORTS.proxySmall})`);
      const emulator = await startEmulator({ port: PORTS.emulatorSmall, seed: 'default', dir });
      const proxy = await startProxy({ port: PORTS.proxySmall, upstreamUrl: emulator.url, dir });
      result.sections.page = await runPageLoad({ proxyUrl: proxy.url, log });
      await proxy.handle.stop();
      await emulator.handle.stop();
    }
  } finally {
    await stopAll();
  }
  result.finishedAt = new Date().toISOString();
  // Other work on the machine skews every timing: say how busy it was at the start and at the end.
  result.machine.loadavgAtEnd = os.loadavg().map((n) => Math.round(n * 100) / 100);
  const table = renderTable(result);
  mkdirSync('bench/results', { recursive: true });
  const file = path.join('bench/results', `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ ...result, table }, null, 2)}\n`);
  process.stdout.write(`${table}\n`);
  log(`bench: wrote ${file}`);
  // The databases and logs of a successful run are not kept unless --keep (a failed run keeps them and says where).
  if (flag('keep')) log(`bench: logs and databases kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

main().catch(async (err) => {
  await stopAll();
  console.error(err?.stack ?? err);
  console.error('bench: logs and databases of this run are kept in /tmp/flowroute-bench-run-*');
  process.exit(1);
});
