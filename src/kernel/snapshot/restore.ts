import type { OpenFile } from '../file.js';
import { bootKernel } from '../boot.js';
import type { Kernel, KernelLimits } from '../kernel.js';
import { PipeEnd } from '../pipe.js';
import type { Platform } from '../platform.js';
import { ProcessGroup, Session } from '../process-group.js';
import { Task, TaskState } from '../task.js';
import { Tty, TtyFile } from '../tty.js';
import { VfsFile } from '../vfs-file.js';
import { Vfs } from '../vfs/index.js';
import { attachProcFs } from '../vfs/proc-fs.js';
import { FilterStack } from '../seccomp/filter-stack.js';
import { SignalState } from '../signal-state.js';
import { armAlarm } from '../task-signals.js';
import { resumeFromImages, SnapshotError } from './capture.js';
import type { KernelState } from './kernel-state.js';

/**
 * Builds a kernel from saved state and restarts its tasks from their images.
 * `modules` gives the compiled module for a hash; it throws SnapshotError
 * when one is missing, before anything starts (restore never half-applies).
 */
export async function restoreKernel(
  platform: Platform,
  state: KernelState,
  modules: (hash: string, k: Kernel) => Promise<WebAssembly.Module>,
  limits: Partial<KernelLimits> = {},
): Promise<Kernel> {
  const k = bootKernel(platform, limits);
  try {
    return await build(k, platform, state, modules);
  } catch (e) {
    k.shutdown();
    throw e;
  }
}

async function build(k: Kernel, platform: Platform, state: KernelState,
  modules: (hash: string, k: Kernel) => Promise<WebAssembly.Module>): Promise<Kernel> {
  try {
    k.vfs = Vfs.load(state.vfs, { clock: () => platform.realtimeNs(), random: (b) => platform.randomFill(b) });
    attachProcFs(k.vfs, k);
  } catch (e) {
    throw new SnapshotError(`the snapshot's filesystem cannot be loaded: ${(e as Error).message}`);
  }
  // Resolve every module before anything runs: a missing one refuses the restore.
  const compiled = new Map<string, WebAssembly.Module>();
  for (const t of state.tasks) {
    if (t.image && !compiled.has(t.moduleHash)) compiled.set(t.moduleHash, await modules(t.moduleHash, k));
  }

  const owner = () => 0;
  const pipes = state.pipes.map(() => {
    const p = k.newPipe();
    if (!p) throw new SnapshotError('the snapshot has more pipes than this kernel allows; raise maxPipes');
    return p;
  });
  // Terminals come back without a host: their output waits in the ring until the host attaches (Sandbox.terminal).
  const ttys = new Map<string, Tty>();
  for (const s of state.ttys ?? []) {
    const pipe = k.newPipe();
    if (!pipe) throw new SnapshotError('the snapshot has more pipes and terminals than this kernel allows; raise maxPipes');
    const tty = new Tty(k, s.name, pipe, { cols: s.cols, rows: s.rows });
    tty.load(s, null);
    ttys.set(s.name, tty);
    k.ttys.set(s.name, tty);
  }
  const files: OpenFile[] = state.files.map((f) => {
    let file: OpenFile;
    switch (f.kind) {
      case 'pipe': file = new PipeEnd(pipes[f.pipe], f.read, owner); break;
      case 'vfs': {
        const v = new VfsFile(k.vfs, f.node, f.readable, f.writable, f.path);
        v.offset = f.offset;
        file = v;
        break;
      }
      case 'device': file = k.device(f.device, f.readable, f.writable); break;
      case 'tty': {
        const tty = ttys.get(f.tty);
        if (!tty) throw new SnapshotError(`an open file names terminal ${f.tty}, which the snapshot lacks; the file is corrupt`);
        file = new TtyFile(k, tty, f.readable, f.writable);
        break;
      }
      default: throw new SnapshotError('the snapshot names an unknown kind of open file; it was made by another version');
    }
    file.flags = f.flags;
    return file;
  });
  // Refill the rings now that each has its ends.
  state.pipes.forEach((p, i) => {
    const a = pipes[i].arena;
    a.addEnds(pipes[i].ring, 1, 1); // a temporary reader and writer so the bytes go in
    let off = 0;
    while (off < p.buffered.length) {
      const n = a.tryWrite(pipes[i].ring, p.buffered.subarray(off), 0);
      if (n <= 0) throw new SnapshotError('a pipe in the snapshot holds more than a pipe can; the file is corrupt');
      off += n;
    }
    a.addEnds(pipes[i].ring, -1, -1);
  });
  for (const [name, id] of Object.entries(state.hostFiles)) k.hostFiles.set(name, files[id]);

  const sessions = new Map<number, Session>([[1, k.init.pgrp.session]]);
  const groups = new Map<number, ProcessGroup>([[1, k.init.pgrp]]);
  const tasks = new Map<number, Task>();
  for (const s of state.tasks) {
    const t = new Task(s.pid, s.argv, s.env, k.limits.maxFds, (task, fd) => k.refreshHint(task, fd));
    t.moduleHash = s.moduleHash;
    t.program = s.program;
    t.cpuBaseNs = s.cpuNs;
    t.noNewPrivs = s.noNewPrivs;
    if (s.seccomp) {
      // Policy comes back with the task or the restore fails: it never runs a task with fewer filters than it had.
      try {
        t.seccomp = FilterStack.load(s.seccomp);
      } catch (e) {
        throw new SnapshotError(`task ${s.pid}'s seccomp filters cannot be loaded (${(e as Error).message}); the file is corrupt`);
      }
    }
    t.stopSignal = s.stopSignal;
    if (s.signals) t.sig = SignalState.load(s.signals, platform.monotonicMs());
    t.waitReport = s.waitReport;
    let session = sessions.get(s.sid);
    if (!session) { session = new Session(s.sid); sessions.set(s.sid, session); }
    let group = groups.get(s.pgid);
    if (!group) { group = new ProcessGroup(s.pgid, session); groups.set(s.pgid, group); }
    t.pgrp = group;
    group.members.add(t);
    for (const e of s.fds) {
      const file = files[e.file];
      if (!file) throw new SnapshotError(`task ${s.pid} names an open file the snapshot lacks; the file is corrupt`);
      t.fds.put(e.fd, { file, rightsBase: BigInt(e.rightsBase), rightsInheriting: BigInt(e.rightsInheriting),
        ...(e.preopen !== undefined ? { preopen: e.preopen } : {}), ...(e.cloexec ? { cloexec: true } : {}) });
    }
    if (s.state === TaskState.Zombie) t.becomeZombie(s.exitStatus);
    else if (s.state === TaskState.Stopped) t.state = TaskState.Stopped;
    if (s.image) t.image = s.image;
    else if (s.state !== TaskState.Zombie) {
      throw new SnapshotError(`task ${s.pid} has no saved state in the snapshot; the file is corrupt`);
    }
    tasks.set(s.pid, t);
    k.tasks.set(s.pid, t);
  }
  for (const s of state.tasks) {
    const t = tasks.get(s.pid)!;
    const parent = tasks.get(s.ppid) ?? k.init;
    t.parent = parent;
    parent.children.add(t);
  }
  for (const s of state.ttys ?? []) {
    const tty = ttys.get(s.name)!;
    tty.session = s.sid ? sessions.get(s.sid) ?? null : null;
  }
  k.nextPid = state.nextPid;
  for (const t of k.tasks.values()) if (t.alive) armAlarm(k, t);
  await resumeFromImages(k, async (hash) => compiled.get(hash)!);
  k.changed();
  return k;
}
