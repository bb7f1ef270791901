/**
 * The kernel object: the task set and pids, process groups and sessions, the
 * pipes' ring arena, terminals, the VFS, limits, and the operations every
 * part of the kernel shares (spawn, answer or hold a call, start a task's
 * worker, request a snapshot image, wake a worker). Calls are served by
 * sys/dispatch.ts with the handlers of sys/; boot.ts puts the two together.
 */
import { Errno } from './abi/errno.js';
import { CallState, ChannelViews, CHANNEL_BYTES, DOORBELL_BYTES, Hint, MAX_FDS, Pending, W } from './channel.js';
import { DeviceFile } from './devices.js';
import { entryHint } from './fd-table.js';
import type { OpenFile } from './file.js';
import type { FilterStack } from './seccomp/filter-stack.js';
import { ModuleLoader, type LoadedModule } from './module-loader.js';
import { Pipe, PipeAllocator, PipeEnd } from './pipe.js';
import { RingArena } from './pipe-ring.js';
import type { Platform } from './platform.js';
import { ProcessGroup, Session } from './process-group.js';
import { PENDING, type PendingCall, Task, TaskState } from './task.js';
import { exitTask, reapIfInitChild } from './task-exit.js';
import { sendSignal, continueTask } from './task-signals.js';
import { createStandardTree, FileType as VfsType, type NodeHandle, type Vfs } from './vfs/index.js';
import { VfsFile } from './vfs-file.js';
import { ALL_RIGHTS, DIR_RIGHTS } from './abi/wasi-types.js';
import { SnapshotError } from './snapshot/capture.js';
import { RESTART, type TaskImage } from './snapshot/task-image.js';
import type { Tty } from './tty.js';

/** Serves one call a task posted on its channel: answers it (Kernel.answer) now or later. */
export type CallServer = (t: Task, c: ChannelViews) => void;

/** What a seccomp supervisor is told about a call a filter sent to it. */
export interface SeccompNotification {
  pid: number;
  /** Call number and name (syscall-table.ts). */
  nr: number;
  name: string;
  /** The first six arguments as the guest passed them. */
  args: bigint[];
}

/** Resource limits of one kernel (one sandbox session). */
export interface KernelLimits {
  /** Live tasks at once (EAGAIN from spawn beyond). */
  maxTasks: number;
  /** Open fds per task (EMFILE beyond). At most MAX_FDS. */
  maxFds: number;
  /** Pipes at once (ENFILE beyond). */
  maxPipes: number;
  /**
   * WebAssembly memory pages (64 KiB) per task: malloc gives ENOMEM beyond. Enforced as the
   * module's declared maximum, written by the rewrite (bundled guests carry the default).
   */
  maxMemoryPages: number;
  /** Bytes of file data the in-memory filesystem holds (ENOSPC beyond). */
  vfsBytes: number;
  /**
   * Guest memory of all live tasks together, as far as the kernel knows it (Task.memoryBytes: the size of
   * the last fork image of each task): a fork beyond it fails with ENOMEM, so a fork bomb stays bounded.
   */
  memoryBudgetBytes: number;
}

export const defaultLimits: KernelLimits = { maxTasks: 256, maxFds: MAX_FDS, maxPipes: 128, maxMemoryPages: 4096, vfsBytes: 256 << 20,
  memoryBudgetBytes: 2 ** 31 };

/** What to run: a host or a guest's spawn request, resolved. */
export interface SpawnSpec {
  /** The program's bytes (when the host gives them) ... */
  bytes?: Uint8Array;
  /** ... or an already loaded module. */
  loaded?: LoadedModule;
  argv: string[];
  env: string[];
  /** fd → description for the child's table (each gets a new reference). */
  fds: Map<number, { file: OpenFile; rightsBase: bigint; rightsInheriting: bigint; preopen?: string }>;
  /** Parent task (init when the host spawns). */
  parent?: Task;
  /** -1: parent's group; 0: new group led by the child; > 0: join that group. */
  pgid?: number;
  /** Start a new session (the host's first program, a shell). */
  newSession?: boolean;
  /** Where the program came from (a VFS path, or a host path for host-given bytes); snapshots record it. */
  program?: string;
  /** Filters to install before the program's first call (the CLI's --seccomp); children of a task inherit theirs. */
  seccomp?: FilterStack;
  /** Unwind for a snapshot before this many calls; 0/undefined = never. */
  snapshotAtSyscall?: number;
  /** Called with the new task before its worker starts (the host gives it a controlling terminal). */
  beforeStart?: (t: Task) => void;
}

/**
 * The kernel: the one authority for all task state. It owns the task set and
 * pids, process groups and sessions, fd tables and open files, pipes, signals;
 * it answers every call a task worker posts on its channel.
 *
 * Runs on an event loop (the page's kernel worker, or Node's main thread): it
 * waits for its doorbell with Atomics.waitAsync and handles calls as they come;
 * a call that must wait (wait(), poll, a stopped task) is held and answered later.
 */
export class Kernel {
  // Every field says who changes it and whether a snapshot keeps it (`@saved` / `@nosave`, as in task.ts);
  // snapshot/classification.test.ts keeps the classification complete.

  /** Live and zombie tasks by pid (init included). Changed by spawn and reap. @saved init is rebuilt by the constructor */
  readonly tasks = new Map<number, Task>();
  /** pid 1: a kernel-side init that adopts orphans and reaps them. It runs no guest. @nosave made by the constructor */
  readonly init: Task;
  /** Next pid to hand out. Changed by spawn. @saved */
  nextPid = 2;
  /** Doorbell workers ring after posting a call. @nosave every restored worker gets the new kernel's */
  readonly doorbell = new SharedArrayBuffer(DOORBELL_BYTES);
  /** View of `doorbell`. @nosave */
  private readonly bell = new Int32Array(this.doorbell);
  /** The shared ring arena and its allocator. @nosave ring contents are saved per pipe (PipeState.buffered) */
  readonly pipes: PipeAllocator;
  /** Compiled modules by hash. @nosave modules are named by hash; restore asks its caller for them */
  readonly modules: ModuleLoader;
  /** The filesystem every task sees. Replaced only by a restore, before any task runs. @saved Vfs.save */
  vfs: Vfs;
  /** Resource limits. Fixed at creation. @nosave the restoring host gives its own */
  readonly limits: KernelLimits;
  /** Fuel between preempt calls, given to every worker. @nosave a tuning of this kernel, not of the session */
  quantum = 100_000;
  /** Set when the kernel is shutting down; the doorbell loop ends. @nosave */
  private stopped = false;
  /** Listeners told when the task set or a task's state changes (the page's process panel). @nosave the host subscribes again */
  private readonly watchers = new Set<() => void>();
  /** Open files the host holds outside any fd table (a CLI's stdio ends), by name. @saved by open-file id */
  readonly hostFiles = new Map<string, OpenFile>();
  /** Tasks blocked in wait(): what to call when one of their children changes. @nosave held calls are re-issued */
  readonly childWaiters = new Map<Task, () => void>();
  /**
   * The host's answer to SECCOMP_RET_USER_NOTIF (gVisor lacks this action):
   * given the call, resolve `{errno}` to fail it or `{continue: true}` to run it.
   * Unset: such calls fail with ENOSYS, as Linux's do without a listener.
   * @nosave the restoring host sets its own supervisor
   */
  seccompSupervisor: ((n: SeccompNotification) => Promise<{ errno: number } | { continue: true }> | { errno: number } | { continue: true }) | null = null;
  /** Terminals by name ("pts/0"), created by the host (Sandbox.openTerminal). @saved tty.ts TtyState */
  readonly ttys = new Map<string, Tty>();
  /**
   * The task whose call is being handled (or retried after a wait) right now,
   * null otherwise. Set by dispatch and by the tty's wake-ups; files that need
   * the caller (the tty's job control) read it. @nosave
   */
  current: Task | null = null;
  /** Messages for the host's log (internal errors of workers). @nosave the host sets it */
  onLog: (msg: string) => void = () => {};
  /** Told of every task that exits, after its fds closed (the terminals, for their session leader). @nosave re-registered by boot.ts */
  readonly exitListeners = new Set<(t: Task) => void>();
  /** Images a forking task's worker posted, until its proc_fork call takes them (sys/sys-fork.ts). @nosave a snapshot never meets a fork half done: proc_fork finishes first */
  readonly forkImages = new Map<Task, TaskImage>();
  /** Forking tasks whose proc_fork call waits for their image: what to call when it comes. @nosave as forkImages */
  readonly forkWaiters = new Map<Task, () => void>();
  /** Serves one posted call (sys/dispatch.ts). @nosave made by the constructor */
  private readonly serveCall: CallServer;

  constructor(
    /** Workers, clocks, randomness, hashing. @nosave the restoring host's */
    readonly platform: Platform,
    limits: Partial<KernelLimits>,
    /** Makes the function that serves one posted call (sys/dispatch.ts; boot.ts wires them). */
    callServer: (k: Kernel) => CallServer,
  ) {
    this.serveCall = callServer(this);
    this.limits = { ...defaultLimits, ...limits };
    this.limits.maxFds = Math.min(this.limits.maxFds, MAX_FDS);
    const arena = new RingArena(new SharedArrayBuffer(RingArena.bytesFor(this.limits.maxPipes + 1)));
    this.pipes = new PipeAllocator(arena, () => platform.realtimeNs());
    this.modules = new ModuleLoader(platform, this.limits.maxMemoryPages);
    this.vfs = createStandardTree({ clock: () => platform.realtimeNs(), random: (b) => platform.randomFill(b) },
      { maxBytes: this.limits.vfsBytes });
    this.init = new Task(1, ['init'], [], this.limits.maxFds, () => {});
    const session = new Session(1);
    const group = new ProcessGroup(1, session);
    this.init.pgrp = group;
    group.members.add(this.init);
    this.init.state = TaskState.Blocked;
    this.tasks.set(1, this.init);
    void this.loop();
  }

  /** Stops serving calls and kills every task. */
  shutdown(): void {
    this.stopped = true;
    this.platform.dispose?.();
    for (const t of this.tasks.values()) if (t !== this.init && t.alive) t.worker?.terminate();
    Atomics.add(this.bell, 0, 1);
    Atomics.notify(this.bell, 0);
  }

  // ---- the doorbell loop ------------------------------------------------------

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const seen = Atomics.load(this.bell, 0);
      this.scan();
      const r = Atomics.waitAsync(this.bell, 0, seen);
      if (r.async) await r.value;
    }
  }

  /** Hands every posted call not yet taken to the call server (sys/dispatch.ts). */
  private scan(): void {
    for (const t of this.tasks.values()) {
      const c = t.channel;
      if (c && !t.inCall && t.alive && Atomics.load(c.i32, W.State) === CallState.Posted) {
        t.inCall = true;
        this.serveCall(t, c);
      }
    }
  }

  /**
   * Answers a task's current call. Held while the task is stopped (delivered
   * by SIGCONT); dropped when the task is gone, or when `id` names a call that
   * is no longer the current one (a late answer after a snapshot or restart).
   */
  answer(t: Task, errno: number, id?: number): void {
    if (!t.alive || !t.channel) return;
    if (id !== undefined && (!t.inCall || id !== t.callId)) return;
    t.pending = null;
    // A stopped task keeps its answer until SIGCONT, unless a snapshot waits for it to reach its next call.
    if (t.state === TaskState.Stopped && !t.snapshotRequested) {
      t.heldAnswer = errno;
      return;
    }
    if (t.state === TaskState.Blocked) t.state = TaskState.Running;
    const c = t.channel;
    c.i32[W.Errno] = errno;
    t.inCall = false;
    Atomics.store(c.i32, W.State, CallState.Done);
    Atomics.notify(c.i32, W.State);
    this.changed();
  }

  /**
   * Holds the task's current call until `answer` (the handler returns PENDING
   * after calling this). `onSnapshot` says whether a snapshot may cancel and
   * re-issue it ('restart', the default: the call has had no effect yet) or
   * must let it finish first ('finish').
   */
  block(t: Task, nr: number, cancel: () => void, onSnapshot: PendingCall['onSnapshot'] = 'restart'): number {
    t.pending = { id: t.callId, nr, cancel, onSnapshot };
    if (t.state === TaskState.Running) t.state = TaskState.Blocked;
    this.changed();
    return PENDING;
  }

  /** Sets pending-work bits for a task's worker and wakes it wherever it sleeps. */
  poke(t: Task, bits: Pending): void {
    const c = t.channel;
    if (!c) return;
    Atomics.or(c.i32, W.Pending, bits);
    Atomics.notify(c.i32, W.Pending);
    const ring = Atomics.load(c.i32, W.WaitRing);
    if (ring > 0) this.pipes.arena.bump(ring - 1);
  }

  clearPending(t: Task, bits: Pending): void {
    if (t.channel) Atomics.and(t.channel.i32, W.Pending, ~bits);
  }

  // ---- tasks ---------------------------------------------------------------------

  /** Starts a program as a new task. Returns the task, or throws ModuleError / returns an errno. */
  async spawn(spec: SpawnSpec): Promise<Task | Errno> {
    const loaded = spec.loaded ?? await this.modules.load(spec.bytes!);
    const parent = spec.parent ?? this.init;
    if (!parent.alive) return Errno.SRCH;
    let live = 0;
    for (const t of this.tasks.values()) if (t.alive) live++;
    if (live >= this.limits.maxTasks) return Errno.AGAIN;

    // Resolve the group before creating anything, so a refusal leaves no trace.
    const pid = this.nextPid;
    let group: ProcessGroup | undefined;
    const pgid = spec.pgid ?? -1;
    if (spec.newSession) group = undefined;
    else if (pgid === -1) group = parent.pgrp;
    else if (pgid === 0) group = undefined;
    else {
      group = this.findGroup(pgid);
      if (!group || group.session !== parent.pgrp.session) return Errno.PERM;
    }
    this.nextPid++;

    const t = new Task(pid, spec.argv, spec.env, this.limits.maxFds, (task, fd) => this.fdChanged(task, fd));
    t.moduleHash = loaded.hash;
    t.program = spec.program ?? '';
    t.seccomp = spec.seccomp ?? parent.seccomp?.clone() ?? null;
    t.noNewPrivs = parent.noNewPrivs || spec.seccomp !== undefined;
    t.parent = parent;
    t.sig = parent.sig.forChild();
    parent.children.add(t);
    if (!group) {
      const session = spec.newSession ? new Session(pid) : parent.pgrp.session;
      group = new ProcessGroup(pid, session);
    }
    t.pgrp = group;
    group.members.add(t);
    for (const [fd, e] of spec.fds) t.fds.put(fd, { ...e });
    this.tasks.set(pid, t);
    spec.beforeStart?.(t);

    this.startWorker(t, loaded.module, undefined, spec.snapshotAtSyscall ?? 0);
    this.changed();
    return t;
  }

  /**
   * Starts a task's worker: fresh (at _start) or rewinding into a saved image.
   * The channel is new either way; the fd hints are written from the fd table.
   */
  startWorker(t: Task, module: WebAssembly.Module, restore?: TaskImage, snapshotAtSyscall = 0): void {
    t.channel = new ChannelViews(new SharedArrayBuffer(CHANNEL_BYTES));
    t.inCall = false;
    this.writeAllHints(t);
    const pid = t.pid;
    t.worker = this.platform.startTaskWorker({
      channel: t.channel.sab,
      doorbell: this.doorbell,
      arena: this.pipes.arena.sab,
      module,
      pid,
      args: [...t.argv],
      env: [...t.env],
      quantum: this.quantum,
      restore,
      snapshotAtSyscall,
      ...(t.seccomp ? { seccomp: t.seccomp.save() } : {}),
    }, {
      onError: (message) => {
        if (!t.alive) return;
        this.onLog(`kernel: worker of pid ${pid} failed: ${message}`);
        this.writeStderr(t, `${t.argv[0] ?? 'program'}: internal error: ${message}\n`);
        exitTask(this, t, 6 /* SIGABRT */);
      },
      onImage: (image) => {
        if ((image as { fork?: unknown }).fork === true) {
          // A fork: the worker goes on (it rewinds into the parent's side); its proc_fork call takes the image.
          if (!t.alive) return;
          this.forkImages.set(t, image);
          this.forkWaiters.get(t)?.();
          return;
        }
        t.image = image;
        t.worker?.terminate();
        t.worker = null;
        t.cpuBaseNs = t.cpuNs();
        t.channel = null;
        t.inCall = false;
        const cb = t.onImage;
        t.onImage = null;
        cb?.(image);
      },
    });
  }

  // ---- fork and exec (the calls are sys/sys-fork.ts and sys/sys-exec.ts) --------------------------

  /** Live tasks' memory as the kernel knows it (KernelLimits.memoryBudgetBytes). */
  memoryInUse(): number {
    let n = 0;
    for (const t of this.tasks.values()) if (t.alive) n += t.memoryBytes;
    return n;
  }

  /**
   * fork(): a new task, child of `parent`, in its group and session, with a copy of its fd table (the same
   * open descriptions, so offsets are shared; close-on-exec flags copied), program, argv and env, seccomp
   * filters, no_new_privs, signal dispositions and mask; its worker rewinds `image` (the parent unwound at proc_fork) and sees 0.
   * EAGAIN at the task limit, ENOMEM beyond the memory budget.
   */
  forkTask(parent: Task, image: TaskImage): Task | Errno {
    const module = this.modules.compiled(parent.moduleHash);
    if (!module) return Errno.NOSYS;
    let live = 0;
    for (const t of this.tasks.values()) if (t.alive) live++;
    if (live >= this.limits.maxTasks) return Errno.AGAIN;
    parent.memoryBytes = image.memory.length;
    if (this.memoryInUse() + image.memory.length > this.limits.memoryBudgetBytes) return Errno.NOMEM;
    const pid = this.nextPid++;
    const t = new Task(pid, parent.argv, parent.env, this.limits.maxFds, (task, fd) => this.fdChanged(task, fd));
    t.moduleHash = parent.moduleHash;
    t.program = parent.program;
    t.memoryBytes = image.memory.length;
    t.seccomp = parent.seccomp?.clone() ?? null;
    t.noNewPrivs = parent.noNewPrivs;
    // Dispositions (handlers too: the same module) and the mask are copied; nothing pending, no alarm (fork(2)).
    const sig = parent.sig.forChild();
    sig.kind = [...parent.sig.kind];
    sig.handler = [...parent.sig.handler];
    sig.flags = [...parent.sig.flags];
    sig.mask = [...parent.sig.mask];
    t.sig = sig;
    t.parent = parent;
    parent.children.add(t);
    t.pgrp = parent.pgrp;
    parent.pgrp.members.add(t);
    for (const [fd, e] of parent.fds.entries()) t.fds.put(fd, { ...e });
    this.tasks.set(pid, t);
    this.startWorker(t, module, image);
    this.changed();
    return t;
  }

  /**
   * execve(): the task runs another program from its _start, keeping its pid, parent, group, session,
   * fds without close-on-exec, seccomp filters and no_new_privs. Its worker is ended wherever it is
   * (in the proc_exec call); a new one starts with the new argv and env.
   */
  execTask(t: Task, loaded: LoadedModule, argv: string[], env: string[], program: string): void {
    if (!t.alive) return;
    t.worker?.terminate();
    t.worker = null;
    // A killed worker may hold a ring lock; release it as exit does.
    for (let ring = 1; ring < this.pipes.arena.slots; ring++) this.pipes.arena.breakLocks(ring, t.pid);
    t.cpuBaseNs = t.cpuNs();
    t.pending = null;
    t.heldAnswer = null;
    if (t.state === TaskState.Blocked) t.state = TaskState.Running;
    t.fds.closeOnExec();
    // Caught signals go back to their default, ignored ones stay; the mask, pending signals and the alarm stay (execve(2)).
    const reset = t.sig.forChild();
    t.sig.kind = reset.kind;
    t.sig.handler = reset.handler;
    t.sig.flags = reset.flags;
    t.sig.mask = reset.mask;
    t.argv = argv;
    t.env = env;
    t.moduleHash = loaded.hash;
    t.program = program;
    t.memoryBytes = 0;
    this.startWorker(t, loaded.module);
    this.changed();
  }

  /**
   * Asks a live task to unwind at its next syscall entry and send its image.
   * A held call that has had no effect is answered RESTART (it is re-issued
   * after the restore); one that must finish (a spawn in progress) is left to
   * finish, and the task unwinds at its next call; a call that already took
   * effect (an answer held while stopped, a stop checkpoint) completes first.
   */
  requestImage(t: Task): Promise<TaskImage> {
    if (t.image) return Promise.resolve(t.image);
    const noUnwind = this.modules.unwindProblem(t.moduleHash);
    if (noUnwind !== undefined) {
      // Refused before asking the task: it could never answer (src/instrument: RewriteInfo.noUnwind).
      return Promise.reject(new SnapshotError(`${t.argv[0] ?? 'program'} (pid ${t.pid}${t.program ? `, ${t.program}` : ''}) `
        + `cannot be saved in a snapshot: ${noUnwind}; take the snapshot once it has exited`));
    }
    const p = new Promise<TaskImage>((resolve) => { t.onImage = resolve; });
    t.snapshotRequested = true;
    this.poke(t, Pending.Snapshot);
    if (t.pending) {
      if (t.pending.onSnapshot === 'restart') {
        t.pending.cancel();
        t.pending = null;
        this.answerNow(t, RESTART);
      }
    } else if (t.atCheckpoint) {
      t.atCheckpoint = false;
      this.answerNow(t, 0);
    } else if (t.heldAnswer !== null) {
      const e = t.heldAnswer;
      t.heldAnswer = null;
      this.answerNow(t, e);
    }
    return p;
  }

  /** Answers a call even while the task is stopped (snapshots, and the checkpoint a snapshot waits for). */
  answerNow(t: Task, errno: number): void {
    const c = t.channel;
    if (!c) return;
    c.i32[W.Errno] = errno;
    t.inCall = false;
    Atomics.store(c.i32, W.State, CallState.Done);
    Atomics.notify(c.i32, W.State);
  }

  /**
   * The process group `pgid`, while any member is in the task set. Zombies
   * count, as on Linux: a pipeline's first process may have exited (not yet
   * reaped) when the shell spawns the next one into its group.
   */
  findGroup(pgid: number): ProcessGroup | undefined {
    for (const t of this.tasks.values()) if (t !== this.init && t.pgrp.pgid === pgid) return t.pgrp;
    return undefined;
  }

  /** Sends a signal to one task (default actions; handlers come with the signals issue). */
  raise(t: Task, sig: number): void {
    sendSignal(this, t, sig);
  }

  /**
   * The program a spawn names: a path in the VFS, or a bare name looked up in
   * /bin (with or without .wasm), with the path it was found at; an errno when there is none.
   */
  findProgram(path: string): { path: string; bytes: Uint8Array } | Errno {
    const candidates = path.includes('/') ? [path] : [`/bin/${path}`, `/bin/${path}.wasm`];
    let err: Errno = Errno.NOENT;
    for (const p of candidates) {
      const abs = p.startsWith('/') ? p : `/${p}`;
      const r = this.readFile(abs);
      if (typeof r !== 'number') return { path: abs, bytes: r };
      if (r !== Errno.NOENT) err = r;
    }
    return err;
  }

  /** Reads a whole file from the VFS by absolute path (EISDIR for a directory, EACCES for a device). */
  readFile(path: string): Uint8Array | Errno {
    const h = this.vfs.open(this.vfs.root, path, { follow: true });
    if (typeof h === 'number') return h;
    try {
      const type = this.vfs.fileType(h);
      if (type === VfsType.DIRECTORY) return Errno.ISDIR;
      if (type !== VfsType.REGULAR_FILE) return Errno.ACCES;
      const size = this.vfs.sizeOf(h);
      if (size < 0) return -size;
      const out = new Uint8Array(size);
      const n = this.vfs.read(h, 0, out);
      return n < 0 ? -n : out.subarray(0, n);
    } finally {
      this.vfs.close(h);
    }
  }

  /**
   * An fd entry for a preopened directory: the VFS directory at `path`, which
   * fd_prestat_dir_name reports as `name` (the Sandbox puts its spec's preopens
   * at fds 3, 4, ...). Paths resolved from it are confined to it unless it is
   * the VFS root (vfs.ts, ResolveOptions.confine).
   */
  preopen(path: string, name = path): { file: OpenFile; rightsBase: bigint; rightsInheriting: bigint; preopen: string } | Errno {
    const h: NodeHandle | Errno = this.vfs.open(this.vfs.root, path, { oflags: 2 /* DIRECTORY */ });
    if (typeof h === 'number') return h;
    return { file: new VfsFile(this.vfs, h, true, false, path), rightsBase: BigInt(DIR_RIGHTS),
      rightsInheriting: BigInt(ALL_RIGHTS), preopen: name };
  }

  /** Continues a stopped task (SIGCONT's effect); exported for the signals code. */
  resume(t: Task): void {
    continueTask(this, t);
  }

  /** Reaps a zombie: removes it from the task set. */
  reap(t: Task): void {
    t.state = TaskState.Dead;
    this.forkImages.delete(t);
    t.parent?.children.delete(t);
    t.pgrp.members.delete(t);
    if (t.pgrp.members.size === 0) t.pgrp.session.groups.delete(t.pgrp);
    this.tasks.delete(t.pid);
    this.changed();
  }

  /** Called by task-exit when a child of init becomes a zombie. */
  initReap(t: Task): void {
    reapIfInitChild(this, t);
  }

  // ---- files -----------------------------------------------------------------------

  /** A new pipe, or undefined at the pipe limit. */
  newPipe(): Pipe | undefined {
    return this.pipes.create();
  }

  /** Both ends of a new pipe as open files, owned by `owner` for lock recovery. */
  pipeEnds(owner: () => number): [PipeEnd, PipeEnd] | undefined {
    const p = this.newPipe();
    if (!p) return undefined;
    return [new PipeEnd(p, true, owner), new PipeEnd(p, false, owner)];
  }

  device(kind: 'null' | 'zero' | 'urandom', readable: boolean, writable: boolean): DeviceFile {
    return new DeviceFile(kind, readable, writable, (b) => this.platform.randomFill(b), () => this.platform.realtimeNs());
  }

  /** Writes a message to a task's stderr when it can take it without blocking (traps, kernel notices). */
  writeStderr(t: Task, text: string): void {
    const e = t.fds.get(2);
    if (!e) return;
    e.file.write(new TextEncoder().encode(text));
  }

  /** Rewrites one fd's hint in the task's channel (the fd table changed). */
  refreshHint(t: Task, fd: number): void {
    this.fdChanged(t, fd);
  }

  private fdChanged(t: Task, fd: number): void {
    const c = t.channel;
    if (!c || fd < 0 || fd >= c.hints.length) return;
    const e = t.fds.get(fd);
    Atomics.store(c.hints, fd, e ? entryHint(e) : Hint.Kernel);
  }

  /** Rewrites every fd hint of a task (new worker, restore, flags changed). */
  writeAllHints(t: Task): void {
    const c = t.channel;
    if (!c) return;
    c.hints.fill(0);
    for (const [fd, e] of t.fds.entries()) if (fd < c.hints.length) c.hints[fd] = entryHint(e);
  }

  /** Re-derives one fd's hint after its description changed (fd_fdstat_set_flags). */
  refreshHintsFor(file: OpenFile): void {
    for (const t of this.tasks.values()) {
      for (const [fd, e] of t.fds.entries()) if (e.file === file) this.fdChanged(t, fd);
    }
  }

  // ---- observers -----------------------------------------------------------------

  watch(cb: () => void): () => void {
    this.watchers.add(cb);
    return () => this.watchers.delete(cb);
  }

  changed(): void {
    for (const w of this.watchers) w();
  }
}
