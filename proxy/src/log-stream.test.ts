// BatchedLines: lines reach sonic-boom in order, in batches, on the timer and at exit — and nothing is lost.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchedLines } from './log-stream';

function fakeSink(fd = -1) {
  const writes: string[] = [];
  let synced = 0;
  return {
    fd,
    writes,
    get synced() {
      return synced;
    },
    write: (data: string) => (writes.push(data), true),
    flushSync: () => void synced++,
  };
}

describe('BatchedLines', () => {
  afterEach(() => vi.useRealTimers());

  it('holds lines until a batch is full, then hands over one batch, in order', () => {
    const sink = fakeSink();
    const lines = new BatchedLines(sink, 60_000, 100);
    for (let i = 0; i < 9; i++) lines.write(`line ${i} ${'x'.repeat(3)}\n`); // 11 characters each
    expect(sink.writes).toEqual([]);
    for (let i = 9; i < 20; i++) lines.write(`line ${i} ${'x'.repeat(2)}\n`);
    expect(sink.writes.length).toBeGreaterThan(0);
    lines.flush();
    const text = sink.writes.join('');
    expect(text.split('\n').filter(Boolean)).toEqual(
      Array.from({ length: 20 }, (_, i) => `line ${i} ${'x'.repeat(i < 9 ? 3 : 2)}`),
    );
    expect(sink.writes.every((w) => w.endsWith('\n'))).toBe(true);
    lines.close();
  });

  it('flushSync writes what is pending itself, synchronously, after what sonic-boom holds', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowroute-lines-'));
    const file = path.join(dir, 'out.log');
    const fd = openSync(file, 'w');
    try {
      const sink = fakeSink(fd);
      const lines = new BatchedLines(sink, 60_000, 8192);
      lines.write('{"n":1}\n');
      lines.write('{"n":2}\n');
      lines.flushSync();
      // Not handed to sonic-boom (whose write would be asynchronous), and on disk before flushSync returned.
      expect(sink.writes).toEqual([]);
      expect(sink.synced).toBe(1);
      expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
      lines.flushSync(); // nothing pending: nothing written twice
      expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
      lines.close();
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands over what is pending every flushMs', () => {
    vi.useFakeTimers();
    const sink = fakeSink();
    const lines = new BatchedLines(sink, 1_000, 8192);
    lines.write('a\n');
    vi.advanceTimersByTime(999);
    expect(sink.writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sink.writes).toEqual(['a\n']);
    vi.advanceTimersByTime(5_000);
    expect(sink.writes).toEqual(['a\n']); // nothing new: no empty writes
    lines.close();
  });

  it('writes what is pending when the process exits (real stdout, real sonic-boom)', () => {
    const script = `
      import pino from 'pino';
      import { BatchedLines } from './proxy/src/log-stream.ts';
      const boom = pino.destination({ dest: 1, sync: false, minLength: 0 });
      const lines = new BatchedLines({ fd: 1, write: (d) => boom.write(d), flushSync: () => boom.flushSync() }, 60_000);
      for (let i = 0; i < 50; i++) lines.write('{"n":' + i + '}\\n');
      process.exit(0);
    `;
    const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out.status).toBe(0);
    expect(out.stdout.split('\n').filter(Boolean)).toEqual(
      Array.from({ length: 50 }, (_, i) => `{"n":${i}}`),
    );
  });
});
