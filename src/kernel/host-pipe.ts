import { WOULD_BLOCK } from './file.js';
import type { PipeEnd } from './pipe.js';

/**
 * The host's ends of a task's stdio pipes (the CLI's stdin/stdout, the page's
 * test API): drains a read end into a sink, and feeds bytes into a write end,
 * waiting for the ring without busy-waiting.
 */

/**
 * Copies everything written to `end` into `sink` until EOF (all writers closed)
 * or `stop()`; a sink that returns a promise applies back-pressure.
 */
export function drain(end: PipeEnd, sink: (bytes: Uint8Array) => void | Promise<void>): {
  done: Promise<void>; flush(): void; pump(): void; stop(): void;
} {
  const buf = new Uint8Array(1 << 16);
  let resolve!: () => void;
  const done = new Promise<void>((r) => { resolve = r; });
  let finished = false;
  const step = async (): Promise<void> => {
    for (;;) {
      if (finished) return;
      const n = end.read(buf);
      if (n === 0) { finished = true; resolve(); return; }
      if (n === WOULD_BLOCK) {
        await new Promise<void>((r) => end.onReady(r));
        continue;
      }
      if (n < 0) { finished = true; resolve(); return; }
      const p = sink(buf.slice(0, n));
      if (p) await p;
    }
  };
  void step();
  return {
    done,
    /** Copies what is buffered now and stops (the writers may live on in the background). */
    flush(): void {
      for (;;) {
        const n = end.read(buf);
        if (n <= 0) break;
        void sink(buf.slice(0, n));
      }
      finished = true;
      resolve();
    },
    /** Copies what is buffered now and goes on draining (a snapshot is about to record the rings). */
    pump(): void {
      if (finished) return;
      for (;;) {
        const n = end.read(buf);
        if (n <= 0) break;
        void sink(buf.slice(0, n));
      }
    },
    /** Stops copying (the host's reader went away); what is buffered stays in the ring. */
    stop(): void {
      finished = true;
      resolve();
    },
  };
}

/** Writes all of `bytes` into `end`, waiting for room. Resolves false when there are no readers. */
export async function feed(end: PipeEnd, bytes: Uint8Array): Promise<boolean> {
  let off = 0;
  while (off < bytes.length) {
    const n = end.write(bytes.subarray(off));
    if (n === WOULD_BLOCK) {
      await new Promise<void>((r) => end.onReady(r));
      continue;
    }
    if (n < 0) return false;
    off += n;
  }
  return true;
}
