// Section 4: RSS of a fresh proxy process (from /proc/<pid>/status, no forced GC, nothing injected) at the start,
// and after every quarter of 100,000 signed-in reads (the two bench reads alternating, 16 connections).
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { rssKb } from './lib/procs.mjs';

function blast(opts) {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** RSS after the process has been idle for a moment (the median of three samples 0.5 s apart). */
async function settledRss(pid) {
  await sleep(1500);
  const s = [];
  for (let i = 0; i < 3; i++) {
    s.push(rssKb(pid));
    await sleep(500);
  }
  s.sort((a, b) => a - b);
  return s[1];
}

export async function runMemory({ proxyUrl, pid, cookie, numberId, total = 100_000, log }) {
  const headers = { cookie, 'x-csrf': '1', origin: proxyUrl };
  const requests = [
    { method: 'GET', path: '/api/v2/numbers?limit=200' },
    { method: 'GET', path: `/api/v2/numbers/${numberId}` },
  ];
  const half = total / 2;
  // A short warm-up so JIT, pools and caches exist before the first sample.
  await blast({ url: proxyUrl, headers, requests, connections: 16, amount: 2_000 });
  const samples = [{ requests: 0, rssKb: await settledRss(pid) }];
  log(`  RSS at start (after 2,000 warm-up reads): ${(samples[0].rssKb / 1024).toFixed(1)} MB`);
  let done = 0;
  let non2xx = 0;
  let errors = 0;
  const started = Date.now();
  const checkpoints = [total / 4, half, (total * 3) / 4, total].map(Math.round);
  for (const target of checkpoints) {
    const r = await blast({ url: proxyUrl, headers, requests, connections: 16, amount: target - done });
    done = target;
    non2xx += r.non2xx;
    errors += r.errors + r.timeouts;
    const rss = await settledRss(pid);
    samples.push({ requests: done, rssKb: rss });
    log(`  RSS after ${done.toLocaleString('en-US')} reads: ${(rss / 1024).toFixed(1)} MB`);
  }
  const at50 = samples.find((x) => x.requests === half).rssKb;
  const at100 = samples[samples.length - 1].rssKb;
  const growthKb = at100 - at50;
  return {
    samples,
    requests: total,
    seconds: Math.round((Date.now() - started) / 1000),
    non2xx,
    errors,
    rssMbAt100k: Math.round((at100 / 1024) * 10) / 10,
    growthMb50kTo100k: Math.round((growthKb / 1024) * 10) / 10,
    growthPct: Math.round((growthKb / at50) * 1000) / 10,
    // Noise allowance: RSS moves by a few MB as V8 resizes its heap; 5% of the 50k figure.
    noGrowth: growthKb <= at50 * 0.05,
  };
}
