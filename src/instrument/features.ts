/**
 * Which WebAssembly features a module uses, decided before any binaryen pass
 * runs: binaryen's passes assert on instructions whose feature is not enabled
 * on the module (e.g. `hasBulkMemoryOpt()` for memory.fill in a module without
 * a `target_features` section, as AssemblyScript writes them), and an
 * assertion aborts binaryen for the rest of the process. So the rewrite
 * enables the features the module needs, and refuses, with the feature's name,
 * any feature that wVisor's engines do not both run.
 *
 * The engines are Node 20 (V8 11.3) and Chromium. Measured by validating one
 * tiny module per feature (features.test.ts keeps that measurement for Node):
 * Node 20 runs threads/atomics, mutable globals, non-trapping float-to-int,
 * SIMD, bulk memory, sign extension, exception handling in its first
 * (try/catch, "legacy") form, tail calls, reference types and multi-value; it
 * does not run exception handling with exnref (try_table), GC, typed function
 * references, memory64, multiple memories, relaxed SIMD, extended constant
 * expressions, stringref, FP16, custom page sizes or wide arithmetic.
 * Chromium 156 runs every feature Node 20 runs, so Node 20's set is the one.
 *
 * How: binaryen's reader already enables what the `target_features` section
 * (written by wasm-ld and rustc) declares; a module that validates with that
 * set, inside the supported ones, is used as it is (the output for such modules
 * is what it always was). Otherwise the module is validated with every
 * supported feature; failing that, with every feature binaryen knows, to name
 * the unsupported ones it needs. A failed validation prints binaryen's errors
 * to the console: in Node they are swallowed (see {@link quietly}).
 */
import type binaryenNs from 'binaryen';
import { InvalidModuleError, UnsupportedModuleError } from './errors.js';

type B = typeof binaryenNs;

/** binaryen feature name → what a person calls it. */
export const SUPPORTED_FEATURES: Readonly<Record<string, string>> = {
  Atomics: 'threads (atomics, shared memory)',
  MutableGlobals: 'mutable globals',
  NontrappingFPToInt: 'non-trapping float-to-int conversions',
  SIMD128: 'SIMD (128-bit)',
  BulkMemory: 'bulk memory',
  BulkMemoryOpt: 'bulk memory (memory.copy, memory.fill)',
  SignExt: 'sign extension',
  ExceptionHandling: 'exception handling (try/catch)',
  TailCall: 'tail calls',
  ReferenceTypes: 'reference types',
  Multivalue: 'multi-value',
  CallIndirectOverlong: 'call_indirect with a long table index',
};

/** Features neither refused by name here nor supported get binaryen's name. */
export const UNSUPPORTED_FEATURES: Readonly<Record<string, string>> = {
  GC: 'garbage collection (GC) or typed function references',
  Memory64: 'memory64 (64-bit memory)',
  MultiMemory: 'multiple memories',
  RelaxedSIMD: 'relaxed SIMD',
  ExtendedConst: 'extended constant expressions',
  Strings: 'stringref',
  StackSwitching: 'stack switching',
  SharedEverything: 'shared-everything threads',
  FP16: 'half-precision floats (FP16)',
  CustomPageSizes: 'custom page sizes',
  WideArithmetic: 'wide arithmetic',
  CompactImports: 'compact imports',
  AcquireReleaseAtomics: 'acquire/release atomics',
  RelaxedAtomics: 'relaxed atomics',
};

/** What the chosen features are, for the caller. */
export interface FeatureChoice {
  /** The binaryen feature mask set on the module. */
  mask: number;
  /** binaryen names of the features in `mask`. */
  names: string[];
}

function maskOf(b: B, names: readonly string[]): number {
  let m = 0;
  const f = b.Features as unknown as Record<string, number>;
  for (const n of names) if (typeof f[n] === 'number') m |= f[n]!;
  return m;
}

/**
 * Adds what binaryen requires alongside a feature: bulk memory includes its
 * memory.copy/fill half (binaryen asserts otherwise), GC needs reference types.
 */
function closure(b: B, mask: number): number {
  const F = b.Features;
  if (mask & F.BulkMemory) mask |= F.BulkMemoryOpt;
  if (mask & F.GC) mask |= F.ReferenceTypes;
  return mask;
}

/** Takes a feature out together with what cannot stand without it. */
function without(b: B, mask: number, f: number): number {
  const F = b.Features;
  mask &= ~f;
  if (f & F.BulkMemoryOpt) mask &= ~F.BulkMemory;
  if (f & F.ReferenceTypes) mask &= ~F.GC;
  return mask;
}

/** binaryen feature names of a mask (single-bit features only). */
export function featureNames(b: B, mask: number): string[] {
  const out: string[] = [];
  for (const [name, bit] of Object.entries(b.Features as unknown as Record<string, number>)) {
    if (name === 'All' || name === 'MVP' || bit === 0 || (bit & (bit - 1)) !== 0) continue;
    if ((mask & bit) === bit) out.push(name);
  }
  return out;
}

/**
 * Runs `fn` with Node's stdout and stderr writes dropped (binaryen prints a
 * failed validation's errors through console.log/console.error). Elsewhere
 * (a browser worker) `fn` just runs: the errors reach the console only.
 */
export function quietly<T>(fn: () => T): T {
  const proc = (globalThis as { process?: { stdout?: { write: unknown }; stderr?: { write: unknown } } }).process;
  const out = proc?.stdout;
  const err = proc?.stderr;
  if (!out || !err || typeof out.write !== 'function' || typeof err.write !== 'function') return fn();
  const [ow, ew] = [out.write, err.write];
  const drop = (_chunk: unknown, enc?: unknown, cb?: unknown): boolean => {
    const done = typeof enc === 'function' ? enc : cb;
    if (typeof done === 'function') (done as () => void)();
    return true;
  };
  out.write = drop;
  err.write = drop;
  try {
    return fn();
  } finally {
    out.write = ow;
    err.write = ew;
  }
}

function validates(mod: binaryenNs.Module, mask: number): boolean {
  mod.setFeatures(mask);
  return quietly(() => mod.validate()) !== 0;
}

/**
 * Sets on `mod` (just read by binaryen) the features it needs, all of them
 * supported. `declared`: what its target_features section declares (MVP
 * without one). Throws UnsupportedModuleError naming an unsupported
 * feature it needs, InvalidModuleError when binaryen's validator rejects it
 * whatever the features.
 */
export function chooseFeatures(b: B, mod: binaryenNs.Module, declared: number): FeatureChoice {
  const supported = closure(b, maskOf(b, Object.keys(SUPPORTED_FEATURES)));
  const pick = (mask: number): FeatureChoice => {
    mod.setFeatures(mask);
    return { mask, names: featureNames(b, mask) };
  };
  // The declared set (target_features; MVP without the section), when it is enough.
  if ((declared & ~supported) === 0) {
    const m = closure(b, declared);
    // Nothing declared: a plain MVP module is the common case, and validating it costs a pass over the code.
    if (validates(mod, m)) return pick(m);
  }
  if (validates(mod, supported)) {
    // Keep what was declared (within the supported set) and drop the rest that is not needed.
    let m = supported;
    for (const name of Object.keys(SUPPORTED_FEATURES)) {
      const bit = maskOf(b, [name]);
      if (!bit || (declared & bit) || !(m & bit)) continue;
      const less = without(b, m, bit);
      if (validates(mod, less)) m = less;
    }
    return pick(closure(b, m));
  }
  const all = b.Features.All;
  if (!validates(mod, all)) {
    mod.setFeatures(declared);
    throw new InvalidModuleError('binaryen\'s validator rejects it with every feature enabled');
  }
  // Name what it needs: first a single unsupported feature that is enough on top of the supported ones,
  // then every unsupported feature it cannot do without.
  const unsupported = Object.keys(UNSUPPORTED_FEATURES).filter((n) => maskOf(b, [n]) !== 0);
  let needed = unsupported.filter((n) => validates(mod, closure(b, supported | maskOf(b, [n])))).slice(0, 1);
  if (needed.length === 0) needed = unsupported.filter((n) => !validates(mod, without(b, all, maskOf(b, [n]))));
  mod.setFeatures(declared);
  const named = needed.map((n) => UNSUPPORTED_FEATURES[n]!);
  const what = named.length > 0 ? named.join(' and ')
    : `features outside ${featureNames(b, supported).join(', ')}`;
  throw new UnsupportedModuleError(`it uses ${what}, which Node 20 does not run (wVisor runs what both Node 20 and `
    + 'Chromium run)', 'build it without that feature');
}
