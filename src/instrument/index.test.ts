import { createHash } from 'node:crypto';
import binaryen from 'binaryen';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_MEMORY_PAGES,
  AlreadyRewrittenError, CorruptRewriteInfoError, FUEL_EXPORT, InvalidModuleError, readRewriteInfo, REWRITE_SECTION,
  REWRITE_VERSION, rewriteModule, SIG_STACK_POINTER_EXPORT, SIG_TRAMPOLINE_EXPORT, UNWIND_BUF_EXPORT, UnsupportedModuleError, type RewriteResult,
} from './index.js';
import { buildFixture } from '../../test/fixtures/instrument/build.js';
import { runNodeWasi, text } from '../../test/fixtures/instrument/node-wasi.js';
import { runGuest } from '../../test/fixtures/instrument/run-guest.js';

// The fixture (test/fixtures/instrument/count.c) reads fd 0 in 37-byte chunks
// and prints a line per chunk, then runs syscall-free work chosen by argv:
// argv[1] blocks of 10000 xorshift rounds, fib(argv[2]), argv[3] rounds of
// qsort + snprintf. Exit status: bytes read % 7.

let raw: Uint8Array<ArrayBuffer>;
let plain: RewriteResult;
let preempting: RewriteResult;

beforeAll(async () => {
  raw = buildFixture('count');
  plain = await rewriteModule(raw);
  preempting = await rewriteModule(raw, { preemptUnwind: true });
}, 60_000);

describe('rewritten modules behave like the original', () => {
  const cases: { desc: string; args: string[]; stdin: Uint8Array }[] = [
    { desc: 'no input, no work', args: ['count'], stdin: new Uint8Array() },
    { desc: 'one partial chunk', args: ['count'], stdin: new TextEncoder().encode('hello\n') },
    { desc: 'many chunks and every workload', args: ['count', '5', '15', '3'], stdin: text(1000, 1) },
    { desc: '150 KB input (heap grows)', args: ['count', '0', '0', '1'], stdin: text(150_000, 2) },
  ];
  it.each(cases)('$desc', ({ args, stdin }) => {
    const reference = runNodeWasi(raw, args, stdin);
    expect(reference.stdout).toContain('eof after');
    const original = runGuest(new WebAssembly.Module(raw), { args, stdin });
    expect(original.stdout).toBe(reference.stdout);
    expect(original.exitCode).toBe(reference.exitCode);
    for (const r of [plain, preempting]) {
      // A small quantum so preempt runs often and must not disturb anything.
      const out = runGuest(new WebAssembly.Module(r.bytes), { args, stdin, quantum: 100 });
      expect(out.stdout).toBe(reference.stdout);
      expect(out.exitCode).toBe(reference.exitCode);
      expect(out.stderr).toBe('');
    }
  });
});

describe('exports, imports and the rewrite record', () => {
  it('keeps every import and export and adds exactly the contract', () => {
    const before = new WebAssembly.Module(raw);
    const after = new WebAssembly.Module(plain.bytes);
    const key = (d: { module?: string; name: string; kind: string }) => `${d.module ?? ''}.${d.name}:${d.kind}`;
    expect(WebAssembly.Module.imports(after).map(key).sort()).toEqual(
      [...WebAssembly.Module.imports(before).map(key), 'wvisor_rt.preempt:function'].sort());
    const added = WebAssembly.Module.exports(after).map(key)
      .filter((k) => !WebAssembly.Module.exports(before).map(key).includes(k));
    const globalsExports = plain.globals.map((g) => `.${g.exportName}:global`);
    expect(added.sort()).toEqual([
      `.${FUEL_EXPORT}:global`, `.${UNWIND_BUF_EXPORT}:global`, ...globalsExports,
      `.${SIG_TRAMPOLINE_EXPORT}:function`, `.${SIG_STACK_POINTER_EXPORT}:global`,
      '.asyncify_get_state:function', '.asyncify_start_rewind:function', '.asyncify_start_unwind:function',
      '.asyncify_stop_rewind:function', '.asyncify_stop_unwind:function',
    ].sort());
    // Every syscall import is an unwind point; preempt only when asked.
    const syscalls = WebAssembly.Module.imports(before).filter((i) => i.module === 'wasi_snapshot_preview1')
      .map((i) => `${i.module}.${i.name}`);
    expect(plain.unwindImports).toEqual(syscalls);
    expect(preempting.unwindImports).toEqual([...syscalls, 'wvisor_rt.preempt']);
  });

  it('exports every mutable global of the original under wvisor_g<index>, with its value', () => {
    // Reference: binaryen's reading of the original module.
    const m = binaryen.readBinary(raw);
    const mutable: { index: number; name: string; init: number }[] = [];
    for (let i = 0; i < m.getNumGlobals(); i++) {
      const g = binaryen.getGlobalInfo(m.getGlobalByIndex(i));
      if (g.mutable) mutable.push({ index: i, name: g.name, init: (binaryen.getExpressionInfo(g.init) as unknown as { value: number }).value });
    }
    m.dispose();
    expect(mutable.map((g) => g.name)).toContain('__stack_pointer');
    expect(plain.globals.filter((g) => g.name !== 'wvisor_unwind_buf').map((g) => [g.index, g.name]))
      .toEqual(mutable.map((g) => [g.index, g.name]));
    const inst = new WebAssembly.Instance(new WebAssembly.Module(plain.bytes),
      { wasi_snapshot_preview1: new Proxy({}, { get: () => () => 52 }), wvisor_rt: { preempt: () => {} } });
    for (const g of mutable) expect((inst.exports[`wvisor_g${g.index}`] as WebAssembly.Global).value).toBe(g.init);
    // wvisor_unwind_buf and the last wvisor_g<N> are one global under two names.
    (inst.exports[UNWIND_BUF_EXPORT] as WebAssembly.Global).value = 1234;
    expect((inst.exports[plain.globals.at(-1)!.exportName] as WebAssembly.Global).value).toBe(1234);
  });

  it('records version, the original hash and the options, readable from bytes and from a Module', () => {
    const sha = createHash('sha256').update(raw).digest('hex');
    const want = { version: REWRITE_VERSION, originalSha256: sha, options: { preemptUnwind: false, optimizeLevel: 1, maxMemoryPages: DEFAULT_MAX_MEMORY_PAGES } };
    expect(plain.info).toEqual(want);
    expect(readRewriteInfo(plain.bytes)).toEqual(want);
    expect(readRewriteInfo(new WebAssembly.Module(plain.bytes))).toEqual(want);
    expect(readRewriteInfo(preempting.bytes)!.options.preemptUnwind).toBe(true);
    expect(readRewriteInfo(raw)).toBeNull();
    expect(readRewriteInfo(new WebAssembly.Module(raw))).toBeNull();
  });

  it('refuses to rewrite twice, and reports bad input with typed errors', async () => {
    await expect(rewriteModule(plain.bytes)).rejects.toThrow(AlreadyRewrittenError);
    await expect(rewriteModule(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).rejects.toThrow(InvalidModuleError);
    const truncated = raw.slice(0, raw.length - 10);
    await expect(rewriteModule(truncated)).rejects.toThrow(InvalidModuleError);
    expect(() => readRewriteInfo(truncated)).toThrow(InvalidModuleError);
    // A module with a corrupt wvisor.rewrite section (appended by hand).
    const name = new TextEncoder().encode(REWRITE_SECTION);
    const payload = new TextEncoder().encode('{"version":1}');
    const body = [name.length, ...name, ...payload];
    const corrupt = new Uint8Array([...raw, 0, body.length, ...body]);
    expect(() => readRewriteInfo(corrupt)).toThrow(CorruptRewriteInfoError);
    expect(() => readRewriteInfo(new WebAssembly.Module(corrupt))).toThrow(CorruptRewriteInfoError);
  });

  it('refuses modules that already use the names it adds', async () => {
    const m = new binaryen.Module();
    m.addGlobal('x', binaryen.i32, true, m.i32.const(0));
    m.addGlobalExport('x', FUEL_EXPORT);
    const a = m.emitBinary();
    m.dispose();
    await expect(rewriteModule(a)).rejects.toThrow(UnsupportedModuleError);
    const n = new binaryen.Module();
    n.addFunctionImport('p', 'wvisor_rt', 'preempt', binaryen.none, binaryen.none);
    const b = n.emitBinary();
    n.dispose();
    await expect(rewriteModule(b)).rejects.toThrow(/wvisor_rt.preempt/);
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same input and options, whatever binaryen settings were left behind', async () => {
    const again = await rewriteModule(raw);
    expect(Buffer.from(again.bytes).equals(Buffer.from(plain.bytes))).toBe(true);
    binaryen.setOptimizeLevel(3);
    binaryen.setShrinkLevel(2);
    binaryen.setPassArgument('asyncify-imports', 'env.nothing');
    const third = await rewriteModule(raw);
    expect(Buffer.from(third.bytes).equals(Buffer.from(plain.bytes))).toBe(true);
    // And restores the caller's settings.
    expect(binaryen.getOptimizeLevel()).toBe(3);
    expect(binaryen.getShrinkLevel()).toBe(2);
    expect(binaryen.getPassArgument('asyncify-imports')).toBe('env.nothing');
    binaryen.setOptimizeLevel(2);
    binaryen.setShrinkLevel(1);
    binaryen.clearPassArguments();
    const p2 = await rewriteModule(raw, { preemptUnwind: true });
    expect(Buffer.from(p2.bytes).equals(Buffer.from(preempting.bytes))).toBe(true);
    expect(Buffer.from(p2.bytes).equals(Buffer.from(plain.bytes))).toBe(false);
  }, 30_000);
});

describe('fuel', () => {
  const Q = 999; // preempt every Q + 1 checks

  it('calls preempt during a syscall-free loop, about once per quantum of loop iterations', () => {
    // Measure the calls made by the spin phase alone: the difference between runs
    // of 200 and 100 blocks (100 blocks = 1,000,000 xorshift rounds). clang -O2
    // unrolls the inner loop (at most 16 times), so the loop headers executed lie
    // between 1e6/16 and 1e6 + 2 per block boundary; one check per header.
    const calls = (blocks: number) => runGuest(new WebAssembly.Module(plain.bytes),
      { args: ['count', String(blocks)], stdin: new Uint8Array(), quantum: Q }).preemptCalls;
    const c100 = calls(100);
    const c200 = calls(200);
    const c300 = calls(300);
    const d = c200 - c100;
    expect(d).toBeGreaterThanOrEqual(Math.floor(1e6 / 16 / (Q + 1)));
    expect(d).toBeLessThanOrEqual(Math.ceil((1e6 + 200) / (Q + 1)) + 1);
    expect(Math.abs((c300 - c200) - d)).toBeLessThanOrEqual(1); // linear in the work
  });

  it('lets the host take control back from a loop that never ends (no syscalls)', () => {
    let calls = 0;
    const mod = new WebAssembly.Module(plain.bytes);
    // 4e9 blocks of 10000 rounds: hours. preempt stops it after 50 quanta.
    const stop = new Error('stopped by preempt');
    let host: ReturnType<typeof runGuest> | undefined;
    expect(() => {
      host = runGuest(mod, {
        args: ['count', '4000000000'], stdin: new TextEncoder().encode('abc'), quantum: 10_000,
        onPreempt: () => { if (++calls === 50) throw stop; },
      });
    }).toThrow(stop);
    expect(host).toBeUndefined();
    expect(calls).toBe(50);
  });

  it('with preemptUnwind, unwinds inside preempt in a syscall-free loop and resumes in a fresh instance', async () => {
    const args = ['count', '300', '18', '2'];
    const stdin = text(200, 9);
    const mod = new WebAssembly.Module(preempting.bytes);
    const whole = runGuest(mod, { args, stdin, quantum: Q });
    const { Asyncify } = await import('../worker/asyncify.js');
    // Unwind at the 150th preempt after the guest printed "eof after" (inside spin,
    // which runs ~3e6 loop iterations, ~3000 quanta).
    let n = 0;
    let asy: InstanceType<typeof Asyncify> | null = null;
    const { MiniWasi } = await import('../../test/fixtures/instrument/mini-wasi.js');
    const wasi = new MiniWasi({
      args, stdin,
      onPreempt: () => {
        fuel.value = Q;
        if (wasi.stdoutText.includes('eof after') && ++n === 150) asy!.startUnwind();
      },
    });
    const inst = new WebAssembly.Instance(mod, wasi.imports() as unknown as WebAssembly.Imports);
    wasi.attach(inst.exports.memory as WebAssembly.Memory);
    const fuel = inst.exports.wvisor_fuel as WebAssembly.Global;
    fuel.value = Q;
    asy = new Asyncify(inst.exports);
    (inst.exports._start as () => void)();
    expect(asy.unwinding).toBe(true);
    const image = asy.captureImage();
    expect(wasi.stdoutText).toContain('eof after');
    expect(wasi.stdoutText).not.toContain('spin ');
    const rest = runGuest(mod, { args, stdin, quantum: Q, resume: { image, stdinPos: wasi.stdinPos, readsDone: wasi.readsDone } });
    expect(wasi.stdoutText + rest.stdout).toBe(whole.stdout);
    expect(rest.exitCode).toBe(whole.exitCode);
  });

  it('puts checks at every loop, and at the entry of functions that recurse outside loops only', () => {
    // Reference: count loops in the original with binaryen's text printer.
    const m = binaryen.readBinary(raw);
    const wat = m.emitText();
    m.dispose();
    const loops = (wat.match(/\(loop\b/g) ?? []).length;
    expect(plain.fuel.loopChecks).toBe(loops);
    expect(plain.fuel.entryChecks).toBeGreaterThanOrEqual(1);
    expect(plain.fuel.entryChecks).toBeLessThan(plain.fuel.functions / 4);
    // In the output (names kept): fib recurses from inside the loop clang made
    // of its second call, so its loop check covers it; tree recurses outside
    // any loop: an entry check; xorshift_block: its loop's.
    const r = binaryen.readBinary(plain.bytes);
    const out = r.emitText();
    r.dispose();
    const body = (fn: string) => out.slice(out.indexOf(`(func $${fn} `), out.indexOf('\n (func', out.indexOf(`(func $${fn} `) + 1));
    const checks = (fn: string) => (body(fn).match(/\(global\.set \$wvisor_fuel/g) ?? []).length;
    expect(checks('fib')).toBe(1);
    expect(body('fib').indexOf('(loop')).toBeLessThan(body('fib').indexOf('$wvisor_fuel'));
    expect(checks('tree')).toBe(1);
    expect(body('tree')).not.toContain('(loop');
    expect(checks('xorshift_block')).toBe(1);
    expect(body('xorshift_block').indexOf('(loop')).toBeLessThan(body('xorshift_block').indexOf('$wvisor_fuel'));
  });
});
