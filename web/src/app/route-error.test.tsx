import { afterEach, describe, expect, it } from 'vitest';
import { isChunkLoadError, mayAutoReload } from './route-error';

describe('isChunkLoadError', () => {
  it('recognises the messages browsers give for a route chunk that cannot be loaded', () => {
    for (const message of [
      'Failed to fetch dynamically imported module: http://x/assets/routes-list-page-abc.js',
      'error loading dynamically imported module: http://x/assets/a.js',
      'Importing a module script failed.',
      'Unable to preload CSS for /assets/audit-page-x.css',
    ]) {
      expect(isChunkLoadError(new TypeError(message))).toBe(true);
    }
    expect(isChunkLoadError(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isChunkLoadError('Failed to fetch dynamically imported module')).toBe(false);
  });
});

describe('mayAutoReload', () => {
  afterEach(() => sessionStorage.clear());

  it('allows one automatic reload, then not again within a minute (no reload loop)', () => {
    const now = 1_800_000_000_000;
    expect(mayAutoReload(now)).toBe(true);
    sessionStorage.setItem('flowroute.chunk-reload-at', String(now));
    expect(mayAutoReload(now + 5_000)).toBe(false);
    expect(mayAutoReload(now + 61_000)).toBe(true);
  });
});
