// waitAtMost: a cold load's bounded wait ends with the promise or at the limit, whichever comes first, and never throws.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitAtMost } from './cold-start';

describe('waitAtMost', () => {
  afterEach(() => vi.useRealTimers());

  const settledAfter = async (wait: Promise<void>, ms: number) => {
    let done = false;
    void wait.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(ms);
    return done;
  };

  it('ends when the promise settles, before the limit', async () => {
    vi.useFakeTimers();
    const answer = new Promise((resolve) => setTimeout(resolve, 100));
    const wait = waitAtMost(answer, 400);
    expect(await settledAfter(wait, 99)).toBe(false);
    expect(await settledAfter(wait, 1)).toBe(true);
    expect(vi.getTimerCount()).toBe(0); // the limit's timer is cleared
  });

  it('ends at the limit when the promise is slower, and a rejection ends it too, without throwing', async () => {
    vi.useFakeTimers();
    const slow = waitAtMost(new Promise(() => undefined), 400);
    expect(await settledAfter(slow, 399)).toBe(false);
    expect(await settledAfter(slow, 1)).toBe(true);
    await expect(waitAtMost(Promise.reject(new Error('offline')), 400)).resolves.toBeUndefined();
  });
});
