import type { SignalStateSaved } from '../signal-state.js';
import type { FileType } from '../abi/wasi-types.js';
import type { NodeHandle, VfsState } from '../vfs/index.js';
import type { TaskImage } from './task-image.js';
import type { TtyState } from '../tty.js';
import type { FilterStackState } from '../seccomp/filter-stack.js';

/**
 * The kernel's state as plain data with named fields (never positional), what
 * a snapshot stores besides memory. Object identity becomes ids: descriptions
 * and pipes are numbered in the order first met.
 */
export interface KernelState {
  /** Next pid to hand out. */
  nextPid: number;
  tasks: TaskState[];
  files: FileState[];
  pipes: PipeState[];
  vfs: VfsState;
  /** Descriptions the host holds (the CLI's stdio ends), by the host's name for them. */
  hostFiles: Record<string, number>;
  /** Terminals (modes, window size, foreground group, unread input, undrained output), by name. Absent in snapshots made before terminals existed. */
  ttys?: TtyState[];
}

export interface TaskState {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  argv: string[];
  env: string[];
  /** 'running' | 'blocked' | 'stopped' | 'zombie' (blocked tasks re-issue their call). */
  state: string;
  exitStatus: number;
  stopSignal: number;
  waitReport: 'stopped' | 'continued' | null;
  moduleHash: string;
  /** Where the module came from (Task.program): a VFS path or `host:PATH`. */
  program: string;
  cpuNs: number;
  /** prctl(PR_SET_NO_NEW_PRIVS). */
  noNewPrivs: boolean;
  /** The task's seccomp filters (FilterStack.save), null without any. A restore refuses a stack it cannot load. */
  seccomp: FilterStackState | null;
  /** Dispositions, mask, pending signals, alarm (SignalState.save). Absent in snapshots made before signal handlers. */
  signals?: SignalStateSaved;
  fds: Array<{ fd: number; file: number; rightsBase: string; rightsInheriting: string; preopen?: string; cloexec?: boolean }>;
  /** User-space state; absent for zombies. */
  image?: TaskImage;
}

export type FileState =
  | { id: number; kind: 'pipe'; pipe: number; read: boolean; flags: number }
  | { id: number; kind: 'vfs'; node: NodeHandle; offset: number; readable: boolean; writable: boolean; path: string; flags: number }
  | { id: number; kind: 'device'; device: 'null' | 'zero' | 'urandom'; readable: boolean; writable: boolean; flags: number }
  | { id: number; kind: 'tty'; tty: string; readable: boolean; writable: boolean; flags: number };

export interface PipeState {
  id: number;
  /** Bytes buffered in the ring at the safe point. */
  buffered: Uint8Array;
  created: string;
}

export type { FileType, TtyState };
