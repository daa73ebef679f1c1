// Section 1: the same two reads against (a) the emulator directly with Basic auth, (b) our proxy with a session
// cookie (sessions, CSRF check, per-user rate limit, access log all on), (c) nginx adding the Basic auth header, and
// the reference row "bare node" (bench/lib/bare-proxy.mjs: node:http + undici Pool + Basic auth, nothing else) —
// the floor any Node proxy reaches on this machine.
import { basicAuth } from './lib/stack.mjs';
import { formatStatuses, measure, round } from './lib/load.mjs';

/**
 * @param {{ emulatorUrl: string, proxyUrl: string, nginxUrl: string, bareUrl: string, cookie: string, pgids: {emulator: number, proxy: number, nginx: number, bare: number} }} targets
 * @param {{ connections: number[], durationS: number, warmupS: number, rounds?: number, settleS?: number, log: (s: string) => void }} opts
 */
export async function runProxyThroughput(targets, opts) {
  const list = await fetch(`${targets.emulatorUrl}/v2/numbers?limit=1`, {
    headers: { authorization: basicAuth() },
  }).then((r) => r.json());
  const id = list.data?.[0]?.id;
  if (!id) throw new Error('the emulator returned no numbers');

  const reads = [
    { read: 'list', path: '/v2/numbers?limit=200' },
    { read: 'one', path: `/v2/numbers/${id}` },
  ];
  const servers = [
    {
      server: 'direct',
      base: targets.emulatorUrl,
      prefix: '',
      headers: { authorization: basicAuth() },
      pgid: targets.pgids.emulator,
    },
    {
      server: 'ours',
      base: targets.proxyUrl,
      prefix: '/api',
      headers: { cookie: targets.cookie, 'x-csrf': '1', origin: targets.proxyUrl },
      pgid: targets.pgids.proxy,
    },
    { server: 'bare', base: targets.bareUrl, prefix: '', headers: {}, pgid: targets.pgids.bare },
    { server: 'nginx', base: targets.nginxUrl, prefix: '', headers: {}, pgid: targets.pgids.nginx },
  ];

  // Every server first answers both reads for a while at 16 connections (discarded): a long-running proxy is measured,
  // not one whose JIT and heap limits are still settling (without it ours was ~30 % slower in its first round of 3).
  if (opts.settleS > 0) {
    opts.log(`  settling: each server answers both reads for ${opts.settleS} s (not counted) …`);
    for (const s of servers)
      for (const { path } of reads)
        await measure({
          url: `${s.base}${s.prefix}${path}`,
          headers: s.headers,
          connections: 16,
          durationS: opts.settleS,
          warmupS: 0,
        });
  }

  const rows = [];
  const rounds = Math.max(1, opts.rounds ?? 1);
  for (const { read, path } of reads) {
    for (const connections of opts.connections) {
      // Side by side in time: the four servers for one (read, connections) cell run back to back, `rounds` times,
      // the order rotating each round, so that the machine's load drifting within the cell hits every server alike;
      // each server's figures are the medians of its rounds (each round's own figures are kept in the JSON).
      const runs = Object.fromEntries(servers.map((s) => [s.server, []]));
      for (let k = 0; k < rounds; k++) {
        const order = servers.map((_, i) => servers[(i + k) % servers.length]);
        for (const s of order) {
          const r = await measure({
            url: `${s.base}${s.prefix}${path}`,
            headers: s.headers,
            connections,
            durationS: opts.durationS,
            warmupS: opts.warmupS,
            cpuPgid: s.pgid,
          });
          runs[s.server].push(r);
          opts.log(
            `  ${read.padEnd(4)} c=${String(connections).padStart(2)}${rounds > 1 ? ` r${k + 1}` : ''} ${s.server.padEnd(6)} ${String(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}  non-2xx ${r.non2xx}${formatStatuses(r.otherStatuses)}  CPU ${r.cpuUsPerReq} µs/req`,
          );
        }
      }
      const byServer = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, medianOf(list)]));
      rows.push({
        read,
        path,
        connections,
        ...byServer,
        oursOverNginx: round(byServer.ours.rps / byServer.nginx.rps),
        oursOverDirect: round(byServer.ours.rps / byServer.direct.rps),
        oursOverBare: round(byServer.ours.rps / byServer.bare.rps),
        bareOverNginx: round(byServer.bare.rps / byServer.nginx.rps),
        oursCpuOverBare: round(byServer.ours.cpuUsPerReq / byServer.bare.cpuUsPerReq),
        oursCpuOverNginx: round(byServer.ours.cpuUsPerReq / byServer.nginx.cpuUsPerReq),
        addedP50: round(byServer.ours.p50 - byServer.direct.p50),
        addedP99: round(byServer.ours.p99 - byServer.direct.p99),
        nginxAddedP99: round(byServer.nginx.p99 - byServer.direct.p99),
        bareAddedP99: round(byServer.bare.p99 - byServer.direct.p99),
      });
    }
  }
  return { numberId: id, rows };
}

const median = (values) => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : round((v[mid - 1] + v[mid]) / 2);
};

/** One server's figures for a cell: the median of each figure over the rounds; errors summed; the rounds kept. */
export function medianOf(list) {
  if (list.length === 1) return list[0];
  return {
    connections: list[0].connections,
    requests: list.reduce((n, r) => n + r.requests, 0),
    rps: Math.round(median(list.map((r) => r.rps))),
    p50: median(list.map((r) => r.p50)),
    p99: median(list.map((r) => r.p99)),
    errors: list.reduce((n, r) => n + r.errors, 0),
    non2xx: list.reduce((n, r) => n + r.non2xx, 0),
    otherStatuses: list.reduce((all, r) => {
      for (const [k, n] of Object.entries(r.otherStatuses ?? {})) all[k] = (all[k] ?? 0) + n;
      return all;
    }, {}),
    cpuUsPerReq: median(list.map((r) => r.cpuUsPerReq)),
    bytesPerReq: list[0].bytesPerReq,
    rounds: list,
  };
}

/** Goals at 16 connections, per read: ours ≥ 0.7× nginx's req/s, ≤ 2 ms added p99 over direct. */
export function proxyGoals(rows) {
  return rows
    .filter((r) => r.connections === 16)
    .map((r) => ({
      read: r.read,
      throughput: { value: r.oursOverNginx, goal: '≥ 0.7× nginx', met: r.oursOverNginx >= 0.7 },
      addedP99: { value: r.addedP99, goal: '≤ 2 ms', met: r.addedP99 <= 2 },
      clean: r.ours.errors === 0 && r.ours.non2xx === 0,
      /** The floor: what a bare Node proxy (no checks at all) reaches in the same cell. */
      bare: { overNginx: r.bareOverNginx, addedP99: r.bareAddedP99, reachesGoal: r.bareOverNginx >= 0.7 },
    }));
}
