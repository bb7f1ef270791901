/**
 * The worker's side of Asyncify: unwinding a guest blocked in a syscall, and
 * rewinding a saved stack into a fresh instance (possibly in another worker,
 * after its memory and globals were restored from a snapshot).
 *
 * Platform-free: only the WebAssembly API (src/types/wasm.d.ts).
 *
 * The instance must come from a module rewritten by src/instrument (see
 * src/instrument/contract.ts): it exports `memory`, the five asyncify_*
 * functions, and the mutable i32 `wvisor_unwind_buf` (also exported as a
 * `wvisor_g<N>`, so snapshots of the globals carry it).
 *
 * The unwind buffer. Asyncify keeps the unwound stack (each frame's locals and
 * call index) in guest memory, described by an 8-byte header
 *     [buf + 0] i32 current: next free byte (grows while unwinding, shrinks while rewinding)
 *     [buf + 4] i32 end:     first byte past the buffer (Asyncify traps rather than write past it)
 * followed by the data. The buffer is made at the first unwind by growing
 * memory, never at start-up: wasi-libc's allocator may claim any memory that
 * exists when it starts, but never pages grown by someone else later. Its
 * address is kept in `wvisor_unwind_buf`, so it travels with the globals, and
 * the pages travel with memory: after a restore the same buffer is reused.
 *
 * The cycle, from a syscall import:
 *   unwind:  import calls startUnwind() and returns (any value); the export the
 *            worker called returns; the worker calls finishUnwind() and saves
 *            memory, readGuestGlobals() and the returned unwind data.
 *   rewind:  in a fresh instance, the worker restores memory (its size too) and
 *            writeGuestGlobals(), calls startRewind(data), then calls the same
 *            export again (e.g. `_start`); the guest re-enters the import, which
 *            sees `rewinding`, calls stopRewind() and now does the call for real.
 */
import { GLOBAL_EXPORT_PREFIX, UNWIND_BUF_EXPORT } from '../instrument/contract.js';

/** asyncify_get_state values (binaryen's Asyncify). */
export const AsyncifyState = {
  /** Running normally. */
  Normal: 0,
  /** Unwinding: every instrumented frame saves itself and returns. */
  Unwinding: 1,
  /** Rewinding: every instrumented frame restores itself until the unwind point is reached again. */
  Rewinding: 2,
} as const;
export type AsyncifyStateValue = (typeof AsyncifyState)[keyof typeof AsyncifyState];

/** The instance lacks the exports of a rewritten module. */
export class NotInstrumentedError extends Error {
  constructor(missing: string) {
    super(`the guest instance has no export "${missing}": its module was not rewritten by wVisor; `
      + 'rewrite it with rewriteModule (src/instrument) or `node dist/instrument/cli.js in.wasm out.wasm`');
    this.name = 'NotInstrumentedError';
  }
}

/** An Asyncify operation was asked for in the wrong state, or the data does not fit. */
export class AsyncifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AsyncifyError';
  }
}

/** A saved globals record does not match the instance's exported globals. */
export class GlobalsMismatchError extends Error {
  constructor(detail: string) {
    super(`saved globals do not match this module (${detail}); restore the snapshot with the module it names`);
    this.name = 'GlobalsMismatchError';
  }
}

/** How the runtime sizes its buffer. */
export interface AsyncifyOptions {
  /**
   * Bytes to grow memory by for the unwind buffer at the first unwind (a
   * multiple of 65536; default 1 MiB). Untouched pages cost no RAM and
   * snapshots elide zero pages; a deep stack with many locals needs more.
   */
  bufferBytes?: number;
}

const PAGE = 65536;

/** Whether a 64 KiB page (4-byte aligned) is all zero: four words a test, out at the first that is not. */
function zeroPage(p: Uint8Array): boolean {
  const w = new Int32Array(p.buffer, p.byteOffset, p.length >> 2);
  for (let i = 0; i < w.length; i += 4) if ((w[i] | w[i + 1] | w[i + 2] | w[i + 3]) !== 0) return false;
  return true;
}
const HEADER = 8;
export const DEFAULT_UNWIND_BUFFER_BYTES = 16 * PAGE;

type I32Fn = (arg: number) => void;

/**
 * Asyncify control for one guest instance. Holds no state of its own beyond
 * references to the instance's exports: everything that matters (the buffer
 * address, the header, the data) is in the instance's globals and memory, so
 * a restored instance needs only a new Asyncify over its exports.
 */
export class Asyncify {
  /** The guest's memory (its buffer is re-read after every grow). */
  private readonly memory: WebAssembly.Memory;
  private readonly startUnwindFn: I32Fn;
  private readonly stopUnwindFn: () => void;
  private readonly startRewindFn: I32Fn;
  private readonly stopRewindFn: () => void;
  private readonly getStateFn: () => number;
  /** The guest global holding the buffer's address (0 until the first unwind). Saved with the globals. */
  private readonly bufGlobal: WebAssembly.Global;
  /** Bytes to grow by when the buffer is made. Fixed at construction. */
  private readonly bufferBytes: number;

  constructor(private readonly exports: WebAssembly.Exports, opts: AsyncifyOptions = {}) {
    const need = <T>(name: string, kind: 'function' | 'global' | 'memory'): T => {
      const v = exports[name];
      const ok = kind === 'function' ? typeof v === 'function'
        : kind === 'global' ? v instanceof WebAssembly.Global : v instanceof WebAssembly.Memory;
      if (!ok) throw new NotInstrumentedError(name);
      return v as T;
    };
    this.memory = need<WebAssembly.Memory>('memory', 'memory');
    this.startUnwindFn = need<I32Fn>('asyncify_start_unwind', 'function');
    this.stopUnwindFn = need<() => void>('asyncify_stop_unwind', 'function');
    this.startRewindFn = need<I32Fn>('asyncify_start_rewind', 'function');
    this.stopRewindFn = need<() => void>('asyncify_stop_rewind', 'function');
    this.getStateFn = need<() => number>('asyncify_get_state', 'function');
    this.bufGlobal = need<WebAssembly.Global>(UNWIND_BUF_EXPORT, 'global');
    const bytes = opts.bufferBytes ?? DEFAULT_UNWIND_BUFFER_BYTES;
    if (!Number.isInteger(bytes) || bytes <= 0 || bytes % PAGE !== 0) {
      throw new RangeError(`bufferBytes must be a positive multiple of 65536, got ${bytes}`);
    }
    this.bufferBytes = bytes;
  }

  /** Whether an instance's exports carry the Asyncify runtime this class drives. */
  static supported(exports: WebAssembly.Exports): boolean {
    return typeof exports.asyncify_start_unwind === 'function' && typeof exports.asyncify_get_state === 'function'
      && exports[UNWIND_BUF_EXPORT] instanceof WebAssembly.Global;
  }

  /** asyncify_get_state(). */
  get state(): AsyncifyStateValue {
    return this.getStateFn() as AsyncifyStateValue;
  }

  get normal(): boolean { return this.state === AsyncifyState.Normal; }
  get unwinding(): boolean { return this.state === AsyncifyState.Unwinding; }
  get rewinding(): boolean { return this.state === AsyncifyState.Rewinding; }

  /** Address of the unwind buffer's header in guest memory, 0 if none was made yet. */
  get bufferAddress(): number {
    return (this.bufGlobal.value as number) >>> 0;
  }

  /**
   * Starts unwinding. Call from inside an unwind-point import, then return
   * from the import; the export the worker called then returns. Makes the
   * buffer on first use (grows memory). Throws AsyncifyError if not running
   * normally or if memory cannot grow.
   */
  startUnwind(): void {
    this.expectState(AsyncifyState.Normal, 'startUnwind');
    const buf = this.ensureBuffer();
    const u32 = new Uint32Array(this.memory.buffer, buf, 2);
    u32[0] = buf + HEADER;
    this.startUnwindFn(buf);
  }

  /**
   * Ends an unwind once the called export has returned, leaving the instance
   * in the normal state, and returns a copy of the unwind data (exactly the
   * bytes Asyncify wrote). Throws AsyncifyError if no unwind is in progress.
   */
  finishUnwind(): Uint8Array {
    this.expectState(AsyncifyState.Unwinding, 'finishUnwind');
    this.stopUnwindFn();
    const buf = this.bufferAddress;
    const [current, end] = this.header(buf);
    if (current < buf + HEADER || current > end) {
      throw new AsyncifyError(`unwind left a corrupt header at ${buf}: current ${current}, end ${end}`);
    }
    return new Uint8Array(this.memory.buffer, buf + HEADER, current - buf - HEADER).slice();
  }

  /**
   * Places saved unwind data and starts rewinding; then call the export that
   * was running when the task unwound. Works in a fresh instance whose memory
   * and globals were restored (the buffer's address comes back with the
   * globals, its pages with memory); in an instance that never unwound it
   * makes a buffer. Throws AsyncifyError if not running normally or the data
   * does not fit.
   */
  startRewind(data: Uint8Array): void {
    this.expectState(AsyncifyState.Normal, 'startRewind');
    const buf = this.ensureBuffer();
    const [, end] = this.header(buf);
    if (buf + HEADER + data.length > end) {
      throw new AsyncifyError(`unwind data of ${data.length} bytes does not fit the ${end - buf - HEADER}-byte buffer at ${buf}`);
    }
    new Uint8Array(this.memory.buffer, buf + HEADER, data.length).set(data);
    // Rewinding pops frames from the top of the data, outermost first.
    new Uint32Array(this.memory.buffer, buf, 1)[0] = buf + HEADER + data.length;
    this.startRewindFn(buf);
  }

  /**
   * Ends a rewind: call from the import the task was unwound in, when it is
   * re-entered, before doing its work. Checks that the rewind consumed all
   * the data (it does unless the data came from another module or stack).
   */
  stopRewind(): void {
    this.expectState(AsyncifyState.Rewinding, 'stopRewind');
    this.stopRewindFn();
    const buf = this.bufferAddress;
    const [current] = this.header(buf);
    if (current !== buf + HEADER) {
      throw new AsyncifyError(`rewind stopped with ${current - buf - HEADER} bytes of unwind data unused: `
        + 'the data does not belong to this stack');
    }
  }

  /**
   * finishUnwind() plus a copy of memory and the globals: everything a fresh
   * instance of the same module needs to continue (see restore()).
   */
  captureImage(): GuestImage {
    const unwind = this.finishUnwind();
    // Only pages that are not zero are copied: the rest of a new buffer is zero already, and left untouched
    // it costs no memory (a mostly zero 256 MiB task: ~40 ms instead of ~250 ms for a whole copy).
    const mem = new Uint8Array(this.memory.buffer);
    const copy = new Uint8Array(mem.length);
    const zeroPages = new Uint8Array(mem.length / PAGE);
    for (let off = 0, i = 0; off < mem.length; off += PAGE, i++) {
      const page = mem.subarray(off, off + PAGE);
      if (zeroPage(page)) zeroPages[i] = 1;
      else copy.set(page, off);
    }
    return { memory: copy, globals: readGuestGlobals(this.exports), unwind, zeroPages };
  }

  /**
   * Loads an image made by captureImage() into this (fresh) instance and
   * starts rewinding: grows memory to the image's size, copies it, writes the
   * globals, places the unwind data. Then call the export that was running
   * (`_start`). Checks everything before changing anything.
   */
  restore(image: GuestImage): void {
    this.expectState(AsyncifyState.Normal, 'restore');
    const have = this.memory.buffer.byteLength;
    if (image.memory.length % PAGE !== 0 || image.memory.length < have) {
      throw new AsyncifyError(`saved memory of ${image.memory.length} bytes cannot replace this instance's ${have} bytes `
        + '(it must be whole 64 KiB pages, at least the module\'s initial memory)');
    }
    checkGuestGlobals(this.exports, image.globals);
    if (image.memory.length > have) {
      try {
        this.memory.grow((image.memory.length - have) / PAGE);
      } catch (e) {
        throw new AsyncifyError(`cannot grow memory to the saved ${image.memory.length} bytes: ${(e as Error).message}`);
      }
    }
    // Pages zero in the image and in this instance are skipped: memory grown above `have` is zero, and
    // left untouched it costs nothing. The image's zeroPages, when it has them, spare reading its pages.
    const mem = new Uint8Array(this.memory.buffer);
    const hint = image.zeroPages?.length === image.memory.length / PAGE ? image.zeroPages : undefined;
    for (let off = 0, i = 0; off < image.memory.length; off += PAGE, i++) {
      const page = image.memory.subarray(off, off + PAGE);
      const zero = hint ? hint[i] === 1 : zeroPage(page);
      if (!zero || (off < have && !zeroPage(mem.subarray(off, off + PAGE)))) mem.set(page, off);
    }
    writeGuestGlobals(this.exports, image.globals);
    this.startRewind(image.unwind);
  }

  /** The buffer's address, making the buffer (growing memory) if there is none yet. */
  private ensureBuffer(): number {
    let buf = this.bufferAddress;
    if (buf !== 0) {
      const [, end] = this.header(buf);
      if (end <= buf + HEADER || end > this.memory.buffer.byteLength) {
        throw new AsyncifyError(`unwind buffer header at ${buf} is corrupt (end ${end}, memory ${this.memory.buffer.byteLength} bytes)`);
      }
      return buf;
    }
    const pages = this.bufferBytes / PAGE;
    let oldPages: number;
    try {
      oldPages = this.memory.grow(pages);
    } catch (e) {
      throw new AsyncifyError(`cannot grow guest memory by ${pages} pages for the unwind buffer `
        + `(${(e as Error).message}); the module's maximum memory is too small to unwind it`);
    }
    buf = oldPages * PAGE;
    if (buf === 0 || buf + this.bufferBytes > 2 ** 32) throw new AsyncifyError(`unwind buffer at ${buf} is outside 32-bit memory`);
    const u32 = new Uint32Array(this.memory.buffer, buf, 2);
    u32[0] = buf + HEADER;
    u32[1] = buf + this.bufferBytes;
    this.bufGlobal.value = buf | 0;
    return buf;
  }

  /** [current, end] of the header at buf. */
  private header(buf: number): [number, number] {
    if (buf + HEADER > this.memory.buffer.byteLength) {
      throw new AsyncifyError(`unwind buffer address ${buf} is outside guest memory (${this.memory.buffer.byteLength} bytes)`);
    }
    const u32 = new Uint32Array(this.memory.buffer, buf, 2);
    return [u32[0]!, u32[1]!];
  }

  private expectState(want: AsyncifyStateValue, op: string): void {
    const s = this.state;
    if (s !== want) {
      const names = ['normal', 'unwinding', 'rewinding'];
      throw new AsyncifyError(`${op} needs the ${names[want]} state, but the guest is ${names[s] ?? `in state ${s}`}`);
    }
  }
}

/**
 * A guest's mutable globals by export name (`wvisor_g<N>`), JSON-safe: i32
 * and finite f32/f64 as numbers; i64 as a decimal string; NaN, ±Infinity and
 * -0 as the strings "NaN", "Infinity", "-Infinity", "-0".
 */
export type GlobalsRecord = Record<string, number | string>;

/** Reads every `wvisor_g*` export of an instance. */
export function readGuestGlobals(exports: WebAssembly.Exports): GlobalsRecord {
  const out: GlobalsRecord = {};
  for (const [name, g] of guestGlobals(exports)) {
    const v = g.value;
    if (typeof v === 'bigint') out[name] = v.toString();
    else if (typeof v === 'number') out[name] = Number.isFinite(v) && !Object.is(v, -0) ? v : String(v === 0 ? '-0' : v);
    else throw new GlobalsMismatchError(`global ${name} holds a ${typeof v}, which snapshots cannot save`);
  }
  return out;
}

/** A task's user-space state at a safe point (the shape of the kernel's TaskImage). */
export interface GuestImage {
  /** Linear memory, whole (includes the unwind buffer's pages). */
  memory: Uint8Array;
  /** readGuestGlobals() of the instance after the unwind. */
  globals: GlobalsRecord;
  /** finishUnwind()'s data: the saved call stack. */
  unwind: Uint8Array;
  /** 1 for each 64 KiB page of `memory` that is all zero (captureImage sets it; restore trusts it when its length fits). */
  zeroPages?: Uint8Array;
}

/**
 * Writes a record made by readGuestGlobals into an instance of the same
 * module. The names must match exactly; throws GlobalsMismatchError.
 */
export function writeGuestGlobals(exports: WebAssembly.Exports, record: GlobalsRecord): void {
  for (const [g, v] of checkGuestGlobals(exports, record)) g.value = v; // only after every value checked
}

/** Parses a record against the instance's globals; throws GlobalsMismatchError. */
function checkGuestGlobals(exports: WebAssembly.Exports, record: GlobalsRecord): [WebAssembly.Global, number | bigint][] {
  const globals = guestGlobals(exports);
  const have = new Set(globals.map(([n]) => n));
  for (const name of Object.keys(record)) if (!have.has(name)) throw new GlobalsMismatchError(`no global ${name} in this instance`);
  const values: [WebAssembly.Global, number | bigint][] = [];
  for (const [name, g] of globals) {
    if (!(name in record)) throw new GlobalsMismatchError(`the record lacks ${name}`);
    const saved = record[name]!;
    if (typeof g.value === 'bigint') {
      if (typeof saved !== 'string' || !/^-?\d+$/.test(saved)) throw new GlobalsMismatchError(`${name} is i64 but saved as ${JSON.stringify(saved)}`);
      values.push([g, BigInt(saved)]);
    } else {
      const n = typeof saved === 'number' ? saved : Number(saved);
      if (Number.isNaN(n) && saved !== 'NaN') throw new GlobalsMismatchError(`${name} saved as ${JSON.stringify(saved)}`);
      values.push([g, n]);
    }
  }
  return values;
}

/** The `wvisor_g<N>` exports, sorted by N. */
function guestGlobals(exports: WebAssembly.Exports): [string, WebAssembly.Global][] {
  const out: [string, WebAssembly.Global][] = [];
  for (const [name, v] of Object.entries(exports)) {
    if (name.startsWith(GLOBAL_EXPORT_PREFIX) && /^\d+$/.test(name.slice(GLOBAL_EXPORT_PREFIX.length))
      && v instanceof WebAssembly.Global) out.push([name, v]);
  }
  return out.sort((a, b) => Number(a[0].slice(GLOBAL_EXPORT_PREFIX.length)) - Number(b[0].slice(GLOBAL_EXPORT_PREFIX.length)));
}
