/**
 * The per-task channel: one SharedArrayBuffer shared by a task's worker and the
 * kernel. The worker posts a call (number, arguments, copied-in bytes), rings the
 * kernel's doorbell and sleeps on `State`; the kernel answers (errno, results,
 * copied-out bytes) and wakes it. The kernel may leave a call pending and
 * answer later (a blocking read, wait, poll) or answer EINTR.
 *
 * The page also carries what the kernel pushes to the worker between calls:
 * the pending-work word the worker checks at every syscall return and fuel
 * check, and the fd hints that let the worker serve /dev/null and pipe rings
 * without a round trip. Nothing here is saved in a snapshot: a restored task
 * gets a fresh page and the kernel rewrites the hints from its fd table.
 *
 * Layout (byte offsets):
 *   0      Int32 words (see {@link W})
 *   256    BigInt64 argument slots (ARG_SLOTS)
 *   384    BigInt64 result slots (RES_SLOTS)
 *   512    Int32 fd hints, one per fd (MAX_FDS)
 *   PAYLOAD_OFFSET..end  payload: bytes in (request) / bytes out (response)
 */

/** Word indexes into the Int32 view. */
export const enum W {
  /** Call state: see {@link CallState}. Worker sets Posted, kernel sets Done. */
  State = 0,
  /** Call number (syscall-table.ts), or a negative internal call (module `internal` in syscall-table.ts). */
  Nr = 1,
  /** The call's result: a WASI errno, 0 on success. Written by the kernel. */
  Errno = 2,
  /** Bytes of payload the worker copied in. */
  InLen = 3,
  /** Bytes of payload the kernel wrote out. */
  OutLen = 4,
  /**
   * Pending work for the worker ({@link Pending} bits). The kernel sets bits with
   * Atomics.or; the worker reads at every call return and fuel check.
   */
  Pending = 5,
  /**
   * Ring the worker is sleeping on (ring index + 1), 0 when none. Lets the kernel
   * wake a task blocked on a pipe ring when a signal or stop arrives.
   */
  WaitRing = 6,
  /** Nanoseconds of CPU time (low, high 32 bits) the worker has spent running guest code. */
  CpuLo = 8,
  CpuHi = 9,
  /** Set by the worker while it is running guest code (not blocked in a call). */
  Running = 10,
}

export const enum CallState { Idle = 0, Posted = 1, Done = 2 }

/** Bits of {@link W.Pending}. */
export const enum Pending {
  /** The task must stop (group stop, ptrace): call `NR.checkpoint`. */
  Stop = 1,
  /** Signals are pending that the worker must ask about. */
  Signal = 2,
  /** The kernel wants the task unwound and saved at its next call. */
  Snapshot = 4,
}

/** Calls the worker makes that are not guest syscalls (seccomp never sees them). */

/** Answer to SeccompNotify meaning "run the call" (SECCOMP_USER_NOTIF_FLAG_CONTINUE). Never an errno. */
export const NOTIF_CONTINUE = 0xfffe;
/** Answer to a call a signal interrupted that restarts under SA_RESTART: the worker runs the handlers, then re-issues it or gives EINTR. Never an errno. */
export const SIGNAL_INTERRUPTED = 0xfffd;

export const ARG_SLOTS = 12;
export const RES_SLOTS = 12;
export const MAX_FDS = 1024;
export const ARGS_OFFSET = 256;
export const RES_OFFSET = 384;
export const HINTS_OFFSET = 512;
export const PAYLOAD_OFFSET = HINTS_OFFSET + MAX_FDS * 4;
/** Payload capacity: larger transfers are split by the worker (short reads, looped writes). */
export const PAYLOAD_SIZE = 1 << 20;
export const CHANNEL_BYTES = PAYLOAD_OFFSET + PAYLOAD_SIZE;

/**
 * Fd hints: what the worker may do locally with an fd. Encoded as an Int32 per fd:
 * 0 = ask the kernel (or closed: the kernel answers EBADF); 1..3 = /dev/null
 * opened read-write, write-only, read-only; otherwise ring endpoints:
 * (ringIndex << 4) | kind, ringIndex ≥ 1.
 */
export const enum Hint {
  Kernel = 0,
  Null = 1,
  NullWriteOnly = 2,
  NullReadOnly = 3,
  RingRead = 4,
  RingWrite = 5,
  /** Flag bit: the fd is non-blocking. */
  NonBlock = 8,
}

export function ringHint(ring: number, kind: Hint.RingRead | Hint.RingWrite, nonblock: boolean): number {
  return (ring << 4) | kind | (nonblock ? Hint.NonBlock : 0);
}

/** Views over one channel buffer. */
export class ChannelViews {
  readonly i32: Int32Array;
  readonly args: BigInt64Array;
  readonly res: BigInt64Array;
  readonly hints: Int32Array;
  readonly payload: Uint8Array;
  constructor(readonly sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab, 0, ARGS_OFFSET / 4);
    this.args = new BigInt64Array(sab, ARGS_OFFSET, ARG_SLOTS);
    this.res = new BigInt64Array(sab, RES_OFFSET, RES_SLOTS);
    this.hints = new Int32Array(sab, HINTS_OFFSET, MAX_FDS);
    this.payload = new Uint8Array(sab, PAYLOAD_OFFSET, PAYLOAD_SIZE);
  }
}

/**
 * The kernel's doorbell: one Int32 every worker increments and notifies after
 * posting a call; the kernel waits on it (Atomics.waitAsync) and then scans its
 * tasks for posted calls.
 */
export const DOORBELL_BYTES = 64;
