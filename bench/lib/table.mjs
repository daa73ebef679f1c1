// The one table `npm run bench` prints (Markdown, so docs/performance.md can quote it as is).

import { formatStatuses } from './load.mjs';

const fmt = (n, d = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '–'
    : Number(n).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
/** A difference with its sign: +1.20 / −0.46. */
const signed = (n, d = 2) =>
  n === null || n === undefined || Number.isNaN(n) ? '–' : `${n < 0 ? '−' : '+'}${fmt(Math.abs(n), d)}`;
const ok = (met) => (met === undefined || met === null ? '' : met ? 'yes' : '**NO**');

export function renderTable(result) {
  const rows = [];
  // `bare` and `vsBare` are the reference "bare node" proxy (section 1 only; empty elsewhere).
  const add = (section, measure, direct, ours, nginx, ratio, goal, met, bare = '', vsBare = '') =>
    rows.push([section, measure, direct, ours, bare, nginx, ratio, vsBare, goal, ok(met)]);
  const has = (x) => x !== undefined && x !== null;

  const proxy = result.sections.proxy;
  if (proxy) {
    for (const r of proxy.rows) {
      const at16 = r.connections === 16;
      const label = `${r.read === 'list' ? 'GET /v2/numbers?limit=200' : 'GET /v2/numbers/{id}'} c=${r.connections}`;
      add(
        '1',
        `${label} req/s`,
        fmt(r.direct.rps),
        fmt(r.ours.rps),
        fmt(r.nginx.rps),
        `${fmt(r.oursOverNginx, 2)}×`,
        at16 ? '≥ 0.70× nginx' : '',
        at16 ? r.oursOverNginx >= 0.7 : null,
        has(r.bare) ? `${fmt(r.bare.rps)} (${fmt(r.bareOverNginx, 2)}× nginx)` : '',
        has(r.bare) ? `${fmt(r.oursOverBare, 2)}×` : '',
      );
      add(
        '1',
        `${label} p50 / p99 ms`,
        `${fmt(r.direct.p50, 2)} / ${fmt(r.direct.p99, 2)}`,
        `${fmt(r.ours.p50, 2)} / ${fmt(r.ours.p99, 2)}`,
        `${fmt(r.nginx.p50, 2)} / ${fmt(r.nginx.p99, 2)}`,
        `${signed(r.addedP99)} ms p99`,
        at16 ? '≤ +2 ms p99 over direct' : '',
        at16 ? r.addedP99 <= 2 : null,
        has(r.bare) ? `${fmt(r.bare.p50, 2)} / ${fmt(r.bare.p99, 2)}` : '',
        has(r.bare) ? `bare ${signed(r.bareAddedP99)} ms p99` : '',
      );
      if (r.ours.cpuUsPerReq !== null && r.ours.cpuUsPerReq !== undefined)
        add(
          '1',
          `${label} CPU µs per request (server's own)`,
          fmt(r.direct.cpuUsPerReq),
          fmt(r.ours.cpuUsPerReq),
          fmt(r.nginx.cpuUsPerReq),
          `${fmt(r.oursCpuOverNginx, 1)}× nginx's CPU`,
          '',
          null,
          has(r.bare) ? fmt(r.bare.cpuUsPerReq) : '',
          has(r.bare) ? `${fmt(r.oursCpuOverBare, 1)}× bare's CPU` : '',
        );
      const errs = (x) => `${fmt(x.errors)} / ${fmt(x.non2xx)}${formatStatuses(x.otherStatuses)}`;
      const all = [r.direct, r.ours, r.nginx, ...(has(r.bare) ? [r.bare] : [])];
      if (all.some((x) => x.errors + x.non2xx > 0))
        add(
          '1',
          `${label} errors / non-2xx`,
          errs(r.direct),
          errs(r.ours),
          errs(r.nginx),
          '',
          '0',
          false,
          has(r.bare) ? errs(r.bare) : '',
        );
    }
  }

  const page = result.sections.page;
  if (page) {
    add(
      '2',
      '/numbers cold: JS for the first route, KB gzip -9 (raw; as transferred)',
      '',
      `${fmt(page.jsGzipKb, 1)} (${fmt(page.jsRawKb, 1)}; ${fmt(page.jsTransferredKb, 1)})`,
      '',
      '',
      '≤ 200 KB',
      page.jsGzipKb <= 200,
    );
    add(
      '2',
      '/numbers cold, 4× CPU throttle: first contentful paint ms',
      '',
      fmt(page.fcpMs),
      '',
      '',
      '',
      null,
    );
    add(
      '2',
      '/numbers cold, 4× CPU throttle: table rows shown ms',
      '',
      fmt(page.tableMs),
      '',
      '',
      '≤ 1,500 ms',
      page.tableMs <= 1500,
    );
    if (page.distant)
      add(
        '2',
        `/numbers cold, 4× CPU throttle, ${page.distant.rttMs} ms round trips: table rows shown ms`,
        '',
        fmt(page.distant.tableMs),
        '',
        '',
        '',
        null,
      );
  }

  const large = result.sections.large;
  if (large) {
    add(
      '3',
      'large: /numbers (200/page) first page shown ms',
      '',
      fmt(large.numbersFirstPageMs),
      '',
      '',
      '',
      null,
    );
    add(
      '3',
      'large: scroll 200 number rows: longest task ms / dropped frames',
      '',
      `${fmt(large.numbersScroll.longestTaskMs)} / ${fmt(large.numbersScroll.droppedFrames)} of ${fmt(large.numbersScroll.frames)}`,
      '',
      '',
      'no task > 200 ms',
      large.numbersScroll.longestTaskMs <= 200,
    );
    add(
      '3',
      `large: /messages ${large.messagesDays} days: rows loaded / first rows shown ms`,
      '',
      `${fmt(large.messagesRows)} / ${fmt(large.messagesFirstRowsMs)}`,
      '',
      '',
      '',
      null,
    );
    add(
      '3',
      'large: scroll the messages log: longest task ms / dropped frames',
      '',
      `${fmt(large.messagesScroll.longestTaskMs)} / ${fmt(large.messagesScroll.droppedFrames)} of ${fmt(large.messagesScroll.frames)}`,
      '',
      '',
      'no task > 200 ms',
      large.messagesScroll.longestTaskMs <= 200,
    );
    add(
      '3',
      'large: messages filter (type → row count updates) ms, median / worst',
      '',
      `${fmt(large.filterMs.median)} / ${fmt(large.filterMs.worst)}`,
      '',
      '',
      '≤ 100 ms',
      large.filterMs.worst <= 100,
    );
  }

  const mem = result.sections.memory;
  if (mem) {
    add(
      '4',
      `proxy RSS MB at ${mem.samples.map((x) => `${fmt(x.requests / 1000)}k`).join(' / ')} reads`,
      '',
      mem.samples.map((s) => fmt(s.rssKb / 1024, 1)).join(' / '),
      '',
      '',
      '',
      null,
    );
    add(
      '4',
      `proxy RSS growth ${fmt(mem.requests / 2000)}k → ${fmt(mem.requests / 1000)}k reads`,
      '',
      `${mem.growthMb50kTo100k >= 0 ? '+' : ''}${fmt(mem.growthMb50kTo100k, 1)} MB (${fmt(mem.growthPct, 1)}%)`,
      '',
      '',
      'none (≤ 5% noise)',
      mem.noGrowth,
    );
    if (mem.errors + mem.non2xx > 0)
      add(
        '4',
        'errors / non-2xx during the memory run',
        '',
        `${mem.errors} / ${mem.non2xx}`,
        '',
        '',
        '0',
        false,
      );
  }

  const header = [
    '#',
    'measure',
    'direct',
    'ours',
    'bare node',
    'nginx',
    'ours vs nginx',
    'ours / bare',
    'goal',
    'met',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  const m = result.machine;
  return [
    `Flowroute ops dashboard bench, ${result.startedAt}${result.label ? ` (${result.label})` : ''}`,
    `${m.cores} cores (${m.cpu}), ${m.memGiB} GiB, ${m.os}, Node ${m.node}; load average ${m.loadavg?.[0] ?? '?'} at start, ${m.loadavgAtEnd?.[0] ?? '?'} at end; client, servers and emulator share the cores; load ${result.settings.loadDurationS} s per cell after ${result.settings.warmupS} s warm-up${(result.settings.proxyRounds ?? 1) > 1 ? `, section 1 the median of ${result.settings.proxyRounds} rounds per server, order rotating` : ''}; proxy read limit raised to ${fmt(result.settings.proxyReadLimitPerMinute)}/min`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
