import { Sig } from './abi/signals.js';
import type { Kernel } from './kernel.js';
import { sendSignal, notifyParent } from './task-signals.js';
import { type Task, TaskState } from './task.js';
import { ttyTaskExited } from './tty.js';

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
  const oldGroup = t.pgrp;
  t.becomeZombie(status);
  // A session leader's end frees its controlling terminal (SIGHUP to the foreground group).
  ttyTaskExited(k, t);

  for (const c of [...t.children]) {
    t.children.delete(c);
    c.parent = k.init;
    k.init.children.add(c);
    if (c.state === TaskState.Zombie) reapIfInitChild(k, c);
  }
  orphanCheck(k, oldGroup);
  for (const g of new Set([...k.init.children].map((c) => c.pgrp))) orphanCheck(k, g);

  notifyParent(k, t);
  reapIfInitChild(k, t);
  k.changed();
}

/** init reaps its zombie children at once (after the host saw the status through `exited`). */
export function reapIfInitChild(k: Kernel, t: Task): void {
  if (t.state === TaskState.Zombie && t.parent === k.init) k.reap(t);
}

/**
 * POSIX: when a process group becomes orphaned and has a stopped member, every
 * member gets SIGHUP and then SIGCONT, so it is not left stopped forever.
 */
function orphanCheck(k: Kernel, g: Task['pgrp']): void {
  const members = [...g.members].filter((m) => m.alive);
  if (members.length === 0 || !members.some((m) => m.state === TaskState.Stopped)) return;
  if (!g.isOrphaned()) return;
  for (const m of members) sendSignal(k, m, Sig.HUP);
  for (const m of members) sendSignal(k, m, Sig.CONT);
}
