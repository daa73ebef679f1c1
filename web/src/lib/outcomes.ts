// "Checking…" for changes whose answer from Flowroute was lost. The proxy then answers 502/504 with
// `X-Outcome-Check: pending` and `X-Outcome-Url`, and settles the outcome by reading Flowroute back. This module
// polls that URL (showing a "Checking with Flowroute…" notification), and hands the caller the settled answer
// instead: the success it would have got (the change happened), "not applied" (it did not; safe to try again), or
// "flagged" (nobody could tell within the proxy's deadline; an administrator must check). Used by the ky instance in
// api.ts for every mutation, so features need no code of their own. Never a spinner without an end: polling stops
// after MAX_WAIT_MS.
import { notifications } from '@mantine/notifications';

export const OUTCOME_CHECK_HEADER = 'x-outcome-check';
const MAX_WAIT_MS = 80_000;

export type OutcomeState = 'checking' | 'applied' | 'not_applied' | 'flagged';

interface OutcomeDoc {
  outcome?: {
    state?: OutcomeState;
    answer?: { status: number; headers: Record<string, string>; body: string };
  };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError'));
      },
      { once: true },
    );
  });

function toResponse(answer: { status: number; headers: Record<string, string>; body: string }): Response {
  const empty = answer.status === 204 || answer.status === 205 || answer.body === '';
  return new Response(empty ? null : answer.body, { status: answer.status, headers: answer.headers });
}

const MESSAGES: Record<
  Exclude<OutcomeState, 'checking'>,
  { color: string; title: string; message: string }
> = {
  applied: {
    color: 'green',
    title: 'Confirmed with Flowroute',
    message: 'The change was made (the answer had been lost on the way back).',
  },
  not_applied: {
    color: 'yellow',
    title: 'The change did not happen',
    message: 'Flowroute did not carry it out. Nothing was changed; you can try again.',
  },
  flagged: {
    color: 'red',
    title: 'Could not confirm with Flowroute',
    message:
      'Whether the change happened is unknown. It has been flagged for an administrator; do not repeat it.',
  },
};

/**
 * If `response` says its outcome is being checked, waits for the proxy to settle it and returns the settled answer
 * (a Response built from it). Otherwise returns `response` unchanged.
 */
export async function settleIfPending(
  response: Response,
  options: {
    signal?: AbortSignal;
    fetch?: typeof fetch;
    origin?: string;
    credentials?: RequestCredentials;
    intervalMs?: number;
    maxWaitMs?: number;
  } = {},
): Promise<Response> {
  if (response.headers.get(OUTCOME_CHECK_HEADER) !== 'pending') return response;
  const url = response.headers.get('x-outcome-url');
  if (!url || !url.startsWith('/api/outcomes/')) return response;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const id = `outcome-${url}`;
  notifications.show({
    id,
    loading: true,
    title: 'Checking with Flowroute…',
    message:
      'The answer to this change was lost. The dashboard is checking whether it happened; nothing is sent again.',
    autoClose: false,
    withCloseButton: false,
  });
  const until = Date.now() + (options.maxWaitMs ?? MAX_WAIT_MS);
  let interval = options.intervalMs ?? 1000;
  let result: Response | null = null;
  let state: Exclude<OutcomeState, 'checking'> = 'flagged';
  try {
    while (Date.now() < until) {
      await sleep(interval, options.signal);
      interval = Math.min(interval * 1.5, 3000);
      let doc: OutcomeDoc | null = null;
      try {
        const res = await doFetch(`${options.origin ?? ''}${url}`, {
          credentials: options.credentials ?? 'same-origin',
          headers: { Accept: 'application/json' },
          ...(options.signal ? { signal: options.signal } : {}),
        });
        if (res.status === 404 || res.status === 401) break; // unknown here (or signed out): keep the original
        if (res.ok) doc = (await res.json()) as OutcomeDoc;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        continue; // the network blinked: ask again
      }
      const outcome = doc?.outcome;
      if (outcome?.state && outcome.state !== 'checking' && outcome.answer) {
        state = outcome.state;
        result = toResponse(outcome.answer);
        break;
      }
    }
  } finally {
    if (options.signal?.aborted) notifications.hide(id);
    const shown = result ? MESSAGES[state] : MESSAGES.flagged;
    if (!options.signal?.aborted)
      notifications.update({
        id,
        loading: false,
        autoClose: 8000,
        withCloseButton: true,
        closeButtonProps: { 'aria-label': 'Close notification' },
        ...shown,
      });
  }
  return result ?? response;
}
