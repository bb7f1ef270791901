import { type ChannelViews, W } from './channel.js';
import { FdTable } from './fd-table.js';
import type { TaskWorkerHandle } from './platform.js';
import type { ProcessGroup } from './process-group.js';
import type { TaskImage } from './snapshot/task-image.js';
import type { FilterStack } from './seccomp/filter-stack.js';

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

/** A call the kernel has left pending, with how to finish it early. */
export interface PendingCall {
  /** Call number, for listings. */
  nr: number;
  /** Stops waiting (timers, watchers) without answering; the caller answers. */
  cancel(): void;
}

/**
 * A task: one guest process (wVisor guests are single-threaded, so a process is
 * one task, as a thread group of one in gVisor). Plain data plus handles the
 * kernel rebuilds after a restore.
 */
export class Task {
  /** Parent task; init for orphans. Changed on re-parenting. Saved (as pid). */
  parent: Task | null = null;
  /** Live and zombie children. Changed by spawn/reap/re-parenting. Saved (as pids). */
  readonly children = new Set<Task>();
  /** Process group. Changed by setpgid/setsid. Saved (as pgid). */
  pgrp!: ProcessGroup;
  /** Run state. Changed by the kernel only. Saved. */
  state: TaskState = TaskState.Running;
  /** Open fds. Changed by the task's own calls (and spawn). Saved. */
  readonly fds: FdTable;
  /** Linux wait status once a zombie. Saved. */
  exitStatus = 0;
  /** Signal that stopped the task (WSTOPSIG). Saved. */
  stopSignal = 0;
  /** A stop or continue not yet reported to a waiting parent (WUNTRACED/WCONTINUED). Saved. */
  waitReport: 'stopped' | 'continued' | null = null;
  /** The call the kernel is holding, if any. Not saved: a restored task re-issues its call. */
  pending: PendingCall | null = null;
  /** An answer (errno) held while the task is stopped. Not saved (see pending). */
  heldAnswer: number | null = null;
  /** The worker is parked at a stop checkpoint. Not saved. */
  atCheckpoint = false;
  /** True while the kernel is handling or holding one of the task's calls. Not saved. */
  inCall = false;
  /** Channel page shared with the worker. Not saved: a fresh one is made on restore. */
  channel: ChannelViews | null = null;
  /** The worker running the guest. Not saved: restarted on restore. */
  worker: TaskWorkerHandle | null = null;
  /** Resolves with the wait status when the task becomes a zombie. Not saved. */
  readonly exited: Promise<number>;
  private resolveExit!: (status: number) => void;
  /** Monotonic ms when the task started. Saved (as an offset). */
  readonly startedMs: number;
  /** SHA-256 of the module the task runs. Saved. */
  moduleHash = '';
  /** Where the module came from: a VFS path, or the host's name for it. Saved (restore finds the module there). */
  program = '';
  /** A snapshot asked this task to unwind at its next syscall entry. Not saved. */
  snapshotRequested = false;
  /** The task's user-space state once unwound for a snapshot. Saved (it is the snapshot). */
  image: TaskImage | null = null;
  /** Called when `image` arrives. Not saved. */
  onImage: ((image: TaskImage) => void) | null = null;
  /** seccomp filters (the authority; the worker evaluates a copy). Inherited by children. Saved. */
  seccomp: FilterStack | null = null;
  /** prctl(PR_SET_NO_NEW_PRIVS): required before installing a filter, as Linux requires without CAP_SYS_ADMIN. Inherited. Saved. */
  noNewPrivs = false;
  /** CPU time (ns) carried over from before a restore. Saved. */
  cpuBaseNs = 0;

  constructor(
    /** Process id. Fixed. Saved. */
    readonly pid: number,
    /** Argument vector (argv[0] is the program's name). Fixed. Saved. */
    readonly argv: readonly string[],
    /** Environment as NAME=VALUE strings. Fixed. Saved. */
    readonly env: readonly string[],
    fdLimit: number,
    onFdChange: (t: Task, fd: number) => void,
    nowMs: number,
  ) {
    this.fds = new FdTable(fdLimit, (fd) => onFdChange(this, fd));
    this.exited = new Promise((r) => { this.resolveExit = r; });
    this.startedMs = nowMs;
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
