import { Errno } from '../abi/errno.js';
import { NSIG, wasiSignalToLinux } from '../abi/signals.js';
import type { ChannelViews } from '../channel.js';
import type { FdEntry } from '../fd-table.js';
import type { Kernel } from '../kernel.js';
import { ModuleError } from '../module-loader.js';
import { ProcessGroup, Session } from '../process-group.js';
import { exitTask } from '../task-exit.js';
import { killInfo, sendSignal, signalGroup } from '../task-signals.js';
import { type Task, TaskState, waitStatus } from '../task.js';
import { NR } from '../syscall-table.js';
import { i32, pathArg, u32 } from './args.js';
import { PENDING, type Handler, type HandlerGroup } from './handler.js';

const WNOHANG = 1;
const WUNTRACED = 2;
const WCONTINUED = 8;
/** Spawn request flag: the child leads a new session (and group), as if it called setsid(). */
const SPAWN_SETSID = 1;
/**
 * Spawn request flag: the child also gets each of the caller's fds the map does not name that is open
 * and not close-on-exec (what an exec keeps: posix_spawn); a map entry with parent fd -1 closes that fd.
 */
const SPAWN_EXEC_FDS = 2;

const proc_exit: Handler = (k, t, c) => {
  exitTask(k, t, waitStatus.exited(u32(c, 0)));
  return PENDING;
};

const proc_raise: Handler = (k, t, c) => {
  const sig = wasiSignalToLinux(u32(c, 0));
  if (sig === undefined) return Errno.INVAL;
  sendSignal(k, t, sig);
  return t.alive ? Errno.SUCCESS : PENDING;
};

const kill: Handler = (k, t, c) => {
  const pid = i32(c, 0);
  const sig = i32(c, 1);
  if (sig < 0 || sig > NSIG) return Errno.INVAL;
  if (pid > 0) {
    const target = k.tasks.get(pid);
    if (!target || target === k.init) return target ? Errno.PERM : Errno.SRCH;
    sendSignal(k, target, sig, killInfo(t));
  } else if (pid === 0) {
    signalGroup(k, t.pgid, sig, killInfo(t));
  } else if (pid === -1) {
    for (const o of [...k.tasks.values()]) if (o !== t && o !== k.init) sendSignal(k, o, sig, killInfo(t));
  } else if (!signalGroup(k, -pid, sig, killInfo(t))) {
    return Errno.SRCH;
  }
  return t.alive ? Errno.SUCCESS : PENDING;
};

const getppid: Handler = (_k, t, c) => {
  c.res[0] = BigInt(t.parent?.pid ?? 0);
  return Errno.SUCCESS;
};

/** Linux waitpid(2): which children `pid` selects. */
function selects(t: Task, child: Task, pid: number): boolean {
  if (pid > 0) return child.pid === pid;
  if (pid === -1) return true;
  if (pid === 0) return child.pgid === t.pgid;
  return child.pgid === -pid;
}

/** One pass of wait: an answer, or undefined when the caller must wait. */
function tryWait(k: Kernel, t: Task, c: ChannelViews, pid: number, options: number): number | undefined {
  let any = false;
  for (const child of t.children) {
    if (!selects(t, child, pid)) continue;
    any = true;
    if (child.state === TaskState.Zombie) {
      c.res[0] = BigInt(child.exitStatus);
      c.res[1] = BigInt(child.pid);
      k.reap(child);
      return Errno.SUCCESS;
    }
    if (options & WUNTRACED && child.waitReport === 'stopped' && child.state === TaskState.Stopped) {
      child.waitReport = null;
      c.res[0] = BigInt(waitStatus.stopped(child.stopSignal));
      c.res[1] = BigInt(child.pid);
      return Errno.SUCCESS;
    }
    if (options & WCONTINUED && child.waitReport === 'continued') {
      child.waitReport = null;
      c.res[0] = BigInt(waitStatus.continued);
      c.res[1] = BigInt(child.pid);
      return Errno.SUCCESS;
    }
  }
  if (!any) return Errno.CHILD;
  if (options & WNOHANG) {
    c.res[0] = 0n;
    c.res[1] = 0n;
    return Errno.SUCCESS;
  }
  return undefined;
}

const wait: Handler = (k, t, c) => {
  const pid = i32(c, 0);
  const options = u32(c, 1);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED)) return Errno.INVAL;
  const now = tryWait(k, t, c, pid, options);
  if (now !== undefined) return now;
  k.childWaiters.set(t, () => {
    if (t.pending?.nr !== NR.wait) return;
    const r = tryWait(k, t, c, pid, options);
    if (r === undefined) return;
    k.childWaiters.delete(t);
    k.answer(t, r);
  });
  return k.block(t, NR.wait, () => k.childWaiters.delete(t));
};

interface SpawnRequest {
  path: string;
  argv: string[];
  env: string[];
  cwd: string | null;
  fds: Array<[number, number]>;
  pgid: number;
  flags: number;
}

/** A spawned child's copy of an fd entry: the same description and rights, not a preopen, no close-on-exec. */
function inherited(e: FdEntry): { file: FdEntry['file']; rightsBase: bigint; rightsInheriting: bigint } {
  return { file: e.file, rightsBase: e.rightsBase, rightsInheriting: e.rightsInheriting };
}

const spawn: Handler = (k, t, c) => {
  const json = pathArg(c, 0, c.i32[3]);
  if (typeof json === 'number') return json;
  let req: SpawnRequest;
  try {
    req = JSON.parse(json) as SpawnRequest;
  } catch {
    return Errno.INVAL;
  }
  if (req.flags & ~(SPAWN_SETSID | SPAWN_EXEC_FDS)) return Errno.INVAL;
  const execFds = (req.flags & SPAWN_EXEC_FDS) !== 0;
  if (req.pgid < -1) return Errno.INVAL;
  const newSession = (req.flags & SPAWN_SETSID) !== 0;
  if (newSession && req.pgid !== -1) return Errno.PERM; // setsid() then setpgid(): a session leader cannot move
  const found = k.findProgram(req.path);
  if (typeof found === 'number') return found;
  const bytes = found.bytes;
  // The child's fds: the caller's preopens at the same numbers, then stdio or the map.
  const fds: Parameters<Kernel['spawn']>[0]['fds'] = new Map();
  for (const [fd, e] of t.fds.entries()) if (e.preopen !== undefined) fds.set(fd, e);
  const map = req.fds.length > 0 || execFds ? req.fds : [[0, 0], [1, 1], [2, 2]] as Array<[number, number]>;
  const named = new Set<number>();
  for (const [childFd, parentFd] of map) {
    if (childFd < 0 || childFd >= k.limits.maxFds) return Errno.BADF;
    named.add(childFd);
    if (execFds && parentFd === -1) continue; // closed in the child (a preopen stays, as always)
    const e = t.fds.get(parentFd);
    if (!e) {
      if (req.fds.length > 0) return Errno.BADF;
      continue;
    }
    fds.set(childFd, inherited(e));
  }
  if (execFds) {
    for (const [fd, e] of t.fds.entries()) {
      if (!named.has(fd) && !e.cloexec && e.preopen === undefined) fds.set(fd, inherited(e));
    }
  }
  const env = req.cwd !== null ? [...req.env.filter((v) => !v.startsWith('PWD=')), `PWD=${req.cwd}`] : req.env;
  // Loading the module takes a while. The answer goes to this call only (`id`), and a snapshot lets the spawn
  // finish rather than re-issue it after the restore, which would start the child twice.
  const id = t.callId;
  k.spawn({ bytes, program: found.path, argv: req.argv, env, fds, parent: t, pgid: req.pgid, newSession }).then((r) => {
    if (typeof r === 'number') return k.answer(t, r, id);
    c.res[0] = BigInt(r.pid);
    k.answer(t, Errno.SUCCESS, id);
  }, (e: unknown) => {
    if (e instanceof ModuleError) {
      k.writeStderr(t, `${req.argv[0] ?? req.path}: ${e.message}\n`);
      k.answer(t, Errno.NOEXEC, id);
    } else {
      k.onLog(`kernel: spawn failed: ${(e as Error)?.stack ?? e}`);
      k.answer(t, Errno.IO, id);
    }
  });
  return k.block(t, NR.spawn, () => {}, 'finish');
};

const setpgid: Handler = (k, t, c) => {
  let pid = i32(c, 0);
  let pgid = i32(c, 1);
  if (pgid < 0) return Errno.INVAL;
  if (pid === 0) pid = t.pid;
  if (pgid === 0) pgid = pid;
  const target = k.tasks.get(pid);
  if (!target || !target.alive || (target !== t && target.parent !== t)) return Errno.SRCH;
  if (target.sid !== t.sid) return Errno.PERM;
  // Linux refuses a child that has called execve; spawn is fork + exec, so every child has.
  if (target !== t) return Errno.ACCES;
  if (target.pid === target.sid) return Errno.PERM; // a session leader cannot move
  let group: ProcessGroup | undefined = k.findGroup(pgid);
  if (group && group.session !== t.pgrp.session) return Errno.PERM;
  if (!group) {
    if (pgid !== pid) return Errno.PERM;
    group = new ProcessGroup(pgid, target.pgrp.session);
  }
  moveToGroup(target, group);
  k.changed();
  return Errno.SUCCESS;
};

function moveToGroup(t: Task, g: ProcessGroup): void {
  const old = t.pgrp;
  if (old === g) return;
  old.members.delete(t);
  if (old.members.size === 0) old.session.groups.delete(old);
  t.pgrp = g;
  g.members.add(t);
}

const getpgid: Handler = (k, t, c) => {
  const pid = i32(c, 0);
  const target = pid === 0 ? t : k.tasks.get(pid);
  if (!target || target.state === TaskState.Dead) return Errno.SRCH;
  c.res[0] = BigInt(target.pgid);
  return Errno.SUCCESS;
};

const setsid: Handler = (k, t, c) => {
  if (k.findGroup(t.pid)) return Errno.PERM; // already a group leader (or its id is in use)
  moveToGroup(t, new ProcessGroup(t.pid, new Session(t.pid)));
  c.res[0] = BigInt(t.pid);
  k.changed();
  return Errno.SUCCESS;
};

const getsid: Handler = (k, t, c) => {
  const pid = i32(c, 0);
  const target = pid === 0 ? t : k.tasks.get(pid);
  if (!target || target.state === TaskState.Dead) return Errno.SRCH;
  c.res[0] = BigInt(target.sid);
  return Errno.SUCCESS;
};

/** Sockets: wVisor has no network, so no fd is ever a socket (ENOTSOCK), as Linux says of a non-socket fd. */
const notSocket: Handler = (_k, t, c) => (t.fds.get(i32(c, 0)) ? Errno.NOTSOCK : Errno.BADF);

export const procHandlers = {
  proc_exit, proc_raise, kill, getppid, wait, spawn, setpgid, getpgid, setsid, getsid,
  sock_accept: notSocket, sock_recv: notSocket, sock_send: notSocket, sock_shutdown: notSocket,
} satisfies HandlerGroup;
