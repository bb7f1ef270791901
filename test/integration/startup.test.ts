/**
 * Start-up of modules wVisor has not rewritten (README.md and src/instrument/README.md, "Start-up"):
 * the loader runs them at once in the fast form (instrument/fast.ts: fuel checks and the memory
 * limit, one streaming pass) and, in 'background' mode, rewrites them fully (Asyncify) off the
 * kernel's thread, so that tasks started later run the rewritten module.
 *
 * Behaviour, not time: the first task ends while the background rewrite is still running; a later
 * spawn runs another module (the rewritten one); both print what node:wasi prints for the same
 * module; the memory limit holds in the fast form (malloc fails where node:wasi, without a limit,
 * gets every block); a task computing without syscalls stops at SIGSTOP (its fuel checks park it);
 * a snapshot meeting a fast-form task is refused and says why; the fast form is kept in the
 * module cache and the next loader takes it from there.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeSandbox } from '../../src/platform/node/node-sandbox.js';
import { NodePlatform } from '../../src/platform/node/node-platform.js';
import { requireWasiToolchain } from '../fixtures/toolchain.js';
// @ts-expect-error: a JavaScript module without types
import { bigModule } from '../../bench/big-module.mjs';

const root = join(__dirname, '../..');
const fixtures = join(root, 'test/fixtures/startup');
const work = mkdtempSync(join(tmpdir(), 'wvisor-startup-'));
const savedCache = process.env.WVISOR_CACHE;
let cacheN = 0;
/** A fresh, empty module cache for the platforms made after this call. */
function freshCache(): string {
  const dir = join(work, `cache${cacheN++}`);
  process.env.WVISOR_CACHE = dir;
  return dir;
}

let generated: Uint8Array;
let alloc: Uint8Array;
let reader: Uint8Array;
const spin = readFileSync(join(root, 'public/bin/orig/spin.wasm'));

beforeAll(async () => {
  requireWasiToolchain();
  const sysroot = join(work, 'sysroot');
  mkdirSync(join(sysroot, 'lib'), { recursive: true });
  symlinkSync('/usr/include/wasm32-wasi', join(sysroot, 'include'));
  symlinkSync('/usr/lib/wasm32-wasi', join(sysroot, 'lib', 'wasm32-wasi'));
  const PATH = (process.env.PATH ?? '').split(':').filter((d) => !d.includes('node_modules')).join(':');
  for (const name of ['alloc', 'reader']) {
    execFileSync('clang', ['--target=wasm32-wasi', `--sysroot=${sysroot}`, '-O2', join(fixtures, `${name}.c`),
      '-o', join(work, `${name}.wasm`)], { env: { ...process.env, PATH } });
  }
  alloc = readFileSync(join(work, 'alloc.wasm'));
  reader = readFileSync(join(work, 'reader.wasm'));
  // 400 functions calling each other through a table, each reachable from printf's callers: a module
  // whose full rewrite takes seconds (binaryen's load alone is ~0.5 s), while running it takes milliseconds.
  generated = readFileSync(await bigModule({ functions: 400 }));
}, 300_000);

afterAll(() => {
  if (savedCache === undefined) delete process.env.WVISOR_CACHE;
  else process.env.WVISOR_CACHE = savedCache;
});

/** What node:wasi prints on stdout for the module with these arguments (no memory limit). */
function nodeWasi(bytes: Uint8Array, args: string[]): string {
  const file = join(work, `nodewasi-${Math.random().toString(36).slice(2)}.out`);
  const fd = openSync(file, 'w');
  try {
    const wasi = new WASI({ version: 'preview1', args: ['prog', ...args], env: {}, returnOnExit: true, stdout: fd });
    const code = wasi.start(new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)), wasi.getImportObject() as WebAssembly.Imports));
    expect(code).toBe(0);
  } finally {
    closeSync(fd);
  }
  return readFileSync(file, 'utf8');
}

const waitFor = async (what: string, ok: () => boolean, ms = 10_000): Promise<void> => {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('start-up of a module wVisor has not rewritten', () => {
  it('background: the first task runs the fast form before the rewrite is done; a later spawn runs the rewritten module', async () => {
    freshCache();
    const sb = createNodeSandbox();
    sb.kernel.modules.mode = 'background';
    try {
      const expected = nodeWasi(generated, ['2000']);
      const first = await sb.kernel.modules.load(generated);
      expect(first.form).toBe('fast');
      const r1 = await sb.run({ argv: ['gen', '2000'], bytes: generated });
      // The task ran to its end while the rewrite was still going.
      expect(sb.kernel.modules.rewritesRunning).toBe(1);
      expect(r1.code).toBe(0);
      expect(r1.stdout).toBe(expected);

      await sb.kernel.modules.settled();
      const later = await sb.kernel.modules.load(generated);
      expect(later.form).toBe('rewritten');
      expect(later.hash).not.toBe(first.hash);
      const p2 = await sb.spawn({ argv: ['gen', '2000'], bytes: generated, onStdout: () => {} });
      expect(p2.task.moduleHash).toBe(later.hash);
      expect((await p2.exited).code).toBe(0);
      const r2 = await sb.run({ argv: ['gen', '2000'], bytes: generated });
      expect(r2.stdout).toBe(expected);
    } finally {
      sb.shutdown();
    }
  }, 300_000);

  it('the memory limit holds in the fast form: malloc fails past it (node:wasi, without a limit, gets every block)', async () => {
    freshCache();
    // 48 blocks, each read back: the sum of 1..48.
    expect(nodeWasi(alloc, ['48']).trim()).toBe('48 1176');
    const sb = createNodeSandbox({ maxMemoryPages: 256 }); // 16 MiB
    sb.kernel.modules.mode = 'fast';
    try {
      expect((await sb.kernel.modules.load(alloc)).form).toBe('fast');
      const r = await sb.run({ argv: ['alloc', '48'], bytes: alloc });
      expect(r.code).toBe(0);
      const got = Number(r.stdout.trim().split(' ')[0]);
      expect(r.stdout.trim()).toBe(`${got} ${(got * (got + 1)) / 2}`);
      expect(got).toBeGreaterThan(8);
      expect(got).toBeLessThan(16);
    } finally {
      sb.shutdown();
    }
  }, 60_000);

  it('SIGSTOP parks a fast-form task that computes without syscalls; after SIGCONT it ends as under node:wasi', async () => {
    freshCache();
    const n = '300000000';
    const expected = nodeWasi(spin, [n]);
    const sb = createNodeSandbox();
    sb.kernel.modules.mode = 'fast';
    try {
      expect((await sb.kernel.modules.load(spin)).form).toBe('fast');
      let out = '';
      const p = await sb.spawn({ argv: ['spin', n], bytes: spin, onStdout: (b) => { out += Buffer.from(b).toString(); } });
      await new Promise((r) => setTimeout(r, 100));
      sb.kill(p.pid, 19); // SIGSTOP
      // The worker is parked at its next fuel check (a task without them would compute on to its end).
      await waitFor('the stop checkpoint', () => p.task.atCheckpoint);
      const cpu = p.task.cpuNs();
      await new Promise((r) => setTimeout(r, 300));
      expect(p.task.atCheckpoint).toBe(true);
      expect(p.task.cpuNs()).toBe(cpu);
      sb.kill(p.pid, 18); // SIGCONT
      const info = await p.exited;
      expect(info.code).toBe(0);
      expect(out).toBe(expected);
    } finally {
      sb.shutdown();
    }
  }, 120_000);

  it('a snapshot meeting a task of the fast form is refused, saying why', async () => {
    freshCache();
    const sb = createNodeSandbox();
    sb.kernel.modules.mode = 'fast';
    try {
      const p = await sb.spawn({ argv: ['reader'], bytes: reader, keepStdinOpen: true, onStdout: () => {} });
      await p.write('abc');
      await expect(sb.kernel.requestImage(p.task)).rejects.toThrow(/reader \(pid \d+\) cannot be saved in a snapshot: it runs in wVisor's fast form/);
      p.closeStdin();
      expect((await p.exited).code).toBe(0);
    } finally {
      sb.shutdown();
    }
  }, 60_000);

  it('the fast form is kept in the module cache, and the next loader runs it from there', async () => {
    const dir = freshCache();
    const a = createNodeSandbox();
    a.kernel.modules.mode = 'fast';
    let firstHash: string;
    try {
      firstHash = (await a.kernel.modules.load(alloc)).hash;
    } finally {
      a.shutdown();
    }
    await waitFor('the cache entry', () => existsSync(dir) && readdirSync(dir).some((f) => /-fast\d+-m\d+\.wasm$/.test(f)));
    const b = createNodeSandbox();
    b.kernel.modules.mode = 'fast';
    const platform = b.kernel.platform as NodePlatform;
    const got: string[] = [];
    const get = platform.moduleStore.get;
    platform.moduleStore.get = async (key) => {
      const v = await get(key);
      if (v) got.push(key);
      return v;
    };
    try {
      const loaded = await b.kernel.modules.load(alloc);
      expect(got).toHaveLength(1);
      expect(loaded.hash).toBe(firstHash);
      expect(loaded.form).toBe('fast');
      expect((await b.run({ argv: ['alloc', '3'], bytes: alloc })).stdout.trim()).toBe('3 6');
    } finally {
      b.shutdown();
    }
  }, 60_000);

  it("eager (the loader's default) rewrites fully before the first task, so its tasks can be saved", async () => {
    freshCache();
    const sb = createNodeSandbox();
    try {
      const loaded = await sb.kernel.modules.load(reader);
      expect(loaded.form).toBe('rewritten');
      expect(loaded.noUnwind).toBeUndefined();
      expect(sb.kernel.modules.rewritesRunning).toBe(0);
    } finally {
      sb.shutdown();
    }
  }, 120_000);
});
