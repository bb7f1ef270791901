/**
 * The module pipeline's rewriting step (docs/ARCHITECTURE.md, "The module
 * pipeline"): takes a wasm32-wasi module and returns one that
 *   - exports every mutable global as `wvisor_g<index>` (snapshots read and write them),
 *   - checks fuel at every loop header and at the entry of every non-leaf
 *     function, calling the import `wvisor_rt.preempt` when it runs out (fuel.ts),
 *   - is Asyncify-instrumented with every imported syscall (modules
 *     wasi_snapshot_preview1 and wvisor_v1) as an unwind point, and optionally
 *     preempt too, so a task blocked in a syscall can be unwound, saved, and
 *     rewound in a fresh instance in another worker,
 *   - records {version, originalSha256, options} in the custom section
 *     `wvisor.rewrite`.
 * It first enables the WebAssembly features the module needs and refuses
 * those Node 20 does not run (features.ts). A module Asyncify cannot handle
 * (exception handling, tail calls, references in locals, a v128 or reference
 * mutable global) is rewritten without Asyncify, and its record says why
 * (`noUnwind`): it runs, but cannot be snapshotted.
 * contract.ts lists the exact names the worker relies on.
 *
 * Usable in Node and in browsers (no node: imports; cli.ts is the Node
 * wrapper). binaryen.js (14.8 MB) is imported on the first call only.
 * Output is deterministic: the same input and options give the same bytes.
 */
import type binaryenNs from 'binaryen';
import {
  FUEL_EXPORT, GLOBAL_EXPORT_PREFIX, PREEMPT_IMPORT, REWRITE_SECTION, REWRITE_VERSION, RUNTIME_MODULE,
  SIG_STACK_POINTER_EXPORT, SIG_TRAMPOLINE_EXPORT, SYSCALL_MODULES, UNWIND_BUF_EXPORT, type RewriteInfo,
} from './contract.js';
import { AlreadyRewrittenError, InvalidModuleError, UnsupportedModuleError } from './errors.js';
import { insertFuelChecks, type Binaryen, type FuelStats } from './fuel.js';
import { chooseFeatures } from './features.js';
import { customSections, decodeRewriteInfo, encodeRewriteInfo } from './rewrite-info.js';

export * from './contract.js';
export * from './errors.js';
export { readRewriteInfo } from './rewrite-info.js';
export { DEFAULT_MAX_MEMORY_PAGES, limitMemory } from './memory-limit.js';
import { DEFAULT_MAX_MEMORY_PAGES, limitMemory } from './memory-limit.js';
export type { FuelStats } from './fuel.js';
export { SUPPORTED_FEATURES, UNSUPPORTED_FEATURES } from './features.js';
export { FAST_VERSION, fastRewrite, readFastInfo, type FastInfo, type FastResult } from './fast.js';

/** How to rewrite. Every field changes the output bytes and is recorded in the section. */
export interface RewriteOptions {
  /**
   * Make `wvisor_rt.preempt` an Asyncify unwind point too, so a task in a
   * syscall-free loop can be snapshotted. Costs 1.6–3× run time. Default false.
   */
  preemptUnwind?: boolean;
  /**
   * binaryen optimize level for the Asyncify pass (it then cleans up the code
   * it generated; it never optimizes the rest of the program). Default
   * DEFAULT_OPTIMIZE_LEVEL; see README.md for the measurements behind it.
   */
  optimizeLevel?: 0 | 1 | 2 | 3;
  /**
   * Most 64 KiB pages the task's memory may grow to (the module's declared
   * maximum becomes at most this): past it memory.grow fails and malloc gives
   * ENOMEM. Default DEFAULT_MAX_MEMORY_PAGES (256 MiB).
   */
  maxMemoryPages?: number;
}

/** binaryen optimize level used when RewriteOptions.optimizeLevel is absent. */
export const DEFAULT_OPTIMIZE_LEVEL = 1;

/** One exported mutable global. */
export interface ExportedGlobal {
  /** Index in the module's global index space (imports first), as in the original. */
  index: number;
  /** Export name, `wvisor_g<index>`. */
  exportName: string;
  /** binaryen's internal name (from the name section when present, e.g. `__stack_pointer`). */
  name: string;
  type: 'i32' | 'i64' | 'f32' | 'f64';
}

/** What rewriteModule returns. */
export interface RewriteResult {
  /** The rewritten module. */
  bytes: Uint8Array<ArrayBuffer>;
  /** What the `wvisor.rewrite` section of `bytes` records. */
  info: RewriteInfo;
  /** Every exported mutable global, including the ones the rewrite adds (the unwind buffer address). */
  globals: ExportedGlobal[];
  /** `module.name` of every import that is an Asyncify unwind point (none when `info.noUnwind` is set). */
  unwindImports: string[];
  fuel: FuelStats;
  /** binaryen names of the WebAssembly features enabled for the module (features.ts). */
  features: string[];
  /** Wall time of each step in ms (read includes the feature check; not part of the output). */
  timings: { read: number; fuel: number; asyncify: number; emit: number; total: number };
}

/** What the caller hears while a rewrite runs (nothing here changes the output). */
export interface RewriteHooks {
  /** Called at the start of each step: 'load' (binaryen), 'read', 'fuel', 'asyncify', 'write'. */
  onPhase?(phase: 'load' | 'read' | 'fuel' | 'asyncify' | 'write'): void;
}

let binaryenPromise: Promise<Binaryen> | undefined;

/** Loads binaryen.js once (dynamic import: it stays off every start-up path). */
function loadBinaryen(): Promise<Binaryen> {
  binaryenPromise ??= import('binaryen').then((m) => m.default as Binaryen);
  return binaryenPromise;
}

/**
 * Rewrites a wasm32-wasi module (see the file comment). Throws
 * InvalidModuleError, AlreadyRewrittenError or UnsupportedModuleError.
 */
export async function rewriteModule(bytes: Uint8Array, opts: RewriteOptions = {},
  hooks: RewriteHooks = {}): Promise<RewriteResult> {
  const t0 = now();
  const existing = customSections(bytes, REWRITE_SECTION); // also checks the header
  if (existing.length > 0) {
    let version = -1;
    try { version = decodeRewriteInfo(existing[0]!).version; } catch { /* reported as version -1 */ }
    throw new AlreadyRewrittenError(version);
  }
  const preemptUnwind = opts.preemptUnwind ?? false;
  const optimizeLevel = opts.optimizeLevel ?? DEFAULT_OPTIMIZE_LEVEL;
  if (![0, 1, 2, 3].includes(optimizeLevel)) throw new RangeError(`optimizeLevel must be 0..3, got ${optimizeLevel}`);
  const maxMemoryPages = opts.maxMemoryPages ?? DEFAULT_MAX_MEMORY_PAGES;
  if (!Number.isInteger(maxMemoryPages) || maxMemoryPages < 1 || maxMemoryPages > 65536) {
    throw new RangeError(`maxMemoryPages must be 1..65536, got ${maxMemoryPages}`);
  }
  const originalSha256 = await sha256Hex(bytes);
  hooks.onPhase?.('load');
  const b = await loadBinaryen();

  // binaryen's settings are process-wide: set ours, restore the caller's after.
  const saved = {
    optimize: b.getOptimizeLevel(), shrink: b.getShrinkLevel(), debugInfo: b.getDebugInfo(),
    imports: b.getPassArgument('asyncify-imports'),
  };
  const opt = { preemptUnwind, optimizeLevel, maxMemoryPages };
  try {
    try {
      return build(b, bytes, originalSha256, opt, null, t0, hooks);
    } catch (e) {
      if (!(e instanceof AsyncifyFailed)) throw e;
      // Asyncify gave up on something the checks before it did not foresee: the module is rewritten
      // again from its bytes, without Asyncify, and says why.
      return build(b, bytes, originalSha256, opt,
        `binaryen's Asyncify cannot instrument it (${e.detail}), so it cannot be unwound`, t0, hooks);
    }
  } finally {
    b.setOptimizeLevel(saved.optimize);
    b.setShrinkLevel(saved.shrink);
    b.setDebugInfo(saved.debugInfo);
    if (saved.imports === null) b.clearPassArguments();
    else b.setPassArgument('asyncify-imports', saved.imports);
  }
}

/** binaryen's Asyncify threw (not an abort): the module is rewritten again without it. */
class AsyncifyFailed extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

/**
 * One rewrite from the bytes. `noUnwind`: a reason decided before (then no
 * Asyncify); null: Asyncify runs unless something found on the way rules it out.
 */
function build(b: Binaryen, bytes: Uint8Array, originalSha256: string,
  opt: { preemptUnwind: boolean; optimizeLevel: number; maxMemoryPages: number },
  noUnwind: string | null, t0: number, hooks: RewriteHooks): RewriteResult {
  hooks.onPhase?.('read');
  let mod: binaryenNs.Module;
  let declared: number | null = null; // null: what the reader enabled (the target_features section)
  try {
    mod = b.readBinary(bytes);
  } catch (e) {
    // binaryen reads with the features the target_features section declares (MVP without one), and some
    // encodings (GC types, stringref) only parse with their feature on: read with all, then decide.
    try {
      // binaryen.js 132 takes the features as readBinary's second argument (index.d.ts names a function it lacks).
      mod = (b.readBinary as (data: Uint8Array, features?: number) => binaryenNs.Module)(bytes, b.Features.All);
      declared = b.Features.MVP;
    } catch {
      throw new InvalidModuleError(`binaryen: ${(e as Error).message}`);
    }
  }
  try {
    // Before any pass: a pass meeting an instruction of a feature not enabled asserts (and binaryen is dead).
    const features = chooseFeatures(b, mod, declared ?? mod.getFeatures());
    const tRead = now();
    checkNotInstrumented(b, mod);
    const { globals, unsaveable } = exportMutableGlobals(b, mod);
    if (unsaveable) noUnwind ??= `its mutable global ${unsaveable} holds a value snapshots cannot save`;
    const fuelName = freshGlobalName(mod, 'wvisor_fuel');
    mod.addGlobal(fuelName, b.i32, true, mod.i32.const(0));
    mod.addGlobalExport(fuelName, FUEL_EXPORT);
    const bufName = freshGlobalName(mod, 'wvisor_unwind_buf');
    mod.addGlobal(bufName, b.i32, true, mod.i32.const(0));
    const bufIndex = mod.getNumGlobals() - 1;
    mod.addGlobalExport(bufName, UNWIND_BUF_EXPORT);
    mod.addGlobalExport(bufName, GLOBAL_EXPORT_PREFIX + bufIndex);
    globals.push({ index: bufIndex, exportName: GLOBAL_EXPORT_PREFIX + bufIndex, name: bufName, type: 'i32' });

    let unwindImports = syscallImports(b, mod);
    const preemptName = freshFunctionName(mod, 'wvisor_rt_preempt');
    mod.addFunctionImport(preemptName, RUNTIME_MODULE, PREEMPT_IMPORT, b.none, b.none);
    if (opt.preemptUnwind) unwindImports.push(`${RUNTIME_MODULE}.${PREEMPT_IMPORT}`);

    hooks.onPhase?.('fuel');
    const fuel = insertFuelChecks(b, mod, fuelName, preemptName);
    if (fuel.exceptionsIn !== null) {
      noUnwind ??= `it uses WebAssembly exception handling (try/catch, in function ${fuel.exceptionsIn}), `
        + 'which Asyncify cannot unwind through';
    }
    if (fuel.tailCallsIn !== null) {
      noUnwind ??= `it makes tail calls (return_call, in function ${fuel.tailCallsIn}), which binaryen's Asyncify cannot instrument`;
    }
    const tFuel = now();

    if (noUnwind === null) {
      hooks.onPhase?.('asyncify');
      b.setOptimizeLevel(opt.optimizeLevel);
      b.setShrinkLevel(0);
      b.setDebugInfo(false);
      b.setPassArgument('asyncify-imports', unwindImports.join(','));
      try {
        mod.runPasses(['asyncify']);
      } catch (e) {
        // An abort (a failed assertion) leaves binaryen unusable; a thrown Fatal() does not.
        if (e instanceof Error && /Aborted\(/.test(e.message)) {
          throw new UnsupportedModuleError(`binaryen aborted while instrumenting it (${e.message.slice(0, 300)})`,
            'report it with the module; restart the process before rewriting again');
        }
        const refs = referenceLocalIn(b, mod);
        throw new AsyncifyFailed(e instanceof Error ? e.message
          : refs ? `function ${refs} keeps a reference (externref, funcref) in a local, which Asyncify cannot save`
            : 'binaryen gave no reason');
      }
    } else {
      unwindImports = [];
    }
    const tAsyncify = now();
    addSignalTrampoline(b, mod);

    hooks.onPhase?.('write');
    const info: RewriteInfo = { version: REWRITE_VERSION, originalSha256, options: { ...opt } };
    if (noUnwind !== null) info.noUnwind = noUnwind;
    mod.addCustomSection(REWRITE_SECTION, encodeRewriteInfo(info));
    b.setDebugInfo(true); // keep the name section: traps and the debugger show function names
    const out = limitMemory(mod.emitBinary(), opt.maxMemoryPages) as Uint8Array<ArrayBuffer>;
    const tEmit = now();
    return {
      bytes: out, info, globals, unwindImports, fuel, features: features.names,
      timings: { read: tRead - t0, fuel: tFuel - tRead, asyncify: tAsyncify - tFuel, emit: tEmit - tAsyncify, total: tEmit - t0 },
    };
  } finally {
    mod.dispose();
  }
}


/** Refuses modules that already use the names the rewrite adds. */
function checkNotInstrumented(b: Binaryen, mod: binaryenNs.Module): void {
  for (let i = 0, n = mod.getNumExports(); i < n; i++) {
    const name = b.getExportInfo(mod.getExportByIndex(i)).name;
    if (name === FUEL_EXPORT || name === UNWIND_BUF_EXPORT || name.startsWith(GLOBAL_EXPORT_PREFIX)
      || name === SIG_TRAMPOLINE_EXPORT || name === SIG_STACK_POINTER_EXPORT
      || name.startsWith('asyncify_')) {
      throw new UnsupportedModuleError(`it already exports "${name}", a name wVisor's rewrite adds`);
    }
  }
  for (let i = 0, n = mod.getNumFunctions(); i < n; i++) {
    const f = b.getFunctionInfo(mod.getFunctionByIndex(i));
    if (f.module === RUNTIME_MODULE) {
      throw new UnsupportedModuleError(`it imports "${f.module}.${f.base}", wVisor's runtime hooks, which only the rewrite may add`);
    }
  }
}

/**
 * Exports every mutable number global as wvisor_g<index>. A mutable v128 or
 * reference global is not exported (a snapshot could not save it): `unsaveable`
 * names the first, and the module is then rewritten without unwinding.
 */
function exportMutableGlobals(b: Binaryen, mod: binaryenNs.Module): { globals: ExportedGlobal[]; unsaveable: string | null } {
  const out: ExportedGlobal[] = [];
  let unsaveable: string | null = null;
  for (let i = 0, n = mod.getNumGlobals(); i < n; i++) {
    const g = b.getGlobalInfo(mod.getGlobalByIndex(i));
    if (!g.mutable) continue;
    const type = g.type === b.i32 ? 'i32' : g.type === b.i64 ? 'i64' : g.type === b.f32 ? 'f32' : g.type === b.f64 ? 'f64' : null;
    if (type === null) {
      unsaveable ??= g.name;
      continue;
    }
    const exportName = GLOBAL_EXPORT_PREFIX + i;
    mod.addGlobalExport(g.name, exportName);
    out.push({ index: i, exportName, name: g.name, type });
  }
  return { globals: out, unsaveable };
}

/**
 * Signal handlers are function table indices (what a C function pointer is on
 * wasm32), and clang does not export the table: this adds an export that calls
 * entry `index` with the handler's one-argument (sig) or three-argument
 * (sig, siginfo_t *, ucontext) signature, and exports the C stack pointer so
 * the worker can put the siginfo_t on the guest's stack. Added after Asyncify:
 * a handler's calls are never unwind points (the worker unwinds only outside handlers).
 */
function addSignalTrampoline(b: Binaryen, mod: binaryenNs.Module): void {
  // The indirect function table: wasm-ld's table 0, of funcref (a module may have externref tables too).
  const getType = (b as unknown as { _BinaryenTableGetType?: (t: number) => number })._BinaryenTableGetType;
  let table: string | null = null;
  for (let i = 0, n = mod.getNumTables(); i < n && table === null; i++) {
    const ref = mod.getTableByIndex(i);
    if (getType && getType(ref as unknown as number) === b.funcref) table = b.getTableInfo(ref).name;
  }
  if (table !== null) {
    const l = (i: number) => mod.local.get(i, b.i32);
    const body = mod.if(l(3),
      mod.call_indirect(table, l(0), [l(1), l(2), mod.i32.const(0)], b.createType([b.i32, b.i32, b.i32]), b.none),
      mod.call_indirect(table, l(0), [l(1)], b.createType([b.i32]), b.none));
    const name = freshFunctionName(mod, 'wvisor_sig_trampoline');
    mod.addFunction(name, b.createType([b.i32, b.i32, b.i32, b.i32]), b.none, [], body);
    mod.addFunctionExport(name, SIG_TRAMPOLINE_EXPORT);
  }
  // wasm-ld names it __stack_pointer, and makes it global 0 (a mutable i32 the module defines).
  let sp: string | null = null;
  for (let i = 0, n = mod.getNumGlobals(); i < n; i++) {
    const g = b.getGlobalInfo(mod.getGlobalByIndex(i));
    if (g.name === '__stack_pointer' && g.mutable && g.type === b.i32 && !g.module) { sp = g.name; break; }
  }
  if (sp === null && mod.getNumGlobals() > 0) {
    const g = b.getGlobalInfo(mod.getGlobalByIndex(0));
    if (g.mutable && g.type === b.i32 && !g.module) sp = g.name;
  }
  if (sp !== null) mod.addGlobalExport(sp, SIG_STACK_POINTER_EXPORT);
}

/** The first defined function with a parameter or local of a reference type, or null. */
function referenceLocalIn(b: Binaryen, mod: binaryenNs.Module): string | null {
  const numbers = new Set([b.i32, b.i64, b.f32, b.f64, b.v128]);
  for (let i = 0, n = mod.getNumFunctions(); i < n; i++) {
    const f = b.getFunctionInfo(mod.getFunctionByIndex(i));
    if (f.module) continue;
    if ([...b.expandType(f.params), ...f.vars].some((t) => !numbers.has(t))) return f.name;
  }
  return null;
}

/** `module.name` of each imported function of the syscall modules, in import order. */
function syscallImports(b: Binaryen, mod: binaryenNs.Module): string[] {
  const out: string[] = [];
  for (let i = 0, n = mod.getNumFunctions(); i < n; i++) {
    const f = b.getFunctionInfo(mod.getFunctionByIndex(i));
    if (f.module && SYSCALL_MODULES.includes(f.module)) {
      if (f.base!.includes(',')) throw new UnsupportedModuleError(`import name "${f.base}" contains a comma`);
      out.push(`${f.module}.${f.base}`);
    }
  }
  return out;
}

function freshGlobalName(mod: binaryenNs.Module, base: string): string {
  let name = base;
  for (let i = 1; mod.getGlobal(name); i++) name = `${base}_${i}`;
  return name;
}

function freshFunctionName(mod: binaryenNs.Module, base: string): string {
  let name = base;
  for (let i = 1; mod.getFunction(name); i++) name = `${base}_${i}`;
  return name;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // subtle.digest takes no SharedArrayBuffer views: copy those.
  const plain = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', plain));
  let hex = '';
  for (const x of digest) hex += x.toString(16).padStart(2, '0');
  return hex;
}

function now(): number {
  return globalThis.performance.now();
}
