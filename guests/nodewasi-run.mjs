// Runs one original guest module under Node's node:wasi, for the differential test
// (native-vs-nodewasi.test.ts). Usage:
//   node --no-warnings guests/nodewasi-run.mjs DIR MODULE.wasm ENV_JSON ARGV0 [ARGS...]
// DIR is preopened as "/" (wasi-libc's initial working directory), the guest sees exactly
// the environment in ENV_JSON, stdio is this process's. The exit code is the guest's; a
// WebAssembly trap prints "nodewasi-run: trap: MESSAGE" as the last stderr line and exits 250.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [dir, file, envJson, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: 'preview1',
  args,
  env: JSON.parse(envJson),
  preopens: { '/': dir },
  returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
try {
  process.exitCode = wasi.start(instance);
} catch (e) {
  if (!(e instanceof WebAssembly.RuntimeError)) throw e;
  process.stderr.write(`nodewasi-run: trap: ${e.message}\n`);
  process.exitCode = 250;
}
