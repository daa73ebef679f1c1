// The proxy's stdout for log lines: lines are joined into batches of ~8 KiB here, and each batch is written off the
// event loop by sonic-boom (pino's destination). sonic-boom alone, buffering lines itself, measures the byte length of
// its whole pending buffer on every line written: at a 4 KiB buffer that cost ~4-5 µs per line, against ~0.6 µs for
// a plain join and one write per batch (docs/performance.md, change 31).

/** What a batch is handed to: sonic-boom's `write` / `flushSync` (pino.destination with sync: false). */
export interface LineSink {
  write(data: string): boolean;
  flushSync(): void;
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
    // pino flushes sonic-boom itself on exit; what is still here must get there first.
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

  /** Everything, synchronously (shutdown). */
  flushSync(): void {
    this.flush();
    this.sink.flushSync();
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
