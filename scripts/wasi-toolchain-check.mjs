// Is the wasm toolchain here? One check for every place that runs clang for
// wasm32-wasi (scripts/build-guests.mjs, bench/build.mjs, the test fixtures via
// test/fixtures/toolchain.ts), so a missing tool is always reported the same way:
// one line naming the Debian packages to install, never `spawnSync clang ENOENT`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { toolEnv, WASI_INCLUDE, WASI_LIB } from './wasi-toolchain.mjs';

/** The Debian packages that make up the toolchain. */
export const WASI_TOOLCHAIN_PACKAGES = 'clang lld wasi-libc libclang-rt-dev-wasm32';

/** What clang prints for `args` (run as the builds run it), or null when clang cannot be run. */
function clangSays(args) {
  const r = spawnSync('clang', args, { encoding: 'utf8', env: toolEnv });
  if (r.error || r.status !== 0) return null;
  return r.stdout.trim();
}

/**
 * Returns null when clang, wasm-ld, wasi-libc and the wasm32 compiler builtins
 * are all present; otherwise one line saying what is missing and what to install.
 */
export function wasiToolchainProblem() {
  const missing = [];
  const clang = clangSays(['--version']) !== null;
  if (!clang) missing.push('clang');
  if (!existsSync(join(WASI_INCLUDE, 'stdio.h')) || !existsSync(join(WASI_LIB, 'libc.a'))) {
    missing.push(`wasi-libc (${WASI_INCLUDE}, ${WASI_LIB})`);
  }
  if (clang) {
    // clang finds wasm-ld in its own directory or on PATH; it prints the bare name when it finds none.
    const ld = clangSays(['--target=wasm32-wasi', '-print-prog-name=wasm-ld']);
    if (!ld || !isAbsolute(ld) || !existsSync(ld)) missing.push('wasm-ld (package lld)');
    const rt = clangSays(['--target=wasm32-wasi', '-print-libgcc-file-name']);
    if (!rt || !existsSync(rt)) missing.push(`the wasm32 builtins${rt ? ` ${rt}` : ''} (package libclang-rt-dev-wasm32)`);
  }
  if (missing.length === 0) return null;
  return `missing ${missing.join(', ')}; install the wasm toolchain with: apt-get install ${WASI_TOOLCHAIN_PACKAGES}`;
}
