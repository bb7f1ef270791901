// POSIX programs unchanged: each C program in test/posix/progs is built natively with gcc
// (glibc, Linux) and with `wvisor cc` (wasi-libc + wVisor's overlay, rewritten), both are run
// the same way — in a directory whose last component is `w`, the program's own path as argv[1]
// (some spawn themselves as a helper), stdin empty — and their stdout and exit status must
// be identical. Natively /bin/sh is dash; under wVisor it is the bundled sh.
//
// Known departures are listed per program with the exact lines and why; any other
// difference fails.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const progs = join(__dirname, 'progs');
const tmp = mkdtempSync(join(tmpdir(), 'wvisor-posix-'));
const names = readdirSync(progs).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();

/** Lines that differ, as [native, wVisor], and why (none at present). */
const departures: Record<string, Array<[string, string]>> = {};

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), 90_000);
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Runs jobs two at a time (the machine has two cores). */
async function pool<T>(jobs: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all([0, 1].map(async () => {
    while (next < jobs.length) { const i = next++; out[i] = await jobs[i]!(); }
  }));
  return out;
}

const built: Record<string, { native: string; wasm: string; error?: string }> = {};

beforeAll(async () => {
  mkdirSync(join(tmp, 'bin'), { recursive: true });
  await pool(names.map((n) => async () => {
    const native = join(tmp, 'bin', n);
    const wasm = join(tmp, 'bin', `${n}.wasm`);
    const g = spawnSync('gcc', ['-O2', '-Wall', '-Werror', '-D_GNU_SOURCE', join(progs, `${n}.c`), '-o', native], { encoding: 'utf8' });
    const c = await run(process.execPath, [cli, 'cc', '-O2', '-Wall', '-Werror', join(progs, `${n}.c`), '-o', wasm]);
    built[n] = { native, wasm, error: g.status !== 0 ? `gcc: ${g.stderr}` : c.code !== 0 ? `wvisor cc: ${c.stderr}` : undefined };
  }));
}, 900_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('POSIX programs: gcc on Linux vs wvisor cc on wVisor', () => {
  for (const n of names) {
    it(n, async () => {
      const b = built[n]!;
      expect(b.error).toBeUndefined();
      const nd = join(tmp, 'native', n, 'w');
      const wd = join(tmp, 'wasm', n, 'w');
      mkdirSync(nd, { recursive: true });
      mkdirSync(wd, { recursive: true });
      copyFileSync(b.native, join(nd, n));
      spawnSync('chmod', ['+x', join(nd, n)]);
      copyFileSync(b.wasm, join(wd, `${n}.wasm`));
      const [nat, wv] = await Promise.all([
        run(join(nd, n), [join(nd, n)], { cwd: nd }),
        run(process.execPath, [cli, 'run', '--dir', `${wd}::/w`, '--env', 'PWD=/w', join(wd, `${n}.wasm`), `/w/${n}.wasm`]),
      ]);
      const known = departures[n] ?? [];
      const natLines = nat.stdout.split('\n');
      const fixed = wv.stdout.split('\n').map((l) => known.find(([, w]) => w === l)?.[0] ?? l);
      // Each listed departure must still be there (else this list is stale).
      for (const [, w] of known) expect(wv.stdout.split('\n'), `departure no longer seen: ${w}`).toContain(w);
      expect({ stdout: fixed, code: wv.code }).toEqual({ stdout: natLines, code: nat.code });
      expect(nat.code).toBe(0);
      expect(nat.stdout.length).toBeGreaterThan(0);
    }, 120_000);
  }
});

describe('wvisor cc', () => {
  const dir = join(tmp, 'cc');
  const cc = (args: string[], env?: NodeJS.ProcessEnv) => run(process.execPath, [cli, 'cc', ...args], { cwd: dir, env });

  it('compiles with -c, links objects, and --keep-original writes what clang made', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.c'), '#include <unistd.h>\nint who(void) { return getppid() > 0; }\n');
    writeFileSync(join(dir, 'm.c'), '#include <stdio.h>\nint who(void);\nint main(void) { printf("parent known: %d\\n", who()); return 0; }\n');
    expect((await cc(['-O1', '-DX=1', '-c', 'a.c', '-o', 'a.o'])).code).toBe(0);
    const r = await cc(['m.c', 'a.o', '-o', 'm.wasm', '--keep-original', 'm.orig.wasm']);
    expect(r).toMatchObject({ code: 0 });
    const rewritten = readFileSync(join(dir, 'm.wasm'));
    const orig = readFileSync(join(dir, 'm.orig.wasm'));
    const sections = (b: Uint8Array) => WebAssembly.Module.customSections(new WebAssembly.Module(new Uint8Array(b)), 'wvisor.rewrite').length;
    expect(sections(rewritten)).toBe(1);
    expect(sections(orig)).toBe(0);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(orig)).map((i) => `${i.module}.${i.name}`))
      .toContain('wvisor_v1.getppid');
    const out = await run(process.execPath, [cli, 'run', join(dir, 'm.wasm')]);
    expect(out).toMatchObject({ code: 0, stdout: 'parent known: 1\n' });
  }, 120_000);

  it('passes clang errors through with clang exit status', async () => {
    writeFileSync(join(dir, 'bad.c'), 'int main(void) { return nope; }\n');
    const r = await cc(['bad.c', '-o', 'bad.wasm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/use of undeclared identifier 'nope'/);
    expect(existsSync(join(dir, 'bad.wasm'))).toBe(false);
  }, 60_000);

  it('builds signal() with the overlay (its handler runs) and refuses -lwasi-emulated-signal, with one line', async () => {
    writeFileSync(join(dir, 'sig.c'), '#include <signal.h>\n#include <stdio.h>\nstatic volatile int n;\n'
      + 'static void h(int s) { n += s; }\nint main(void) { signal(SIGINT, h); raise(SIGINT); printf("%d\\n", n); return 0; }\n');
    const r = await cc(['sig.c', '-o', 'sig.wasm']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(await run(process.execPath, [cli, 'run', join(dir, 'sig.wasm')])).toMatchObject({ code: 0, stdout: '2\n' });
    const l = await cc(['m.c', '-lwasi-emulated-signal', '-o', 'x.wasm']);
    expect(l.code).toBe(2);
    expect(l.stderr.trim().split('\n')).toHaveLength(1);
    expect(l.stderr).toMatch(/does not link -lwasi-emulated-signal/);
  }, 60_000);

  it('names the Debian packages when the toolchain is missing (exit 2)', async () => {
    const r = await cc(['m.c', '-o', 'x.wasm'], { ...process.env, PATH: '/nonexistent' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wvisor: missing clang; install the toolchain with: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32\n');
  }, 60_000);

  it('builds a bundled guest (wc) that runs like the committed one', async () => {
    const r = await cc(['-O2', join(root, 'guests/src/wc.c'), '-I', join(root, 'guests/include'), '-o', 'wc.wasm']);
    expect(r.code).toBe(0);
    const ours = spawnSync(process.execPath, [cli, 'run', join(dir, 'wc.wasm'), '-l', '-w', '-c'], { input: 'one two\nthree\n', encoding: 'utf8' });
    const bundled = spawnSync(process.execPath, [cli, 'run', join(root, 'public/bin/wc.wasm'), '-l', '-w', '-c'], { input: 'one two\nthree\n', encoding: 'utf8' });
    expect(ours.status).toBe(0);
    expect(ours.stdout).toBe(bundled.stdout);
    expect(ours.stdout.trim().split(/\s+/)).toEqual(['2', '3', '14']);
  }, 120_000);
});
