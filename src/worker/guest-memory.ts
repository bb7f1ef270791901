import { Errno } from '../kernel/abi/errno.js';

/**
 * Access to a guest's linear memory from its syscall stubs. Every pointer and
 * length a guest passes is checked here once ({@link check}); a bad one is
 * EFAULT for the guest, never an exception in the worker or the kernel.
 * The views are refreshed when the memory grows (the old buffer detaches).
 */
export class GuestMemory {
  /** The guest's exported memory. Set once at instantiation. */
  private memory: WebAssembly.Memory | undefined;
  /** Cached views over memory.buffer; rebuilt when the buffer changes. */
  private buf: ArrayBuffer | undefined;
  private u8v = new Uint8Array(0);
  private dvv = new DataView(new ArrayBuffer(0));

  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.buf = undefined;
  }

  private refresh(): void {
    const b = this.memory!.buffer;
    if (b !== this.buf) {
      this.buf = b;
      this.u8v = new Uint8Array(b);
      this.dvv = new DataView(b);
    }
  }

  get u8(): Uint8Array {
    this.refresh();
    return this.u8v;
  }

  get dv(): DataView {
    this.refresh();
    return this.dvv;
  }

  /** True when [ptr, ptr+len) lies inside memory. */
  check(ptr: number, len: number): boolean {
    this.refresh();
    const p = ptr >>> 0;
    const l = len >>> 0;
    return p + l <= this.u8v.length;
  }

  /** Bytes [ptr, ptr+len) as a view, or undefined (EFAULT). */
  bytes(ptr: number, len: number): Uint8Array | undefined {
    if (!this.check(ptr, len)) return undefined;
    return this.u8v.subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0));
  }

  /** Writes a u32 at ptr; false when out of bounds. */
  setU32(ptr: number, v: number): boolean {
    if (!this.check(ptr, 4)) return false;
    this.dvv.setUint32(ptr >>> 0, v >>> 0, true);
    return true;
  }

  setU64(ptr: number, v: bigint): boolean {
    if (!this.check(ptr, 8)) return false;
    this.dvv.setBigUint64(ptr >>> 0, BigInt.asUintN(64, v), true);
    return true;
  }

  /**
   * Reads an iovec array (WASI ciovec: buf u32, len u32) and returns the
   * segments, or an errno when the array or any segment is out of bounds.
   */
  iovecs(iovs: number, count: number): Array<[number, number]> | Errno {
    const n = count >>> 0;
    if (n > 1024) return Errno.INVAL;
    if (!this.check(iovs, n * 8)) return Errno.FAULT;
    const out: Array<[number, number]> = [];
    const dv = this.dvv;
    for (let i = 0; i < n; i++) {
      const p = dv.getUint32((iovs >>> 0) + i * 8, true);
      const l = dv.getUint32((iovs >>> 0) + i * 8 + 4, true);
      if (!this.check(p, l)) return Errno.FAULT;
      out.push([p, l]);
    }
    return out;
  }

  /** Reads a UTF-8 string of len bytes; undefined when out of bounds. */
  string(ptr: number, len: number): string | undefined {
    const b = this.bytes(ptr, len);
    return b === undefined ? undefined : utf8.decode(b);
  }

  /** Reads a NUL-terminated string starting at ptr (at most max bytes). */
  cstring(ptr: number, max = 1 << 20): string | undefined {
    this.refresh();
    const p = ptr >>> 0;
    const u8 = this.u8v;
    if (p >= u8.length) return undefined;
    const end = Math.min(u8.length, p + max);
    let i = p;
    while (i < end && u8[i] !== 0) i++;
    if (i === end) return undefined;
    return utf8.decode(u8.subarray(p, i));
  }
}

export const utf8 = {
  enc: new TextEncoder(),
  dec: new TextDecoder(),
  encode(s: string): Uint8Array {
    return this.enc.encode(s);
  },
  decode(b: Uint8Array): string {
    return this.dec.decode(b);
  },
};
