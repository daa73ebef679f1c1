// Whether the app's first navigation (a cold load) is still under way; main.tsx ends it when it first renders.
// Loaders may wait a moment for data during a cold load only (nothing is on screen yet to keep responsive).
let cold = true;

export function isColdStart(): boolean {
  return cold;
}

export function endColdStart(): void {
  cold = false;
}

/** Tests only: start over as a cold load. */
export function resetColdStartForTests(): void {
  cold = true;
}
