// Idempotency-Key enforcement for mutations: claim before forwarding, replay the first answer, 409 in flight, 422 on reuse.
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { IdempotencyStore, StoredResponse } from '../store/types';
import type { ProxyErrorInit } from './errors';
import type { ProxyAnswer } from './forwarder';
import { MemoryIdempotencyStore } from './idempotency-memory';

/** 1–255 visible ASCII characters (a UUID is what the SPA sends). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export type KeyResult = { ok: true; key: string } | { ok: false; error: ProxyErrorInit };

export function readIdempotencyKey(request: FastifyRequest): KeyResult {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined || raw === '') {
    return {
      ok: false,
      error: {
        status: 400,
        code: 'idempotency_key_missing',
        title: 'Bad Request',
        detail:
          'This change needs an Idempotency-Key header (a new UUID per user action, reused when retrying it).',
        source: { parameter: 'Idempotency-Key' },
      },
    };
  }
  const key = Array.isArray(raw) ? null : raw;
  if (key === null || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    return {
      ok: false,
      error: {
        status: 400,
        code: 'idempotency_key_invalid',
        title: 'Bad Request',
        detail: 'The Idempotency-Key must be one value of 1–255 visible characters (no spaces), e.g. a UUID.',
        source: { parameter: 'Idempotency-Key' },
      },
    };
  }
  return { ok: true, key };
}

/** Fingerprint of what the request would do: operation, upstream path+query and the canonical body sent upstream. */
export function requestHash(
  operation: string,
  method: string,
  pathAndQuery: string,
  json: string | null,
): string {
  return createHash('sha256')
    .update(`${operation}\n${method}\n${pathAndQuery}\n${json ?? ''}`)
    .digest('hex');
}

export type IdempotentOutcome =
  | { kind: 'answer'; answer: ProxyAnswer; replayed: false }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'refused'; error: ProxyErrorInit };

/**
 * Runs `exec` at most once per (user, key). Answers Flowroute gave (success or error) are stored and replayed;
 * answers where nothing reached Flowroute release the key so the same action can be tried again.
 */
export async function runIdempotent(
  store: IdempotencyStore,
  input: { key: string; userId: string; operation: string; requestHash: string },
  exec: () => Promise<ProxyAnswer>,
  log: FastifyBaseLogger,
): Promise<IdempotentOutcome> {
  const claim = await store.claim(input);
  switch (claim.kind) {
    case 'mismatch':
      return {
        kind: 'refused',
        error: {
          status: 422,
          code: 'idempotency_key_reused',
          title: 'Unprocessable Entity',
          detail:
            'This Idempotency-Key was already used for a different request. Use a new key for a new action.',
          source: { parameter: 'Idempotency-Key' },
        },
      };
    case 'in_flight':
      return {
        kind: 'refused',
        error: {
          status: 409,
          code: 'idempotency_in_flight',
          title: 'Conflict',
          detail: 'The same request is still being processed. Wait for it to finish.',
          source: { parameter: 'Idempotency-Key' },
        },
      };
    case 'replay':
      return { kind: 'replay', response: claim.response };
    case 'claimed':
      break;
  }
  let answer: ProxyAnswer;
  try {
    answer = await exec();
  } catch (err) {
    // Nothing definite happened upstream as far as we know; free the key so the user can retry.
    await store
      .release({ key: input.key, userId: input.userId })
      .catch((e: unknown) => log.error({ err: e }, 'idempotency release failed'));
    throw err;
  }
  try {
    if (answer.keepClaim) {
      // The outcome is being settled; the settler completes or releases the key when it knows.
    } else if (answer.reached === 'no') {
      await store.release({ key: input.key, userId: input.userId });
    } else {
      await store.complete({
        key: input.key,
        userId: input.userId,
        response: { status: answer.status, headers: answer.headers, body: answer.body },
      });
    }
  } catch (err) {
    log.error({ err: { message: (err as Error).message } }, 'idempotency store update failed');
  }
  return { kind: 'answer', answer, replayed: false };
}

declare module 'fastify' {
  interface FastifyInstance {
    idempotency: IdempotencyStore;
  }
}

/** Decorates `app.idempotency`: the database store when one is supplied, otherwise the in-memory one. */
export default fp(
  async function idempotencyPlugin(app: FastifyInstance, opts: { store?: IdempotencyStore | null }) {
    app.decorate('idempotency', opts.store ?? new MemoryIdempotencyStore());
  },
  { name: 'idempotency' },
);
