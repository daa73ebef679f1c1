// Fault switches tests turn on through POST /__emulator/faults: per method + path regex, optionally only
// for the next `times` matching requests.
import { randomUUID } from 'node:crypto';

export const FAULT_KINDS = [
  'latency',
  'status',
  'reset_before',
  'reset_after',
  'malformed',
  'slow_body',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  method?: string;
  /** Regular expression matched against the request path (no query string). */
  path: string;
  fault: FaultKind;
  /** latency: added delay (default 1000); slow_body: pause in the middle of the body (default 2000). */
  ms?: number;
  /** status: the HTTP status to answer with (default 503). */
  status?: number;
  /** status 429: the Retry-After seconds sent with it (default 1). */
  retryAfter?: number;
  /** Only the next N matching requests; absent = until DELETE /__emulator/faults. */
  times?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  re: RegExp;
  remaining: number | null;
}

export class FaultSpecError extends Error {}

export class Faults {
  private list: Fault[] = [];

  add(input: unknown): Fault {
    const spec = input as Partial<FaultSpec> | null;
    if (!spec || typeof spec !== 'object') throw new FaultSpecError('Body must be a JSON object.');
    if (typeof spec.path !== 'string' || spec.path === '')
      throw new FaultSpecError('path (a regex string) is required.');
    if (!FAULT_KINDS.includes(spec.fault as FaultKind)) {
      throw new FaultSpecError(`fault must be one of ${FAULT_KINDS.join(', ')}.`);
    }
    let re: RegExp;
    try {
      re = new RegExp(spec.path);
    } catch {
      throw new FaultSpecError('path is not a valid regular expression.');
    }
    if (spec.method !== undefined && typeof spec.method !== 'string')
      throw new FaultSpecError('method must be a string.');
    for (const key of ['ms', 'status', 'times', 'retryAfter'] as const) {
      const v = spec[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 0))
        throw new FaultSpecError(`${key} must be a whole number.`);
    }
    if (spec.status !== undefined && (spec.status < 100 || spec.status > 599)) {
      throw new FaultSpecError('status must be an HTTP status code.');
    }
    if (spec.times === 0) throw new FaultSpecError('times must be at least 1.');
    const fault: Fault = {
      ...(spec as FaultSpec),
      method: spec.method?.toUpperCase(),
      id: randomUUID(),
      re,
      remaining: spec.times ?? null,
    };
    this.list.push(fault);
    return fault;
  }

  clear(): void {
    this.list = [];
  }

  remove(id: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((f) => f.id !== id);
    return this.list.length !== before;
  }

  active(): Omit<Fault, 're'>[] {
    return this.list.map(({ re: _re, ...rest }) => rest);
  }

  /** The first fault matching this request (used up by one when it has `times`). */
  take(method: string, path: string): Fault | undefined {
    const fault = this.list.find((f) => (!f.method || f.method === method) && f.re.test(path));
    if (fault && fault.remaining !== null) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.remove(fault.id);
    }
    return fault;
  }
}
