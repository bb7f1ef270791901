/**
 * A task's user-space state at a safe point (unwound by Asyncify at a syscall
 * entry): linear memory, the exported globals, and Asyncify's unwind data.
 * Made by the task's worker, kept by the kernel, fed to a fresh worker.
 */
export interface TaskImage {
  /** Linear memory, whole. */
  memory: Uint8Array;
  /** Exported mutable globals by export name; i64 values as decimal strings. */
  globals: Record<string, number | string>;
  /** Asyncify's unwind data (the saved call stack). */
  unwind: Uint8Array;
  /**
   * 1 for each 64 KiB page of `memory` that is all zero, as whoever made the image found it (the worker
   * that copied it, the restore that decoded it): a hint that spares reading those pages again (for a
   * mostly zero task, reading untouched pages is most of the work). Not saved; absent: pages are read.
   */
  zeroPages?: Uint8Array;
}

/** Errno-sized marker the kernel answers a call with to make the worker unwind. Never seen by guests. */
export const RESTART = 0xffff;

/**
 * Images whose buffers the platform may move (transfer) to the task's new worker instead of copying them:
 * those nobody else holds (an image a worker just posted, one a restore decoded for itself). Moving 256 MiB
 * costs nothing where cloning it takes ~0.7 s; a moved image's arrays are empty afterwards.
 */
export const movableImages = new WeakSet<TaskImage>();
