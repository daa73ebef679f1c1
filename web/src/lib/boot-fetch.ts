// Answers to the requests public/boot-fetch.js started before the app's code had loaded (a cold load's first
// requests: /auth/me and the landing page's first page of numbers). The API client takes such an answer instead of
// sending the same GET again, under strict conditions, and asks again normally in every other case:
// - the exact same-origin path and query the app would request;
// - once: a later fetch of the same URL (a refetch, a retry) goes to the network;
// - within MAX_AGE_MS of the boot script's start, so an answer is never served long after it was given;
// - a 2xx answer only: anything else (signed out, an error, no network) is asked again, so the app's usual handling
//   (sign-in redirect, retries, error boxes) sees a fresh answer.

export interface BootFetch {
  /** performance.now() when the boot script started its requests. */
  started: number;
  /** Pending answers by path + query ('/api/v2/numbers?limit=50&offset=0'); null = the request failed. */
  requests: Record<string, Promise<Response | null>>;
}

declare global {
  interface Window {
    __bootFetch?: BootFetch;
  }
}

export const MAX_AGE_MS = 10_000;

/** The boot script's answer for `url` (once), or null when there is none to use. */
export function takeBootResponse(url: string): Promise<Response | null> | null {
  const boot = globalThis.window?.__bootFetch;
  if (!boot) return null;
  let key: string;
  try {
    const parsed = new URL(url, globalThis.location.href);
    if (parsed.origin !== globalThis.location.origin) return null;
    key = `${parsed.pathname}${parsed.search}`;
  } catch {
    return null;
  }
  const pending = boot.requests[key];
  if (!pending) return null;
  delete boot.requests[key];
  if (performance.now() - boot.started > MAX_AGE_MS) return null;
  return pending.then(
    (response) => (response?.ok ? response : null),
    () => null,
  );
}

/** Forget every answer not taken yet (sign-in and sign-out: they answered for the session before). */
export function dropBootResponses(): void {
  const boot = globalThis.window?.__bootFetch;
  if (boot) boot.requests = {};
}
