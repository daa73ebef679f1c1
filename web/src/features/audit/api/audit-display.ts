// How audit actions and results read on screen: plain names for operation ids, the "what" filter's choices,
// and one status per entry (an intent's outcome, or an event's own result).
import { formatNanp, isNanp11 } from '@contract/phone';
import type { AuditEntry } from './audit-queries';

export const ACTION_LABELS: Record<string, string> = {
  purchaseNumber: 'Buy number',
  createRoute: 'Create route',
  updatePrimaryRoute: 'Set primary route',
  updateFailoverRoute: 'Set failover route',
  sendMessage: 'Send message',
  'auth.login': 'Sign-in',
  'auth.fail': 'Failed sign-in',
  'auth.throttled': 'Sign-in throttled',
  'auth.logout': 'Sign-out',
  'user.create': 'Add staff member',
  'user.role': 'Change role',
  'user.disable': 'Disable account',
  'user.enable': 'Enable account',
  'user.password_reset': 'Reset password',
  'user.sessions_revoked': 'End sessions',
  'audit.export': 'Export audit log',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

/** Choices of the "What" filter; `x.*` matches every action starting with `x.`. */
export const ACTION_FILTER_GROUPS: { group: string; items: { value: string; label: string }[] }[] = [
  {
    group: 'Flowroute changes',
    items: ['purchaseNumber', 'createRoute', 'updatePrimaryRoute', 'updateFailoverRoute', 'sendMessage'].map(
      (value) => ({ value, label: ACTION_LABELS[value]! }),
    ),
  },
  {
    group: 'Sign-in',
    items: [
      { value: 'auth.*', label: 'Any sign-in event' },
      ...['auth.login', 'auth.fail', 'auth.throttled', 'auth.logout'].map((value) => ({
        value,
        label: ACTION_LABELS[value]!,
      })),
    ],
  },
  {
    group: 'Staff accounts',
    items: [
      { value: 'user.*', label: 'Any staff change' },
      ...[
        'user.create',
        'user.role',
        'user.disable',
        'user.enable',
        'user.password_reset',
        'user.sessions_revoked',
      ].map((value) => ({ value, label: ACTION_LABELS[value]! })),
    ],
  },
  { group: 'Audit', items: [{ value: 'audit.export', label: ACTION_LABELS['audit.export']! }] },
];

export const RESULT_FILTERS = [
  { value: 'ok', label: 'Succeeded' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'failed', label: 'Failed' },
  { value: 'unknown', label: 'Outcome unknown' },
];

export type EntryStatus = 'ok' | 'rejected' | 'failed' | 'unknown' | 'pending';

export const STATUS_DISPLAY: Record<EntryStatus, { label: string; color: string }> = {
  ok: { label: 'Succeeded', color: 'teal' },
  rejected: { label: 'Rejected', color: 'orange' },
  failed: { label: 'Failed', color: 'red' },
  unknown: { label: 'Outcome unknown', color: 'yellow' },
  pending: { label: 'No outcome yet', color: 'gray' },
};

/** Intents take their latest outcome's result; no outcome yet means in flight (or about to be marked unknown). */
export function entryStatus(entry: AuditEntry): EntryStatus {
  const result = entry.kind === 'intent' ? entry.outcome?.result : entry.result;
  if (result === 'ok' || result === 'rejected' || result === 'failed' || result === 'unknown') return result;
  return entry.kind === 'intent' ? 'pending' : 'unknown';
}

/** Numbers as people read them; route ids, usernames and message ids unchanged. */
export function formatTarget(target: string | null): string {
  if (!target) return '';
  return isNanp11(target) ? formatNanp(target) : target;
}

/** The HTTP status an entry ended with (its outcome's for intents). */
export function entryHttpStatus(entry: AuditEntry): number | null {
  return entry.kind === 'intent' ? (entry.outcome?.status ?? null) : entry.status;
}
