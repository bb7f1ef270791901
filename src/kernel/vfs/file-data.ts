/**
 * The bytes of a regular file in memory: a Uint8Array grown by doubling (so a
 * run of appends costs amortised O(1) per byte) with a logical size.
 * Invariant: bytes in [size, capacity) are zero, so extending (truncate up, a
 * write past the end) never exposes old data and needs no extra fill.
 * Limits (EFBIG, ENOSPC) are checked by the caller before it calls these.
 */
export class FileData {
  /** Storage; its length is the capacity. Replaced when growing. @saved its first `size` bytes */
  private buf: Uint8Array;
  /** Logical file size in bytes; changed by write and truncate. @saved */
  size: number;

  constructor(initial?: Uint8Array) {
    this.buf = initial ? initial.slice() : EMPTY;
    this.size = initial ? initial.length : 0;
  }

  /** Copies up to `out.length` bytes from `offset` into `out`; returns the count. */
  read(offset: number, out: Uint8Array): number {
    if (offset >= this.size) return 0;
    const n = Math.min(out.length, this.size - offset);
    out.set(this.buf.subarray(offset, offset + n));
    return n;
  }

  /** Writes all of `data` at `offset`, growing the file (gap reads as zeros). */
  write(offset: number, data: Uint8Array): void {
    const end = offset + data.length;
    if (end > this.buf.length) this.grow(end);
    this.buf.set(data, offset);
    if (end > this.size) this.size = end;
  }

  /** Sets the size; growth reads as zeros, shrinking clears the cut tail. */
  truncate(size: number): void {
    if (size < this.size) {
      this.buf.fill(0, size, this.size);
      // Release memory when a large file shrinks a lot.
      if (size < this.buf.length / 4) this.buf = this.buf.slice(0, size);
    } else if (size > this.buf.length) {
      this.grow(size);
    }
    this.size = size;
  }

  /** A copy of the file's bytes (for snapshots). */
  snapshot(): Uint8Array {
    return this.buf.slice(0, this.size);
  }

  private grow(min: number): void {
    // Double, but by at most 64 MiB a step, so a big file does not reserve twice its size.
    let cap = Math.max(64, this.buf.length + Math.min(this.buf.length, 64 << 20));
    if (cap < min) cap = min;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.size));
    this.buf = next;
  }
}

const EMPTY = new Uint8Array(0);
