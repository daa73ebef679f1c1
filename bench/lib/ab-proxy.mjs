// Side-by-side before/after of proxy changes (docs/performance.md, "What was changed"): several builds of the
// proxy, each from a git commit (or the working tree), run at the same time in front of ONE emulator; the bench's
// two reads at 16 connections are measured in alternating cells (the order rotates every round), so a change in the
// machine's load hits every variant alike. Prints the medians per variant and the load average; writes the JSON to
// bench/results/ab-proxy-<timestamp>.json.
//
//   node bench/lib/ab-proxy.mjs --variant=before:HEAD~1 --variant=after:worktree [--rounds=5] [--seconds=4]
//     [--reads=one,list] [--connections=16] [--bare] [--pin] [--port-base=9920]
//   a variant may carry environment:  --variant=prod:worktree:NODE_ENV=production
//   a CPU profile of one variant:     --cpu-prof=after  (writes .cpuprofile files to bench/results/cpu-<variant>/)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProxy } from './build.mjs';
import { measure, round } from './load.mjs';
import { stopAll, stopChildrenOnExit } from './procs.mjs';
import { basicAuth, signIn, startBareProxy, startEmulator, startProxy, tempDir } from './stack.mjs';

const args = process.argv.slice(2);
const option = (name) => args.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
const one = (name, fallback) => option(name)[0] ?? fallback;

const rounds = Number(one('rounds', '5'));
const seconds = Number(one('seconds', '4'));
const warmupS = Number(one('warmup', '1'));
const connections = one('connections', '16').split(',').map(Number);
const readsWanted = one('reads', 'one,list').split(',');
const portBase = Number(one('port-base', '9920'));
const profiled = one('cpu-prof', null);
/** Node's arguments for a server: a CPU profile into bench/results/cpu-<name>/ when --cpu-prof names it. */
const profArgs = (name) => {
  if (profiled !== name) return [];
  const dir = path.resolve(`bench/results/cpu-${name}`);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
};
const withBare = args.includes('--bare');
// --pin: every server under test on CPU 0, the emulator and this process (the load generator) on CPU 1, so the
// servers never share a core with the load they answer; CPU per request moves less from round to round.
const pinned = args.includes('--pin');
const pin = (pid, cpu) => {
  if (pinned) execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
};
const variants = option('variant').map((spec, i) => {
  const [name, ref, ...envPairs] = spec.split(':');
  if (!name || !ref) throw new Error(`--variant=name:ref[:ENV=VALUE…], got "${spec}"`);
  const env = Object.fromEntries(envPairs.map((p) => [p.split('=')[0], p.split('=').slice(1).join('=')]));
  return { name, ref, env, port: portBase + 1 + i };
});
if (variants.length === 0) throw new Error('give at least one --variant=name:ref');

const log = (line) => process.stderr.write(`${line}\n`);
const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Builds each distinct ref once into build/ab-proxy/<ref>/proxy. */
async function buildAll() {
  const root = path.resolve('build/ab-proxy');
  const built = new Map();
  for (const v of variants) {
    if (built.has(v.ref)) {
      v.proxyDir = built.get(v.ref);
      continue;
    }
    const slug = v.ref.replace(/[^A-Za-z0-9_.-]/g, '_');
    const out = path.join(root, slug, 'proxy');
    let srcRoot = '.';
    let commit = 'worktree';
    if (v.ref !== 'worktree') {
      commit = execFileSync('git', ['rev-parse', '--short', v.ref], { encoding: 'utf8' }).trim();
      srcRoot = path.join(root, slug, 'src');
      rmSync(srcRoot, { recursive: true, force: true });
      mkdirSync(srcRoot, { recursive: true });
      // The commit's proxy/ tree, extracted inside the repo so its imports still find node_modules.
      execFileSync('sh', ['-c', `git archive ${commit} proxy | tar -x -C "${srcRoot}"`]);
    }
    log(`ab-proxy: building ${v.ref} (${commit}) into ${path.relative(process.cwd(), out)}`);
    await buildProxy({ srcRoot, outDir: out });
    // Only the bundle is kept: an extracted source tree under build/ must not be seen by tsc, eslint or vitest.
    if (srcRoot !== '.') rmSync(srcRoot, { recursive: true, force: true });
    built.set(v.ref, out);
    v.proxyDir = out;
    v.commit = commit;
  }
  for (const v of variants) v.commit ??= variants.find((w) => w.ref === v.ref)?.commit;
}

async function main() {
  stopChildrenOnExit();
  const startedAt = new Date();
  const dir = tempDir('ab-proxy');
  await buildAll();
  const emulator = await startEmulator({
    port: portBase,
    seed: 'large',
    dir,
    proxyDir: variants[0].proxyDir,
  });
  pin(process.pid, 1);
  pin(emulator.handle.pid, 1);
  const list = await fetch(`${emulator.url}/v2/numbers?limit=1`, {
    headers: { authorization: basicAuth() },
  }).then((r) => r.json());
  const id = list.data[0].id;
  const reads = [
    { read: 'one', path: `/v2/numbers/${id}` },
    { read: 'list', path: '/v2/numbers?limit=200' },
  ].filter((r) => readsWanted.includes(r.read));

  const targets = [];
  for (const v of variants) {
    const proxy = await startProxy({
      port: v.port,
      upstreamUrl: emulator.url,
      dir,
      proxyDir: v.proxyDir,
      extraEnv: v.env,
      nodeArgs: profArgs(v.name),
    });
    pin(proxy.handle.pid, 0);
    const cookie = await signIn(proxy.url);
    targets.push({
      name: v.name,
      handle: proxy.handle,
      prefix: `${proxy.url}/api`,
      headers: { cookie, 'x-csrf': '1', origin: proxy.url },
    });
  }
  if (withBare) {
    const bare = await startBareProxy({
      port: portBase + 9,
      upstreamUrl: emulator.url,
      dir,
      nodeArgs: profArgs('bare'),
    });
    pin(bare.handle.pid, 0);
    targets.push({ name: 'bare', handle: bare.handle, prefix: bare.url, headers: {} });
  }
  const loadStart = load();
  log(
    `ab-proxy: ${variants.map((v) => `${v.name}=${v.ref}${Object.keys(v.env).length ? ` ${JSON.stringify(v.env)}` : ''}`).join(', ')}; ${rounds} rounds × ${seconds} s${pinned ? '; pinned: servers on CPU 0, emulator and load on CPU 1' : ''}; load average ${loadStart}`,
  );

  // Every variant warmed up first (JIT, pools, the session cache), so round 0 is not a cold start for some of them.
  for (const t of targets)
    for (const { path: p } of reads)
      await measure({
        url: `${t.prefix}${p}`,
        headers: t.headers,
        connections: connections[0],
        durationS: 2,
        warmupS: 0,
      });
  const cells = [];
  for (let r = 0; r < rounds; r++) {
    for (const { read, path: p } of reads) {
      for (const c of connections) {
        // Rotate the order every round so no variant always runs first (or right after the warm machine).
        const order = targets.map((_, i) => targets[(i + r) % targets.length]);
        for (const t of order) {
          const m = await measure({
            url: `${t.prefix}${p}`,
            headers: t.headers,
            connections: c,
            durationS: seconds,
            warmupS,
            cpuPgid: t.handle.pid,
          });
          cells.push({ round: r, read, connections: c, variant: t.name, ...m });
          log(
            `  r${r} ${read.padEnd(4)} c=${c} ${t.name.padEnd(10)} ${String(m.rps).padStart(6)} req/s  CPU ${m.cpuUsPerReq} µs/req  p50 ${m.p50}  p99 ${m.p99} ms  err ${m.errors}/${m.non2xx}  load ${os.loadavg()[0].toFixed(2)}`,
          );
        }
      }
    }
  }
  const loadEnd = load();
  await stopAll();

  const summary = [];
  for (const { read } of reads) {
    for (const c of connections) {
      for (const t of targets) {
        const mine = cells.filter((x) => x.read === read && x.connections === c && x.variant === t.name);
        summary.push({
          read,
          connections: c,
          variant: t.name,
          rps: Math.round(median(mine.map((x) => x.rps))),
          cpuUsPerReq: Math.round(median(mine.map((x) => x.cpuUsPerReq))),
          p50: round(median(mine.map((x) => x.p50))),
          p99: round(median(mine.map((x) => x.p99))),
          cpuAll: mine.map((x) => x.cpuUsPerReq),
          rpsAll: mine.map((x) => x.rps),
          errors: mine.reduce((n, x) => n + x.errors + x.non2xx, 0),
        });
      }
    }
  }
  // Pairwise: in how many rounds was the later variant's CPU per request lower than the first's?
  const first = targets[0].name;
  const lines = [
    `ab-proxy ${startedAt.toISOString()}: ${rounds} rounds × ${seconds} s per cell, load average ${loadStart} at start, ${loadEnd} at end`,
    '',
    '| read | c | variant | req/s (median) | CPU µs/req (median) | p50 / p99 ms (median) | CPU per round | lower CPU than ' +
      first +
      ' in |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of summary) {
    const base = summary.find(
      (x) => x.read === s.read && x.connections === s.connections && x.variant === first,
    );
    const wins =
      s.variant === first ? '' : `${s.cpuAll.filter((v, i) => v < base.cpuAll[i]).length} of ${rounds}`;
    lines.push(
      `| ${s.read} | ${s.connections} | ${s.variant} | ${s.rps.toLocaleString('en-US')} | ${s.cpuUsPerReq} | ${s.p50} / ${s.p99} | ${s.cpuAll.join(' ')} | ${wins} |`,
    );
  }
  const table = lines.join('\n');
  mkdirSync('bench/results', { recursive: true });
  const file = path.join('bench/results', `ab-proxy-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ startedAt, variants, rounds, seconds, loadStart, loadEnd, cells, summary, table }, null, 2)}\n`,
  );
  process.stdout.write(`${table}\n`);
  log(`ab-proxy: wrote ${file}`);
  rmSync(dir, { recursive: true, force: true });
}

main().catch(async (err) => {
  await stopAll();
  console.error(err?.stack ?? err);
  process.exit(1);
});
