// The proxy's stdout for log lines: lines are joined into batches of ~8 KiB here, and each batch is written off the
// event loop by sonic-boom (pino's destination). sonic-boom alone, buffering lines itself, measures the byte length of
// its whole pending buffer on every line written: at a 4 KiB buffer that cost ~4-5 µs per line, against ~0.6 µs for
// a plain join and one write per batch (docs/performance.md, change 31).

import { writeSync } from 'node:fs';

/** What a batch is handed to: sonic-boom's `fd` / `write` / `flushSync` (pino.destination with sync: false). */
export interface LineSink {
  readonly fd: number;
  write(data: string): boolean;
  flushSync(): void;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `text` to `fd` before returning (shutdown, exit): a non-blocking stdout pipe that is full answers
 * EAGAIN, so it waits 10 ms and tries again, for up to 10 s.
 */
export function writeAllSync(fd: number, text: string): void {
  let bytes = Buffer.from(text, 'utf8');
  for (let tries = 0; bytes.length > 0;) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'EAGAIN' && code !== 'EBUSY') || ++tries > 1000) throw err;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

export class BatchedLines {
  private pending = '';
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sink: LineSink,
    flushMs: number,
    private readonly batchChars = 8192,
  ) {
    this.timer = setInterval(() => this.flush(), flushMs);
    this.timer.unref();
    // At exit, what is still here is written synchronously (after what sonic-boom holds); see flushSync.
    process.once('exit', this.onExit);
  }

  /** One or more whole lines (pino and the access log write one line per call). */
  write(lines: string): boolean {
    this.pending += lines;
    if (this.pending.length >= this.batchChars) this.flush();
    return true;
  }

  /** Hands what is pending to sonic-boom, which writes it asynchronously. */
  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = '';
    this.sink.write(batch);
  }

  /**
   * Everything, synchronously (shutdown, exit): what sonic-boom holds first, then what is pending here, written
   * directly — handing it to sonic-boom would start an asynchronous write that the exiting process never finishes.
   */
  flushSync(): void {
    this.sink.flushSync();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = '';
    writeAllSync(this.sink.fd, batch);
  }

  /** Stops the timer; what is pending stays for flushSync / exit. */
  close(): void {
    clearInterval(this.timer);
    process.removeListener('exit', this.onExit);
  }

  private readonly onExit = (): void => {
    try {
      this.flushSync();
    } catch {
      // stdout gone: nothing to write to
    }
  };
}
