/**
 * The data plane of pipes: single-copy ring buffers in one shared arena that
 * every task worker and the kernel map. Both ends read and write a ring
 * directly with Atomics; the kernel is involved only to block, to wake, and for
 * EOF/EPIPE/signals (docs/ARCHITECTURE.md, "The syscall path").
 *
 * A ring survives a killed end (SIGKILL is worker.terminate(), at any
 * instruction): a writer publishes with one atomic store of `tail` after the
 * bytes are in place, a reader with one store of `head` after copying out, so a
 * killed task loses nothing it published. Several writers (or readers) of one
 * ring serialise on a lock word that holds the owner's pid; the kernel breaks
 * it when that task dies ({@link breakLocks}), as robust futexes do.
 *
 * Nothing in the arena is saved by reference: a snapshot copies each live
 * ring's buffered bytes ({@link peekAll}) and a restore refills a fresh ring.
 */

/** Bytes per ring's data area; a power of two (wrap-around by masking). */
export const RING_CAPACITY = 1 << 18;
/** Writes of at most this many bytes are atomic (never interleaved), as POSIX's PIPE_BUF. */
export const PIPE_BUF = 4096;
const HEADER_BYTES = 64;
const SLOT_BYTES = HEADER_BYTES + RING_CAPACITY;

/** Int32 word indexes in a ring's header. */
const enum H {
  /** Total bytes consumed (mod 2^32). Stored only by the reader holding the read lock. */
  Head = 0,
  /** Total bytes published (mod 2^32). Stored only by the writer holding the write lock. */
  Tail = 1,
  /** Open read-end file descriptions. Kernel-owned. */
  Readers = 2,
  /** Open write-end file descriptions. Kernel-owned. */
  Writers = 3,
  /** Futex word bumped on every change; waiters sleep on it. */
  Seq = 4,
  /** pid holding the write lock, or 0. */
  WriteLock = 5,
  /** pid holding the read lock, or 0. */
  ReadLock = 6,
}

/** The shared arena: `slots` rings. Created by the kernel, posted to every worker. */
export class RingArena {
  /** Word view of `sab`. @nosave */
  readonly i32: Int32Array;
  /** Byte view of `sab`. @nosave */
  readonly u8: Uint8Array;
  /** Number of rings. @nosave derived from the size */
  readonly slots: number;

  constructor(
    /** The shared memory of every ring. @nosave a new arena per kernel; each pipe's buffered bytes are saved (PipeState.buffered) */
    readonly sab: SharedArrayBuffer,
  ) {
    this.i32 = new Int32Array(sab);
    this.u8 = new Uint8Array(sab);
    this.slots = Math.floor(sab.byteLength / SLOT_BYTES);
  }

  static bytesFor(slots: number): number {
    return slots * SLOT_BYTES;
  }

  private w(ring: number, word: H): number {
    return (ring * SLOT_BYTES) / 4 + word;
  }

  /** Bytes buffered now. */
  used(ring: number): number {
    return (Atomics.load(this.i32, this.w(ring, H.Tail)) - Atomics.load(this.i32, this.w(ring, H.Head))) >>> 0;
  }
  readers(ring: number): number { return Atomics.load(this.i32, this.w(ring, H.Readers)); }
  writers(ring: number): number { return Atomics.load(this.i32, this.w(ring, H.Writers)); }
  seq(ring: number): number { return Atomics.load(this.i32, this.w(ring, H.Seq)); }
  seqIndex(ring: number): number { return this.w(ring, H.Seq); }

  /** Wakes everyone sleeping on the ring (data, space, or an end closed). */
  bump(ring: number): void {
    const s = this.w(ring, H.Seq);
    Atomics.add(this.i32, s, 1);
    Atomics.notify(this.i32, s);
  }

  /** Kernel: prepares a free slot for a new pipe with one reader and one writer. */
  reset(ring: number, readers: number, writers: number): void {
    const base = this.w(ring, 0);
    for (let i = 0; i < HEADER_BYTES / 4; i++) Atomics.store(this.i32, base + i, 0);
    Atomics.store(this.i32, base + H.Readers, readers);
    Atomics.store(this.i32, base + H.Writers, writers);
  }

  /** Kernel: changes the count of open read or write descriptions and wakes waiters. */
  addEnds(ring: number, readers: number, writers: number): void {
    if (readers) Atomics.add(this.i32, this.w(ring, H.Readers), readers);
    if (writers) Atomics.add(this.i32, this.w(ring, H.Writers), writers);
    this.bump(ring);
  }

  /** Kernel: releases locks held by a dead task. */
  breakLocks(ring: number, pid: number): void {
    let broke = false;
    for (const lock of [H.WriteLock, H.ReadLock]) {
      if (Atomics.compareExchange(this.i32, this.w(ring, lock), pid, 0) === pid) broke = true;
    }
    if (broke) this.bump(ring);
  }

  private tryLock(ring: number, lock: H, pid: number): boolean {
    const idx = this.w(ring, lock);
    const cur = Atomics.compareExchange(this.i32, idx, 0, pid);
    return cur === 0 || cur === pid;
  }

  private unlock(ring: number, lock: H): void {
    Atomics.store(this.i32, this.w(ring, lock), 0);
  }

  /**
   * Writes as much of `src` as fits now. Returns the bytes written (> 0), 0 when
   * the caller must wait (ring full, a write of ≤ PIPE_BUF bytes that does not
   * fit whole, or another writer holds the lock), or -1 when there are no
   * readers (EPIPE).
   */
  tryWrite(ring: number, src: Uint8Array, pid: number): number {
    if (this.readers(ring) === 0) return -1;
    if (src.length === 0) return 0;
    if (!this.tryLock(ring, H.WriteLock, pid)) return 0;
    let n = 0;
    try {
      const tailIdx = this.w(ring, H.Tail);
      const tail = Atomics.load(this.i32, tailIdx) >>> 0;
      const head = Atomics.load(this.i32, this.w(ring, H.Head)) >>> 0;
      const space = RING_CAPACITY - ((tail - head) >>> 0);
      if (space === 0 || (src.length <= PIPE_BUF && space < src.length)) return 0;
      n = Math.min(space, src.length);
      const data = (ring * SLOT_BYTES) + HEADER_BYTES;
      const at = tail & (RING_CAPACITY - 1);
      const first = Math.min(n, RING_CAPACITY - at);
      this.u8.set(src.subarray(0, first), data + at);
      if (first < n) this.u8.set(src.subarray(first, n), data);
      Atomics.store(this.i32, tailIdx, (tail + n) | 0);
    } finally {
      this.unlock(ring, H.WriteLock);
    }
    // Wake sleepers after the lock is free: a writer that found it held sleeps on Seq and must see this bump.
    this.bump(ring);
    return n;
  }

  /**
   * Reads up to `dst.length` bytes. Returns the bytes read (> 0), 0 at EOF (empty
   * and no writers), or -1 when the caller must wait.
   */
  tryRead(ring: number, dst: Uint8Array, pid: number): number {
    if (dst.length === 0) return 0;
    if (this.used(ring) === 0) return this.writers(ring) === 0 && this.used(ring) === 0 ? 0 : -1;
    if (!this.tryLock(ring, H.ReadLock, pid)) return -1;
    let n = 0;
    try {
      const headIdx = this.w(ring, H.Head);
      const head = Atomics.load(this.i32, headIdx) >>> 0;
      const tail = Atomics.load(this.i32, this.w(ring, H.Tail)) >>> 0;
      const avail = (tail - head) >>> 0;
      if (avail === 0) return -1;
      n = Math.min(avail, dst.length);
      const data = (ring * SLOT_BYTES) + HEADER_BYTES;
      const at = head & (RING_CAPACITY - 1);
      const first = Math.min(n, RING_CAPACITY - at);
      dst.set(this.u8.subarray(data + at, data + at + first), 0);
      if (first < n) dst.set(this.u8.subarray(data, data + (n - first)), first);
      Atomics.store(this.i32, headIdx, (head + n) | 0);
    } finally {
      this.unlock(ring, H.ReadLock);
    }
    this.bump(ring);
    return n;
  }

  /** Copies the buffered bytes without consuming them (snapshots). */
  peekAll(ring: number): Uint8Array {
    const head = Atomics.load(this.i32, this.w(ring, H.Head)) >>> 0;
    const n = this.used(ring);
    const out = new Uint8Array(n);
    const data = (ring * SLOT_BYTES) + HEADER_BYTES;
    for (let i = 0; i < n; i++) out[i] = this.u8[data + ((head + i) & (RING_CAPACITY - 1))];
    return out;
  }
}
