import { Errno } from '../abi/errno.js';
import { NSIG, Sig } from '../abi/signals.js';
import { ALL_SIGNALS, Disposition, SA_KNOWN, SA_NODEFER, SA_RESETHAND, SA_SIGINFO, sigBit, UNBLOCKABLE } from '../signal-state.js';
import { dispatchPending, setAlarm } from '../task-signals.js';
import { NR } from '../syscall-table.js';
import { i32, u32, u64 } from './args.js';
import { PENDING, type Handler, type HandlerGroup } from './handler.js';

/**
 * The signal calls (wvisor_v1 sigaction, sigprocmask, sigpending, sigsuspend,
 * alarm) and the worker's delivery calls (signal_fetch, signal_return). The
 * worker's stubs read the guest's structures (layouts in guests/include/wvisor.h)
 * and pass their fields as arguments; results come back in res[].
 */

const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

/**
 * sigaction: args sig, has_act, kind, handler index, flags, mask, trampoline
 * (1 when the module can run handlers). res: the old kind, index, flags, mask.
 */
const sigaction: Handler = (k, t, c) => {
  const sig = i32(c, 0);
  const hasAct = u32(c, 1) !== 0;
  if (sig < 1 || sig > NSIG) return Errno.INVAL;
  const s = t.sig;
  c.res[0] = BigInt(s.kind[sig]!);
  c.res[1] = BigInt(s.handler[sig]!);
  c.res[2] = BigInt(s.flags[sig]! >>> 0);
  c.res[3] = BigInt.asIntN(64, s.mask[sig]!);
  if (!hasAct) return Errno.SUCCESS;
  if (sig === Sig.KILL || sig === Sig.STOP) return Errno.INVAL;
  const kind = u32(c, 2);
  const flags = u32(c, 4);
  if (kind > Disposition.Catch || (flags & ~SA_KNOWN) !== 0) return Errno.INVAL;
  if (kind === Disposition.Catch && u32(c, 6) === 0) {
    k.writeStderr(t, `${t.argv[0] ?? 'program'}: sigaction: this module cannot run signal handlers (it was not given `
      + 'wVisor\'s full rewrite, which adds the handler trampoline); rewrite it with `wvisor cc` or the rewriter\n');
    return Errno.NOTSUP;
  }
  s.kind[sig] = kind;
  s.handler[sig] = kind === Disposition.Catch ? u32(c, 3) : 0;
  s.flags[sig] = flags;
  s.mask[sig] = u64(c, 5) & ALL_SIGNALS & ~UNBLOCKABLE;
  // POSIX: a pending signal whose action becomes "ignore" is discarded, blocked or not.
  if (s.ignores(sig)) {
    s.pending &= ~sigBit(sig);
    s.info.delete(sig);
  }
  dispatchPending(k, t);
  return t.alive ? Errno.SUCCESS : PENDING;
};

/** sigprocmask: args how, has_set, set. res[0]: the old mask. SIGKILL and SIGSTOP are dropped silently. */
const sigprocmask: Handler = (k, t, c) => {
  const s = t.sig;
  c.res[0] = BigInt.asIntN(64, s.blocked);
  if (u32(c, 1) === 0) return Errno.SUCCESS;
  const set = u64(c, 2) & ALL_SIGNALS & ~UNBLOCKABLE;
  switch (u32(c, 0)) {
    case SIG_BLOCK: s.blocked |= set; break;
    case SIG_UNBLOCK: s.blocked &= ~set; break;
    case SIG_SETMASK: s.blocked = set; break;
    default: return Errno.INVAL;
  }
  dispatchPending(k, t);
  return t.alive ? Errno.SUCCESS : PENDING;
};

/** sigpending: res[0] the signals pending while blocked. */
const sigpending: Handler = (_k, t, c) => {
  c.res[0] = BigInt.asIntN(64, t.sig.pending & t.sig.blocked);
  return Errno.SUCCESS;
};

/**
 * sigsuspend: args mask. Waits with `mask` blocked until a signal is caught
 * (EINTR; the handler runs with it, then the old mask comes back) or ends the task.
 */
const sigsuspend: Handler = (k, t, c) => {
  const s = t.sig;
  // A sigsuspend re-issued after a restore keeps the mask it saved the first time.
  s.savedMask ??= s.blocked;
  s.blocked = u64(c, 0) & ALL_SIGNALS & ~UNBLOCKABLE;
  const r = k.block(t, NR.sigsuspend, () => {});
  dispatchPending(k, t);
  if (!t.alive) return PENDING;
  return t.pending?.nr === NR.sigsuspend ? r : PENDING;
};

/** alarm: args seconds. res[0]: seconds left of the previous alarm. */
const alarm: Handler = (k, t, c) => {
  c.res[0] = BigInt(setAlarm(k, t, u32(c, 0)));
  return Errno.SUCCESS;
};

/**
 * The worker asks for the next signal to deliver. res: signal (0: none), the
 * handler's index, sa_flags, the mask to restore after it, then siginfo's
 * si_code, si_pid, si_uid, si_status, si_value. The handler's mask (sa_mask,
 * the signal unless SA_NODEFER) is in force from here; SA_RESETHAND resets the action.
 */
const signal_fetch: Handler = (k, t, c) => {
  const s = t.sig;
  for (;;) {
    const sig = s.next();
    if (sig === 0 || s.kind[sig] !== Disposition.Catch) {
      if (sig !== 0) { dispatchPending(k, t); if (!t.alive) return PENDING; continue; }
      // Nothing to run: a sigsuspend woken by a signal that is gone gets its mask back.
      if (s.savedMask !== null) { s.blocked = s.savedMask; s.savedMask = null; }
      c.res[0] = 0n;
      dispatchPending(k, t);
      return t.alive ? Errno.SUCCESS : PENDING;
    }
    const info = s.info.get(sig) ?? { code: 0, pid: 0, uid: 0, status: 0, value: 0 };
    s.pending &= ~sigBit(sig);
    s.info.delete(sig);
    const old = s.savedMask ?? s.blocked;
    s.savedMask = null;
    const flags = s.flags[sig]!;
    c.res[0] = BigInt(sig);
    c.res[1] = BigInt(s.handler[sig]!);
    c.res[2] = BigInt(flags >>> 0);
    c.res[3] = BigInt.asIntN(64, old);
    c.res[4] = BigInt(info.code);
    c.res[5] = BigInt(info.pid);
    c.res[6] = BigInt(info.uid);
    c.res[7] = BigInt(info.status);
    c.res[8] = BigInt(info.value);
    s.blocked |= (s.mask[sig]! | ((flags & SA_NODEFER) ? 0n : sigBit(sig))) & ~UNBLOCKABLE;
    if (flags & SA_RESETHAND) {
      s.kind[sig] = Disposition.Default;
      s.handler[sig] = 0;
      s.flags[sig] = flags & ~(SA_RESETHAND | SA_SIGINFO);
    }
    dispatchPending(k, t);
    return t.alive ? Errno.SUCCESS : PENDING;
  }
};

/** A handler returned: args[0] is the mask to restore (signal_fetch's). Signals it unblocks are acted on. */
const signal_return: Handler = (k, t, c) => {
  t.sig.blocked = u64(c, 0) & ALL_SIGNALS & ~UNBLOCKABLE;
  dispatchPending(k, t);
  return t.alive ? Errno.SUCCESS : PENDING;
};

export const signalHandlers = {
  sigaction, sigprocmask, sigpending, sigsuspend, alarm, signal_fetch, signal_return,
} satisfies HandlerGroup;
