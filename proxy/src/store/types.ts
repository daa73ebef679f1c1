// Shared shapes between the proxy's plugins and its storage layer (embedded PGlite or PostgreSQL).
export type Role = 'viewer' | 'operator' | 'admin';
export const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[min];
}

/** The signed-in staff member attached to a request by the auth plugin. */
export interface SessionUser {
  id: string;
  username: string;
  role: Role;
  sessionId: string;
}

/** Result of trying to claim an Idempotency-Key before forwarding a mutation. */
export type IdempotencyClaim =
  | { kind: 'claimed' } // first use: go ahead and forward, then complete()
  | { kind: 'in_flight' } // same key, first request still running -> 409
  | { kind: 'mismatch' } // same key, different operation/body -> 422
  | { kind: 'replay'; response: StoredResponse }; // same key, finished -> replay the first answer

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyStore {
  /** Atomically claims (userId, key). requestHash covers method, path and body. */
  claim(input: {
    key: string;
    userId: string;
    operation: string;
    requestHash: string;
  }): Promise<IdempotencyClaim>;
  /** Stores the final answer so later uses of the key replay it. */
  complete(input: { key: string; userId: string; response: StoredResponse }): Promise<void>;
  /** Frees a claimed key when nothing reached Flowroute (e.g. the proxy refused before forwarding). */
  release(input: { key: string; userId: string }): Promise<void>;
}

/** What the route table records before forwarding a mutation (audit intent). */
export interface AuditIntent {
  userId: string;
  username: string;
  role: Role;
  sourceIp: string;
  operation: string; // operation id from the route table, e.g. 'purchaseNumber'
  target: string | null; // number or route id the change concerns
  summary: Record<string, unknown>; // request summary; message text as hash + length
  idempotencyKey: string | null;
}

export interface AuditOutcome {
  status: number; // HTTP status answered to the browser
  flowrouteId: string | null; // e.g. mdr2- id, route id, number
  durationMs: number;
  result: 'ok' | 'rejected' | 'failed' | 'unknown';
  detail?: string;
}

export interface AuditLog {
  /** Writes the intent record; throws if it cannot be written (the mutation is then refused). */
  intent(intent: AuditIntent): Promise<string>;
  outcome(intentId: string, outcome: AuditOutcome): Promise<void>;
}
