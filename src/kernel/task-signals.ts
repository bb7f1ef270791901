import { DefaultAction, defaultAction, NSIG, Sig } from './abi/signals.js';
import { Errno } from './abi/errno.js';
import { Pending, SIGNAL_INTERRUPTED } from './channel.js';
import type { Kernel } from './kernel.js';
import { CLD_CONTINUED, CLD_EXITED, CLD_KILLED, CLD_STOPPED, Disposition, SA_NOCLDSTOP, SA_NOCLDWAIT, SA_RESTART,
  SI_KERNEL, SI_USER, sigBit, type SigInfo, STOP_SET } from './signal-state.js';
import { exitTask } from './task-exit.js';
import { type Task, TaskState, waitStatus } from './task.js';

/**
 * Signals as Linux gives them (gVisor's pkg/sentry/kernel/task_signals.go is
 * the model): dispositions (default, ignore, a handler), the blocked mask, the
 * pending set with one siginfo per signal (standard signals coalesce), and
 * Linux's default actions: terminate, stop, continue, ignore.
 *
 * The kernel decides everything. A fatal signal ends the worker at once (even
 * one spinning with no syscalls); a stop holds the task's answers and parks a
 * running worker at its next fuel check or call return. A caught signal is
 * made pending and the worker is told through the channel's Pending word
 * (Pending.Signal); at its next delivery point (a call's return, a blocking
 * wait, a fuel check) the worker asks for it (`signal_fetch`, which blocks
 * sa_mask and the signal as Linux does), runs the handler through the module's
 * trampoline export and gives the old mask back (`signal_return`). A call the
 * kernel holds (wait, poll, a terminal read, sigsuspend) is cancelled and
 * answered EINTR, or SIGNAL_INTERRUPTED when the call restarts under
 * SA_RESTART (the worker re-issues it after the handler if every handler it
 * ran had SA_RESTART).
 */

/** Calls that restart under SA_RESTART (signal(7)): reads and writes of pipes, terminals and files, wait. */
const RESTARTABLE = new Set<number>([16 /* fd_pread */, 19 /* fd_pwrite */, 20 /* fd_read */, 26 /* fd_write */,
  43 /* sock_recv */, 44 /* sock_send */, 65 /* wait */]);

const userInfo = (from: Task | null): SigInfo => ({ code: from ? SI_USER : SI_KERNEL, pid: from?.pid ?? 0, uid: 0, status: 0, value: 0 });

/**
 * Sends a signal to a task. `info` says who sent it (a kill from `from`, or the
 * kernel); a blocked signal stays pending, an ignored one is dropped, a caught
 * one waits for the worker, the rest take their default action.
 */
export function sendSignal(k: Kernel, t: Task, sig: number, info?: SigInfo): void {
  if (!t.alive || t === k.init || sig === 0) return;
  if (sig < 1 || sig > NSIG) return;
  if (sig === Sig.KILL) {
    exitTask(k, t, waitStatus.signaled(sig));
    return;
  }
  const s = t.sig;
  const b = sigBit(sig);
  // Generating a stop discards a pending SIGCONT; SIGCONT discards pending stops and continues at once,
  // whatever its disposition or mask (Linux's prepare_signal).
  if (STOP_SET & b) {
    s.pending &= ~sigBit(Sig.CONT);
    s.info.delete(Sig.CONT);
  }
  if (sig === Sig.CONT) {
    for (const x of [Sig.STOP, Sig.TSTP, Sig.TTIN, Sig.TTOU]) s.info.delete(x);
    s.pending &= ~STOP_SET;
    continueTask(k, t);
  }
  if (sig === Sig.STOP) {
    stopTask(k, t, sig);
    return;
  }
  const blocked = (s.blocked & b) !== 0n;
  if (!blocked && s.ignores(sig)) return;
  if (!s.info.has(sig)) s.info.set(sig, info ?? userInfo(null));
  s.pending |= b;
  if (blocked) return;
  dispatchPending(k, t);
}

/**
 * Acts on every pending signal the mask lets through: default actions at once,
 * caught ones left pending for the worker (Pending.Signal set, a held call
 * interrupted). Called when a signal arrives, and after the mask or a
 * disposition changes.
 */
export function dispatchPending(k: Kernel, t: Task): void {
  const s = t.sig;
  let caught = false;
  let restartAll = true;
  for (let ready = s.pending & ~s.blocked; ready !== 0n && t.alive;) {
    const sig = lowest(ready);
    const b = sigBit(sig);
    ready &= ~b;
    const kind = s.kind[sig];
    if (kind === Disposition.Catch) {
      caught = true;
      if (!(s.flags[sig]! & SA_RESTART)) restartAll = false;
      continue;
    }
    s.pending &= ~b;
    s.info.delete(sig);
    if (kind === Disposition.Ignore) continue;
    defaultActionOf(k, t, sig);
  }
  if (!t.alive) return;
  if (!caught) {
    if (s.savedMask === null) k.clearPending(t, Pending.Signal);
    return;
  }
  k.poke(t, Pending.Signal);
  const p = t.pending;
  // A held call ends so the handler can run: EINTR, or restarted after the handler under SA_RESTART.
  if (p && p.nr >= 0 && p.onSnapshot === 'restart' && !t.atCheckpoint) {
    const restart = restartAll && RESTARTABLE.has(p.nr);
    p.cancel();
    k.answer(t, restart ? SIGNAL_INTERRUPTED : Errno.INTR, p.id);
  }
}

function lowest(set: bigint): number {
  for (let s = 1; s <= NSIG; s++) if (set & sigBit(s)) return s;
  return 0;
}

function defaultActionOf(k: Kernel, t: Task, sig: number): void {
  switch (defaultAction(sig)) {
    case DefaultAction.Continue:
    case DefaultAction.Ignore:
      return;
    case DefaultAction.Stop:
      // POSIX: job-control stops are discarded for an orphaned process group.
      if (sig !== Sig.STOP && t.pgrp.isOrphaned()) return;
      stopTask(k, t, sig);
      return;
    default:
      exitTask(k, t, waitStatus.signaled(sig));
  }
}

/** Sends sig to every live member of a process group. Returns false when the group is empty. */
export function signalGroup(k: Kernel, pgid: number, sig: number, info?: SigInfo): boolean {
  const g = k.findGroup(pgid);
  if (!g) return false;
  for (const m of [...g.members]) sendSignal(k, m, sig, info);
  return true;
}

/** The siginfo of a kill(2) from `from`. */
export function killInfo(from: Task): SigInfo {
  return userInfo(from);
}

function stopTask(k: Kernel, t: Task, sig: number): void {
  if (t.state === TaskState.Stopped) return;
  t.state = TaskState.Stopped;
  t.stopSignal = sig;
  t.waitReport = 'stopped';
  k.poke(t, Pending.Stop);
  notifyParent(k, t);
  k.changed();
}

/** SIGCONT's effect: a stopped task runs again and gets any answer held for it. */
export function continueTask(k: Kernel, t: Task): void {
  if (t.state !== TaskState.Stopped) return;
  t.state = t.pending ? TaskState.Blocked : TaskState.Running;
  t.waitReport = 'continued';
  k.clearPending(t, Pending.Stop);
  if (t.atCheckpoint) {
    t.atCheckpoint = false;
    k.answer(t, 0);
  } else if (t.heldAnswer !== null) {
    const e = t.heldAnswer;
    t.heldAnswer = null;
    k.answer(t, e);
  }
  notifyParent(k, t);
  k.changed();
}

/**
 * Tells a task's parent that the child changed state: SIGCHLD (with the
 * child's status in siginfo) and a wake-up of its wait(). SA_NOCLDSTOP keeps
 * stops and continues quiet; a parent ignoring SIGCHLD, or with SA_NOCLDWAIT,
 * has its exited children reaped at once (Linux's do_notify_parent).
 */
export function notifyParent(k: Kernel, child: Task): void {
  if (child.state === TaskState.Zombie) dropSignals(child);
  const p = child.parent;
  if (!p) return;
  const ps = p.sig;
  const exited = child.state === TaskState.Zombie;
  const st = child.exitStatus;
  const info: SigInfo = { code: 0, pid: child.pid, uid: 0, status: 0, value: 0 };
  if (exited) {
    if ((st & 0x7f) === 0) { info.code = CLD_EXITED; info.status = (st >> 8) & 0xff; }
    else { info.code = CLD_KILLED; info.status = st & 0x7f; }
  } else if (child.state === TaskState.Stopped) {
    info.code = CLD_STOPPED; info.status = child.stopSignal;
  } else {
    info.code = CLD_CONTINUED; info.status = Sig.CONT;
  }
  const quiet = !exited && (ps.flags[Sig.CHLD]! & SA_NOCLDSTOP) !== 0 && ps.kind[Sig.CHLD] === Disposition.Catch;
  const autoReap = exited && p !== k.init
    && (ps.kind[Sig.CHLD] === Disposition.Ignore || (ps.flags[Sig.CHLD]! & SA_NOCLDWAIT) !== 0);
  if (!quiet) sendSignal(k, p, Sig.CHLD, info);
  if (autoReap) k.reap(child);
  k.childWaiters.get(p)?.();
}

/** alarm(2): arms (or with 0 disarms) SIGALRM; returns the seconds left of the previous alarm (rounded up). */
export function setAlarm(k: Kernel, t: Task, seconds: number): number {
  const s = t.sig;
  const now = k.platform.monotonicMs();
  const left = s.alarmAt === 0 ? 0 : Math.max(1, Math.round((s.alarmAt - now) / 1000));
  if (s.alarmTimer !== undefined) clearTimeout(s.alarmTimer);
  s.alarmTimer = undefined;
  s.alarmAt = seconds === 0 ? 0 : now + seconds * 1000;
  armAlarm(k, t);
  return left;
}

const MAX_TIMER_MS = 0x7fffffff;

/** Starts the timer for t.sig.alarmAt (after alarm(), and after a restore). */
export function armAlarm(k: Kernel, t: Task): void {
  const s = t.sig;
  if (s.alarmAt === 0) return;
  const left = s.alarmAt - k.platform.monotonicMs();
  // Timers take at most 2^31-1 ms (24.8 days): a later alarm waits in steps.
  s.alarmTimer = setTimeout(() => {
    s.alarmTimer = undefined;
    if (s.alarmAt - k.platform.monotonicMs() > 1) { armAlarm(k, t); return; }
    s.alarmAt = 0;
    sendSignal(k, t, Sig.ALRM, { code: SI_KERNEL, pid: 0, uid: 0, status: 0, value: 0 });
  }, Math.min(MAX_TIMER_MS, Math.max(0, left)));
}

/** A task's signal state ends with it (its alarm is disarmed). */
export function dropSignals(t: Task): void {
  if (t.sig.alarmTimer !== undefined) clearTimeout(t.sig.alarmTimer);
  t.sig.alarmTimer = undefined;
}
