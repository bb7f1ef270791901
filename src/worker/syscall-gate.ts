import { Errno } from '../kernel/abi/errno.js';
import { NOTIF_CONTINUE, Pending, SIGNAL_INTERRUPTED } from '../kernel/channel.js';
import { actionOnly, SECCOMP_RET_ALLOW, SECCOMP_RET_DATA, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG, SECCOMP_RET_TRACE, SECCOMP_RET_TRAP, SECCOMP_RET_USER_NOTIF, MAX_ERRNO } from '../kernel/seccomp/actions.js';
import type { FilterStack } from '../kernel/seccomp/filter-stack.js';
import { newSeccompData, wordArgHi, wordArgLo, WORD_ARCH, WORD_NR } from '../kernel/seccomp/seccomp-data.js';
import { RESTART } from '../kernel/snapshot/task-image.js';
import { AUDIT_ARCH_WVISOR, NR, syscallByName, WASI_MODULE, WVISOR_MODULE } from '../kernel/syscall-table.js';
import type { SignalDelivery } from './signal-delivery.js';
import type { TaskChannel } from './task-channel.js';

/** What the gate needs to unwind the guest (the Asyncify runtime, when the module has it). */
export interface Unwinder {
  /** True while a restored task rewinds into its saved stack. */
  readonly rewinding: boolean;
  /** Ends the rewind: the import being called is the one the task was unwound in. */
  stopRewind(): void;
  /** Starts unwinding the guest's stack from inside an import. */
  startUnwind(): void;
}

/** seccomp_data's argument i from an i64 (bigint) or a missing argument (0). */
function setWide(d: Uint32Array, i: number, v: unknown): void {
  if (typeof v !== 'bigint') {
    // BigInt arithmetic costs tens of ns: an absent argument skips it.
    d[wordArgLo(i)] = 0;
    d[wordArgHi(i)] = 0;
    return;
  }
  const x = BigInt.asUintN(64, v);
  d[wordArgLo(i)] = Number(x & 0xffffffffn);
  d[wordArgHi(i)] = Number(x >> 32n);
}

/** Seccomp's verdict in the worker: run the call, or answer this errno instead. Kills never return. */
const RUN = -1;

/**
 * The gate every guest syscall passes through in its worker, in Linux's order
 * (docs/ARCHITECTURE.md, "The syscall path"): rewind bookkeeping after a restore; a stop
 * or snapshot the kernel asked for; seccomp (the task's filter copy, evaluated
 * here as Linux evaluates it in the calling task); then the stub (fast path or
 * kernel); a call the kernel answered RESTART unwinds for a snapshot.
 * (The ptrace syscall-entry stop comes before seccomp when ptrace lands.)
 */
export class SyscallGate {
  /** The task's seccomp filters (a copy of the kernel's; the kernel decides, this evaluates). */
  filters: FilterStack | null = null;
  /** Unwind before this many calls have been made (deterministic snapshots); 0 = never. */
  snapshotAt = 0;
  /** Calls made so far. */
  calls = 0;
  /** Runs signal handlers (set by the task runtime; null: no handlers in this worker). */
  signals: SignalDelivery | null = null;
  /**
   * The rewind in progress ends in a proc_fork that seccomp already let through before the unwind (the
   * parent's own call, or the child's copy of it): the call is not filtered again. Set by the runtime.
   */
  resumeUnfiltered = false;
  private readonly data = newSeccompData();

  constructor(
    private readonly ch: TaskChannel,
    private readonly unwinder: Unwinder | null,
  ) {
    this.data[WORD_ARCH] = AUDIT_ARCH_WVISOR;
  }

  /** Wraps every syscall import of the stubs' import object. */
  wrap(imports: Record<string, Record<string, Function>>): Record<string, Record<string, Function>> {
    const out: Record<string, Record<string, Function>> = {};
    for (const mod of [WASI_MODULE, WVISOR_MODULE]) {
      out[mod] = {};
      for (const [name, f] of Object.entries(imports[mod])) {
        const info = syscallByName(name);
        if (!info || info.module !== mod) continue;
        out[mod][name] = this.gate(info.nr, f);
      }
    }
    return out;
  }

  private gate(nr: number, f: Function): Function {
    // A fixed-arity wrapper per call shape keeps the hot path free of spread calls.
    const self = this;
    return function (this: unknown, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, g?: unknown,
      h?: unknown, i?: unknown, j?: unknown): unknown {
      const pre = self.enter(nr, a, b, c, d, e, g);
      if (pre === RESTART) return 0;
      if (pre !== RUN) return pre;
      let r = f(a, b, c, d, e, g, h, i, j);
      const sig = self.signals;
      if (sig !== null && (sig.armed || r === SIGNAL_INTERRUPTED)) {
        // Delivery on return (Linux's order); an interrupted call restarts after its handlers when all had SA_RESTART.
        for (;;) {
          if (r === RESTART && sig.depth > 0) {
            // A snapshot cancelled a call made inside a handler: it waits for the handler, so the call goes on.
            r = f(a, b, c, d, e, g, h, i, j);
            continue;
          }
          const due = sig.due();
          if (!due && r !== SIGNAL_INTERRUPTED) break;
          const restart = due ? sig.deliver() : true;
          if (r !== SIGNAL_INTERRUPTED) break;
          if (!restart) { r = Errno.INTR; break; }
          r = f(a, b, c, d, e, g, h, i, j);
        }
      }
      if (r === RESTART && self.unwinder) {
        self.unwinder.startUnwind();
        return 0;
      }
      return r;
    };
  }

  /** Everything before the stub. Returns RUN, an errno to answer instead, or RESTART after starting an unwind. */
  private enter(nr: number, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, g: unknown): number {
    const u = this.unwinder;
    if (u && u.rewinding) {
      u.stopRewind();
      if (this.resumeUnfiltered) {
        this.resumeUnfiltered = false;
        return RUN;
      }
    } else {
      const p = this.ch.pending();
      if (p !== 0) {
        // A snapshot asked for while a signal handler runs waits for the handler to return.
        if (p & Pending.Snapshot && u && (this.signals === null || this.signals.depth === 0)) {
          u.startUnwind();
          return RESTART;
        }
        if (p & Pending.Stop) this.ch.checkpoint();
        if (p & Pending.Signal && this.signals !== null) this.signals.deliver();
      }
      this.calls++;
      if (this.snapshotAt !== 0 && this.calls >= this.snapshotAt && u) {
        this.snapshotAt = 0;
        u.startUnwind();
        return RESTART;
      }
    }
    // No filter, or one that allows this call whatever its arguments (the action cache, as Linux's): nothing to run.
    if (this.filters === null || this.filters.allows(nr)) return RUN;
    return this.seccomp(nr, a, b, c, d, e, g);
  }

  private seccomp(nr: number, a: unknown, b: unknown, c: unknown, e: unknown, f: unknown, g: unknown): number {
    const d = this.data;
    d[WORD_NR] = nr;
    // i32 arguments arrive as numbers (zero-extended here), i64 ones as bigints (split in halves).
    if (typeof a === 'number') { d[4] = a >>> 0; d[5] = 0; } else setWide(d, 0, a);
    if (typeof b === 'number') { d[6] = b >>> 0; d[7] = 0; } else setWide(d, 1, b);
    if (typeof c === 'number') { d[8] = c >>> 0; d[9] = 0; } else setWide(d, 2, c);
    if (typeof e === 'number') { d[10] = e >>> 0; d[11] = 0; } else setWide(d, 3, e);
    if (typeof f === 'number') { d[12] = f >>> 0; d[13] = 0; } else setWide(d, 4, f);
    if (typeof g === 'number') { d[14] = g >>> 0; d[15] = 0; } else setWide(d, 5, g);
    const ret = this.filters!.run(d);
    const action = actionOnly(ret) >>> 0;
    if (action === SECCOMP_RET_ALLOW) return RUN;
    if (action === SECCOMP_RET_ERRNO) return Math.min(ret & SECCOMP_RET_DATA, MAX_ERRNO);
    if (action === SECCOMP_RET_LOG) {
      this.ch.v.args[0] = BigInt(nr);
      this.ch.call(NR.seccomp_log);
      return RUN;
    }
    if (action === SECCOMP_RET_TRAP) {
      // SIGSYS, with the call not run (the guest sees ENOSYS if it survives the signal).
      this.ch.v.args[0] = 31n;
      this.ch.call(NR.raise_self);
      return Errno.NOSYS;
    }
    if (action === SECCOMP_RET_USER_NOTIF) {
      // The host's supervisor decides (it may take its time); without one the kernel answers ENOSYS, as Linux.
      const a = this.ch.v.args;
      a[0] = BigInt(nr);
      for (let i = 0; i < 6; i++) a[i + 1] = BigInt(d[wordArgLo(i)]) | (BigInt(d[wordArgHi(i)]) << 32n);
      const e = this.ch.call(NR.seccomp_notify);
      if (e === RESTART && this.unwinder) {
        // A snapshot cancelled the supervisor's decision: unwind here, and the call is filtered and asked again after the restore.
        this.unwinder.startUnwind();
        return RESTART;
      }
      return e === NOTIF_CONTINUE ? RUN : e;
    }
    if (action === SECCOMP_RET_TRACE) {
      // No tracer can ask for PTRACE_EVENT_SECCOMP until ptrace lands: ENOSYS, as Linux gives without a tracer.
      return Errno.NOSYS;
    }
    // KILL_PROCESS, KILL_THREAD and unknown actions: the process dies of SIGSYS.
    void SECCOMP_RET_KILL_THREAD;
    this.ch.v.args[0] = BigInt(nr);
    this.ch.call(NR.seccomp_kill);
    return Errno.NOSYS;
  }
}
