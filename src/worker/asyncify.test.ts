import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import binaryen from 'binaryen';
import { beforeAll, describe, expect, it } from 'vitest';
import { rewriteModule } from '../instrument/index.js';
import { buildFixture, FIXTURE_DIR } from '../../test/fixtures/instrument/build.js';
import { MiniWasi } from '../../test/fixtures/instrument/mini-wasi.js';
import { runGuest, type RunResult } from '../../test/fixtures/instrument/run-guest.js';
import { transpileForWorker } from '../../test/fixtures/instrument/transpile.js';
import {
  Asyncify, AsyncifyError, AsyncifyState, DEFAULT_UNWIND_BUFFER_BYTES, GlobalsMismatchError, NotInstrumentedError,
  readGuestGlobals, writeGuestGlobals, type GuestImage,
} from './asyncify.js';

// The fixture (test/fixtures/instrument/count.c) reads fd 0 in 37-byte chunks,
// printing a line per chunk, keeps a heap copy (realloc), then prints
// checksums of syscall-free work. Every test compares against an
// uninterrupted run of the same rewritten module, which
// src/instrument/index.test.ts checks against the original under node:wasi.

const ARGS = ['count', '3', '12', '2'];
let rewritten: Uint8Array<ArrayBuffer>;
let module: WebAssembly.Module;
let rawModule: WebAssembly.Module;
let runGuestUrl: string;
/** Export name (wvisor_g<N>) of the global holding the unwind buffer's address. */
let bufExport: string;

beforeAll(async () => {
  const raw = buildFixture('count');
  rawModule = new WebAssembly.Module(raw);
  const r = await rewriteModule(raw);
  rewritten = r.bytes;
  bufExport = r.globals.find((g) => g.name === 'wvisor_unwind_buf')!.exportName;
  module = new WebAssembly.Module(rewritten);
  const dir = transpileForWorker(['test/fixtures/instrument/run-guest.ts', 'test/fixtures/instrument/mini-wasi.ts',
    'src/worker/asyncify.ts', 'src/instrument/contract.ts']);
  runGuestUrl = pathToFileURL(join(dir, 'test/fixtures/instrument/run-guest.js')).href;
}, 60_000);

function text(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = 32 + ((x >>> 16) % 95);
  }
  return out;
}

interface WorkerReply {
  stdout: string;
  exitCode: number | null;
  unwound?: RunResult['unwound'];
  memoryBytesAtStart: number;
  ms: number;
}

/** Resumes an image in a new worker_thread that receives nothing but bytes. */
function resumeInWorker(stdin: Uint8Array, resume: NonNullable<RunResult['unwound']>, blockAtRead?: number): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(pathToFileURL(join(FIXTURE_DIR, 'resume-worker.mjs'))), {
      workerData: { runGuestUrl, moduleBytes: rewritten, args: ARGS, stdin, quantum: 5000, blockAtRead, resume },
    });
    w.once('message', (m: WorkerReply) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
    w.once('exit', (code) => { if (code !== 0 && code !== 1) reject(new Error(`worker exited ${code}`)); });
  });
}

describe('unwind in a blocked syscall, rewind in a fresh instance in another worker', () => {
  // Each case: input size, and the fd_read (0-based) that "blocks". The read
  // after the last chunk is the one that returns EOF.
  const cases: { desc: string; bytes: number; blockAt: number }[] = [
    { desc: 'first read, before any output', bytes: 500, blockAt: 0 },
    { desc: 'a middle read', bytes: 500, blockAt: 5 },
    { desc: 'the read that returns EOF', bytes: 370, blockAt: 10 },
    { desc: 'with 200 KB of input: the heap grows past the unwind buffer after the resume', bytes: 200_000, blockAt: 3 },
    { desc: 'with 200 KB of input, late: the heap grew before the unwind', bytes: 200_000, blockAt: 5000 },
  ];
  it.each(cases)('$desc', async ({ bytes, blockAt }) => {
    const stdin = text(bytes, bytes + blockAt);
    const whole = runGuest(module, { args: ARGS, stdin, quantum: 5000 });
    expect(whole.exitCode).toBe(bytes % 7);
    const raw = runGuest(rawModule, { args: ARGS, stdin });
    expect(whole.stdout).toBe(raw.stdout);

    const first = runGuest(module, { args: ARGS, stdin, quantum: 5000, blockAtRead: blockAt });
    expect(first.exitCode).toBeNull();
    expect(first.unwound).toBeDefined();
    expect(first.unwound!.readsDone).toBe(blockAt);
    expect(first.unwound!.image.unwind.length).toBeGreaterThan(0);
    const second = await resumeInWorker(stdin, first.unwound!);
    expect(first.stdout + second.stdout).toBe(whole.stdout);
    expect(second.exitCode).toBe(whole.exitCode);
  });

  it('an image hops through two workers, reusing the unwind buffer it carries', async () => {
    const stdin = text(100_000, 7);
    const whole = runGuest(module, { args: ARGS, stdin, quantum: 5000 });
    const first = runGuest(module, { args: ARGS, stdin, quantum: 5000, blockAtRead: 2 });
    const second = await resumeInWorker(stdin, first.unwound!, 2000);
    expect(second.exitCode).toBeNull();
    const image2 = second.unwound!.image;
    const third = await resumeInWorker(stdin, second.unwound!);
    expect(first.stdout + second.stdout + third.stdout).toBe(whole.stdout);
    expect(third.exitCode).toBe(whole.exitCode);
    // Same buffer address in both images: the second unwind did not grow a new buffer.
    const buf = first.unwound!.image.globals[bufExport] as number;
    expect(buf).toBeGreaterThan(0);
    expect(buf % 65536).toBe(0);
    expect(image2.globals[bufExport]).toBe(buf);
    // The heap grew after the resume (100 KB copied), past the buffer.
    expect(image2.memory.length).toBeGreaterThan(first.unwound!.image.memory.length);
  });
});

describe('Asyncify runtime', () => {
  /** Instantiates the rewritten fixture with a MiniWasi whose fd_read hook the test supplies. */
  function instantiate(stdin: Uint8Array, hook: (asy: Asyncify, memory: WebAssembly.Memory) => boolean, mod = module) {
    let asy: Asyncify | null = null;
    let memory: WebAssembly.Memory | null = null;
    const wasi = new MiniWasi({ args: ARGS, stdin, onStdinRead: () => hook(asy!, memory!) });
    const inst = new WebAssembly.Instance(mod, wasi.imports() as unknown as WebAssembly.Imports);
    memory = inst.exports.memory as WebAssembly.Memory;
    wasi.attach(memory);
    asy = new Asyncify(inst.exports);
    return { asy, memory, exports: inst.exports, wasi, start: inst.exports._start as () => void };
  }

  it('makes the unwind buffer at the first unwind by growing memory, not at start-up', () => {
    let sizeBefore = -1;
    const g = instantiate(text(100, 1), (asy, memory) => {
      sizeBefore = memory.buffer.byteLength;
      asy.startUnwind();
      return true;
    });
    expect(g.asy.bufferAddress).toBe(0);
    const sizeAtStart = g.memory.buffer.byteLength;
    g.start();
    expect(g.asy.state).toBe(AsyncifyState.Unwinding);
    const data = g.asy.finishUnwind();
    expect(g.asy.state).toBe(AsyncifyState.Normal);
    expect(sizeBefore).toBeGreaterThanOrEqual(sizeAtStart);
    expect(g.asy.bufferAddress).toBe(sizeBefore);
    expect(g.memory.buffer.byteLength).toBe(sizeBefore + DEFAULT_UNWIND_BUFFER_BYTES);
    // Header as binaryen's Asyncify defines it: {current, end}, data right after.
    const [current, end] = new Uint32Array(g.memory.buffer, sizeBefore, 2);
    expect(end).toBe(sizeBefore + DEFAULT_UNWIND_BUFFER_BYTES);
    expect(current).toBe(sizeBefore + 8 + data.length);
    expect(data).toEqual(new Uint8Array(g.memory.buffer, sizeBefore + 8, data.length));
  });

  it('rewinds in the same instance and finishes like an uninterrupted run', () => {
    const stdin = text(300, 2);
    const whole = runGuest(module, { args: ARGS, stdin });
    let unwound = false;
    const g = instantiate(stdin, (asy) => {
      if (asy.rewinding) { asy.stopRewind(); return false; }
      if (!unwound) { unwound = true; asy.startUnwind(); return true; }
      return false;
    });
    g.start();
    const data = g.asy.finishUnwind();
    g.asy.startRewind(data);
    expect(g.asy.rewinding).toBe(true);
    let code = 0;
    try { g.start(); } catch (e) { code = (e as { code: number }).code; }
    expect(g.wasi.stdoutText).toBe(whole.stdout);
    expect(code).toBe(whole.exitCode);
  });

  it('refuses operations in the wrong state, and data that does not fit, without changing state', () => {
    const g = instantiate(text(10, 3), () => false);
    expect(() => g.asy.finishUnwind()).toThrow(AsyncifyError);
    expect(() => g.asy.stopRewind()).toThrow(AsyncifyError);
    expect(() => g.asy.startRewind(new Uint8Array(DEFAULT_UNWIND_BUFFER_BYTES))).toThrow(/does not fit/);
    expect(g.asy.state).toBe(AsyncifyState.Normal);
    expect(() => new Asyncify(g.exports, { bufferBytes: 1000 })).toThrow(RangeError);
  });

  it('refuses an instance of a module that was not rewritten', () => {
    const wasi = new MiniWasi({ args: ARGS, stdin: new Uint8Array() });
    const inst = new WebAssembly.Instance(rawModule, wasi.imports() as unknown as WebAssembly.Imports);
    expect(Asyncify.supported(inst.exports)).toBe(false);
    expect(() => new Asyncify(inst.exports)).toThrow(NotInstrumentedError);
  });

  it('says so when memory cannot grow for the buffer (module maximum reached)', async () => {
    const small = buildFixture('count', ['-Wl,--initial-memory=131072', '-Wl,--max-memory=131072']);
    const mod = new WebAssembly.Module((await rewriteModule(small)).bytes);
    let err: unknown;
    const g = instantiate(text(10, 4), (asy) => {
      try { asy.startUnwind(); } catch (e) { err = e; }
      return false;
    }, mod);
    try { g.start(); } catch { /* proc_exit */ }
    expect(err).toBeInstanceOf(AsyncifyError);
    expect((err as Error).message).toMatch(/cannot grow guest memory by 16 pages/);
    expect(g.asy.state).toBe(AsyncifyState.Normal);
  });

  it('restore() refuses a memory image smaller than the instance or not whole pages', () => {
    const g = instantiate(text(10, 5), () => false);
    const image: GuestImage = { memory: new Uint8Array(65536), globals: readGuestGlobals(g.exports), unwind: new Uint8Array() };
    expect(() => g.asy.restore(image)).toThrow(/cannot replace/);
    expect(() => g.asy.restore({ ...image, memory: new Uint8Array(g.memory.buffer.byteLength + 5) })).toThrow(/whole 64 KiB pages/);
  });
});

describe('globals records', () => {
  /** A rewritten module with one mutable global of each type (built with binaryen, rewritten by us). */
  async function globalsModule(): Promise<WebAssembly.Module> {
    const m = new binaryen.Module();
    m.setMemory(1, 10, 'memory');
    m.addGlobal('a', binaryen.i32, true, m.i32.const(-5));
    m.addGlobal('b', binaryen.i64, true, m.i64.const(2n ** 40n + 1n));
    m.addGlobal('c', binaryen.f32, true, m.f32.const(1.5));
    m.addGlobal('d', binaryen.f64, true, m.f64.const(2.25));
    m.addGlobal('k', binaryen.i32, false, m.i32.const(9));
    const bytes = m.emitBinary();
    m.dispose();
    return new WebAssembly.Module((await rewriteModule(bytes)).bytes);
  }

  // Values chosen where JSON loses information unless encoded: i64 beyond 2^53, NaN, ±Infinity, -0.
  const cases: { desc: string; a: number; b: bigint; c: number; d: number }[] = [
    { desc: 'ordinary values', a: 7, b: 42n, c: 0.5, d: 1e300 },
    { desc: 'i64 extremes', a: -2147483648, b: -(2n ** 63n), c: 3, d: 4 },
    { desc: 'i64 max, NaN and infinities', a: 2147483647, b: 2n ** 63n - 1n, c: NaN, d: -Infinity },
    { desc: 'negative zero', a: 0, b: 0n, c: -0, d: -0 },
  ];
  it.each(cases)('round-trip through JSON: $desc', async ({ a, b, c, d }) => {
    const mod = await globalsModule();
    const src = new WebAssembly.Instance(mod, { wvisor_rt: { preempt: () => {} } });
    const [ga, gb, gc, gd] = ['wvisor_g0', 'wvisor_g1', 'wvisor_g2', 'wvisor_g3'].map((n) => src.exports[n] as WebAssembly.Global);
    ga!.value = a; gb!.value = b; gc!.value = c; gd!.value = d;
    const record = JSON.parse(JSON.stringify(readGuestGlobals(src.exports))) as ReturnType<typeof readGuestGlobals>;
    // The immutable global (index 4) is not exported; the rewrite's buffer global is.
    expect(Object.keys(record)).toEqual(['wvisor_g0', 'wvisor_g1', 'wvisor_g2', 'wvisor_g3', 'wvisor_g6']);
    const dst = new WebAssembly.Instance(mod, { wvisor_rt: { preempt: () => {} } });
    writeGuestGlobals(dst.exports, record);
    expect(Object.is((dst.exports.wvisor_g0 as WebAssembly.Global).value, a)).toBe(true);
    expect((dst.exports.wvisor_g1 as WebAssembly.Global).value).toBe(b);
    expect(Object.is((dst.exports.wvisor_g2 as WebAssembly.Global).value, Math.fround(c))).toBe(true);
    expect(Object.is((dst.exports.wvisor_g3 as WebAssembly.Global).value, d)).toBe(true);
  });

  it('refuses a record for another module, changing nothing', async () => {
    const mod = await globalsModule();
    const inst = new WebAssembly.Instance(mod, { wvisor_rt: { preempt: () => {} } });
    const record = readGuestGlobals(inst.exports);
    const g0 = inst.exports.wvisor_g0 as WebAssembly.Global;
    expect(() => writeGuestGlobals(inst.exports, { ...record, wvisor_g0: 1, wvisor_g9: 3 })).toThrow(GlobalsMismatchError);
    const { wvisor_g3: _dropped, ...missing } = record;
    expect(() => writeGuestGlobals(inst.exports, { ...missing, wvisor_g0: 1 })).toThrow(/lacks wvisor_g3/);
    expect(() => writeGuestGlobals(inst.exports, { ...record, wvisor_g0: 1, wvisor_g1: 'x' })).toThrow(/i64/);
    expect(g0.value).toBe(-5);
  });
});
