// Runs guests/src/hostile.wat's module under node:wasi, for native-vs-nodewasi.test.ts:
//   node --no-warnings guests/nodewasi-hostile.mjs DIR hostile.wasm N SEED
// node:wasi has no wvisor_v1 module, so every wvisor_v1 call answers ENOSYS (52): this runs
// hostile's WASI half against a second host, it does not test the wVisor ABI.
//
// Works around a node:wasi bug found with hostile (Node 20.20): path_filestat_set_times with
// fst_flags outside the four defined bits returns EINVAL but leaves the fd's lock held, so the
// next call on that fd blocks forever. Such calls get EINVAL here without reaching node:wasi.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const ENOSYS = 52;
const EINVAL = 28;
const [dir, file, n, seed] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['hostile', n, seed], env: {}, preopens: { '/': dir }, returnOnExit: true });
const module = new WebAssembly.Module(readFileSync(file));
const imports = wasi.getImportObject();
const preview1 = { ...imports.wasi_snapshot_preview1 };
const setTimes = preview1.path_filestat_set_times;
preview1.path_filestat_set_times = (fd, flags, path, len, atim, mtim, fst) =>
  (fst & ~0xf) !== 0 ? EINVAL : setTimes(fd, flags, path, len, atim, mtim, fst);
const wvisor = {};
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.module === 'wvisor_v1') wvisor[imp.name] = () => ENOSYS;
}
const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: preview1, wvisor_v1: wvisor });
process.exitCode = wasi.start(instance);
