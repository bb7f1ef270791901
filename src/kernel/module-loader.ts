import { FAST_VERSION, fastRewrite } from '../instrument/fast.js';
import { limitMemory } from '../instrument/memory-limit.js';
import { REWRITE_SECTION } from '../instrument/contract.js';
import { customSections, readRewriteInfo } from '../instrument/rewrite-info.js';
import { importProblem } from './syscall-table.js';
import type { Platform, RewriteRequest } from './platform.js';

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
  /** Whether it carries wVisor's full instrumentation (fuel checks, Asyncify). */
  instrumented: boolean;
  /**
   * What runs: 'rewritten' (bundled or by src/instrument), 'fast' (fast.ts:
   * fuel checks and the memory limit, no Asyncify), 'limited' (the original
   * with the memory limit only, when the fast rewrite cannot decode it),
   * 'original' (a platform that cannot rewrite).
   */
  form: 'rewritten' | 'fast' | 'limited' | 'original';
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
 * How the loader treats a module wVisor has not rewritten yet (README.md and
 * src/instrument/README.md, "Start-up"):
 *   'eager'      the full rewrite (Asyncify; seconds to minutes for a large
 *                module) before the first task: every task can be snapshotted.
 *   'background' the fast form at once (fuel checks and the memory limit, one
 *                streaming pass), the full rewrite in the background; tasks
 *                started after it finished run the rewritten module. A
 *                snapshot meeting a task of the fast form is refused, saying so.
 *   'fast'       the fast form only: for a host that never snapshots (the CLI
 *                without --snapshot).
 */
export type RewriteMode = 'eager' | 'background' | 'fast';

/** What ModuleLoader.onProgress hears. */
export interface LoadProgress {
  /** Size of the module given, in bytes. */
  bytes: number;
  /** 'fast': the streaming pass; 'rewrite': the full rewrite. */
  work: 'fast' | 'rewrite';
  /** The step now running ('read', 'fuel', 'asyncify', 'write', ...); 'done' at the end; 'failed' with `error`. */
  phase: string;
  /** Of the fast pass, 0..1. */
  fraction?: number;
  /** Whether a task is waiting for it (false: it runs in the background). */
  blocking: boolean;
  error?: string;
}

/** A module larger than this is rewritten without binaryen's optimisation of the Asyncify code (README.md, "Start-up"). */
export const OPTIMIZE_MAX_BYTES = 1 << 20;

/**
 * The module pipeline (docs/ARCHITECTURE.md, "The module pipeline"): bytes → hash → rewrite if needed → compile →
 * cache by hash, so every task running a program shares one compiled module.
 * Checks imports up front: a module needing an import nobody provides is
 * refused with a message naming it, instead of failing inside a worker.
 */
export class ModuleLoader {
  /** The best compiled module so far by the hash of the bytes given (original or rewritten). Not saved. */
  private readonly cache = new Map<string, Promise<LoadedModule>>();
  /** Compiled modules by the hash of the bytes that run (Task.moduleHash): a snapshot resumes its tasks with them. */
  private readonly byRunHash = new Map<string, WebAssembly.Module>();
  /** LoadedModule.noUnwind by the hash of the bytes that run (Task.moduleHash). */
  private readonly noUnwindByHash = new Map<string, string>();
  /** Background rewrites in progress, by the hash of the bytes given. */
  private readonly pending = new Map<string, Promise<void>>();

  /** See RewriteMode. Set by the host before the first load; 'eager' keeps every task snapshottable. */
  mode: RewriteMode = 'eager';
  /** Progress of the fast pass and of rewrites, for a host that shows it (the CLI on a terminal). */
  onProgress?: (p: LoadProgress) => void;

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

  /** How many background rewrites are running. */
  get rewritesRunning(): number {
    return this.pending.size;
  }

  /** Resolves when every background rewrite started so far has ended (succeeded or failed). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending.values()]);
  }

  private async compile(bytes: Uint8Array, hash: string): Promise<LoadedModule> {
    if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
      throw new ModuleError('not a WebAssembly module (it does not start with \\0asm); give a .wasm file built for wasm32-wasi');
    }
    let rewritten = false;
    try {
      rewritten = customSections(bytes, REWRITE_SECTION).length > 0;
    } catch {
      // Malformed sections: compiling says what is wrong.
    }
    if (rewritten || !this.platform.instrument) {
      return this.finish(await compileOrExplain(bytes), hash, rewritten ? 'rewritten' : 'original');
    }
    if (this.mode === 'eager') return this.rewrite(bytes, true);
    if (this.mode === 'background') {
      let cached: Uint8Array | undefined;
      try {
        cached = await this.platform.cachedRewrite?.(bytes, this.rewriteRequest(bytes, false));
      } catch {
        // No cache: rewritten in the background below.
      }
      if (cached) {
        try {
          return this.finish(await WebAssembly.compile(cached as Uint8Array<ArrayBuffer>), await this.platform.sha256(cached), 'rewritten');
        } catch {
          // A damaged cache entry: the background rewrite makes it again.
        }
      }
    }
    const fast = await this.fastForm(bytes, hash);
    if (this.mode === 'background') this.startBackground(bytes, hash, fast);
    return fast;
  }

  /** Compiles, checks imports, records what cannot be unwound. */
  private finish(module: WebAssembly.Module, hash: string, form: LoadedModule['form'], noUnwind?: string): LoadedModule {
    checkImports(module);
    if (form === 'original') noUnwind = 'it was not rewritten by wVisor, so it has no Asyncify instrumentation';
    else if (form === 'rewritten') {
      try {
        noUnwind = readRewriteInfo(module)?.noUnwind;
      } catch (e) {
        noUnwind = (e as Error).message;
      }
    }
    if (noUnwind !== undefined) this.noUnwindByHash.set(hash, noUnwind);
    this.byRunHash.set(hash, module);
    const instrumented = form === 'rewritten';
    return noUnwind === undefined ? { hash, module, instrumented, form } : { hash, module, instrumented, form, noUnwind };
  }

  /** The options of the full rewrite of these bytes (a module above OPTIMIZE_MAX_BYTES gets optimizeLevel 0). */
  private rewriteRequest(bytes: Uint8Array, background: boolean): RewriteRequest {
    return {
      maxMemoryPages: this.maxMemoryPages,
      background,
      ...(bytes.length > OPTIMIZE_MAX_BYTES ? { optimizeLevel: 0 as const } : {}),
    };
  }

  /** The full rewrite (platform.instrument), compiled. */
  private async rewrite(bytes: Uint8Array, blocking: boolean): Promise<LoadedModule> {
    const progress = (phase: string, error?: string): void => {
      this.onProgress?.({ bytes: bytes.length, work: 'rewrite', phase, blocking, ...(error ? { error } : {}) });
    };
    progress('start');
    let out: Uint8Array;
    try {
      out = await this.platform.instrument!(bytes, { ...this.rewriteRequest(bytes, !blocking), onPhase: (phase) => progress(phase) });
    } catch (e) {
      progress('failed', (e as Error).message);
      throw e;
    }
    progress('done');
    return this.finish(await compileOrExplain(out), await this.platform.sha256(out), 'rewritten');
  }

  /**
   * The fast form (instrument/fast.ts), from the platform's store when it has
   * it; the original with the memory limit when the fast pass cannot decode
   * the module.
   */
  private async fastForm(bytes: Uint8Array, hash: string): Promise<LoadedModule> {
    const key = `${hash}-fast${FAST_VERSION}-m${this.maxMemoryPages}`;
    const why = this.mode === 'background'
      ? 'it started before wVisor\'s rewrite of it (Asyncify, running in the background) was ready; tasks started once it is can be saved'
      : 'it runs in wVisor\'s fast form (fuel checks, no Asyncify); `wvisor run --snapshot` rewrites it fully';
    let stored: Uint8Array | undefined;
    try {
      stored = await this.platform.moduleStore?.get(key);
    } catch {
      // An unreadable store is an empty one.
    }
    if (stored) {
      try {
        return this.finish(await WebAssembly.compile(stored as Uint8Array<ArrayBuffer>), await this.platform.sha256(stored), 'fast', why);
      } catch {
        // A damaged entry: made again below.
      }
    }
    let out: Uint8Array;
    let form: LoadedModule['form'] = 'fast';
    const blocking = true;
    try {
      let last = -1;
      out = fastRewrite(bytes, {
        maxMemoryPages: this.maxMemoryPages, originalSha256: hash,
        onProgress: this.onProgress && ((fraction) => {
          const pct = Math.floor(fraction * 10);
          if (pct === last) return;
          last = pct;
          this.onProgress!({ bytes: bytes.length, work: 'fast', phase: 'fuel', fraction, blocking });
        }),
      }).bytes;
    } catch (e) {
      if ((e as Error).name !== 'UnsupportedModuleError') {
        // Structurally broken: V8's own words say where.
        await compileOrExplain(bytes);
        throw new ModuleError(`${(e as Error).message}`);
      }
      out = limitWithMessage(bytes, this.maxMemoryPages);
      form = 'limited';
    }
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(out as Uint8Array<ArrayBuffer>);
    } catch (e) {
      // The original is broken (V8 says how), or the fast pass made something V8 refuses: run the original with its limit.
      await compileOrExplain(bytes);
      out = limitWithMessage(bytes, this.maxMemoryPages);
      form = 'limited';
      module = await compileOrExplain(out);
    }
    this.onProgress?.({ bytes: bytes.length, work: 'fast', phase: 'done', fraction: 1, blocking });
    const loaded = this.finish(module, await this.platform.sha256(out), form,
      form === 'fast' ? why : `${why} (and it has no fuel checks either: wVisor's fast pass cannot decode it)`);
    if (form === 'fast') void this.platform.moduleStore?.put(key, out).catch(() => { /* not kept: made again next time */ });
    return loaded;
  }

  /** Starts the full rewrite; when it is done, later loads of these bytes get it. */
  private startBackground(bytes: Uint8Array, hash: string, fast: LoadedModule): void {
    if (this.pending.has(hash)) return;
    const job = this.rewrite(bytes, false).then((full) => {
      this.cache.set(hash, Promise.resolve(full));
      this.noUnwindByHash.set(fast.hash, 'it started before wVisor\'s rewrite of it (Asyncify) was ready; '
        + 'tasks started since can be saved');
    }, (e: unknown) => {
      this.noUnwindByHash.set(fast.hash, `it runs in wVisor's fast form (no Asyncify): the full rewrite failed (${(e as Error).message})`);
    }).finally(() => this.pending.delete(hash));
    this.pending.set(hash, job);
  }
}

/** Compiles, turning V8's refusal into a ModuleError. */
async function compileOrExplain(bytes: Uint8Array): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new ModuleError(`corrupt WebAssembly module: ${(e as Error).message}; rebuild it`);
  }
}

/** limitMemory, its refusal (a memory that starts above the limit) as a ModuleError. */
function limitWithMessage(bytes: Uint8Array, pages: number): Uint8Array {
  try {
    return limitMemory(bytes, pages);
  } catch (e) {
    throw new ModuleError((e as Error).message);
  }
}

function checkImports(module: WebAssembly.Module): void {
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind === 'function' && imp.module === RUNTIME_MODULE && imp.name === 'preempt') continue;
    const problem = imp.kind === 'function' ? importProblem(imp.module, imp.name)
      : `module imports ${imp.kind} "${imp.module}.${imp.name}"; wVisor provides only functions`;
    if (problem) throw new ModuleError(problem);
  }
  const exp = WebAssembly.Module.exports(module);
  if (!exp.some((e) => e.name === '_start' && e.kind === 'function')) {
    throw new ModuleError('module has no _start function: it is a library (reactor), not a program; build it as a command');
  }
  if (!exp.some((e) => e.name === 'memory' && e.kind === 'memory')) {
    throw new ModuleError('module exports no memory; build it for wasm32-wasi');
  }
}
