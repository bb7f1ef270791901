/**
 * `wvisor cc`: the machine's clang for wasm32-wasi against wasi-libc, with
 * wVisor's POSIX overlay (guests/overlay) in front of wasi-libc's headers and
 * its library linked in, then the wVisor rewrite (src/instrument) of the result.
 *
 *   wvisor cc [clang options] FILE.c... -o OUT.wasm [--keep-original FILE]
 *
 * Every option but --keep-original goes to clang as is (-g, -O0..-O3, -I, -D, -l,
 * several sources, -c, linking objects). With -c, -S, -E or -fsyntax-only nothing
 * is linked or rewritten. The overlay's library is compiled on first use into a
 * cache directory ($WVISOR_CACHE_DIR, else $XDG_CACHE_HOME/wvisor, else
 * ~/.cache/wvisor), one subdirectory per hash of its sources and clang's version.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync,
  rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.js';

export const ccUsage = 'usage: wvisor cc [clang options] FILE.c... [-o OUT.wasm] [--keep-original FILE]';

const WASI_INCLUDE = '/usr/include/wasm32-wasi';
const WASI_LIB = '/usr/lib/wasm32-wasi';
const APT = 'apt-get install clang lld wasi-libc libclang-rt-dev-wasm32';

const pkgRoot = fileURLToPath(new URL('../../', import.meta.url));
const overlayDir = join(pkgRoot, 'guests', 'overlay');
const overlayInclude = join(overlayDir, 'include');
const overlayLib = join(overlayDir, 'lib');
const abiInclude = join(pkgRoot, 'guests', 'include');

/** The library's compile flags (part of the cache key). */
const LIB_FLAGS = ['-O2', '-g0', '-Wall'];

/** The toolchain is missing a piece: one line naming the Debian packages, exit 2. */
export class ToolchainError extends Error {
  constructor(what: string) {
    super(`missing ${what}; install the toolchain with: ${APT}`);
    this.name = 'ToolchainError';
  }
}

/**
 * clang runs any `wasm-opt` on PATH after linking, and npx/npm put binaryen's
 * there: keep node_modules out of the tools' PATH so output does not depend on
 * how wvisor was started.
 */
function toolEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: (process.env.PATH ?? '').split(':').filter((d) => d && !d.includes('node_modules')).join(':'),
  };
}

interface Tool { status: number | null; stdout: string; stderr: string }

function tool(cmd: string, args: string[], env: NodeJS.ProcessEnv, inherit = false): Tool {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', stdio: inherit ? ['inherit', 'inherit', 'pipe'] : 'pipe' });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ToolchainError(cmd === 'clang' ? 'clang' : `${cmd}`);
    }
    throw r.error;
  }
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** A clang failure caused by a missing toolchain piece, named as its package. */
function missingPiece(stderr: string): string | undefined {
  if (/wasm-ld.*(doesn't exist|not found)|unable to execute command.*wasm-ld/i.test(stderr)) return 'wasm-ld (package lld)';
  if (/libclang_rt\.builtins-wasm32/.test(stderr)) return 'the wasm32 builtins (package libclang-rt-dev-wasm32)';
  if (/(stdio|stdlib|unistd)\.h' file not found|cannot open crt1(-command)?\.o|unable to find library -lc\b/.test(stderr)) {
    return `wasi-libc (${WASI_INCLUDE}, ${WASI_LIB})`;
  }
  return undefined;
}

/** Checks clang, wasm-ld, wasi-libc and the wasm32 builtins; returns clang's version text. */
function checkToolchain(env: NodeJS.ProcessEnv): string {
  const version = tool('clang', ['--version'], env).stdout;
  if (!existsSync(join(WASI_INCLUDE, 'stdio.h')) || !existsSync(join(WASI_LIB, 'libc.a'))) {
    throw new ToolchainError(`wasi-libc (${WASI_INCLUDE}, ${WASI_LIB})`);
  }
  const rt = tool('clang', ['--target=wasm32-wasi', '-print-libgcc-file-name'], env).stdout.trim();
  if (!rt || !existsSync(rt)) throw new ToolchainError(`the wasm32 builtins ${rt} (package libclang-rt-dev-wasm32)`);
  const ld = spawnSync('clang', ['--target=wasm32-wasi', '-print-prog-name=wasm-ld'], { env, encoding: 'utf8' }).stdout?.trim();
  const found = ld && (ld.includes('/') ? existsSync(ld) : !spawnSync(ld, ['--version'], { env }).error);
  if (!found) throw new ToolchainError('wasm-ld (package lld)');
  return version;
}

function cacheRoot(): string {
  if (process.env.WVISOR_CACHE_DIR) return process.env.WVISOR_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && xdg.startsWith('/') ? xdg : join(homedir() || tmpdir(), '.cache');
  return join(base, 'wvisor');
}

/** A sysroot holding only wasi-libc, so host headers cannot leak in. */
function makeSysroot(dir: string): void {
  for (const [kind, target] of [['include', WASI_INCLUDE], ['lib', WASI_LIB]] as const) {
    const link = join(dir, kind, 'wasm32-wasi');
    mkdirSync(dirname(link), { recursive: true });
    let ok = false;
    try { ok = lstatSync(link).isSymbolicLink() && readlinkSync(link) === target; } catch { /* absent */ }
    if (!ok) {
      rmSync(link, { recursive: true, force: true });
      symlinkSync(target, link);
    }
  }
}

interface Overlay {
  sysroot: string;
  /** The library's objects: start.o first (always linked), then the rest (weak definitions, dropped when unused). */
  objects: string[];
}

/** The overlay's library, compiled on first use into the cache (atomically: built aside, then renamed). */
function overlayBuild(env: NodeJS.ProcessEnv): Overlay {
  const version = tool('clang', ['--version'], env).stdout;
  const sources = readdirSync(overlayLib).filter((f) => f.endsWith('.c')).sort();
  const hash = createHash('sha256');
  hash.update(version).update(LIB_FLAGS.join(' '));
  const hashDir = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) hashDir(p);
      else hash.update(p.slice(pkgRoot.length)).update(readFileSync(p));
    }
  };
  hashDir(overlayDir);
  hash.update(readFileSync(join(abiInclude, 'wvisor.h')));
  const root = cacheRoot();
  const dir = join(root, `overlay-${hash.digest('hex').slice(0, 16)}`);
  const objectsOf = (d: string) => ['start.o', ...sources.filter((s) => s !== 'start.c').map((s) => s.replace(/\.c$/, '.o'))]
    .map((o) => join(d, o));
  if (!existsSync(join(dir, 'done'))) {
    checkToolchain(env);
    mkdirSync(root, { recursive: true });
    const tmp = join(root, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      makeSysroot(join(tmp, 'sysroot'));
      for (const src of sources) {
        const r = tool('clang', ['--target=wasm32-wasi', `--sysroot=${join(tmp, 'sysroot')}`, ...LIB_FLAGS,
          '-isystem', overlayInclude, '-I', abiInclude, '-c', join(overlayLib, src),
          '-o', join(tmp, src.replace(/\.c$/, '.o'))], env);
        if (r.status !== 0) {
          const piece = missingPiece(r.stderr);
          if (piece) throw new ToolchainError(piece);
          throw new Error(`building wVisor's POSIX overlay failed (clang exit ${r.status}) on ${src}:\n${r.stderr}`);
        }
      }
      writeFileSync(join(tmp, 'done'), `${version}\n`);
      try {
        renameSync(tmp, dir);
      } catch (e) {
        if (!existsSync(join(dir, 'done'))) throw e; // not another build finishing first
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  // The sysroot's links hold absolute paths, so the cached one stays valid; re-made if someone removed it.
  makeSysroot(join(dir, 'sysroot'));
  return { sysroot: join(dir, 'sysroot'), objects: objectsOf(dir) };
}

interface CcArgs {
  clang: string[];
  out?: string;
  keepOriginal?: string;
  link: boolean;
}

const NO_LINK = new Set(['-c', '-S', '-E', '-fsyntax-only', '-M', '-MM', '-###', '--version']);

export function parseCc(argv: string[]): CcArgs {
  const clang: string[] = [];
  let out: string | undefined;
  let keepOriginal: string | undefined;
  let link = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (name: string) => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a file name\n${ccUsage}`);
      return v;
    };
    if (a === '--keep-original') { keepOriginal = value(a); continue; }
    if (a.startsWith('--keep-original=')) { keepOriginal = a.slice('--keep-original='.length); continue; }
    if (a === '-o') { out = value(a); continue; }
    if (a.startsWith('-o') && a.length > 2) { out = a.slice(2); continue; }
    if (a === '-h' || a === '--help') throw new UsageError(ccUsage);
    if (a === '-lwasi-emulated-signal' || (a === '-l' && argv[i + 1] === 'wasi-emulated-signal')) {
      throw new UsageError('wvisor cc does not link -lwasi-emulated-signal: its signal() keeps handlers inside the '
        + 'program, which wVisor\'s kernel never runs; leave it out: the overlay\'s <signal.h> has signal() and sigaction '
        + 'with the kernel\'s handlers');
    }
    const target = a === '-target' || a === '--target' ? argv[i + 1] : a.match(/^--?target=(.*)$/)?.[1];
    if (target !== undefined) {
      if (target !== 'wasm32-wasi') throw new UsageError(`wvisor cc builds for wasm32-wasi only (not ${target})`);
      if (!a.includes('=')) i++;
      continue;
    }
    if (NO_LINK.has(a) || a.startsWith('-print-')) link = false;
    clang.push(a);
  }
  if (keepOriginal !== undefined && !link) throw new UsageError('--keep-original needs a link step (not with -c, -S, -E)');
  return { clang, out, keepOriginal, link };
}

/** Runs `wvisor cc`; returns the exit status (clang's when it fails). */
export async function cc(argv: string[]): Promise<number> {
  const args = parseCc(argv);
  const env = toolEnv();
  const overlay = overlayBuild(env);
  const front = ['--target=wasm32-wasi', `--sysroot=${overlay.sysroot}`, '-isystem', overlayInclude,
    ...(process.stderr.isTTY ? ['-fcolor-diagnostics'] : [])];
  if (!args.link) {
    const r = tool('clang', [...front, ...args.clang, ...(args.out !== undefined ? ['-o', args.out] : [])], env, true);
    process.stderr.write(r.stderr);
    if (r.status !== 0 && missingPiece(r.stderr)) throw new ToolchainError(missingPiece(r.stderr)!);
    return r.status ?? 1;
  }
  const out = args.out ?? 'a.out';
  const tmp = mkdtempSync(join(tmpdir(), 'wvisor-cc-'));
  try {
    const orig = join(tmp, 'orig.wasm');
    const r = tool('clang', [...front, ...args.clang, ...overlay.objects, '-o', orig], env, true);
    process.stderr.write(r.stderr);
    if (r.status !== 0) {
      const piece = missingPiece(r.stderr);
      if (piece) throw new ToolchainError(piece);
      return r.status ?? 1;
    }
    const bytes = new Uint8Array(readFileSync(orig));
    const { rewriteModule } = await import('../instrument/index.js');
    const rewritten = await rewriteModule(bytes);
    writeFileSync(out, rewritten.bytes);
    if (args.keepOriginal !== undefined) copyFileSync(orig, args.keepOriginal);
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
