#!/usr/bin/env node
// Builds the guest programs in guests/src into public/bin.
//
//   node scripts/build-guests.mjs            build public/bin/orig/NAME.wasm (clang + wasi-libc),
//                                            public/bin/NAME.wasm (rewritten by src/instrument)
//                                            and public/bin/manifest.json
//   node scripts/build-guests.mjs --check    build into a temporary folder and fail, naming the
//                                            files, if anything differs from public/bin
//   node scripts/build-guests.mjs --native   also build each C program natively with gcc into
//                                            guests/build/native/NAME (for differential tests)
//   node scripts/build-guests.mjs --native-only   only the native builds (no clang, no rewriter)
//
// Every C file guests/src/NAME.c is one program; its leading comment holds a line
// `@desc TEXT` (the manifest's description) and optionally `@wasm-flags FLAGS`
// (extra clang flags, e.g. the emulated-signal library) and `@native-flags FLAGS`.
// guests/src/NAME.wat is a program written in WebAssembly text (binaryen parses it).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeWasiSysroot, toolEnv } from './wasi-toolchain.mjs';
import { WASI_TOOLCHAIN_PACKAGES, wasiToolchainProblem } from './wasi-toolchain-check.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'guests', 'src');
const includeDir = join(root, 'guests', 'include');
const buildDir = join(root, 'guests', 'build');
const sysroot = join(buildDir, 'sysroot');
const nativeDir = join(buildDir, 'native');
const committedBin = join(root, 'public', 'bin');

/** A build problem a person can fix; printed as one line, no stack trace. */
class GuestBuildError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.name = 'GuestBuildError';
    this.exitCode = exitCode;
  }
}


function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: toolEnv });
  if (r.error) {
    if (r.error.code === 'ENOENT') {
      throw new GuestBuildError(`${cmd} not found; install it with: apt-get install ${cmd === 'gcc' ? 'gcc' : WASI_TOOLCHAIN_PACKAGES}`, 2);
    }
    throw r.error;
  }
  if (r.status !== 0) {
    throw new GuestBuildError(`${what} failed (${cmd} exit ${r.status}):\n${r.stderr}${r.stdout}`);
  }
  return r;
}

/** Checks that clang, wasm-ld, wasi-libc and the wasm32 builtins are present (exit code 2 if not). */
function checkToolchain() {
  const problem = wasiToolchainProblem();
  if (problem) throw new GuestBuildError(problem, 2);
}

/** Reads the `@desc`, `@wasm-flags`, `@native-flags` tags from a source's leading comment. */
function readTags(text, file) {
  const tag = (name) => {
    const m = text.match(new RegExp(`@${name}[ \\t]+(.+)`));
    return m ? m[1].replace(/\s*\*\/\s*$/, '').trim() : '';
  };
  const description = tag('desc');
  if (!description) throw new GuestBuildError(`${file} has no "@desc" line in its leading comment; add one`);
  const split = (s) => (s ? s.split(/\s+/) : []);
  return { description, wasmFlags: split(tag('wasm-flags')), nativeFlags: split(tag('native-flags')) };
}

/** Lists the programs: [{name, file, kind: 'c'|'wat', description, wasmFlags, nativeFlags}]. */
function listPrograms() {
  const out = [];
  for (const f of readdirSync(srcDir).sort()) {
    const m = f.match(/^([a-z0-9_-]+)\.(c|wat)$/);
    if (!m) continue;
    const text = readFileSync(join(srcDir, f), 'utf8');
    out.push({ name: m[1], file: join(srcDir, f), kind: m[2], ...readTags(text, f) });
  }
  if (new Set(out.map((p) => p.name)).size !== out.length) {
    throw new GuestBuildError('two sources in guests/src share a program name (NAME.c and NAME.wat)');
  }
  return out;
}

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

async function compileWat(file) {
  const { default: binaryen } = await import('binaryen');
  const mod = binaryen.parseText(readFileSync(file, 'utf8'));
  try {
    mod.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.SignExt);
    if (!mod.validate()) throw new GuestBuildError(`${file} does not validate`);
    return Buffer.from(mod.emitBinary());
  } finally {
    mod.dispose();
  }
}

function compileC(prog, outFile) {
  run('clang', [
    '--target=wasm32-wasi', `--sysroot=${sysroot}`, '-O2', '-g0', '-Wall', '-Werror',
    '-I', includeDir, ...prog.wasmFlags, prog.file, '-o', outFile,
  ], `compiling ${prog.name} for wasm32-wasi`);
  return readFileSync(outFile);
}

function compileNative(prog) {
  mkdirSync(nativeDir, { recursive: true });
  run('gcc', ['-O2', '-Wall', '-Werror', '-D_GNU_SOURCE', '-I', includeDir, ...prog.nativeFlags,
    prog.file, '-o', join(nativeDir, prog.name)], `compiling ${prog.name} natively with gcc`);
}

async function loadRewriter() {
  const url = pathToFileURL(join(root, 'dist', 'instrument', 'index.js')).href;
  try {
    const { rewriteModule } = await import(url);
    if (typeof rewriteModule !== 'function') throw new Error('no rewriteModule export');
    return rewriteModule;
  } catch (e) {
    throw new GuestBuildError(
      `cannot load the instrumenter from dist/instrument/index.js (${e.message}); build it with: npx tsc -p tsconfig.node.json`);
  }
}

/** Builds every program into outDir (orig/NAME.wasm, NAME.wasm, manifest.json). */
async function buildAll(outDir, { native }) {
  checkToolchain();
  makeWasiSysroot(sysroot);
  const rewriteModule = await loadRewriter();
  const programs = listPrograms();
  mkdirSync(join(outDir, 'orig'), { recursive: true });
  const manifest = [];
  for (const prog of programs) {
    const origFile = join(outDir, 'orig', `${prog.name}.wasm`);
    let orig;
    if (prog.kind === 'c') {
      orig = compileC(prog, origFile);
      if (native) compileNative(prog);
    } else {
      orig = await compileWat(prog.file);
      writeFileSync(origFile, orig);
    }
    const { bytes } = await rewriteModule(new Uint8Array(orig));
    writeFileSync(join(outDir, `${prog.name}.wasm`), bytes);
    manifest.push({
      name: prog.name,
      description: prog.description,
      file: `${prog.name}.wasm`,
      sha256: sha256(bytes),
      originalSha256: sha256(orig),
    });
  }
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return programs;
}

/** Relative paths of the files under dir. */
function listFiles(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(join(dir, e.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

async function main() {
  const args = process.argv.slice(2);
  for (const a of args) {
    if (a !== '--check' && a !== '--native' && a !== '--native-only') {
      throw new GuestBuildError(
        `unknown option ${a}; usage: node scripts/build-guests.mjs [--check] [--native | --native-only]`);
    }
  }
  if (args.includes('--native-only')) {
    const programs = listPrograms().filter((p) => p.kind === 'c');
    for (const prog of programs) compileNative(prog);
    console.log(`build-guests: ${programs.length} native programs -> guests/build/native`);
    return 0;
  }
  const check = args.includes('--check');
  const native = args.includes('--native');
  if (!check) {
    const programs = await buildAll(committedBin, { native });
    console.log(`build-guests: ${programs.length} programs -> public/bin${native ? ' (+ guests/build/native)' : ''}`);
    return 0;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'wvisor-guests-'));
  try {
    await buildAll(tmp, { native });
    const built = listFiles(tmp);
    const committed = listFiles(committedBin);
    const differ = [];
    for (const f of new Set([...built, ...committed])) {
      const a = join(tmp, f);
      const b = join(committedBin, f);
      if (!existsSync(a)) differ.push(`${f} (committed but no longer built)`);
      else if (!existsSync(b)) differ.push(`${f} (built but not committed)`);
      else if (!readFileSync(a).equals(readFileSync(b))) differ.push(`${f} (contents differ)`);
    }
    if (differ.length) {
      console.error(`build-guests --check: public/bin does not match guests/src:\n  ${differ.sort().join('\n  ')}\n` +
        'rebuild with: npm run build:guests, and commit public/bin');
      return 1;
    }
    console.log(`build-guests --check: public/bin matches guests/src (${built.length} files)`);
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => { process.exitCode = code; }, (e) => {
  if (e instanceof GuestBuildError) {
    console.error(`build-guests: ${e.message}`);
    process.exitCode = e.exitCode;
  } else {
    throw e;
  }
});
