import { readRewriteInfo } from '../instrument/rewrite-info.js';
import { syscallByName, WASI_MODULE, WVISOR_MODULE } from './syscall-table.js';
import type { Platform } from './platform.js';

/** Why a module cannot run, in words a person can act on. */
export class ModuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModuleError';
  }
}

/** A compiled module ready to post to task workers. */
export interface LoadedModule {
  /** SHA-256 of the bytes that run (the rewritten module). */
  hash: string;
  module: WebAssembly.Module;
  /** Whether it carries wVisor's instrumentation (fuel checks, Asyncify). */
  instrumented: boolean;
  /**
   * Why its tasks cannot be unwound (so not snapshotted), in words for a
   * person: no Asyncify, or the rewrite left it out (the `noUnwind` of its
   * wvisor.rewrite section). Absent: they can.
   */
  noUnwind?: string;
}

/** The import module of the worker's runtime hooks (fuel preemption); not syscalls. */
export const RUNTIME_MODULE = 'wvisor_rt';

/**
 * The module pipeline (docs/ARCHITECTURE.md, "The module pipeline"): bytes → hash → rewrite if needed → compile →
 * cache by hash, so every task running a program shares one compiled module.
 * Checks imports up front: a module needing an import nobody provides is
 * refused with a message naming it, instead of failing inside a worker.
 */
export class ModuleLoader {
  /** Compiled modules by the hash of the bytes given (original or rewritten). Not saved. */
  private readonly cache = new Map<string, Promise<LoadedModule>>();
  /** Compiled modules by the hash of the bytes that run (Task.moduleHash): a snapshot resumes its tasks with them. */
  private readonly byRunHash = new Map<string, WebAssembly.Module>();
  /** LoadedModule.noUnwind by the hash of the bytes that run (Task.moduleHash). */
  private readonly noUnwindByHash = new Map<string, string>();

  constructor(
    private readonly platform: Platform,
    /** The per-task memory limit written into modules this loader rewrites. */
    private readonly maxMemoryPages: number,
  ) {}

  load(bytes: Uint8Array): Promise<LoadedModule> {
    return this.platform.sha256(bytes).then((hash) => {
      let p = this.cache.get(hash);
      if (!p) {
        p = this.compile(bytes, hash);
        this.cache.set(hash, p);
        p.catch(() => this.cache.delete(hash));
      }
      return p;
    });
  }

  /** The compiled module whose bytes that run have this hash (LoadedModule.hash, Task.moduleHash), if this loader made it. */
  compiled(hash: string): WebAssembly.Module | undefined {
    return this.byRunHash.get(hash);
  }

  /** Why tasks running the module with this hash (LoadedModule.hash) cannot be unwound; undefined: they can. */
  unwindProblem(hash: string): string | undefined {
    return this.noUnwindByHash.get(hash);
  }

  private async compile(bytes: Uint8Array, hash: string): Promise<LoadedModule> {
    if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
      throw new ModuleError('not a WebAssembly module (it does not start with \\0asm); give a .wasm file built for wasm32-wasi');
    }
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(bytes);
    } catch (e) {
      throw new ModuleError(`corrupt WebAssembly module: ${(e as Error).message}; rebuild it`);
    }
    checkImports(module);
    let instrumented = WebAssembly.Module.customSections(module, 'wvisor.rewrite').length > 0;
    if (!instrumented && this.platform.instrument) {
      const rewritten = await this.platform.instrument(bytes, { maxMemoryPages: this.maxMemoryPages });
      module = await WebAssembly.compile(rewritten);
      hash = await this.platform.sha256(rewritten);
      instrumented = true;
    }
    let noUnwind: string | undefined;
    if (!instrumented) noUnwind = 'it was not rewritten by wVisor, so it has no Asyncify instrumentation';
    else {
      try {
        noUnwind = readRewriteInfo(module)?.noUnwind;
      } catch (e) {
        noUnwind = (e as Error).message;
      }
    }
    if (noUnwind !== undefined) this.noUnwindByHash.set(hash, noUnwind);
    this.byRunHash.set(hash, module);
    return noUnwind === undefined ? { hash, module, instrumented } : { hash, module, instrumented, noUnwind };
  }
}

function checkImports(module: WebAssembly.Module): void {
  for (const imp of WebAssembly.Module.imports(module)) {
    const known = imp.kind === 'function' && (
      ((imp.module === WASI_MODULE || imp.module === WVISOR_MODULE) && syscallByName(imp.name)?.module === imp.module)
      || (imp.module === RUNTIME_MODULE && imp.name === 'preempt'));
    if (!known) {
      throw new ModuleError(`module imports ${imp.kind} "${imp.module}.${imp.name}", which wVisor does not provide `
        + `(it provides ${WASI_MODULE} and ${WVISOR_MODULE}); build the program for wasm32-wasi`);
    }
  }
  const exp = WebAssembly.Module.exports(module);
  if (!exp.some((e) => e.name === '_start' && e.kind === 'function')) {
    throw new ModuleError('module has no _start function: it is a library (reactor), not a program; build it as a command');
  }
  if (!exp.some((e) => e.name === 'memory' && e.kind === 'memory')) {
    throw new ModuleError('module exports no memory; build it for wasm32-wasi');
  }
}
