// Test support: an emulator on port 0 with a fake clock, a small HTTP client and the contract checker.
import { Contract } from './contract';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from './index';

export const ACCESS_KEY = 'test-access-key';
export const SECRET_KEY = 'test-secret-key';
export const AUTH = `Basic ${Buffer.from(`${ACCESS_KEY}:${SECRET_KEY}`).toString('base64')}`;
/** 2026-03-15T12:00:00Z: fixed so seed data and DLR timing are reproducible. */
export const T0 = Date.UTC(2026, 2, 15, 12, 0, 0);

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body (undefined when empty or not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  body?: unknown;
  /** Raw body text (sent as is). */
  raw?: string;
  headers?: Record<string, string>;
  auth?: string | null;
  contentType?: string | null;
}

export interface TestEmulator {
  em: EmulatorHandle;
  contract: Contract;
  clock: { now: number; advance(ms: number): void };
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** Calls and asserts nothing; returns contract problems for the given operation. */
  problems(operationId: string, res: CallResult): string[];
  control(method: string, path: string, body?: unknown): Promise<CallResult>;
  close(): Promise<void>;
}

let sharedContract: Contract | undefined;

export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const clock = {
    now: T0,
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const em = await startEmulator({
    accessKey: ACCESS_KEY,
    secretKey: SECRET_KEY,
    quiet: true,
    now: () => clock.now,
    ...options,
  });
  sharedContract ??= new Contract({ strict: true });
  const contract = sharedContract;
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.auth !== null) headers.authorization = o.auth ?? AUTH;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined && o.contentType !== null)
      headers['content-type'] = o.contentType ?? 'application/vnd.api+json';
    // A string body makes fetch add "text/plain"; bytes go out with no Content-Type at all.
    const payload = body !== undefined && o.contentType === null ? new TextEncoder().encode(body) : body;
    const res = await fetch(`${em.url}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    em,
    contract,
    clock,
    call,
    problems: (operationId, res) =>
      contract.check(
        operationId,
        res.status,
        res.text === '' ? undefined : res.json,
        res.text === '' ? undefined : res.headers.get('content-type'),
      ),
    control: (method, path, body) =>
      call(method, `/__emulator${path}`, { body, auth: null, contentType: 'application/json' }),
    close: () => em.close(),
  };
}

/** Builds a date string for MDR queries. */
export const isoDate = (ms: number): string => new Date(ms).toISOString();
