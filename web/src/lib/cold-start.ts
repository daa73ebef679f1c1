// Whether the app's first navigation (a cold load) is still under way; main.tsx ends it when it first renders.
// Loaders may wait a moment for data during a cold load only (nothing is on screen yet to keep responsive).
let cold = true;

export function isColdStart(): boolean {
  return cold;
}

export function endColdStart(): void {
  cold = false;
}

/** Resolves when `promise` settles or after `ms`, whichever comes first (never rejects): a cold load's bounded wait. */
export function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}

/** Tests only: start over as a cold load. */
export function resetColdStartForTests(): void {
  cold = true;
}
