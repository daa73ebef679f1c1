// In-memory IdempotencyStore for a single proxy process (tests, and until the database store is supplied).
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../store/types';

interface Entry {
  operation: string;
  requestHash: string;
  createdAt: number;
  response: StoredResponse | null;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(opts: { ttlMs?: number; now?: () => number; maxEntries?: number } = {}) {
    this.ttlMs = opts.ttlMs ?? IDEMPOTENCY_TTL_MS;
    this.now = opts.now ?? Date.now;
    this.maxEntries = opts.maxEntries ?? 100_000;
  }

  private static id(userId: string, key: string): string {
    // Keys are scoped per user: one user's key can never replay another user's answer.
    return `${userId}\u0000${key}`;
  }

  private prune(): void {
    const cutoff = this.now() - this.ttlMs;
    // Map keeps insertion order, which is creation order: stop at the first live entry.
    for (const [id, entry] of this.entries) {
      if (entry.createdAt > cutoff && this.entries.size <= this.maxEntries) break;
      if (entry.response === null && entry.createdAt > cutoff) break; // never drop an in-flight claim to make room
      this.entries.delete(id);
    }
  }

  async claim(input: {
    key: string;
    userId: string;
    operation: string;
    requestHash: string;
  }): Promise<IdempotencyClaim> {
    // Everything below runs synchronously, so two concurrent claims can never both succeed.
    this.prune();
    const id = MemoryIdempotencyStore.id(input.userId, input.key);
    const existing = this.entries.get(id);
    if (existing && existing.createdAt > this.now() - this.ttlMs) {
      if (existing.operation !== input.operation || existing.requestHash !== input.requestHash)
        return { kind: 'mismatch' };
      if (existing.response === null) return { kind: 'in_flight' };
      return { kind: 'replay', response: existing.response };
    }
    this.entries.delete(id);
    this.entries.set(id, {
      operation: input.operation,
      requestHash: input.requestHash,
      createdAt: this.now(),
      response: null,
    });
    return { kind: 'claimed' };
  }

  async complete(input: { key: string; userId: string; response: StoredResponse }): Promise<void> {
    const entry = this.entries.get(MemoryIdempotencyStore.id(input.userId, input.key));
    if (entry) entry.response = input.response;
  }

  async release(input: { key: string; userId: string }): Promise<void> {
    const id = MemoryIdempotencyStore.id(input.userId, input.key);
    const entry = this.entries.get(id);
    if (entry && entry.response === null) this.entries.delete(id);
  }

  /** For tests and diagnostics. */
  get size(): number {
    return this.entries.size;
  }
}
