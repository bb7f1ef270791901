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
 * contract.ts lists the exact names the worker relies on.
 *
 * Usable in Node and in browsers (no node: imports; cli.ts is the Node
 * wrapper). binaryen.js (14.8 MB) is imported on the first call only.
 * Output is deterministic: the same input and options give the same bytes.
 */
import type binaryenNs from 'binaryen';
import {
  FUEL_EXPORT, GLOBAL_EXPORT_PREFIX, PREEMPT_IMPORT, REWRITE_SECTION, REWRITE_VERSION, RUNTIME_MODULE,
  SYSCALL_MODULES, UNWIND_BUF_EXPORT, type RewriteInfo,
} from './contract.js';
import { AlreadyRewrittenError, InvalidModuleError, UnsupportedModuleError } from './errors.js';
import { insertFuelChecks, type Binaryen, type FuelStats } from './fuel.js';
import { customSections, decodeRewriteInfo, encodeRewriteInfo } from './rewrite-info.js';

export * from './contract.js';
export * from './errors.js';
export { readRewriteInfo } from './rewrite-info.js';
export { DEFAULT_MAX_MEMORY_PAGES, limitMemory } from './memory-limit.js';
import { DEFAULT_MAX_MEMORY_PAGES, limitMemory } from './memory-limit.js';
export type { FuelStats } from './fuel.js';

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
  /** `module.name` of every import that is an Asyncify unwind point. */
  unwindImports: string[];
  fuel: FuelStats;
  /** Wall time of each step in ms (not part of the output; for progress and measurement). */
  timings: { read: number; fuel: number; asyncify: number; emit: number; total: number };
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
export async function rewriteModule(bytes: Uint8Array, opts: RewriteOptions = {}): Promise<RewriteResult> {
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
  const info: RewriteInfo = {
    version: REWRITE_VERSION,
    originalSha256: await sha256Hex(bytes),
    options: { preemptUnwind, optimizeLevel, maxMemoryPages },
  };
  const b = await loadBinaryen();

  // binaryen's settings are process-wide: set ours, restore the caller's after.
  const saved = {
    optimize: b.getOptimizeLevel(), shrink: b.getShrinkLevel(), debugInfo: b.getDebugInfo(),
    imports: b.getPassArgument('asyncify-imports'),
  };
  let mod: binaryenNs.Module;
  try {
    mod = b.readBinary(bytes);
  } catch (e) {
    throw new InvalidModuleError(`binaryen: ${(e as Error).message}`);
  }
  try {
    const tRead = now();
    checkNotInstrumented(b, mod);
    const globals = exportMutableGlobals(b, mod);
    const fuelName = freshGlobalName(mod, 'wvisor_fuel');
    mod.addGlobal(fuelName, b.i32, true, mod.i32.const(0));
    mod.addGlobalExport(fuelName, FUEL_EXPORT);
    const bufName = freshGlobalName(mod, 'wvisor_unwind_buf');
    mod.addGlobal(bufName, b.i32, true, mod.i32.const(0));
    const bufIndex = mod.getNumGlobals() - 1;
    mod.addGlobalExport(bufName, UNWIND_BUF_EXPORT);
    mod.addGlobalExport(bufName, GLOBAL_EXPORT_PREFIX + bufIndex);
    globals.push({ index: bufIndex, exportName: GLOBAL_EXPORT_PREFIX + bufIndex, name: bufName, type: 'i32' });

    const unwindImports = syscallImports(b, mod);
    const preemptName = freshFunctionName(mod, 'wvisor_rt_preempt');
    mod.addFunctionImport(preemptName, RUNTIME_MODULE, PREEMPT_IMPORT, b.none, b.none);
    if (preemptUnwind) unwindImports.push(`${RUNTIME_MODULE}.${PREEMPT_IMPORT}`);

    const fuel = insertFuelChecks(b, mod, fuelName, preemptName);
    const tFuel = now();

    b.setOptimizeLevel(optimizeLevel);
    b.setShrinkLevel(0);
    b.setDebugInfo(false);
    b.setPassArgument('asyncify-imports', unwindImports.join(','));
    mod.runPasses(['asyncify']);
    const tAsyncify = now();

    mod.addCustomSection(REWRITE_SECTION, encodeRewriteInfo(info));
    b.setDebugInfo(true); // keep the name section: traps and the debugger show function names
    const out = limitMemory(mod.emitBinary(), maxMemoryPages) as Uint8Array<ArrayBuffer>;
    const tEmit = now();
    return {
      bytes: out, info, globals, unwindImports, fuel,
      timings: { read: tRead - t0, fuel: tFuel - tRead, asyncify: tAsyncify - tFuel, emit: tEmit - tAsyncify, total: tEmit - t0 },
    };
  } finally {
    mod.dispose();
    b.setOptimizeLevel(saved.optimize);
    b.setShrinkLevel(saved.shrink);
    b.setDebugInfo(saved.debugInfo);
    if (saved.imports === null) b.clearPassArguments();
    else b.setPassArgument('asyncify-imports', saved.imports);
  }
}


/** Refuses modules that already use the names the rewrite adds. */
function checkNotInstrumented(b: Binaryen, mod: binaryenNs.Module): void {
  for (let i = 0, n = mod.getNumExports(); i < n; i++) {
    const name = b.getExportInfo(mod.getExportByIndex(i)).name;
    if (name === FUEL_EXPORT || name === UNWIND_BUF_EXPORT || name.startsWith(GLOBAL_EXPORT_PREFIX)
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

/** Exports every mutable global as wvisor_g<index>. */
function exportMutableGlobals(b: Binaryen, mod: binaryenNs.Module): ExportedGlobal[] {
  const out: ExportedGlobal[] = [];
  for (let i = 0, n = mod.getNumGlobals(); i < n; i++) {
    const g = b.getGlobalInfo(mod.getGlobalByIndex(i));
    if (!g.mutable) continue;
    const type = g.type === b.i32 ? 'i32' : g.type === b.i64 ? 'i64' : g.type === b.f32 ? 'f32' : g.type === b.f64 ? 'f64' : null;
    if (type === null) throw new UnsupportedModuleError(`mutable global ${g.name} has a type snapshots cannot save`);
    const exportName = GLOBAL_EXPORT_PREFIX + i;
    mod.addGlobalExport(g.name, exportName);
    out.push({ index: i, exportName, name: g.name, type });
  }
  return out;
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
