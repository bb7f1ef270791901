// The runtimes the benchmark compares, each behind one function:
//   run(module, args, io) -> { code, stderr }
// `io` says where the guest's fd 1 goes and which directory is its preopen:
//   { stdout: 'null' | 'discard', preopenDir?: host directory (node:wasi) }
// Every runner returns the guest's stderr as text: the bench guests print their
// own timing line there, measured inside the guest with the runtime's clock.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI as NodeWASI } from 'node:wasi';

const decoder = new TextDecoder();

/** node:wasi (uvwasi: real host syscalls). fd 1 is an fd opened on /dev/null; stderr a temp file. */
export function nodeWasiRunner() {
  const scratch = mkdtempSync(join(tmpdir(), 'wvisor-bench-nodewasi-'));
  return {
    name: 'node:wasi',
    run(module, args, io = {}) {
      const errFile = join(scratch, 'stderr');
      const errFd = openSync(errFile, 'w+');
      const outFd = openSync('/dev/null', 'w');
      try {
        const wasi = new NodeWASI({
          version: 'preview1', args, env: {}, returnOnExit: true,
          preopens: io.preopenDir ? { '/': io.preopenDir } : {},
          stdout: outFd, stderr: errFd,
        });
        const instance = new WebAssembly.Instance(module, wasi.getImportObject());
        const code = wasi.start(instance);
        return { code, stderr: readFileSync(errFile, 'utf8') };
      } finally {
        closeSync(errFd);
        closeSync(outFd);
      }
    },
    close() { rmSync(scratch, { recursive: true, force: true }); },
  };
}

/** @wasmer/wasi 1.2.2: its own MemFS; fd 1 is its stdout buffer (read and dropped after each run). */
export async function wasmerRunner() {
  const { init, WASI } = await import('@wasmer/wasi');
  await init();
  return {
    name: '@wasmer/wasi',
    run(module, args) {
      const wasi = new WASI({ args, env: {} });
      try {
        const instance = wasi.instantiate(module, {});
        const code = wasi.start(instance);
        wasi.getStdoutBuffer();
        return { code, stderr: wasi.getStderrString() };
      } finally {
        wasi.free();
      }
    },
    close() {},
  };
}

/** @bjorn3/browser_wasi_shim 0.4.2: fd 1 is a ConsoleStdout whose write discards the bytes. */
export async function shimRunner() {
  const { WASI, ConsoleStdout, OpenFile, File } = await import('@bjorn3/browser_wasi_shim');
  return {
    name: 'browser_wasi_shim',
    run(module, args) {
      const err = [];
      const fds = [
        new OpenFile(new File([])),
        new ConsoleStdout(() => {}),
        new ConsoleStdout((b) => { err.push(b.slice()); }),
      ];
      // debug: false explicitly: an absent option turns the module-wide debug logger on (0.4.2).
      const wasi = new WASI(args, [], fds, { debug: false });
      const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport });
      const code = wasi.start(instance);
      return { code, stderr: err.map((b) => decoder.decode(b)).join('') };
    },
    close() {},
  };
}

/**
 * wVisor through its host facade (Sandbox.run): the guest is a task in a worker,
 * "/" preopened at fd 3, stdio pipes to the host. Guests open /dev/null themselves
 * (wVisor's DeviceFile, whose fd hint lets the worker serve writes locally).
 */
export function wvisorRunner(sandbox) {
  return {
    name: 'wVisor',
    async run(bytes, args) {
      const r = await sandbox.run({ argv: args, bytes, env: [] });
      return { code: r.code ?? r.shellCode, stderr: r.stderr, stdout: r.stdout };
    },
    close() {},
  };
}
