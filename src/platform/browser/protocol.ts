/**
 * The message protocol between the page and the kernel worker
 * (kernel-worker.ts). Structured-clone data only: every request carries an
 * id, and the worker answers it with exactly one {@link Reply} of the same id.
 * Besides replies, the worker posts {@link KernelEvent}s (load progress, the
 * process list changed, output of processes started with `stream: true`).
 */
import type { PipeInfo, ProcessInfo } from '../../kernel/sandbox.js';

/** How a process ended (kernel/sandbox.ts ExitInfo, repeated here to keep the page free of kernel imports). */
export interface ExitInfo {
  /** The raw Linux wait status. */
  status: number;
  /** Exit code when it exited, else null. */
  code: number | null;
  /** Signal number when a signal killed it, else null. */
  signal: number | null;
  /** What a shell reports as `$?`: the code, or 128 + the signal. */
  shellCode: number;
}

/** Exit information plus everything the process wrote. */
export interface RunResult extends ExitInfo {
  stdout: string;
  stderr: string;
}

export type { PipeInfo, ProcessInfo };

/** Options of run/spawn, already validated by the page. */
export interface StartOptions {
  argv: string[];
  env: string[];
  /** Text fed to stdin first. */
  stdin: string;
  /** Keep stdin open after `stdin` for `write` / `closeStdin`; false: EOF after it. */
  keepStdinOpen: boolean;
  /** Post stdout/stderr chunks as `output` events as they come. */
  stream: boolean;
  /**
   * Run on the page's terminal (the kernel tty): fds 0-2 are the terminal, the
   * process leads a new session with it as controlling terminal, its output
   * comes as `tty` events and keys go in with `ttyInput`. stdin/stream do not apply.
   */
  terminal?: boolean;
}

/** Requests, by operation, with what each answers. */
export interface Ops {
  run: { args: { opts: StartOptions }; result: RunResult };
  spawn: { args: { opts: StartOptions }; result: { pid: number } };
  write: { args: { pid: number; text: string }; result: boolean };
  closeStdin: { args: { pid: number }; result: void };
  wait: { args: { pid: number }; result: RunResult };
  kill: { args: { pid: number; sig: number }; result: number };
  ps: { args: Record<string, never>; result: ProcessInfo[] };
  /** The pipes tasks hold ends of, with fill levels (Sandbox.pipes; the lessons' pictures). */
  pipes: { args: Record<string, never>; result: PipeInfo[] };
  /** Writes files (relative paths) under a directory of the VFS, creating subdirectories (the page's /etc/seccomp). */
  populate: { args: { dir: string; files: Array<[string, Uint8Array]> }; result: void };
  /**
   * Puts a program a person brings into /bin (a dropped or picked .wasm). It is
   * compiled, checked and, when it lacks wVisor's instrumentation, rewritten
   * (binaryen, in the kernel worker, cached in IndexedDB) before it is placed.
   */
  install: { args: { name: string; bytes: Uint8Array }; result: { instrumented: boolean } };
  /** Keys typed into the page's terminal (xterm's onData), through the tty's line discipline. */
  ttyInput: { args: { data: string }; result: void };
  /** The terminal's size changed (SIGWINCH to its foreground group). */
  ttyResize: { args: { cols: number; rows: number }; result: void };
  /** The page has shown `bytes` bytes of `tty` output (flow control: the kernel pauses output while too much is unshown). */
  ttyAck: { args: { bytes: number }; result: void };
  /**
   * Saves the whole session (every task, the VFS, the terminal) under `name` in IndexedDB
   * (SnapshotSessions over the browser store); `host` is kept in the snapshot (the page's screen).
   */
  snapshotSave: { args: { name: string; host: Record<string, unknown> }; result: SnapshotSaveResult };
  snapshotList: { args: Record<string, never>; result: SnapshotListItem[] };
  /**
   * Replaces the running session with a stored one: the old tasks end, the restored ones continue, the
   * terminal pts/0 is reattached (a `screen` event first carries the saved screen). `shellPid`: the leader of
   * the terminal's session (0 when none); `pids`: processes with host stdio, attached again (write/wait work).
   */
  snapshotRestore: { args: { name: string }; result: { name: string; shellPid: number; pids: number[]; tasks: number; ms: number } };
  snapshotRemove: { args: { name: string }; result: { name: string; freed: number } };
  /** The interchange file (restores with `wvisor restore FILE`). */
  snapshotExport: { args: { name: string }; result: Uint8Array };
  /** Stores an exported file (checked whole first) under `name` or the name it was saved under. */
  snapshotImport: { args: { bytes: Uint8Array; name?: string }; result: SnapshotSaveResult };
  /** Bytes the snapshots take and the quota (navigator.storage.estimate) where known. */
  snapshotUsage: { args: Record<string, never>; result: { bytes: number; quota?: number } };
}

/** What a snapshot save or import reports (kernel/snapshot/session.ts SaveResult). */
export interface SnapshotSaveResult {
  name: string;
  /** Stored bytes this save wrote (new chunks and its document). */
  bytes: number;
  /** Stored bytes of everything the snapshot references. */
  totalBytes: number;
  /** Memory pages that are not zero, and how many of those were new to the store. */
  pages: number;
  newPages: number;
  tasks: number;
  ms: number;
}

/** One stored snapshot (kernel/snapshot/store.ts SnapshotListItem). */
export interface SnapshotListItem {
  name: string;
  /** When it was taken, ms since the epoch. */
  date: number;
  bytes: number;
  tasks: number;
  pages: number;
}

export type OpName = keyof Ops;

export type Request = { [K in OpName]: { id: number; op: K } & Ops[K]['args'] }[OpName];

export type Reply =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: { name: string; message: string } };

/** Events the kernel worker posts without being asked. */
export type KernelEvent =
  /** A program file was fetched (`loaded` of `total`). */
  | { kind: 'progress'; loaded: number; total: number; name: string }
  /** /bin is populated; the kernel takes requests. `warnings` name files that looked wrong but were loaded. */
  | { kind: 'ready'; programs: string[]; loadMs: number; warnings: string[] }
  /** Loading failed: the kernel cannot serve. */
  | { kind: 'fatal'; message: string }
  /** The task set or a task's state changed. */
  | { kind: 'changed' }
  /** Output of a process started with `stream: true`. */
  | { kind: 'output'; pid: number; stream: 'stdout' | 'stderr'; text: string }
  /** Output of the page's terminal (after the tty's output processing), to write to xterm as is. */
  | { kind: 'tty'; data: Uint8Array }
  /** A snapshot restore replaces the terminal's screen with this (xterm serialize addon output) before the restored output. */
  | { kind: 'screen'; data: string }
  /** A message for the log (internal worker errors). */
  | { kind: 'log'; message: string };

export type FromKernel = Reply | KernelEvent;

/** The first message the page posts: where to fetch the programs from. */
export interface KernelInit {
  kind: 'init';
  /** Absolute URL of the folder holding manifest.json and the .wasm files (ends with '/'). */
  binUrl: string;
}
