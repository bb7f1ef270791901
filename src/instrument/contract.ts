/**
 * The names a rewritten module and the task worker agree on. Platform-free
 * and binaryen-free: the worker imports these without loading the rewriter.
 *
 * A rewritten module (see index.ts) has, besides everything the original had:
 *   import  wvisor_rt.preempt : [] -> []      called when fuel runs out
 *   export  wvisor_fuel       : mut i32       decremented at every check point
 *   export  wvisor_g<N>       : mut <type>    every mutable global N (original index;
 *                                             also wvisor_unwind_buf's index)
 *   export  wvisor_unwind_buf : mut i32       address of the Asyncify buffer, 0 = none yet
 *   export  wvisor_sig_trampoline : [i32 index, i32 sig, i32 info, i32 three] -> []
 *                                             calls function table entry `index` as a signal
 *                                             handler: handler(sig) when three is 0, else
 *                                             handler(sig, info, 0) (SA_SIGINFO); present when
 *                                             the module has a function table
 *   export  wvisor_stack_pointer : mut i32    the C stack pointer (__stack_pointer), when found:
 *                                             the worker puts a handler's siginfo_t below it
 *   export  asyncify_start_unwind(i32), asyncify_stop_unwind(),
 *           asyncify_start_rewind(i32), asyncify_stop_rewind(), asyncify_get_state() -> i32
 *   custom section wvisor.rewrite : UTF-8 JSON RewriteInfo
 * A module whose RewriteInfo has `noUnwind` lacks the asyncify_* exports (and
 * never unwinds); the rest is there.
 */

/** Custom section naming a module as the fast rewrite's output (fast.ts: fuel checks, no Asyncify). */
export const FAST_SECTION = 'wvisor.fast';
/** Export of the fast rewrite's one-entry funcref table: the worker puts a function calling its preempt hook in it. */
export const FAST_PREEMPT_TABLE_EXPORT = 'wvisor_preempt_table';

/** Export of the signal handler trampoline (index, sig, info, three) -> [] (signal-delivery.ts calls it). */
export const SIG_TRAMPOLINE_EXPORT = 'wvisor_sig_trampoline';
/** Export of the C stack pointer global (a second export of it, beside wvisor_g<N>). */
export const SIG_STACK_POINTER_EXPORT = 'wvisor_stack_pointer';

/** Custom section holding the RewriteInfo JSON. */
export const REWRITE_SECTION = 'wvisor.rewrite';
/** Import module of the worker's runtime hooks (not syscalls; seccomp never sees them). */
export const RUNTIME_MODULE = 'wvisor_rt';
/** Import name of the fuel-exhausted hook: `wvisor_rt.preempt: [] -> []`. */
export const PREEMPT_IMPORT = 'preempt';
/** Export name of the fuel counter (mutable i32). */
export const FUEL_EXPORT = 'wvisor_fuel';
/** Prefix of the exports of mutable globals: `wvisor_g<index>`. */
export const GLOBAL_EXPORT_PREFIX = 'wvisor_g';
/** Export name of the global holding the Asyncify buffer's address (0 until the first unwind). */
export const UNWIND_BUF_EXPORT = 'wvisor_unwind_buf';
/** Import modules whose functions are syscalls, and so Asyncify unwind points. */
export const SYSCALL_MODULES: readonly string[] = ['wasi_snapshot_preview1', 'wvisor_v1'];

/**
 * Version of the rewrite. Bump it whenever the output for a given input
 * changes (a snapshot names the rewritten module's hash, so a new version makes
 * old snapshots name modules that must be kept or re-made by the old version).
 * History: 1 entry checks in every function making calls; 2 entry checks only
 * on cycles of calls made outside loops (fuel.ts); 4 the signal handler trampoline and the
 * stack pointer export.
 */
export const REWRITE_VERSION = 4;

/** Options that change the rewritten bytes; recorded in the section. */
export interface RewriteOptionsRecord {
  /** preempt is an Asyncify unwind point too (snapshots of syscall-free loops; costs 1.6–3×). */
  preemptUnwind: boolean;
  /** binaryen optimize level used for the Asyncify pass (0: none). */
  optimizeLevel: number;
  /** The memory limit written into the module (its declared maximum), in 64 KiB pages. */
  maxMemoryPages: number;
}

/** What the `wvisor.rewrite` section records. */
export interface RewriteInfo {
  version: number;
  /** Lowercase hex SHA-256 of the original module's bytes. */
  originalSha256: string;
  options: RewriteOptionsRecord;
  /**
   * Present when the module was rewritten without Asyncify (fuel checks and
   * exported globals only): why. Such a task runs, and blocks in calls as any
   * other (the worker waits in Atomics.wait), but cannot be unwound, so it
   * cannot be snapshotted. Absent: every unwind point works.
   */
  noUnwind?: string;
}
