import type { TaskImage } from './snapshot/task-image.js';
import type { FilterStackState } from './seccomp/filter-stack.js';

/**
 * What the kernel needs from its host, and nothing more: start and stop task
 * workers, clocks, randomness, hashing. Two adapters implement it:
 * src/platform/node (worker_threads) and src/platform/browser (Web Workers).
 */

/** The message a task worker is started with (worker/task-runtime.ts reads it). */
export interface TaskWorkerStart {
  channel: SharedArrayBuffer;
  doorbell: SharedArrayBuffer;
  arena: SharedArrayBuffer;
  module: WebAssembly.Module;
  pid: number;
  args: string[];
  env: string[];
  quantum: number;
  /** User-space state to rewind into instead of starting at _start (restore). */
  restore?: TaskImage;
  /** The task's seccomp filters (FilterStack.save()), evaluated in the worker. */
  seccomp?: FilterStackState;
  /** Unwind (for a snapshot) before this many syscalls have been made; 0 = never. */
  snapshotAtSyscall?: number;
}

/** Events a task worker reports outside the channel. */
export interface TaskWorkerEvents {
  /** The worker died without ending through the channel (an internal error). */
  onError(message: string): void;
  /** The task unwound for a snapshot and sent its user-space state. */
  onImage(image: TaskImage): void;
}

export interface TaskWorkerHandle {
  /** Ends the worker at once, wherever it is (SIGKILL). */
  terminate(): void;
}

/** What the module loader asks of Platform.instrument (src/instrument's rewriteModule options it chooses). */
export interface RewriteRequest {
  maxMemoryPages: number;
  /** binaryen optimize level of the Asyncify pass; absent: the rewrite's default. */
  optimizeLevel?: 0 | 1;
  /** Nobody waits for it: it must not keep the host process alive. */
  background?: boolean;
  /** Called as the rewrite moves from one step to the next (read, fuel, asyncify, write). */
  onPhase?(phase: string): void;
}

export interface Platform {
  startTaskWorker(start: TaskWorkerStart, events: TaskWorkerEvents): TaskWorkerHandle;
  /** Wall clock, ns since the Unix epoch. */
  realtimeNs(): bigint;
  /** Monotonic clock, ms (fractional). */
  monotonicMs(): number;
  /** Fills buf (≤ 65536 bytes) with strong random bytes. */
  randomFill(buf: Uint8Array): void;
  /** Lowercase hex SHA-256. */
  sha256(bytes: Uint8Array): Promise<string>;
  /**
   * Rewrites a module that lacks wVisor's instrumentation (fuel checks,
   * Asyncify, exported globals). Absent: such modules run uninstrumented
   * (no stop of a syscall-free loop, no snapshot).
   */
  instrument?(bytes: Uint8Array, options: RewriteRequest): Promise<Uint8Array>;
  /** What `instrument` would return when it has it without rewriting (its cache); undefined otherwise. */
  cachedRewrite?(bytes: Uint8Array, options: RewriteRequest): Promise<Uint8Array | undefined>;
  /**
   * Keeps modules the loader derives (its fast rewrites) across runs, by key.
   * Absent: they are made again by each loader.
   */
  moduleStore?: {
    get(key: string): Promise<Uint8Array | undefined>;
    put(key: string, bytes: Uint8Array): Promise<void>;
  };
  /** Releases what the platform holds ahead of need (pre-started workers). */
  dispose?(): void;
}
