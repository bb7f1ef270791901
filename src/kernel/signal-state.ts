import { DefaultAction, defaultAction, NSIG, Sig } from './abi/signals.js';

/**
 * A task's signal state as plain data (the kernel's task-signals.ts acts on
 * it) and the ABI's constants, which the worker shares: sa_flags, the
 * disposition kinds of the sigaction structure, si_code values.
 */

/** sa_flags, Linux's values. */
export const SA_NOCLDSTOP = 1;
export const SA_NOCLDWAIT = 2;
export const SA_SIGINFO = 4;
export const SA_ONSTACK = 0x08000000;
export const SA_RESTART = 0x10000000;
export const SA_NODEFER = 0x40000000;
export const SA_RESETHAND = 0x80000000;
/** Flags sigaction accepts (SA_ONSTACK is accepted and means nothing: there is no alternate stack). */
export const SA_KNOWN = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND;

/** What a disposition is (the `kind` word of the ABI's struct). */
export const enum Disposition { Default = 0, Ignore = 1, Catch = 2 }

/** si_code values (Linux). */
export const SI_USER = 0;
export const SI_KERNEL = 0x80;
export const SI_QUEUE = -1;
export const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;

/** The bit of a signal in a 64-bit set (signal n is bit n-1, as Linux's sigset_t). */
export const sigBit = (sig: number): bigint => 1n << BigInt(sig - 1);
export const ALL_SIGNALS = (1n << 64n) - 1n;
/** SIGKILL and SIGSTOP: never blocked, caught or ignored. */
export const UNBLOCKABLE = sigBit(Sig.KILL) | sigBit(Sig.STOP);
export const STOP_SET = sigBit(Sig.STOP) | sigBit(Sig.TSTP) | sigBit(Sig.TTIN) | sigBit(Sig.TTOU);

/** What a handler is told about its signal (siginfo_t's fields the ABI carries). */
export interface SigInfo {
  code: number;
  pid: number;
  uid: number;
  status: number;
  value: number;
}

/** Saved form of {@link SignalState} (JSON-safe: masks as decimal strings). */
export interface SignalStateSaved {
  actions: Array<[number, number, number, number, string]>;
  blocked: string;
  pending: string;
  info: Array<[number, SigInfo]>;
  savedMask: string | null;
  alarmLeftMs: number;
}

/**
 * A task's signal state. Changed by its own sigaction/sigprocmask/sigsuspend
 * calls, by signals sent to it, and by delivery (signal_fetch/signal_return).
 */
export class SignalState {
  /** Per signal (index 1..64): {@link Disposition}. @saved */
  kind: number[] = new Array<number>(NSIG + 1).fill(Disposition.Default);
  /** Per signal: the handler's function table index (kind Catch). @saved */
  handler: number[] = new Array<number>(NSIG + 1).fill(0);
  /** Per signal: sa_flags. @saved */
  flags: number[] = new Array<number>(NSIG + 1).fill(0);
  /** Per signal: sa_mask, blocked while its handler runs. @saved */
  mask: bigint[] = new Array<bigint>(NSIG + 1).fill(0n);
  /** The blocked mask (never holds SIGKILL or SIGSTOP). @saved */
  blocked = 0n;
  /** Signals generated and not yet delivered (blocked, or caught and waiting for the worker). @saved */
  pending = 0n;
  /** siginfo of each pending signal (the first one generated: standard signals coalesce). @saved */
  info = new Map<number, SigInfo>();
  /** The mask to give back after the handler that ends a sigsuspend (Linux's saved_sigmask). @saved */
  savedMask: bigint | null = null;
  /** alarm(): monotonic ms when SIGALRM is due, 0 for none. @saved as the time left */
  alarmAt = 0;
  /** The timer behind alarmAt. @nosave re-armed from alarmAt after a restore */
  alarmTimer: ReturnType<typeof setTimeout> | undefined = undefined;

  /** spawn: caught dispositions go back to default; ignored ones, flags of those, and the mask stay; nothing pending. */
  forChild(): SignalState {
    const c = new SignalState();
    for (let s = 1; s <= NSIG; s++) {
      if (this.kind[s] === Disposition.Ignore) {
        c.kind[s] = Disposition.Ignore;
        c.flags[s] = this.flags[s]!;
        c.mask[s] = this.mask[s]!;
      }
    }
    c.blocked = this.blocked;
    return c;
  }

  /** True when `sig` is discarded at generation: ignored explicitly, or by default. */
  ignores(sig: number): boolean {
    const k = this.kind[sig];
    if (k === Disposition.Ignore) return true;
    return k === Disposition.Default && defaultAction(sig) === DefaultAction.Ignore;
  }

  /** Lowest pending, unblocked signal, 0 when none. */
  next(): number {
    const ready = this.pending & ~this.blocked;
    if (ready === 0n) return 0;
    for (let s = 1; s <= NSIG; s++) if (ready & sigBit(s)) return s;
    return 0;
  }

  /** The saved state as text, with the alarm as armed or not (its deadline moves with the clock): for listings and tests. */
  describe(): string {
    const { alarmLeftMs, ...rest } = this.save(this.alarmAt);
    return JSON.stringify({ ...rest, alarm: alarmLeftMs > 0 || this.alarmAt !== 0 });
  }

  save(now: number): SignalStateSaved {
    const actions: SignalStateSaved['actions'] = [];
    for (let s = 1; s <= NSIG; s++) {
      if (this.kind[s] !== Disposition.Default || this.flags[s] !== 0 || this.mask[s] !== 0n) {
        actions.push([s, this.kind[s]!, this.handler[s]!, this.flags[s]!, this.mask[s]!.toString()]);
      }
    }
    return {
      actions, blocked: this.blocked.toString(), pending: this.pending.toString(),
      info: [...this.info.entries()].map(([s, i]) => [s, { ...i }]),
      savedMask: this.savedMask === null ? null : this.savedMask.toString(),
      alarmLeftMs: this.alarmAt === 0 ? 0 : Math.max(1, this.alarmAt - now),
    };
  }

  static load(s: SignalStateSaved, now: number): SignalState {
    const st = new SignalState();
    for (const [sig, kind, handler, flags, mask] of s.actions) {
      if (sig < 1 || sig > NSIG) continue;
      st.kind[sig] = kind;
      st.handler[sig] = handler;
      st.flags[sig] = flags;
      st.mask[sig] = BigInt(mask) & ALL_SIGNALS & ~UNBLOCKABLE;
    }
    st.blocked = BigInt(s.blocked) & ALL_SIGNALS & ~UNBLOCKABLE;
    st.pending = BigInt(s.pending) & ALL_SIGNALS;
    for (const [sig, i] of s.info) st.info.set(sig, { ...i });
    st.savedMask = s.savedMask === null ? null : BigInt(s.savedMask) & ALL_SIGNALS & ~UNBLOCKABLE;
    st.alarmAt = s.alarmLeftMs > 0 ? now + s.alarmLeftMs : 0;
    return st;
  }
}

