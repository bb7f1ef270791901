import { type ChannelViews, W } from './channel.js';
import { FdTable } from './fd-table.js';
import type { TaskWorkerHandle } from './platform.js';
import type { ProcessGroup } from './process-group.js';
import type { TaskImage } from './snapshot/task-image.js';
import type { FilterStack } from './seccomp/filter-stack.js';
import { SignalState } from './signal-state.js';

/** Where a task is in its life (kernel/README.md has the diagram). */
export const enum TaskState {
  /** Running guest code in its worker (or between calls). */
  Running = 'running',
  /** Blocked in a call the kernel has left pending (wait, poll, a full pipe...). */
  Blocked = 'blocked',
  /** Stopped by a stop signal; answers to its calls are held until SIGCONT. */
  Stopped = 'stopped',
  /** Exited or killed; its wait status waits for the parent's wait(). */
  Zombie = 'zombie',
  /** Reaped: gone from the task set. */
  Dead = 'dead',
}

/** A handler's answer when it holds the call to answer later (Kernel.block, Kernel.answer). Never an errno. */
export const PENDING = -1;

/** A call the kernel has left pending, with how to finish it early. */
export interface PendingCall {
  /** Which call of the task this is ({@link Task.callId} when it was taken); a late answer for another is dropped. */
  id: number;
  /** Call number, for listings. */
  nr: number;
  /** Stops waiting (timers, watchers) without answering; the caller answers. */
  cancel(): void;
  /**
   * What a snapshot does with the call: 'restart' (cancel it and have the
   * worker unwind and re-issue it after the restore: it has had no effect yet)
   * or 'finish' (let it complete and answer first, because its effect cannot
   * be undone or repeated: a spawn in progress creates a child once).
   */
  onSnapshot: 'restart' | 'finish';
}

/**
 * A task: one guest process (wVisor guests are single-threaded, so a process is
 * one task, as a thread group of one in gVisor). Plain data plus handles the
 * kernel rebuilds after a restore.
 *
 * Every field's comment says what it means, who changes it, and whether a
 * snapshot keeps it: `@saved` (describeKernel writes it, restoreKernel reads
 * it back) or `@nosave` (and what rebuilds it after a restore, as gVisor's
 * `state:"nosave"` + `afterLoad`). snapshot/classification.test.ts fails on a
 * field with neither, and checks that every `@saved` field survives a round trip.
 */
export class Task {
  /** Parent task; init for orphans. Changed on spawn and re-parenting. @saved as ppid */
  parent: Task | null = null;
  /** Live and zombie children. Changed by spawn/reap/re-parenting. @nosave rebuilt from each task's ppid */
  readonly children = new Set<Task>();
  /** Process group. Changed by setpgid/setsid. @saved as pgid and sid */
  pgrp!: ProcessGroup;
  /** Run state. Changed by the kernel only. @saved blocked is saved as running (its call is re-issued) */
  state: TaskState = TaskState.Running;
  /** Open fds. Changed by the task's own calls (and spawn). @saved by open-file id */
  readonly fds: FdTable;
  /** Linux wait status once a zombie. Set by becomeZombie. @saved */
  exitStatus = 0;
  /** Signal that stopped the task (WSTOPSIG). Changed by task-signals.ts. @saved */
  stopSignal = 0;
  /** A stop or continue not yet reported to a waiting parent (WUNTRACED/WCONTINUED). Changed by task-signals.ts and wait. @saved */
  waitReport: 'stopped' | 'continued' | null = null;
  /** Numbers the calls the kernel takes from the worker (dispatch increments it). @nosave a restored task's calls start over */
  callId = 0;
  /** The call the kernel is holding, if any. Set by Kernel.block, cleared by answer. @nosave a restored task re-issues its call */
  pending: PendingCall | null = null;
  /** An answer (errno) held while the task is stopped. Set by answer. @nosave a snapshot delivers it before imaging */
  heldAnswer: number | null = null;
  /** The worker is parked at a stop checkpoint. @nosave a restored stopped task is parked again by resumeFromImages */
  atCheckpoint = false;
  /** True while the kernel is handling or holding one of the task's calls. @nosave a restored task has no call yet */
  inCall = false;
  /** Channel page shared with the worker. @nosave a fresh one is made by startWorker */
  channel: ChannelViews | null = null;
  /** The worker running the guest. @nosave restarted by resumeFromImages */
  worker: TaskWorkerHandle | null = null;
  /** Resolves with the wait status when the task becomes a zombie. @nosave made by the constructor */
  readonly exited: Promise<number>;
  /** Settles `exited`. @nosave made by the constructor */
  private resolveExit!: (status: number) => void;
  /** SHA-256 of the (rewritten) module the task runs. Changed by spawn. @saved */
  moduleHash = '';
  /** Where the module came from: a VFS path, or `host:PATH` for bytes the host gave. Changed by spawn. @saved restore finds the module there */
  program = '';
  /** A snapshot asked this task to unwind at its next syscall entry. Set by requestImage. @nosave */
  snapshotRequested = false;
  /** The task's user-space state once unwound for a snapshot. Set by the worker's image message. @saved it is the snapshot */
  image: TaskImage | null = null;
  /** Called when `image` arrives. Set by requestImage. @nosave */
  onImage: ((image: TaskImage) => void) | null = null;
  /** seccomp filters (the authority; the worker evaluates a copy). Changed by seccomp(); inherited by children. @saved a restore never loosens the sandbox */
  seccomp: FilterStack | null = null;
  /** prctl(PR_SET_NO_NEW_PRIVS): required before installing a filter, as Linux requires without CAP_SYS_ADMIN. Inherited. @saved */
  noNewPrivs = false;
  /** Guest memory (bytes) as the kernel last learnt it (a fork's image; 0 until then), for the kernel's memory budget. Changed by fork and exec. @nosave an estimate, learnt again at the next fork */
  memoryBytes = 0;
  /** Signal dispositions, mask, pending set and alarm (signal-state.ts). Changed by the signal calls and task-signals.ts; spawn gives the child forChild(). @saved as signals */
  sig = new SignalState();
  /** CPU time (ns) from before the current worker (earlier workers, before a restore). Changed when a worker parks. @saved as cpuNs, with the worker's share added */
  cpuBaseNs = 0;

  constructor(
    /** Process id. Fixed. @saved */
    readonly pid: number,
    /** Argument vector (argv[0] is the program's name). Changed by exec. @saved */
    public argv: readonly string[],
    /** Environment as NAME=VALUE strings. Changed by exec. @saved */
    public env: readonly string[],
    fdLimit: number,
    onFdChange: (t: Task, fd: number) => void,
  ) {
    this.fds = new FdTable(fdLimit, (fd) => onFdChange(this, fd));
    this.exited = new Promise((r) => { this.resolveExit = r; });
  }

  /** Marks the task a zombie with a wait status. Called once, by task-exit.ts. */
  becomeZombie(status: number): void {
    this.exitStatus = status;
    this.state = TaskState.Zombie;
    this.resolveExit(status);
  }

  get alive(): boolean {
    return this.state !== TaskState.Zombie && this.state !== TaskState.Dead;
  }

  /**
   * The state to show in process lists: a task waiting inside its worker (a
   * pipe ring, a sleep) is blocked though the kernel holds no call of its.
   */
  shownState(): TaskState {
    if (this.state === TaskState.Running && this.channel && Atomics.load(this.channel.i32, W.Running) === 0) {
      return TaskState.Blocked;
    }
    return this.state;
  }

  /** Process group id. */
  get pgid(): number { return this.pgrp.pgid; }
  /** Session id. */
  get sid(): number { return this.pgrp.session.sid; }
  /** Command line for listings. */
  get command(): string { return this.argv.join(' '); }

  /** CPU time the worker reports (ns), as of its last call. */
  cpuNs(): number {
    const c = this.channel;
    if (!c) return this.cpuBaseNs;
    return this.cpuBaseNs + (c.i32[8] >>> 0) + (c.i32[9] >>> 0) * 0x100000000;
  }
}

/** Linux wait-status encodings. */
export const waitStatus = {
  exited: (code: number) => (code & 0xff) << 8,
  signaled: (sig: number) => sig & 0x7f,
  stopped: (sig: number) => ((sig & 0xff) << 8) | 0x7f,
  continued: 0xffff,
};
