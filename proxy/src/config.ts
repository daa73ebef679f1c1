// Reads the proxy's configuration from the environment once at start, validates it, and says exactly what to fix.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

/** Thrown for any misconfiguration; server.ts prints `message` and exits 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Upstream Flowroute (or emulator) the proxy forwards to, with the key pair it adds as HTTP Basic. */
export const UpstreamSchema = z.object({
  baseUrl: z.string(),
  accessKey: z.string().min(1),
  secretKey: z.string().min(1),
});
export type UpstreamConfig = z.infer<typeof UpstreamSchema>;

/**
 * The resolved configuration. Engineers adding settings: add the field here and its env mapping in
 * `rawFromEnv` below, with a default, so tests that build a config by hand keep working.
 */
export const ConfigSchema = z.object({
  port: z.number().int().min(0).max(65535).default(8080),
  /**
   * Loopback by default: a fresh clone (demo mode, printed demo password) is reachable only from this
   * machine. Containers/servers set HOST=0.0.0.0 and MUST sit behind HTTPS (HSTS is sent then).
   */
  host: z.string().default('127.0.0.1'),
  /** demo = no Flowroute keys: server.ts embeds the emulator; live = real keys from env or file. */
  mode: z.enum(['demo', 'live']).default('demo'),
  /** null in demo mode until server.ts has started the emulator and filled it in. */
  upstream: UpstreamSchema.nullable().default(null),
  emulatorPort: z.number().int().min(0).max(65535).default(0),
  databaseUrl: z.string().nullable().default(null),
  /** PostgreSQL schema for the proxy's tables (DATABASE_SCHEMA); null = the connection's default (public). */
  databaseSchema: z.string().nullable().default(null),
  /** PostgreSQL: how long a query may wait before it fails and its connection is dropped (DATABASE_QUERY_TIMEOUT_MS; 0 = no limit). */
  databaseQueryTimeoutMs: z.number().int().min(0).default(30_000),
  /** AUDIT_STORE_MESSAGE_TEXT=true keeps message text in the audit log; default only its sha256 + length. */
  auditStoreMessageText: z.boolean().default(false),
  /** PURCHASE_CONFIRMATION=required: a purchase must carry a single-use X-Confirmation token (S-13). */
  purchaseConfirmation: z.enum(['required', 'off']).default('off'),
  /**
   * READYZ_BREAKER: `fail` (default, R-8) — /readyz answers 503 `circuit_open` while the circuit breaker is open;
   * `report` — it only reports the breaker in its body and stays ready (a Flowroute outage hits every replica at
   * once, so a load balancer that drops not-ready replicas would drop all of them; see docs/deployment.md).
   */
  readyzBreaker: z.enum(['fail', 'report']).default('fail'),
  /**
   * R-8 pressure (what @fastify/under-pressure would check, without the dependency): /readyz answers 503
   * `event_loop_delay` / `heap` with Retry-After: 10 while the last sample is over a limit; 0 turns a limit off.
   * READYZ_MAX_EVENT_LOOP_DELAY_MS: mean event-loop delay over one sample interval (under-pressure's
   * maxEventLoopDelay); READYZ_MAX_HEAP_USED_BYTES: V8 heap in use, absolute (under-pressure's maxHeapUsedBytes; off
   * by default); READYZ_MAX_HEAP_USED_RATIO: V8 heap in use as a fraction of V8's heap limit (--max-old-space-size),
   * so the default follows however the process was started; READYZ_PRESSURE_SAMPLE_MS: how often it is sampled.
   */
  readyzPressure: z
    .object({
      maxEventLoopDelayMs: z.number().int().min(0).default(200),
      maxHeapUsedBytes: z.number().int().min(0).default(0),
      maxHeapUsedRatio: z.number().min(0).max(1).default(0.9),
      sampleIntervalMs: z.number().int().min(20).default(1000),
    })
    .default({
      maxEventLoopDelayMs: 200,
      maxHeapUsedBytes: 0,
      maxHeapUsedRatio: 0.9,
      sampleIntervalMs: 1000,
    }),
  dataDir: z.string().default('.data'),
  demoPassword: z.string().nullable().default(null),
  sessionIdleMinutes: z.number().positive().default(15),
  sessionAbsoluteHours: z.number().positive().default(8),
  /** Addresses/CIDRs of reverse proxies whose X-Forwarded-* we believe. Empty = trust none. */
  trustProxy: z.array(z.string()).default([]),
  /** Extra origins allowed to call the API cross-origin (SPA on another host). Empty = same-origin only. */
  corsOrigins: z.array(z.string()).default([]),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  /**
   * LOG_FLUSH_MS: server.ts writes log lines to stdout in batches of ~8 KiB, written off the event loop, flushed at
   * least this often, at start-up and at shutdown, like nginx's `access_log … buffer= flush=`. 0 = every line written
   * synchronously as it is logged (nothing is lost even on a hard crash, at more CPU per request).
   */
  logFlushMs: z.number().int().min(0).default(1000),
  /**
   * GC_HEAP_GROWING_PERCENT: how far V8 lets the old generation grow past what the last full collection kept before
   * the next one starts (V8's --heap-growing-percent), set by server.ts at start-up. Every read allocates its
   * upstream body outside the JS heap, and with V8's own choice (~1.8× here) the proxy ran a full mark-compact about
   * 4 times a second under load; 300 (4×, the most V8 picks by itself) cut the CPU per page of 200 numbers by ~20 %
   * and its p99 by ~20 %, for ~45 MB more RSS in the bench (docs/performance.md, change 34). 0 = V8's own heuristics.
   */
  gcHeapGrowingPercent: z.number().int().min(0).max(1000).default(300),
  /**
   * FAST_READS: `on` (default) answers a signed-in user's valid read, when its session and rate-limit counter are
   * known without a query, in front of Fastify (routes/fast-read.ts: the same checks, headers and access line, ~10 % less
   * CPU per read; docs/performance.md, change 36). `off`: every request through Fastify.
   */
  fastReads: z.boolean().default(true),
  staticDir: z.string().default('dist'),
  /** Upstream deadlines. */
  timeouts: z
    .object({
      connectMs: z.number().int().positive().default(3_000),
      readMs: z.number().int().positive().default(10_000),
      mutationMs: z.number().int().positive().default(20_000),
    })
    .default({ connectMs: 3_000, readMs: 10_000, mutationMs: 20_000 }),
  /** Largest request body accepted under /api, and largest upstream body passed on. */
  apiBodyLimit: z
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  upstreamBodyLimit: z
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  /** Most requests in flight to Flowroute at once. */
  upstreamConnections: z.number().int().positive().default(32),
  /** Requests waiting for a free slot beyond upstreamConnections; past it the proxy answers 503 overloaded. */
  upstreamQueue: z.number().int().min(0).default(64),
  /** Circuit breaker on the Flowroute client. */
  breaker: z
    .object({
      consecutiveFailures: z.number().int().positive().default(5),
      failureRatio: z.number().positive().max(1).default(0.5),
      windowMs: z.number().int().positive().default(10_000),
      minVolume: z.number().int().positive().default(20),
      openMs: z.number().int().positive().default(30_000),
    })
    .default({ consecutiveFailures: 5, failureRatio: 0.5, windowMs: 10_000, minVolume: 20, openMs: 30_000 }),
  /** Automatic retry of reads (GET) only: at most once, jittered, within a budget. */
  retry: z
    .object({
      budgetRatio: z.number().min(0).max(1).default(0.2),
      minPerWindow: z.number().int().min(0).default(3),
      backoffMinMs: z.number().int().min(0).default(200),
      backoffMaxMs: z.number().int().min(0).default(500),
    })
    .default({ budgetRatio: 0.2, minPerWindow: 3, backoffMinMs: 200, backoffMaxMs: 500 }),
  /**
   * Settling mutations whose answer was lost (I-3): Flowroute is read back until the outcome is known or
   * deadlineMs passes (then it is flagged for an operator). A "not there" read counts only graceMs after the
   * answer was lost, because Flowroute may still be working on the request.
   */
  settle: z
    .object({
      deadlineMs: z.number().int().positive().default(60_000),
      graceMs: z.number().int().min(0).default(15_000),
      firstDelayMs: z.number().int().min(0).default(500),
      maxIntervalMs: z.number().int().positive().default(5_000),
    })
    .default({ deadlineMs: 60_000, graceMs: 15_000, firstDelayMs: 500, maxIntervalMs: 5_000 }),
  /** Our own limits. Per user per minute, and account-wide per UTC day; 0 = no limit. */
  limits: z
    .object({
      /** 1200/min (20/s): the screens' own read patterns (route-usage scans, bulk previews) need headroom. */
      readsPerMinute: z.number().int().min(0).default(1200),
      sendsPerMinute: z.number().int().min(0).default(30),
      purchasesPerMinute: z.number().int().min(0).default(5),
      /** Off by default: bulk route changes (hundreds of numbers) are a normal operator task. */
      routeChangesPerMinute: z.number().int().min(0).default(0),
      purchasesPerDay: z.number().int().min(0).default(50),
      sendsPerDay: z.number().int().min(0).default(500),
    })
    .default({
      readsPerMinute: 1200,
      sendsPerMinute: 30,
      purchasesPerMinute: 5,
      routeChangesPerMinute: 0,
      purchasesPerDay: 50,
      sendsPerDay: 500,
    }),
});
export type Config = z.infer<typeof ConfigSchema>;

/** A config with defaults for everything not given; handy in tests. */
export function makeConfig(partial: Partial<z.input<typeof ConfigSchema>> = {}): Config {
  return ConfigSchema.parse(partial);
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** True for localhost, 127.0.0.0/8 and ::1 (hosts where plain http never leaves the machine). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (LOOPBACK_NAMES.has(h) || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '0:0:0:0:0:0:0:1';
}

type Env = Record<string, string | undefined>;

function present(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

function intVar(env: Env, name: string, min: number, max: number): number | undefined {
  const v = present(env, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()))
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}; got "${v}".`);
  const n = Number(v.trim());
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}; got ${n}.`);
  return n;
}

function numVar(env: Env, name: string): number | undefined {
  const v = present(env, name);
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number; got "${v}".`);
  return n;
}

/** READYZ_MAX_HEAP_USED_RATIO: a fraction of V8's heap limit, 0 (off) ≤ r < 1. */
function heapRatioVar(env: Env, name: string): number | undefined {
  const v = present(env, name);
  if (v === undefined) return undefined;
  const t = v.trim();
  const n = Number(t);
  if (!/^(?:0|0?\.\d+)$/.test(t) || !(n >= 0 && n < 1)) {
    throw new ConfigError(
      `${name} must be a fraction of the V8 heap limit from 0 (off) to below 1, e.g. 0.9 for 90 %; got "${v}".`,
    );
  }
  return n;
}

/** READYZ_MAX_HEAP_USED_BYTES: whole bytes, 0 = off (a unit is refused rather than guessed). */
function heapBytesVar(env: Env, name: string): number | undefined {
  const v = present(env, name);
  if (v === undefined) return undefined;
  const t = v.trim();
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t))) {
    throw new ConfigError(
      `${name} must be a whole number of bytes, e.g. 1073741824 for 1 GiB (0 = off); got "${v}".`,
    );
  }
  const n = Number(t);
  if (n > 0 && n < 1024 * 1024) {
    throw new ConfigError(
      `${name} is ${n} bytes, below the 1 MiB any Node process uses: every /readyz would say "heap". Give bytes, e.g. 1073741824 for 1 GiB (0 = off).`,
    );
  }
  return n;
}

function onOffVar(env: Env, name: string): boolean | undefined {
  const v = present(env, name)?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (v === 'on' || v === 'true' || v === '1') return true;
  if (v === 'off' || v === 'false' || v === '0') return false;
  throw new ConfigError(`${name} must be on or off; got "${v}".`);
}

function listVar(env: Env, name: string): string[] {
  const v = present(env, name);
  if (v === undefined) return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function validCidrOrIp(entry: string): boolean {
  const [addr, prefix, ...rest] = entry.split('/');
  if (rest.length > 0 || addr === undefined) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`FLOWROUTE_BASE_URL is not a URL: "${value}". Use e.g. https://api.flowroute.com`);
  }
  if (url.username || url.password) {
    throw new ConfigError(
      'FLOWROUTE_BASE_URL must not contain credentials; set FLOWROUTE_ACCESS_KEY/FLOWROUTE_SECRET_KEY.',
    );
  }
  if (url.search || url.hash)
    throw new ConfigError('FLOWROUTE_BASE_URL must not have a query string or #fragment.');
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      throw new ConfigError(
        `FLOWROUTE_BASE_URL uses plain http for a non-loopback host (${url.hostname}); use https:// (plain http is only allowed for localhost/127.0.0.1/::1, e.g. a standalone emulator).`,
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new ConfigError(`FLOWROUTE_BASE_URL must start with https:// (got ${url.protocol}).`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function readSecretFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(
      `FLOWROUTE_SECRET_KEY_FILE could not be read (${code}): ${path}. Point it at a readable file holding only the secret key.`,
    );
  }
  const secret = text.trim();
  if (secret === '') throw new ConfigError(`FLOWROUTE_SECRET_KEY_FILE is empty: ${path}.`);
  return secret;
}

const KEY_SHAPE = /^[\x21-\x7e]+$/;

/** Maps environment variables to the raw (pre-default) config object. */
function rawFromEnv(env: Env): z.input<typeof ConfigSchema> {
  const accessKey = present(env, 'FLOWROUTE_ACCESS_KEY')?.trim();
  const secretEnv = present(env, 'FLOWROUTE_SECRET_KEY')?.trim();
  const secretFile = present(env, 'FLOWROUTE_SECRET_KEY_FILE')?.trim();
  if (secretEnv !== undefined && secretFile !== undefined) {
    throw new ConfigError(
      'Set only one of FLOWROUTE_SECRET_KEY and FLOWROUTE_SECRET_KEY_FILE (the file is preferred).',
    );
  }
  const secretKey = secretFile !== undefined ? readSecretFile(secretFile) : secretEnv;
  if ((accessKey === undefined) !== (secretKey === undefined)) {
    throw new ConfigError(
      accessKey === undefined
        ? 'FLOWROUTE_SECRET_KEY(_FILE) is set but FLOWROUTE_ACCESS_KEY is not: set both for live mode, or neither for demo mode.'
        : 'FLOWROUTE_ACCESS_KEY is set but FLOWROUTE_SECRET_KEY (or FLOWROUTE_SECRET_KEY_FILE) is not: set both for live mode, or neither for demo mode.',
    );
  }
  if (accessKey !== undefined && !KEY_SHAPE.test(accessKey)) {
    throw new ConfigError(
      'FLOWROUTE_ACCESS_KEY contains spaces or control characters; copy it again from Flowroute (Preferences → API Control).',
    );
  }
  if (secretKey !== undefined && !KEY_SHAPE.test(secretKey)) {
    throw new ConfigError(
      'The Flowroute secret key contains spaces or control characters; copy it again from Flowroute (Preferences → API Control).',
    );
  }
  if (accessKey !== undefined && accessKey.includes(':')) {
    throw new ConfigError('FLOWROUTE_ACCESS_KEY must not contain ":" (it is the HTTP Basic user name).');
  }
  const baseUrlRaw = present(env, 'FLOWROUTE_BASE_URL');
  if (baseUrlRaw !== undefined && accessKey === undefined) {
    throw new ConfigError(
      'FLOWROUTE_BASE_URL is set but no Flowroute keys are: set FLOWROUTE_ACCESS_KEY and FLOWROUTE_SECRET_KEY, or unset FLOWROUTE_BASE_URL for demo mode.',
    );
  }
  const live = accessKey !== undefined && secretKey !== undefined;

  const trustProxy = listVar(env, 'TRUST_PROXY');
  for (const entry of trustProxy) {
    if (!validCidrOrIp(entry)) {
      throw new ConfigError(
        `TRUST_PROXY entry "${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8,127.0.0.1).`,
      );
    }
  }
  const corsOrigins = listVar(env, 'CORS_ORIGINS');
  for (const origin of corsOrigins) {
    let ok = false;
    try {
      const u = new URL(origin);
      ok =
        (u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname))) &&
        u.origin === origin;
    } catch {
      ok = false;
    }
    if (!ok)
      throw new ConfigError(
        `CORS_ORIGINS entry "${origin}" must be an exact origin like https://ops.example.com (no path, no trailing slash; http only for localhost).`,
      );
  }
  const logLevel = present(env, 'LOG_LEVEL')?.trim().toLowerCase();
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}".`);
  }
  const databaseUrl = present(env, 'DATABASE_URL')?.trim();
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use the embedded database in DATA_DIR).',
    );
  }
  const host = present(env, 'HOST')?.trim();
  if (host !== undefined && isIP(host.replace(/^\[|\]$/g, '')) === 0 && !/^[a-z0-9.-]+$/i.test(host)) {
    throw new ConfigError(
      `HOST must be an IP address or host name (e.g. 127.0.0.1 or 0.0.0.0); got "${host}".`,
    );
  }

  const timeouts = {
    connectMs: intVar(env, 'UPSTREAM_CONNECT_TIMEOUT_MS', 1, 600_000) ?? 3_000,
    readMs: intVar(env, 'UPSTREAM_READ_TIMEOUT_MS', 1, 600_000) ?? 10_000,
    mutationMs: intVar(env, 'UPSTREAM_MUTATION_TIMEOUT_MS', 1, 600_000) ?? 20_000,
  };

  const limits = {
    readsPerMinute: intVar(env, 'RATE_LIMIT_READS_PER_MINUTE', 0, 1_000_000) ?? 1200,
    sendsPerMinute: intVar(env, 'RATE_LIMIT_SENDS_PER_MINUTE', 0, 1_000_000) ?? 30,
    purchasesPerMinute: intVar(env, 'RATE_LIMIT_PURCHASES_PER_MINUTE', 0, 1_000_000) ?? 5,
    routeChangesPerMinute: intVar(env, 'RATE_LIMIT_ROUTE_CHANGES_PER_MINUTE', 0, 1_000_000) ?? 0,
    purchasesPerDay: intVar(env, 'DAILY_CAP_PURCHASES', 0, 10_000_000) ?? 50,
    sendsPerDay: intVar(env, 'DAILY_CAP_SENDS', 0, 10_000_000) ?? 500,
  };
  const breaker = {
    consecutiveFailures: intVar(env, 'BREAKER_CONSECUTIVE_FAILURES', 1, 10_000) ?? 5,
    failureRatio: 0.5,
    windowMs: 10_000,
    minVolume: intVar(env, 'BREAKER_MIN_VOLUME', 1, 1_000_000) ?? 20,
    openMs: intVar(env, 'BREAKER_OPEN_MS', 1, 3_600_000) ?? 30_000,
  };
  const settle = {
    deadlineMs: intVar(env, 'OUTCOME_SETTLE_DEADLINE_MS', 1, 3_600_000) ?? 60_000,
    graceMs: intVar(env, 'OUTCOME_SETTLE_GRACE_MS', 0, 3_600_000) ?? 15_000,
    firstDelayMs: 500,
    maxIntervalMs: 5_000,
  };

  return {
    upstreamConnections: intVar(env, 'UPSTREAM_MAX_IN_FLIGHT', 1, 10_000),
    upstreamQueue: intVar(env, 'UPSTREAM_MAX_QUEUE', 0, 100_000),
    limits,
    breaker,
    settle,
    port: intVar(env, 'PORT', 0, 65535),
    host: host?.replace(/^\[|\]$/g, ''),
    mode: live ? 'live' : 'demo',
    upstream: live
      ? { baseUrl: baseUrlRaw ? parseBaseUrl(baseUrlRaw) : 'https://api.flowroute.com', accessKey, secretKey }
      : null,
    emulatorPort: intVar(env, 'EMULATOR_PORT', 0, 65535),
    databaseUrl: databaseUrl ?? null,
    databaseSchema: present(env, 'DATABASE_SCHEMA')?.trim() ?? null,
    databaseQueryTimeoutMs: intVar(env, 'DATABASE_QUERY_TIMEOUT_MS', 0, 3_600_000) ?? 30_000,
    auditStoreMessageText: present(env, 'AUDIT_STORE_MESSAGE_TEXT')?.trim().toLowerCase() === 'true',
    purchaseConfirmation:
      present(env, 'PURCHASE_CONFIRMATION')?.trim().toLowerCase() === 'required' ? 'required' : 'off',
    readyzBreaker: present(env, 'READYZ_BREAKER')?.trim().toLowerCase() === 'report' ? 'report' : 'fail',
    readyzPressure: {
      maxEventLoopDelayMs: intVar(env, 'READYZ_MAX_EVENT_LOOP_DELAY_MS', 0, 60_000) ?? 200,
      maxHeapUsedBytes: heapBytesVar(env, 'READYZ_MAX_HEAP_USED_BYTES') ?? 0,
      maxHeapUsedRatio: heapRatioVar(env, 'READYZ_MAX_HEAP_USED_RATIO') ?? 0.9,
      sampleIntervalMs: intVar(env, 'READYZ_PRESSURE_SAMPLE_MS', 20, 60_000) ?? 1000,
    },
    dataDir: present(env, 'DATA_DIR')?.trim(),
    demoPassword: present(env, 'DEMO_PASSWORD') ?? null,
    sessionIdleMinutes: numVar(env, 'SESSION_IDLE_MINUTES'),
    sessionAbsoluteHours: numVar(env, 'SESSION_ABSOLUTE_HOURS'),
    trustProxy,
    corsOrigins,
    logLevel: logLevel as Config['logLevel'] | undefined,
    logFlushMs: intVar(env, 'LOG_FLUSH_MS', 0, 60_000),
    gcHeapGrowingPercent: intVar(env, 'GC_HEAP_GROWING_PERCENT', 0, 1000),
    fastReads: onOffVar(env, 'FAST_READS'),
    staticDir: present(env, 'STATIC_DIR')?.trim(),
    timeouts,
  };
}

/** Loads and validates the configuration; throws ConfigError with a message that says what to fix. */
export function loadConfig(env: Env = process.env): Config {
  const raw = rawFromEnv(env);
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `Invalid configuration at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  return parsed.data;
}

/** One line for the start-up log: everything useful, never a key. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    mode: config.mode,
    host: config.host,
    port: config.port,
    upstream: config.upstream?.baseUrl ?? null,
    database: config.databaseUrl ? 'postgresql' : `embedded (${config.dataDir})`,
    trustProxy: config.trustProxy,
    corsOrigins: config.corsOrigins,
    staticDir: config.staticDir,
    upstreamMaxInFlight: config.upstreamConnections,
    upstreamQueue: config.upstreamQueue,
    logFlushMs: config.logFlushMs,
    gcHeapGrowingPercent: config.gcHeapGrowingPercent,
    fastReads: config.fastReads,
    readyzBreaker: config.readyzBreaker,
    readyzPressure: config.readyzPressure,
    limits: config.limits,
    breakerOpenMs: config.breaker.openMs,
  };
}
