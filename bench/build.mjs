#!/usr/bin/env node
// Builds the benchmark guests bench/guests/NAME.c into bench/wasm/NAME.wasm (plain
// wasm32-wasi modules: wVisor instruments them when it loads them, node:wasi and the
// other runtimes run them as they are). The outputs are committed, so `npm run bench`
// needs no toolchain; bench/run.mjs calls buildBenchGuests({ onlyMissing: true }).
//
//   node bench/build.mjs        rebuild every bench guest
//
// Toolchain (Debian): apt-get install clang lld wasi-libc libclang-rt-dev-wasm32
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeWasiSysroot, toolEnv } from '../scripts/wasi-toolchain.mjs';
import { wasiToolchainProblem } from '../scripts/wasi-toolchain-check.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const benchGuestsDir = join(here, 'guests');
export const benchWasmDir = join(here, 'wasm');
const includeDir = resolve(here, '..', 'guests', 'include');
const APT_HINT = 'install the toolchain with: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32';

/** A build problem a person can fix; run.mjs and the CLI print its message alone. */
export class BenchBuildError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.name = 'BenchBuildError';
    this.exitCode = exitCode;
  }
}

/** The bench guest names (NAME for each bench/guests/NAME.c). */
export function benchGuestNames() {
  return readdirSync(benchGuestsDir).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
}

/**
 * Compiles bench/guests/*.c into bench/wasm/*.wasm; with onlyMissing, only those
 * whose .wasm is absent. Returns the names built. Throws BenchBuildError.
 */
export function buildBenchGuests({ onlyMissing = false } = {}) {
  const names = benchGuestNames().filter((n) => !onlyMissing || !existsSync(join(benchWasmDir, `${n}.wasm`)));
  if (names.length === 0) return [];
  const problem = wasiToolchainProblem();
  if (problem) throw new BenchBuildError(problem, 2);
  const sysroot = makeWasiSysroot(join(tmpdir(), 'wvisor-bench-sysroot'));
  mkdirSync(benchWasmDir, { recursive: true });
  for (const name of names) {
    const args = ['--target=wasm32-wasi', `--sysroot=${sysroot}`, '-O2', '-g0', '-Wall', '-Werror',
      '-I', includeDir, join(benchGuestsDir, `${name}.c`), '-o', join(benchWasmDir, `${name}.wasm`)];
    const r = spawnSync('clang', args, { encoding: 'utf8', env: toolEnv });
    if (r.error) {
      throw new BenchBuildError(r.error.code === 'ENOENT' ? `clang not found; ${APT_HINT}` : String(r.error));
    }
    if (r.status !== 0) throw new BenchBuildError(`compiling bench/guests/${name}.c failed:\n${r.stderr}${r.stdout}`);
  }
  return names;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const built = buildBenchGuests();
    console.log(`built ${built.map((n) => `bench/wasm/${n}.wasm`).join(', ')}`);
  } catch (e) {
    if (!(e instanceof BenchBuildError)) throw e;
    console.error(`bench/build.mjs: ${e.message}`);
    process.exit(e.exitCode);
  }
}
