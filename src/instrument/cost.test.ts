import { beforeAll, describe, expect, it } from 'vitest';
import { Asyncify } from '../worker/asyncify.js';
import { rewriteModule, type RewriteResult } from './index.js';
import { buildFixture } from '../../test/fixtures/instrument/build.js';
import { MiniWasi, ProcExit } from '../../test/fixtures/instrument/mini-wasi.js';
import { runGuest } from '../../test/fixtures/instrument/run-guest.js';

// What instrumentation costs on this machine (docs/ARCHITECTURE.md, "The module
// pipeline"). Prints the numbers; asserts only that every
// variant computes the same output, so it can fail but never flakes on timing.

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Size of the code section (id 10) of a module. */
function codeSectionSize(bytes: Uint8Array): number {
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++]!;
      size += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) break;
    }
    if (id === 10) return size;
    pos += size;
  }
  throw new Error('no code section');
}

let raw: Uint8Array<ArrayBuffer>;
const variants: Record<string, RewriteResult> = {};
let firstCallMs = 0;

beforeAll(async () => {
  raw = buildFixture('count');
  const t0 = performance.now();
  variants.default = await rewriteModule(raw);
  firstCallMs = performance.now() - t0;
  variants.O0 = await rewriteModule(raw, { optimizeLevel: 0 });
  variants.preemptUnwind = await rewriteModule(raw, { preemptUnwind: true });
}, 120_000);

describe('cost of the rewrite', () => {
  it('rewrite time and size', async () => {
    const again = await rewriteModule(raw); // binaryen loaded and warm
    const rows = Object.entries({ ...variants, 'default (warm)': again }).map(([name, r]) => ({
      name,
      totalMs: Math.round(r.timings.total),
      asyncifyMs: Math.round(r.timings.asyncify),
      fuelMs: Math.round(r.timings.fuel),
      moduleRatio: +(r.bytes.length / raw.length).toFixed(2),
      codeRatio: +(codeSectionSize(r.bytes) / codeSectionSize(raw)).toFixed(2),
    }));
    console.log(`fixture: ${raw.length} bytes, code section ${codeSectionSize(raw)} bytes; `
      + `first call incl. loading binaryen ${firstCallMs.toFixed(0)} ms`);
    console.table(rows);
    for (const r of Object.values(variants)) expect(r.info.originalSha256).toBe(variants.default!.info.originalSha256);
  }, 60_000);

  it('run time, rewritten vs raw (median of 7 interleaved runs; wall and process CPU time)', () => {
    const modules: Record<string, WebAssembly.Module> = { raw: new WebAssembly.Module(raw) };
    for (const [n, r] of Object.entries(variants)) modules[n] = new WebAssembly.Module(r.bytes);
    const workloads: [string, string[]][] = [
      ['loop (xorshift, 150M rounds)', ['count', '15000', '0', '0']],
      ['recursion (fib 30 + tree 30)', ['count', '0', '30', '0']],
      ['libc (qsort+snprintf, 1500 rounds)', ['count', '0', '0', '1500']],
    ];
    const rows: Record<string, string | number>[] = [];
    for (const [label, args] of workloads) {
      const times: Record<string, number[]> = {};
      const cpu: Record<string, number[]> = {};
      const outputs = new Set<string>();
      for (let i = 0; i < 7; i++) {
        for (const [n, m] of Object.entries(modules)) {
          // A quantum of 100000 checks: preempt runs, as it will in a worker.
          const c0 = process.cpuUsage();
          const r = runGuest(m, { args, stdin: new Uint8Array(), quantum: 100_000 });
          const c = process.cpuUsage(c0);
          outputs.add(r.stdout);
          (times[n] ??= []).push(r.runMs);
          (cpu[n] ??= []).push(c.user + c.system);
        }
      }
      expect(outputs.size).toBe(1);
      const base = median(times.raw!);
      const cbase = median(cpu.raw!);
      const row: Record<string, string | number> = { workload: label, 'raw ms': +base.toFixed(1) };
      for (const n of Object.keys(variants)) {
        row[n] = `${(median(times[n]!) / base).toFixed(2)}x wall, ${(median(cpu[n]!) / cbase).toFixed(2)}x cpu`;
      }
      rows.push(row);
    }
    console.table(rows);
  }, 300_000);

  it('unwind + rewind time at a blocked fd_read', () => {
    const stdin = new Uint8Array(37 * 200).fill(65);
    const whole = runGuest(new WebAssembly.Module(variants.default!.bytes), { args: ['count'], stdin });
    for (const name of ['default', 'preemptUnwind']) {
      const mod = new WebAssembly.Module(variants[name]!.bytes);
      // Unwind at every read, rewind in the same instance at once: times each half.
      let asy: Asyncify | null = null;
      let tUnwind = 0;
      let tRewind = 0;
      const unwindUs: number[] = [];
      const rewindUs: number[] = [];
      const wasi = new MiniWasi({
        args: ['count'], stdin,
        onStdinRead: () => {
          if (asy!.rewinding) {
            asy!.stopRewind();
            rewindUs.push((performance.now() - tRewind) * 1000);
            return false;
          }
          tUnwind = performance.now();
          asy!.startUnwind();
          return true;
        },
      });
      const inst = new WebAssembly.Instance(mod, wasi.imports() as unknown as WebAssembly.Imports);
      wasi.attach(inst.exports.memory as WebAssembly.Memory);
      asy = new Asyncify(inst.exports);
      const start = inst.exports._start as () => void;
      let dataBytes = 0;
      let exitCode: number | null = null;
      for (;;) {
        try {
          start();
        } catch (e) {
          if (!(e instanceof ProcExit)) throw e;
          exitCode = e.code;
          break;
        }
        if (!asy.unwinding) break;
        const data = asy.finishUnwind();
        unwindUs.push((performance.now() - tUnwind) * 1000);
        dataBytes = data.length;
        tRewind = performance.now();
        asy.startRewind(data);
      }
      expect(wasi.stdoutText).toBe(whole.stdout);
      expect(exitCode).toBe(whole.exitCode);
      expect(unwindUs.length).toBe(201);
      const t0 = performance.now();
      const copies = 20;
      for (let i = 0; i < copies; i++) new Uint8Array((inst.exports.memory as WebAssembly.Memory).buffer).slice();
      const copyUs = ((performance.now() - t0) / copies) * 1000;
      console.log(`${name}: unwind median ${median(unwindUs).toFixed(1)} µs, rewind median ${median(rewindUs).toFixed(1)} µs, `
        + `unwind data ${dataBytes} bytes; copying the ${(inst.exports.memory as WebAssembly.Memory).buffer.byteLength} `
        + `bytes of memory for an image ${copyUs.toFixed(0)} µs`);
    }
  });
});

