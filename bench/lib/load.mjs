// One autocannon run with exact latency percentiles: autocannon's own histogram keeps whole milliseconds, which
// is too coarse for "≤ 2 ms added p99", so every response time (a float in ms) is also collected from its
// 'response' events and the percentiles are computed from those.
import autocannon from 'autocannon';
import { groupCpuMs } from './procs.mjs';

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function once(opts) {
  return new Promise((resolve, reject) => {
    const samples = [];
    /** How many answers of each status other than 2xx (what went wrong, not only how often). */
    const otherStatuses = {};
    const inst = autocannon(opts, (err, result) =>
      err ? reject(err) : resolve({ result, samples, otherStatuses }),
    );
    inst.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
      else otherStatuses[statusCode] = (otherStatuses[statusCode] ?? 0) + 1;
    });
  });
}

/**
 * Warm-up (discarded), then the measured run. Returns req/s, p50/p99 (ms, 2xx only), errors (socket errors and
 * timeouts) and non-2xx answers.
 */
export async function measure({ url, headers = {}, connections, durationS, warmupS, cpuPgid }) {
  const base = { url, headers, connections, pipelining: 1, timeout: 10 };
  if (warmupS > 0) {
    await once({ ...base, duration: warmupS });
    // autocannon drops its connections with requests still in flight; the server goes on with them. Without a pause,
    // our proxy could hold 64 abandoned reads plus the measured client's 64, past its 32 in flight + 64 queued, and
    // answer 503 overloaded: seen as 2 and 9 non-2xx at 64 connections, reproduced with a script.
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const cpuBefore = cpuPgid ? groupCpuMs(cpuPgid) : 0;
  const { result, samples, otherStatuses } = await once({ ...base, duration: durationS });
  const cpuMs = cpuPgid ? groupCpuMs(cpuPgid) - cpuBefore : null;
  samples.sort((a, b) => a - b);
  return {
    connections,
    requests: result.requests.total,
    rps: Math.round(result.requests.total / durationS),
    p50: round(percentile(samples, 50)),
    p99: round(percentile(samples, 99)),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    otherStatuses,
    /** CPU (µs) the server under test itself spent per request (its process group; not the emulator behind it). */
    cpuUsPerReq:
      cpuMs !== null && result.requests.total > 0 ? Math.round((cpuMs * 1000) / result.requests.total) : null,
    bytesPerReq: result.requests.total > 0 ? Math.round(result.throughput.total / result.requests.total) : 0,
  };
}

/** " (503×9, 502×1)" for a cell's non-2xx answers by status; '' when there were none. */
export function formatStatuses(otherStatuses) {
  const parts = Object.entries(otherStatuses ?? {}).map(([status, n]) => `${status}×${n}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export const round = (n, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : null);
