import { Pending } from '../kernel/channel.js';
import { SA_RESTART, SA_SIGINFO } from '../kernel/signal-state.js';
import { NR } from '../kernel/syscall-table.js';
import { SIG_STACK_POINTER_EXPORT, SIG_TRAMPOLINE_EXPORT } from '../instrument/contract.js';
import type { GuestMemory } from './guest-memory.js';
import type { TaskChannel } from './task-channel.js';

/** Bytes of the siginfo_t a handler gets (guests/overlay/include/signal.h). */
export const SIGINFO_SIZE = 128;

/**
 * Runs the guest's signal handlers in its worker. The kernel decides what to
 * deliver (kernel/task-signals.ts) and says so with Pending.Signal; at a
 * delivery point (the gate, before and after every call; a fuel check; a
 * blocking wait that gave up with EINTR) this fetches each signal
 * (`signal_fetch`: the handler's mask is in force from then), writes its
 * siginfo_t below the guest's stack pointer, calls the handler through the
 * rewrite's trampoline export (by function table index, with one or three
 * arguments), and gives the old mask back (`signal_return`). Handlers may make
 * calls, raise signals and nest.
 */
export class SignalDelivery {
  /** Handlers running now (nested ones counted): a snapshot waits until none. */
  depth = 0;
  /** True once the task may have handlers (a sigaction installed one, or the kernel said a signal is due). */
  armed = false;
  private trampoline: ((index: number, sig: number, info: number, three: number) => void) | null = null;
  private sp: WebAssembly.Global | null = null;

  constructor(private readonly ch: TaskChannel, private readonly mem: GuestMemory) {}

  /** Takes the trampoline and stack pointer from the instance's exports (the full rewrite adds them). */
  attach(exports: WebAssembly.Exports): void {
    const t = exports[SIG_TRAMPOLINE_EXPORT];
    if (typeof t === 'function') this.trampoline = t as (index: number, sig: number, info: number, three: number) => void;
    const sp = exports[SIG_STACK_POINTER_EXPORT];
    if (sp instanceof WebAssembly.Global) this.sp = sp;
  }

  /** Whether handlers can run here (the fast rewrite has no trampoline: sigaction refuses handlers). */
  get canCatch(): boolean {
    return this.trampoline !== null;
  }

  /** True when the kernel has a signal for this task's handlers. */
  due(): boolean {
    return (this.ch.pending() & Pending.Signal) !== 0;
  }

  /**
   * Delivers every signal due. Returns false when a handler without
   * SA_RESTART ran (an interrupted call then gives EINTR), else true.
   */
  deliver(): boolean {
    this.armed = true;
    let restart = true;
    const ch = this.ch;
    for (let n = 0; n < 4096 && this.due(); n++) {
      if (ch.call(NR.signal_fetch) !== 0) break;
      const r = ch.v.res;
      const sig = Number(r[0]);
      if (sig === 0) break;
      const index = Number(r[1]);
      const flags = Number(r[2]);
      const old = r[3]!;
      if (!(flags & SA_RESTART)) restart = false;
      const sp = this.sp ? (this.sp.value as number) : 0;
      const info = sp > SIGINFO_SIZE + 16 ? ((sp - SIGINFO_SIZE) & ~15) : 0;
      if (info !== 0) {
        this.sp!.value = info;
        this.writeInfo(info, sig, Number(r[4]), Number(r[5]), Number(r[6]), Number(r[7]), Number(r[8]));
      }
      this.depth++;
      try {
        if (!this.trampoline) throw new Error('signal handler without a trampoline');
        this.trampoline(index, sig, info, (flags & SA_SIGINFO) !== 0 ? 1 : 0);
      } finally {
        this.depth--;
        if (info !== 0) this.sp!.value = sp;
      }
      ch.v.args[0] = old;
      ch.call(NR.signal_return);
    }
    return restart;
  }

  private writeInfo(at: number, sig: number, code: number, pid: number, uid: number, status: number, value: number): void {
    const b = this.mem.bytes(at, SIGINFO_SIZE);
    if (!b) return;
    b.fill(0);
    const dv = this.mem.dv;
    dv.setInt32(at, sig, true); // si_signo
    dv.setInt32(at + 4, 0, true); // si_errno
    dv.setInt32(at + 8, code, true); // si_code
    dv.setInt32(at + 12, pid, true); // si_pid
    dv.setUint32(at + 16, uid, true); // si_uid
    dv.setInt32(at + 20, status, true); // si_status
    dv.setInt32(at + 24, value, true); // si_value
  }
}
