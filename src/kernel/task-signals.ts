import { DefaultAction, defaultAction, NSIG, Sig } from './abi/signals.js';
import { Pending } from './channel.js';
import type { Kernel } from './kernel.js';
import { exitTask } from './task-exit.js';
import { type Task, TaskState, waitStatus } from './task.js';

/**
 * Signal delivery with Linux's default actions: terminate, stop, continue,
 * ignore. Delivery happens in the kernel: a fatal signal ends the worker at
 * once (even one spinning with no syscalls), a stop holds the task's answers
 * and parks a running worker at its next fuel check or call return.
 * Handlers and masks come with the signals issue; they hook in at `sendSignal`.
 */
export function sendSignal(k: Kernel, t: Task, sig: number): void {
  if (!t.alive || t === k.init || sig === 0) return;
  if (sig < 1 || sig > NSIG) return;
  if (sig === Sig.KILL) {
    exitTask(k, t, waitStatus.signaled(sig));
    return;
  }
  switch (defaultAction(sig)) {
    case DefaultAction.Continue:
      continueTask(k, t);
      return;
    case DefaultAction.Stop:
      // POSIX: job-control stops are discarded for an orphaned process group.
      if (sig !== Sig.STOP && t.pgrp.isOrphaned()) return;
      stopTask(k, t, sig);
      return;
    case DefaultAction.Ignore:
      return;
    default:
      exitTask(k, t, waitStatus.signaled(sig));
  }
}

/** Sends sig to every live member of a process group. Returns false when the group is empty. */
export function signalGroup(k: Kernel, pgid: number, sig: number): boolean {
  const g = k.findGroup(pgid);
  if (!g) return false;
  for (const m of [...g.members]) sendSignal(k, m, sig);
  return true;
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

/** Tells a task's parent that the child changed state: SIGCHLD and a wake-up of its wait(). */
export function notifyParent(k: Kernel, child: Task): void {
  const p = child.parent;
  if (!p) return;
  sendSignal(k, p, Sig.CHLD);
  k.childWaiters.get(p)?.();
}
