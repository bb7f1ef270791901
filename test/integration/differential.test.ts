/**
 * Differential test of the wVisor kernel: every guest program and argument set of
 * guests/cases.ts runs three ways and the runs are compared line by line:
 *
 *   native   the program built with gcc for Linux (guests/build/native), in a fresh temp directory:
 *            the reference;
 *   wVisor   the instrumented module (public/bin) under the kernel, in a fresh VFS directory with
 *            the same files, preopened as "/" at fd 3 (wasi-libc's working directory is "/", so the
 *            program's relative paths land in that directory, as they do in the native run's cwd);
 *   node:wasi  the original module (public/bin/orig) in another identical directory preopened as "/",
 *            for the programs that import only WASI.
 *
 * wVisor must match the native run's stdout, stderr, ending (exit code or signal; a trap counts as
 * the signal a native program dies of) and the files left behind, except where the case documents a
 * departure (`wvisorDiffers`: a limit of WASI itself, with the reason). Against node:wasi, wVisor
 * must differ by exactly what the two documented departures from Linux imply, no more and no less.
 *
 * The wVisor-ABI programs (spawn, pipes, dup, poll, ...) cannot run under node:wasi; their reference
 * is the native run alone. Natively they find their children through PATH (the native folder);
 * under wVisor, spawn searches /bin.
 */
import { spawnSync } from 'node:child_process';
import {
  lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, standardFiles, type Case, type Tree } from '../../guests/cases.js';
import { Errno, errnoNames } from '../../src/kernel/abi/errno.js';
import { signalNames } from '../../src/kernel/abi/signals.js';
import { STREAM_RIGHTS } from '../../src/kernel/abi/wasi-types.js';
import { drain, feed } from '../../src/kernel/host-pipe.js';
import type { SpawnSpec } from '../../src/kernel/kernel.js';
import type { PipeEnd } from '../../src/kernel/pipe.js';
import { decodeStatus, type Sandbox } from '../../src/kernel/sandbox.js';
import { FileType, OFlags, type NodeHandle } from '../../src/kernel/vfs/types.js';
import { createNodeSandbox } from '../../src/platform/node/node-sandbox.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nativeDir = join(root, 'guests', 'build', 'native');
const origDir = join(root, 'public', 'bin', 'orig');
const runner = join(root, 'guests', 'nodewasi-run.mjs');
const TRAP_EXIT = 250; // nodewasi-run.mjs's exit code for a trap
const WASI_MODULE = 'wasi_snapshot_preview1';

const big = 'abcdefghij'.repeat(100_000);

/**
 * More WASI-only cases for the kernel's sake: data larger than a pipe ring (64 KiB) through stdin
 * and stdout, large files, deeper trees. Compared with native and node:wasi like guests/cases.ts.
 */
const kernelCases: Case[] = [
  { prog: 'wc', stdin: 'x\n'.repeat(300_000) },
  { prog: 'cat', stdin: 'q'.repeat(700_000) },
  { prog: 'cat', args: ['big'], files: { big } },
  { prog: 'cp', args: ['big', 'copy'], files: { big } },
  { prog: 'head', args: ['-n', '3', 'lines'], files: { lines: 'line\n'.repeat(100_000) } },
  { prog: 'readline', stdin: `${'z'.repeat(10_000)}\n${'w'.repeat(70_000)}` },
  { prog: 'rm', args: ['-r', 'd'], files: { 'd/e/f/g.txt': 'g', 'd/h': 'h', 'd/l': { symlink: '../d' } } },
  { prog: 'mv', args: ['d', 'e'], files: { 'd/x/y': 'deep', e: { dir: true } } },
  { prog: 'mv', args: ['d', 'e'], files: { 'd/x/y': 'deep', 'e/f': 'not empty' } },
  { prog: 'mkdir', args: ['.', '..', 'sub'], files: standardFiles },
];

/** The wVisor-ABI programs (they import wvisor_v1): native vs wVisor only. */
const abiCases: Case[] = [
  { prog: 'spawntest' },
  { prog: 't_fd' },
  {
    prog: 't_poll',
    wvisorDiffers: {
      why: 'a pipe read end whose writers are gone is a ready FD_READ event with the hangup flag (the WASI spec, ' +
        "wasmtime, wasi-testsuite's poll_oneoff_stdio: sys-poll.ts); wasi-libc's poll() turns every successful read " +
        'event into POLLIN, where Linux reports a drained pipe as POLLHUP alone',
      nativeOnly: ['writer closed, empty: 1 ready [fd0 HUP]'],
      wvisorOnly: ['writer closed, empty: 1 ready [fd0 IN HUP]'],
    },
  },
  {
    prog: 't_proc',
    wvisorDiffers: {
      why: 'a WebAssembly trap carries a message a native fault does not; the kernel (sys/sys-internal.ts, the trap call) ' +
        "writes it to the trapping task's stderr, where Linux would log a fault to the kernel log, not the process",
      stream: 'stderr', nativeOnly: [],
      wvisorOnly: ['t_proc: wasm trap: unreachable', 't_proc: wasm trap: memory access out of bounds',
        't_proc: wasm trap: divide by zero'],
    },
  },
  { prog: 't_pipe' },
];

/** How a run ended: an exit code, or the signal that killed it (a trap maps to a signal). */
type Ending = { exit: number } | { signal: string };

interface Run {
  stdout: string;
  stderr: string;
  ending: Ending;
  /** The directory afterwards, as sorted lines (see {@link hostTree}). */
  tree: string[];
}

// ---- native and node:wasi (host directories) ----------------------------------------------

let work: string;
let counter = 0;

function hostDir(tree: Tree): string {
  const dir = join(work, `run${counter++}`);
  mkdirSync(dir);
  for (const [path, what] of Object.entries(tree)) {
    const p = join(dir, path);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof what === 'string') writeFileSync(p, what);
    else if ('dir' in what) mkdirSync(p, { recursive: true });
    else symlinkSync(what.symlink, p);
  }
  return dir;
}

/** A directory listed recursively: `d PATH`, `l PATH -> TARGET`, `f PATH nlink=N "CONTENTS"`, sorted. */
function hostTree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const rel = prefix + name;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out.push(`l ${rel} -> ${readlinkSync(p)}`);
    else if (st.isDirectory()) out.push(`d ${rel}`, ...hostTree(p, `${rel}/`));
    else out.push(`f ${rel} nlink=${st.nlink} ${JSON.stringify(readFileSync(p, 'utf8'))}`);
  }
  return out;
}

function runNative(c: Case, abi: boolean): Run {
  const dir = hostDir(c.files ?? {});
  const env = { ...(abi ? { PATH: nativeDir } : {}), ...c.env };
  const r = spawnSync(join(nativeDir, c.prog), c.args ?? [], {
    cwd: dir, env, input: c.stdin ?? '', argv0: c.prog, encoding: 'utf8', timeout: 30_000,
  });
  if (r.error) throw r.error;
  const ending: Ending = r.signal ? { signal: r.signal } : { exit: r.status ?? -1 };
  return { stdout: r.stdout, stderr: r.stderr, ending, tree: hostTree(dir) };
}

const trapSignal: Array<[RegExp, string]> = [
  [/memory access out of bounds/, 'SIGSEGV'],
  [/divide by zero/, 'SIGFPE'],
  [/unreachable/, 'SIGABRT'],
];

function runNodeWasi(c: Case): Run {
  const dir = hostDir(c.files ?? {});
  const r = spawnSync(process.execPath, [
    '--no-warnings', runner, dir, join(origDir, `${c.prog}.wasm`), JSON.stringify(c.env ?? {}), c.prog, ...(c.args ?? []),
  ], { input: c.stdin ?? '', encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  let ending: Ending = { exit: r.status ?? -1 };
  let stderr = r.stderr;
  if (r.status === TRAP_EXIT) {
    const m = /nodewasi-run: trap: (.*)\n$/.exec(stderr);
    if (!m) throw new Error(`runner exited ${TRAP_EXIT} without a trap line: ${stderr}`);
    const sig = trapSignal.find(([re]) => re.test(m[1]!));
    if (!sig) throw new Error(`trap "${m[1]}" has no signal in trapSignal`);
    ending = { signal: sig[1] };
    stderr = stderr.slice(0, m.index);
  }
  return { stdout: r.stdout, stderr, ending, tree: hostTree(dir) };
}

// ---- wVisor (a VFS directory) -----------------------------------------------------------------

let sb: Sandbox;

function check<T>(r: T | Errno, what: string): T {
  if (typeof r === 'number') throw new Error(`${what}: ${errnoNames[r as Errno] ?? r}`);
  return r;
}

/** Makes /diff/runN in the VFS holding `tree`; returns its absolute path. */
function vfsDir(tree: Tree): string {
  const vfs = sb.kernel.vfs;
  const path = `/diff/run${counter++}`;
  const unconfined = { confine: false };
  vfs.mkdir(vfs.root, '/diff', unconfined);
  const made = (e: Errno, what: string) => { if (e !== Errno.SUCCESS) throw new Error(`${what}: ${errnoNames[e]}`); };
  made(vfs.mkdir(vfs.root, path, unconfined), `mkdir ${path}`);
  const dir = check(vfs.resolve(vfs.root, path), path);
  for (const [rel, what] of Object.entries(tree)) {
    // Parent directories first, as mkdir -p would (a tree may name "d/e/f.txt" alone).
    rel.split('/').slice(0, -1).forEach((_, i, parts) => vfs.mkdir(dir, parts.slice(0, i + 1).join('/'), unconfined));
    if (typeof what === 'string') {
      const h = check(vfs.open(dir, rel, { oflags: OFlags.CREAT | OFlags.TRUNC, write: true }, unconfined), rel);
      const n = vfs.write(h, 0, new TextEncoder().encode(what));
      vfs.close(h);
      if (n < 0) throw new Error(`write ${rel}: ${errnoNames[-n as Errno]}`);
    } else if ('dir' in what) {
      made(vfs.mkdir(dir, rel, unconfined), `mkdir ${rel}`);
    } else {
      made(vfs.symlink(what.symlink, dir, rel, unconfined), `symlink ${rel}`);
    }
  }
  return path;
}

/** The VFS directory at `path` in {@link hostTree}'s format. */
function vfsTree(path: string): string[] {
  const vfs = sb.kernel.vfs;
  const unconfined = { confine: false };
  const walk = (dir: NodeHandle, prefix: string): string[] => {
    const out: string[] = [];
    const names = check(vfs.readdir(dir), prefix).map((d) => d.name).filter((n) => n !== '.' && n !== '..').sort();
    for (const name of names) {
      const rel = prefix + name;
      const h = check(vfs.resolve(dir, name, false, unconfined), rel);
      const type = vfs.fileType(h);
      if (type === FileType.SYMBOLIC_LINK) out.push(`l ${rel} -> ${check(vfs.readlink(dir, name, unconfined), rel)}`);
      else if (type === FileType.DIRECTORY) out.push(`d ${rel}`, ...walk(h, `${rel}/`));
      else {
        const st = check(vfs.stat(h), rel);
        const bytes = new Uint8Array(vfs.sizeOf(h));
        vfs.read(h, 0, bytes);
        out.push(`f ${rel} nlink=${st.nlink} ${JSON.stringify(new TextDecoder().decode(bytes))}`);
      }
    }
    return out;
  };
  return walk(check(vfs.resolve(vfs.root, path), path), '');
}

function collect(end: PipeEnd): { text: () => string; flush: () => void } {
  const chunks: Uint8Array[] = [];
  const d = drain(end, (b) => { chunks.push(b); });
  return {
    flush: () => d.flush(),
    text: () => {
      const dec = new TextDecoder();
      return chunks.map((b) => dec.decode(b, { stream: true })).join('') + dec.decode();
    },
  };
}

/**
 * Runs a case's program under the kernel as Sandbox.spawn does (stdio are pipes to the host,
 * a new session), but with the case's VFS directory preopened as "/" at fd 3 instead of the root.
 */
async function runWvisor(c: Case): Promise<Run> {
  const k = sb.kernel;
  const dir = vfsDir(c.files ?? {});
  const found = check(k.findProgram(c.prog), c.prog);
  const host = () => 0;
  const [stdin, stdout, stderr] = [0, 1, 2].map(() => k.pipeEnds(host)!);
  const stream = (file: PipeEnd) => ({ file, rightsBase: BigInt(STREAM_RIGHTS), rightsInheriting: 0n });
  const fds: SpawnSpec['fds'] = new Map();
  [stdin[0], stdout[1], stderr[1]].forEach((end, fd) => fds.set(fd, stream(end)));
  fds.set(3, check(k.preopen(dir, '/'), dir));
  const t = check(await k.spawn({
    bytes: found.bytes, program: found.path, argv: [c.prog, ...(c.args ?? [])],
    env: Object.entries(c.env ?? {}).map(([n, v]) => `${n}=${v}`), fds, newSession: true,
  }), `spawn ${c.prog}`);
  const out = collect(stdout[0]);
  const err = collect(stderr[0]);
  void feed(stdin[1], new TextEncoder().encode(c.stdin ?? '')).then(() => stdin[1].release());
  const info = decodeStatus(await t.exited);
  out.flush();
  err.flush();
  stdout[0].release();
  stderr[0].release();
  const ending: Ending = info.signal !== null ? { signal: signalNames[info.signal]! } : { exit: info.code! };
  return { stdout: out.text(), stderr: err.text(), ending, tree: vfsTree(dir) };
}

// ---- comparing ---------------------------------------------------------------------------------

/** Lines of a that are not in b, as a multiset difference, in a's order. */
function linesOnlyIn(a: string[], b: string[]): string[] {
  const rest = [...b];
  const out: string[] = [];
  for (const line of a) {
    const i = rest.indexOf(line);
    if (i >= 0) rest.splice(i, 1);
    else out.push(line);
  }
  return out;
}

const lines = (s: string) => s.split('\n');
const sorted = (a: string[]) => [...a].sort();

/** The documented departures of one stream: [native-only, other-only] lines, or none. */
function departure(c: Case, who: 'wvisor' | 'nodewasi', stream: 'stdout' | 'stderr'): [string[], string[]] {
  const d = who === 'wvisor' ? c.wvisorDiffers : c.nodeWasiDiffers;
  if (!d || (d.stream ?? 'stdout') !== stream) return [[], []];
  return [d.nativeOnly, 'wvisorOnly' in d ? d.wvisorOnly : d.nodeWasiOnly];
}

/** Whether `run` differs from `native` exactly by the case's documented departures for `who`. */
function departsAsDocumented(c: Case, who: 'wvisor' | 'nodewasi', native: Run, run: Run): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(run.ending, native.ending) || !same(run.tree, native.tree)) return false;
  return (['stdout', 'stderr'] as const).every((stream) => {
    if (stream === 'stderr' && 'signal' in native.ending) return true;
    const [nativeOnly, otherOnly] = departure(c, who, stream);
    return same(linesOnlyIn(lines(native[stream]), lines(run[stream])), nativeOnly)
      && same(linesOnlyIn(lines(run[stream]), lines(native[stream])), otherOnly);
  });
}

function importsOf(prog: string): WebAssembly.ModuleImportDescriptor[] {
  return WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(origDir, `${prog}.wasm`))));
}

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-guests.mjs'), '--native-only'], {
    cwd: root, encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`native build failed:\n${r.stderr}${r.stdout}`);
  work = mkdtempSync(join(tmpdir(), 'wvisor-differential-'));
  sb = createNodeSandbox();
}, 120_000);

afterAll(() => {
  sb?.shutdown();
  if (work) rmSync(work, { recursive: true, force: true });
});

const title = (c: Case) => c.name ?? [c.prog, ...(c.args ?? [])].join(' ');

describe('wVisor vs native Linux and node:wasi', () => {
  const table = [...[...cases, ...kernelCases].map((c) => [c, false] as const), ...abiCases.map((c) => [c, true] as const)];
  it.each(table.map(([c, abi]) => [`${title(c)}${abi ? ' (wVisor ABI)' : ''}`, c, abi] as const))('%s', async (_n, c, abi) => {
    const foreign = importsOf(c.prog).filter((i) => i.module !== WASI_MODULE);
    expect(foreign.length > 0, 'imports wvisor_v1').toBe(abi);
    const native = runNative(c, abi);
    const wv = await runWvisor(c);
    let nw = abi ? undefined : runNodeWasi(c);
    // The reference itself can flake: under load, node:wasi's 20 ms sleep in t_clock was seen to end
    // before the realtime clock advanced 20 ms (about 1 run in 100). A node:wasi run that departs from
    // Linux in an undocumented way is run again (twice at most) before wVisor is compared with it.
    for (let i = 0; nw && i < 2 && !departsAsDocumented(c, 'nodewasi', native, nw); i++) nw = runNodeWasi(c);

    expect(wv.ending, 'ending vs native').toEqual(native.ending);
    expect(wv.tree, 'files left vs native').toEqual(native.tree);
    if (nw) {
      expect(wv.ending, 'ending vs node:wasi').toEqual(nw.ending);
      expect(wv.tree, 'files left vs node:wasi').toEqual(nw.tree);
    }
    for (const stream of ['stdout', 'stderr'] as const) {
      // Killed by a signal: what the runtimes print about it on stderr is not the program's output.
      if (stream === 'stderr' && 'signal' in native.ending) continue;
      const [wvNative, wvOnly] = departure(c, 'wvisor', stream);
      if (wvNative.length + wvOnly.length === 0) expect(wv[stream], `${stream} vs native`).toBe(native[stream]);
      else {
        expect(linesOnlyIn(lines(native[stream]), lines(wv[stream])), `${stream}: native only`).toEqual(wvNative);
        expect(linesOnlyIn(lines(wv[stream]), lines(native[stream])), `${stream}: wVisor only`).toEqual(wvOnly);
      }
      if (!nw) continue;
      // wv = native - wvNative + wvOnly and nw = native - nwNative + nwOnly (multisets), so wVisor
      // has, beyond node:wasi, (wvOnly + nwNative) - (wvNative + nwOnly), and the reverse.
      const [nwNative, nwOnly] = departure(c, 'nodewasi', stream);
      const more = linesOnlyIn([...wvOnly, ...nwNative], [...wvNative, ...nwOnly]);
      const fewer = linesOnlyIn([...wvNative, ...nwOnly], [...wvOnly, ...nwNative]);
      if (more.length + fewer.length === 0) expect(wv[stream], `${stream} vs node:wasi`).toBe(nw[stream]);
      else {
        expect(sorted(linesOnlyIn(lines(wv[stream]), lines(nw[stream]))), `${stream}: wVisor only vs node:wasi`).toEqual(sorted(more));
        expect(sorted(linesOnlyIn(lines(nw[stream]), lines(wv[stream]))), `${stream}: node:wasi only vs wVisor`).toEqual(sorted(fewer));
      }
    }
  });
});
