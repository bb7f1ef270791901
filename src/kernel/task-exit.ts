import { Sig } from './abi/signals.js';
import type { Kernel } from './kernel.js';
import { sendSignal, notifyParent } from './task-signals.js';
import { type Task, TaskState } from './task.js';

/**
 * Ends a task (exit or a fatal signal): the worker goes at once, held calls are
 * dropped, fds close (pipes see EOF/EPIPE), children go to init, the parent is
 * told (SIGCHLD, a waiting wait()). `status` is the Linux wait status.
 */
export function exitTask(k: Kernel, t: Task, status: number): void {
  if (!t.alive || t === k.init) return;
  t.worker?.terminate();
  t.worker = null;
  t.pending?.cancel();
  t.pending = null;
  t.inCall = false;
  // A killed worker may hold a ring lock; release it as robust futexes do.
  for (let ring = 1; ring < k.pipes.arena.slots; ring++) k.pipes.arena.breakLocks(ring, t.pid);
  t.fds.closeAll();
  // The groups this exit can orphan: the task's own (it may have been the link to the session) and its children's
  // (init, their new parent, is in no group of theirs). Linux's kill_orphaned_pgrp, at exit and at reparenting.
  const linked = new Set([t.pgrp, ...[...t.children].map((c) => c.pgrp)]);
  const wasOrphaned = new Map([...linked].map((g) => [g, g.isOrphaned()]));
  t.becomeZombie(status);
  // Listeners: a session leader's end frees its controlling terminal (SIGHUP to the foreground group).
  for (const l of k.exitListeners) l(t);

  for (const c of [...t.children]) {
    t.children.delete(c);
    c.parent = k.init;
    k.init.children.add(c);
    if (c.state === TaskState.Zombie) reapIfInitChild(k, c);
  }
  for (const [g, was] of wasOrphaned) if (!was) hangUpIfOrphaned(k, g);

  notifyParent(k, t);
  reapIfInitChild(k, t);
  k.changed();
}

/** init reaps its zombie children at once (after the host saw the status through `exited`). */
export function reapIfInitChild(k: Kernel, t: Task): void {
  if (t.state === TaskState.Zombie && t.parent === k.init) k.reap(t);
}

/**
 * POSIX: when a process group becomes orphaned (the caller saw it was not) and
 * has a stopped member, every member gets SIGHUP and then SIGCONT, so it is
 * not left stopped forever. A group that was orphaned already gets nothing.
 */
function hangUpIfOrphaned(k: Kernel, g: Task['pgrp']): void {
  const members = [...g.members].filter((m) => m.alive);
  if (members.length === 0 || !members.some((m) => m.state === TaskState.Stopped)) return;
  if (!g.isOrphaned()) return;
  for (const m of members) sendSignal(k, m, Sig.HUP);
  for (const m of members) sendSignal(k, m, Sig.CONT);
}
