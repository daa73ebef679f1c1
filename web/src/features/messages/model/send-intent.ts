// One Idempotency-Key per compose intent: kept (in sessionStorage, so a reload keeps it too) while the same
// message may still be in flight or of unknown outcome; replaced when the message changes, after a send
// went through, and after a definite refusal (nothing was sent, so the next try is a new intent).
import { newIdempotencyKey } from '@/lib/api';
import { keepKeyAfterError } from './compose';

interface Stored {
  key: string;
  /** canonical JSON of the body the key was used for; null until first used */
  fingerprint: string | null;
}

const PREFIX = 'messages.send-intent.';

function read(scope: string): Stored | null {
  try {
    const raw = sessionStorage.getItem(PREFIX + scope);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Stored>;
    return typeof parsed.key === 'string'
      ? { key: parsed.key, fingerprint: parsed.fingerprint ?? null }
      : null;
  } catch {
    return null;
  }
}

function write(scope: string, value: Stored | null) {
  try {
    if (value) sessionStorage.setItem(PREFIX + scope, JSON.stringify(value));
    else sessionStorage.removeItem(PREFIX + scope);
  } catch {
    // storage disabled: the in-memory key in the caller still dedupes double clicks
  }
}

export class SendIntent {
  private current: Stored;

  constructor(private readonly scope: string) {
    this.current = read(scope) ?? { key: newIdempotencyKey(), fingerprint: null };
  }

  /** The key for sending `body`: the same key again for the same body, a new one if the body changed. */
  keyFor(body: unknown): string {
    const fingerprint = JSON.stringify(body);
    if (this.current.fingerprint !== null && this.current.fingerprint !== fingerprint) {
      this.current = { key: newIdempotencyKey(), fingerprint };
    } else {
      this.current = { ...this.current, fingerprint };
    }
    write(this.scope, this.current);
    return this.current.key;
  }

  /** The send went through: the next message is a new intent. */
  succeeded() {
    this.current = { key: newIdempotencyKey(), fingerprint: null };
    write(this.scope, null);
  }

  /** The send failed with this HTTP status (undefined/0 = no answer). */
  failed(status: number | null | undefined) {
    if (keepKeyAfterError(status || null)) return;
    this.succeeded();
  }
}
