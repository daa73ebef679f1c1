import { describe, expect, it } from 'vitest';
import { actionLabel, entryHttpStatus, entryStatus, formatTarget } from './audit-display';
import type { AuditEntry, AuditRecord } from './audit-queries';

const record = (over: Partial<AuditRecord>): AuditRecord => ({
  seq: 1,
  id: 'r1',
  ts: '2026-11-28T10:00:00.000Z',
  kind: 'intent',
  refId: null,
  actorId: 'u1',
  actor: 'olga',
  role: 'operator',
  sourceIp: '127.0.0.1',
  userAgent: null,
  sessionHash: null,
  action: 'createRoute',
  target: null,
  summary: {},
  idempotencyKey: null,
  status: null,
  flowrouteId: null,
  durationMs: null,
  result: null,
  detail: null,
  instanceId: null,
  prevHash: '',
  hash: '',
  ...over,
});
const entry = (over: Partial<AuditRecord>, outcome: Partial<AuditRecord> | null = null): AuditEntry => ({
  ...record(over),
  outcome: outcome ? record({ kind: 'outcome', id: 'o1', refId: 'r1', ...outcome }) : null,
});

describe('audit display', () => {
  it('names operations and events plainly, unknown ones as they are', () => {
    expect(actionLabel('purchaseNumber')).toBe('Buy number');
    expect(actionLabel('auth.fail')).toBe('Failed sign-in');
    expect(actionLabel('something.new')).toBe('something.new');
  });

  it('takes an intent’s status from its outcome, and calls an intent without one pending', () => {
    expect(entryStatus(entry({}, { result: 'ok', status: 201 }))).toBe('ok');
    expect(entryHttpStatus(entry({}, { result: 'ok', status: 201 }))).toBe(201);
    expect(entryStatus(entry({}, { result: 'unknown' }))).toBe('unknown');
    expect(entryStatus(entry({}))).toBe('pending');
    expect(entryStatus(entry({ kind: 'event', action: 'auth.fail', result: 'failed', status: 401 }))).toBe(
      'failed',
    );
    expect(entryHttpStatus(entry({ kind: 'event', status: 401 }))).toBe(401);
  });

  it('shows numbers the way people read them', () => {
    expect(formatTarget('12065550100')).toBe('+1 206-555-0100');
    expect(formatTarget('olga')).toBe('olga');
    expect(formatTarget(null)).toBe('');
  });
});
