// What every wasm build here shares (guests, bench guests): Debian's wasi-libc
// location, a sysroot that holds only it, and the environment clang runs in.
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const WASI_INCLUDE = '/usr/include/wasm32-wasi';
export const WASI_LIB = '/usr/lib/wasm32-wasi';

/**
 * Makes (or checks) `dir` as a sysroot with only wasi-libc in it, so host
 * headers cannot leak in: clang's WebAssembly driver searches
 * <sysroot>/include/<triple> and <sysroot>/lib/<triple>. Returns `dir`.
 */
export function makeWasiSysroot(dir) {
  for (const [kind, target] of [['include', WASI_INCLUDE], ['lib', WASI_LIB]]) {
    const link = join(dir, kind, 'wasm32-wasi');
    mkdirSync(dirname(link), { recursive: true });
    let ok = false;
    try { ok = lstatSync(link).isSymbolicLink() && readlinkSync(link) === target; } catch { /* absent */ }
    if (!ok) {
      rmSync(link, { recursive: true, force: true });
      symlinkSync(target, link);
    }
  }
  return dir;
}

/**
 * The environment tools run in: PATH without node_modules/.bin, because clang
 * runs any `wasm-opt` it finds on PATH after linking, and npm puts binaryen's
 * there under `npm run` — the output would then depend on how the build was started.
 */
export const toolEnv = {
  ...process.env,
  PATH: (process.env.PATH ?? '').split(':').filter((d) => !d.includes('node_modules')).join(':'),
};
