import { DeviceFile } from '../devices.js';
import type { OpenFile } from '../file.js';
import type { Kernel } from '../kernel.js';
import { Pipe, PipeEnd } from '../pipe.js';
import { type Task, TaskState } from '../task.js';
import { TtyFile } from '../tty.js';
import { VfsFile } from '../vfs-file.js';
import type { FileState, KernelState, PipeState, TaskState as SavedTask } from './kernel-state.js';

/** Why a snapshot could not be taken or restored; the message says what to do. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/**
 * Unwinds every live task at its next syscall entry and collects the kernel's
 * state. Afterwards every live task is parked as an image (no worker); call
 * {@link resumeFromImages} to continue them, or end the kernel. A task that
 * does not reach a safe point within `timeoutMs` (a loop without calls) fails
 * the snapshot; the tasks already unwound must then be resumed by the caller.
 * `onParked` runs once every task is parked, before anything is recorded.
 */
export async function captureKernel(k: Kernel, timeoutMs = 10_000, onParked: () => void = () => {}): Promise<KernelState> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
  const unimaged = () => [...k.tasks.values()].filter((t) => t !== k.init && t.alive && !t.image);
  // Rounds until every live task is parked: a spawn that was in progress finishes first (kernel.ts requestImage),
  // and the child it made joins the next round. A task that dies meanwhile needs no image.
  const all = (async () => {
    for (let live = unimaged(); live.length > 0; live = unimaged()) {
      await Promise.all(live.map((t) => Promise.race([k.requestImage(t), t.exited])));
    }
  })();
  const r = await Promise.race([all, timeout]);
  clearTimeout(timer);
  if (r === 'timeout') {
    const stuck = unimaged().map((t) => `${t.pid} (${t.argv[0]})`);
    throw new SnapshotError(`task ${stuck.join(', ')} did not reach a safe point within ${timeoutMs / 1000} s: `
      + 'a task is saved at its next system call, and this one is computing without making any; try again later');
  }
  // Every task is parked: the host takes what they wrote to it (a CLI's stdout) before the rings are
  // saved, so those bytes are shown once, now, and not again after a restore.
  onParked();
  return describeKernel(k);
}

/** Restarts every task that has an image in a fresh worker, rewinding into it. */
export async function resumeFromImages(k: Kernel, modules: (hash: string) => Promise<WebAssembly.Module>): Promise<void> {
  for (const t of k.tasks.values()) {
    if (!t.alive || !t.image) continue;
    const image = t.image;
    t.image = null;
    t.snapshotRequested = false;
    k.startWorker(t, await modules(t.moduleHash), image);
    if (t.state === TaskState.Stopped) k.poke(t, 1 /* Pending.Stop */);
  }
}

/** The kernel's state as plain data (tasks must be parked as images). */
export function describeKernel(k: Kernel): KernelState {
  const fileIds = new Map<OpenFile, number>();
  const pipeIds = new Map<Pipe, number>();
  const files: FileState[] = [];
  const pipes: PipeState[] = [];
  const fileId = (f: OpenFile): number => {
    let id = fileIds.get(f);
    if (id !== undefined) return id;
    id = files.length;
    fileIds.set(f, id);
    if (f instanceof PipeEnd) {
      let pid = pipeIds.get(f.pipe);
      if (pid === undefined) {
        pid = pipes.length;
        pipeIds.set(f.pipe, pid);
        pipes.push({ id: pid, buffered: f.pipe.arena.peekAll(f.pipe.ring), created: f.pipe.created.toString() });
      }
      files.push({ id, kind: 'pipe', pipe: pid, read: f.isRead, flags: f.flags });
    } else if (f instanceof VfsFile) {
      files.push({ id, kind: 'vfs', node: f.node, offset: f.offset, readable: f.readable, writable: f.writable,
        path: f.path, flags: f.flags });
    } else if (f instanceof DeviceFile) {
      files.push({ id, kind: 'device', device: f.kind, readable: f.readable, writable: f.writable, flags: f.flags });
    } else if (f instanceof TtyFile) {
      files.push({ id, kind: 'tty', tty: f.tty.name, readable: f.readable, writable: f.writable, flags: f.flags });
    } else {
      throw new SnapshotError(`an open ${f.describe()} cannot be saved yet; close it and try again`);
    }
    return id;
  };
  const tasks: SavedTask[] = [];
  for (const t of [...k.tasks.values()].sort((a, b) => a.pid - b.pid)) {
    if (t === k.init) continue;
    tasks.push(describeTask(t, fileId, k.platform.monotonicMs()));
  }
  const hostFiles: Record<string, number> = {};
  for (const [name, f] of k.hostFiles) if (f.refs >= 0) hostFiles[name] = fileId(f);
  const ttys = [...k.ttys.values()].map((t) => t.save());
  return { nextPid: k.nextPid, tasks, files, pipes, vfs: k.vfs.save(), hostFiles, ttys };
}

function describeTask(t: Task, fileId: (f: OpenFile) => number, now: number): SavedTask {
  const fds: SavedTask['fds'] = [];
  for (const [fd, e] of t.fds.entries()) {
    fds.push({ fd, file: fileId(e.file), rightsBase: e.rightsBase.toString(), rightsInheriting: e.rightsInheriting.toString(),
      ...(e.preopen !== undefined ? { preopen: e.preopen } : {}), ...(e.cloexec ? { cloexec: true } : {}) });
  }
  return {
    pid: t.pid,
    ppid: t.parent?.pid ?? 0,
    pgid: t.pgid,
    sid: t.sid,
    argv: [...t.argv],
    env: [...t.env],
    state: t.state === TaskState.Blocked ? TaskState.Running : t.state,
    exitStatus: t.exitStatus,
    stopSignal: t.stopSignal,
    waitReport: t.waitReport,
    moduleHash: t.moduleHash,
    program: t.program,
    cpuNs: t.cpuNs(),
    fds,
    noNewPrivs: t.noNewPrivs,
    seccomp: t.seccomp ? t.seccomp.save() : null,
    signals: t.sig.save(now),
    ...(t.image ? { image: t.image } : {}),
  };
}
