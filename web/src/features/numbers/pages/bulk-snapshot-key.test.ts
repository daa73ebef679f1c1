// The list page checks for a saved bulk run without importing the bar's code: its copy of the key must match.
import { describe, expect, it } from 'vitest';
import { STORAGE_KEY } from '../components/bulk/bulk-machine';
import { BULK_SNAPSHOT_KEY } from './numbers-list-page';

describe('bulk run snapshot key', () => {
  it('is the one bulk-machine saves under', () => {
    expect(BULK_SNAPSHOT_KEY).toBe(STORAGE_KEY);
  });
});
