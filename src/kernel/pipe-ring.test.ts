import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { PIPE_BUF, RING_CAPACITY, RingArena } from './pipe-ring.js';

function arena(slots = 2): RingArena {
  return new RingArena(new SharedArrayBuffer(RingArena.bytesFor(slots)));
}

const bytes = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

describe('pipe rings (POSIX pipe semantics: pipe(7))', () => {
  it('delivers bytes in order across the wrap-around of the ring', () => {
    const a = arena();
    a.reset(1, 1, 1);
    const data = bytes(RING_CAPACITY * 3 + 123);
    const got: number[] = [];
    let off = 0;
    const buf = new Uint8Array(5000);
    while (got.length < data.length) {
      if (off < data.length) off += Math.max(0, a.tryWrite(1, data.subarray(off, off + 9000), 10));
      const n = a.tryRead(1, buf, 20);
      if (n > 0) got.push(...buf.subarray(0, n));
    }
    expect(Uint8Array.from(got)).toEqual(data);
  });

  const cases: Array<[string, () => RingArena, Uint8Array, number]> = [
    ['a write of at most PIPE_BUF bytes goes in whole or not at all', () => {
      const a = arena(); a.reset(1, 1, 1);
      a.tryWrite(1, bytes(RING_CAPACITY - PIPE_BUF + 1), 1); // leaves PIPE_BUF - 1 free
      return a;
    }, bytes(PIPE_BUF), 0],
    ['a larger write may be partial (as much as fits)', () => {
      const a = arena(); a.reset(1, 1, 1);
      a.tryWrite(1, bytes(RING_CAPACITY - 100), 1);
      return a;
    }, bytes(PIPE_BUF + 1), 100],
    ['writing with no reader open is EPIPE (-1)', () => { const a = arena(); a.reset(1, 0, 1); return a; }, bytes(10), -1],
    ['a full ring takes nothing (the writer waits)', () => {
      const a = arena(); a.reset(1, 1, 1); a.tryWrite(1, bytes(RING_CAPACITY), 1); return a;
    }, bytes(1), 0],
  ];
  it.each(cases)('%s', (_name, make, data, want) => {
    expect(make().tryWrite(1, data, 2)).toBe(want);
  });

  it('an empty ring reads as "wait" while a writer is open, and EOF (0) once none is', () => {
    const a = arena();
    a.reset(1, 1, 1);
    const buf = new Uint8Array(10);
    expect(a.tryRead(1, buf, 1)).toBe(-1);
    a.tryWrite(1, bytes(3), 2);
    a.addEnds(1, 0, -1);
    expect(a.tryRead(1, buf, 1)).toBe(3); // data written before the close is still read
    expect(a.tryRead(1, buf, 1)).toBe(0);
  });

  it('a writer killed at any instruction loses nothing it published, and its lock is broken', async () => {
    const a = arena();
    a.reset(1, 1, 1);
    // A worker (the compiled ring code from dist/) writes numbered 4-byte records, as pid 7,
    // as fast as it can; this thread reads them and terminates the worker mid-stream.
    const ringUrl = new URL('../../dist/kernel/pipe-ring.js', import.meta.url).href;
    const file = join(mkdtempSync(join(tmpdir(), 'wvisor-ring-')), 'writer.mjs');
    writeFileSync(file, `
      import { workerData, parentPort } from 'node:worker_threads';
      const { RingArena } = await import(${JSON.stringify(ringUrl)});
      const a = new RingArena(workerData.sab);
      const rec = new Uint8Array(4);
      const dv = new DataView(rec.buffer);
      parentPort.postMessage('go');
      for (let i = 0; ; ) {
        dv.setUint32(0, i, true);
        if (a.tryWrite(1, rec, 7) === 4) i++;
      }
    `);
    const w = new Worker(file, { workerData: { sab: a.sab } });
    w.on('error', (e) => { throw e; });
    await new Promise((r) => w.once('message', r));
    const got: number[] = [];
    const buf = new Uint8Array(4096);
    let carry: number[] = [];
    const drain = (rounds = 64) => {
      for (let k = 0; k < rounds; k++) {
        const n = a.tryRead(1, buf, 8);
        if (n <= 0) return;
        carry.push(...buf.subarray(0, n));
        while (carry.length >= 4) {
          got.push(carry[0] | (carry[1] << 8) | (carry[2] << 16) | (carry[3] << 24));
          carry = carry.slice(4);
        }
      }
    };
    const until = Date.now() + 150;
    while (Date.now() < until) { drain(); await new Promise((r) => setImmediate(r)); }
    await w.terminate();
    a.breakLocks(1, 7); // the kernel does this when the task dies
    drain(Infinity);
    expect(carry.length).toBe(0); // 4-byte writes are atomic: no torn record
    expect(got.length).toBeGreaterThan(100);
    got.forEach((v, i) => { if (v !== i) throw new Error(`record ${i} is ${v}`); });
    // The lock is free: another writer gets in.
    expect(a.tryWrite(1, bytes(4), 9)).toBe(4);
  });
});
