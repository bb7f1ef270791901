import { Errno, errnoNames } from './abi/errno.js';
import { STREAM_RIGHTS } from './abi/wasi-types.js';
import type { OpenFile } from './file.js';
import { drain, feed } from './host-pipe.js';
import { bootKernel } from './boot.js';
import { Kernel, type KernelLimits } from './kernel.js';
import { ModuleError } from './module-loader.js';
import { PipeEnd } from './pipe.js';
import { RING_CAPACITY } from './pipe-ring.js';
import type { Platform } from './platform.js';
import { type Task, TaskState } from './task.js';
import type { FilterStack } from './seccomp/filter-stack.js';
import { signalGroup } from './task-signals.js';
import { IUTF8, Tty, TtyFile, type TtyOutput } from './tty.js';

/** How a process ended, decoded from its Linux wait status. */
export interface ExitInfo {
  /** The raw Linux wait status. */
  status: number;
  /** Exit code when it exited, else null. */
  code: number | null;
  /** Signal number when a signal killed it, else null. */
  signal: number | null;
  /** What a shell would report as `$?`: the code, or 128 + the signal. */
  shellCode: number;
}

export function decodeStatus(status: number): ExitInfo {
  const sig = status & 0x7f;
  if (sig === 0) {
    const code = (status >> 8) & 0xff;
    return { status, code, signal: null, shellCode: code };
  }
  return { status, code: null, signal: sig, shellCode: 128 + sig };
}

/** What the host asks to run. */
export interface ProcessSpec {
  /** argv; argv[0] names the program (a path, or a name looked up in /bin) unless `bytes` is given. */
  argv: string[];
  /** Environment, NAME=VALUE; the guest sees only these. */
  env?: string[];
  /** The module's bytes, when it is not in the VFS ... */
  bytes?: Uint8Array;
  /** ... and the host's name for them (a snapshot records it to find the module again). */
  program?: string;
  /** Bytes (or text) fed to stdin, after which stdin reaches EOF unless `keepStdinOpen`. */
  stdin?: Uint8Array | string;
  /** Leave stdin open for {@link HostProcess.write} after `stdin` is fed. */
  keepStdinOpen?: boolean;
  /** seccomp filters installed before the first call (no_new_privs is set with them). */
  seccomp?: FilterStack;
  /**
   * Directories preopened for the process, in order at fds 3, 4, ...: `path`
   * in the VFS, reported to the guest (fd_prestat_dir_name) as `name`. Default:
   * the VFS root as "/". An empty list preopens nothing (fd 3 is closed, as
   * under wasmtime without --dir). Children it spawns get the same preopens.
   */
  preopens?: ReadonlyArray<{ path: string; name: string }>;
  /** Unwind for a snapshot before this many calls (deterministic snapshots for tests). */
  snapshotAtSyscall?: number;
  /**
   * Run on this terminal (from {@link Sandbox.openTerminal}): fds 0, 1, 2 are
   * one open of it, and the process leads a new session whose controlling
   * terminal it is, in the foreground. stdin/onStdout/onStderr do not apply.
   */
  terminal?: Tty;
  /** Called with each chunk the process writes to stdout / stderr. */
  onStdout?: (bytes: Uint8Array) => void | Promise<void>;
  onStderr?: (bytes: Uint8Array) => void | Promise<void>;
}

/** A process the host started, with its stdio ends. */
export class HostProcess {
  private stdinOpen: boolean;
  constructor(
    readonly task: Task,
    private readonly stdin: PipeEnd | null,
    /** Resolves when the process ended and its stdout/stderr were copied out. */
    readonly exited: Promise<ExitInfo>,
    private readonly onStdinClosed: () => void = () => {},
    /** Stops reading the process's stdout: its next write gets EPIPE (and SIGPIPE), as when a reader exits. */
    readonly closeStdout: () => void = () => {},
    /** Copies out what the process has written so far (before a snapshot records the pipes). */
    readonly flushOutput: () => void = () => {},
  ) {
    this.stdinOpen = stdin !== null;
  }

  get pid(): number { return this.task.pid; }

  /** Writes to the process's stdin (waits for room); false when nobody reads it any more. */
  async write(bytes: Uint8Array | string): Promise<boolean> {
    if (!this.stdinOpen) return false;
    return feed(this.stdin!, typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
  }

  /** Closes the host's end of stdin: the process reads EOF. */
  closeStdin(): void {
    if (!this.stdinOpen) return;
    this.stdinOpen = false;
    this.stdin!.release();
    this.onStdinClosed();
  }
}

/** A row of the process list. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: TaskState;
  command: string;
  /** CPU time in ms as the task's worker measured it (browsers give no real CPU time). */
  cpuMs: number;
}

/** A row of the pipe list: one pipe that some task holds an end of. */
export interface PipeInfo {
  /** The pipe's inode number (what fstat and `pipe:[N]` show). */
  ino: number;
  /** Bytes buffered now, of `capacity`. */
  used: number;
  capacity: number;
  /** Open read-end and write-end descriptions (the host's ends included). */
  readers: number;
  writers: number;
  /** The tasks holding each end, with the fd numbers they hold it at. */
  readEnds: Array<{ pid: number; fd: number }>;
  writeEnds: Array<{ pid: number; fd: number }>;
}

/** What the host asks of a new terminal. */
export interface TerminalSpec {
  /** Window size in characters (default 80x24). */
  cols?: number;
  rows?: number;
  /** Receives everything written to the terminal, after output processing ("\n" → "\r\n"). A promise pauses output until it settles. */
  onOutput?: TtyOutput;
  /** Input is UTF-8 (IUTF8: erase removes a whole character), as terminal emulators set it. Default true. */
  utf8?: boolean;
}

/** A user-facing error: the message says what was wrong and what to do. */
export class SpawnError extends Error {
  constructor(message: string, readonly errno?: Errno) {
    super(message);
    this.name = 'SpawnError';
  }
}

/**
 * The host's view of one sandbox: a kernel with a standard filesystem, and
 * the operations the CLI, the page and the test API need (start a program
 * with its stdio wired to the host, signal, list processes).
 */
export class Sandbox {
  readonly kernel: Kernel;

  /** A new kernel on `platform`, or a sandbox over an existing (restored) kernel. */
  constructor(platform: Platform | Kernel, limits: Partial<KernelLimits> = {}) {
    this.kernel = platform instanceof Kernel ? platform : bootKernel(platform, limits);
  }

  /**
   * A new terminal (a tty named pts/N): type into it with `input`, report the
   * window's size with `resize`, start a session on it with `spawn({terminal})`,
   * close it with `hangup`.
   */
  openTerminal(spec: TerminalSpec = {}): Tty {
    const k = this.kernel;
    const cols = spec.cols ?? 80;
    const rows = spec.rows ?? 24;
    if (![cols, rows].every((n) => Number.isInteger(n) && n >= 1 && n <= 0xffff)) {
      throw new SpawnError(`terminal size ${cols}x${rows} is not valid: give whole numbers of columns and rows from 1 to 65535`);
    }
    const pipe = k.newPipe();
    if (!pipe) throw new SpawnError('too many pipes open in this sandbox to open a terminal; end some processes and try again', Errno.NFILE);
    let n = 0;
    while (k.ttys.has(`pts/${n}`)) n++;
    const tty = new Tty(k, `pts/${n}`, pipe, { cols, rows, onOutput: spec.onOutput });
    if (spec.utf8 ?? true) tty.termios.iflag |= IUTF8;
    k.ttys.set(tty.name, tty);
    return tty;
  }

  /** A terminal of this sandbox by name (after a restore: attach it with `tty.attach(onOutput)`). */
  terminal(name: string): Tty | undefined {
    return this.kernel.ttys.get(name);
  }

  /** Starts a program with stdin/stdout/stderr as pipes to the host (or on a terminal) and its preopens (default "/") from fd 3. */
  async spawn(spec: ProcessSpec): Promise<HostProcess> {
    const k = this.kernel;
    if (spec.argv.length === 0) throw new SpawnError('no program given: argv is empty');
    if (spec.terminal) return this.spawnOnTerminal(spec, spec.terminal);
    let bytes = spec.bytes;
    let program = spec.program ?? '';
    if (!bytes) {
      const r = k.findProgram(spec.argv[0]);
      if (typeof r === 'number') {
        throw new SpawnError(r === Errno.NOENT ? `${spec.argv[0]}: command not found`
          : `${spec.argv[0]}: cannot run: ${errnoNames[r]}`, r);
      }
      bytes = r.bytes;
      program = r.path;
    }
    const host = () => 0;
    const ends = [k.pipeEnds(host), k.pipeEnds(host), k.pipeEnds(host)];
    if (ends.some((e) => e === undefined)) {
      for (const e of ends) if (e) { e[0].release(); e[1].release(); }
      throw new SpawnError('too many pipes open in this sandbox; end some processes and try again', Errno.NFILE);
    }
    const [stdin, stdout, stderr] = ends as Array<[PipeEnd, PipeEnd]>;
    const rights = BigInt(STREAM_RIGHTS);
    const entry = (file: OpenFile) => ({ file, rightsBase: rights, rightsInheriting: 0n });
    const fds = new Map<number, ReturnType<typeof entry> & { preopen?: string }>(
      [[0, entry(stdin[0])], [1, entry(stdout[1])], [2, entry(stderr[1])]]);
    try {
      this.addPreopens(fds, spec);
    } catch (e) {
      for (const [r, w] of ends as Array<[PipeEnd, PipeEnd]>) { r.release(); w.release(); }
      throw e;
    }
    let t: Task | Errno;
    try {
      t = await k.spawn({ bytes, program, argv: spec.argv, env: spec.env ?? [], fds, newSession: true, seccomp: spec.seccomp,
        snapshotAtSyscall: spec.snapshotAtSyscall });
    } catch (e) {
      for (const [r, w] of ends as Array<[PipeEnd, PipeEnd]>) { r.release(); w.release(); }
      if (e instanceof ModuleError) throw new SpawnError(`${spec.argv[0]}: ${e.message}`);
      throw e;
    }
    if (typeof t === 'number') {
      for (const [r, w] of ends as Array<[PipeEnd, PipeEnd]>) { r.release(); w.release(); }
      throw new SpawnError(t === Errno.AGAIN ? 'too many processes in this sandbox; end some and try again'
        : `cannot start ${spec.argv[0]}: ${errnoNames[t]}`, t);
    }
    const p = this.wire(t, stdin[1], stdout[0], stderr[0], spec);
    if (spec.stdin !== undefined && spec.stdin.length > 0) {
      const fed = p.write(spec.stdin);
      if (!spec.keepStdinOpen) void fed.then(() => p.closeStdin());
    } else if (!spec.keepStdinOpen) {
      p.closeStdin();
    }
    return p;
  }

  /** spawn() with the terminal as stdio and controlling terminal of the new session. */
  private async spawnOnTerminal(spec: ProcessSpec, tty: Tty): Promise<HostProcess> {
    const k = this.kernel;
    if (k.ttys.get(tty.name) !== tty) {
      throw new SpawnError(`terminal ${tty.name} is closed or belongs to another sandbox; open one with openTerminal()`);
    }
    if (tty.session !== null) {
      throw new SpawnError(`terminal ${tty.name} is already the controlling terminal of session ${tty.session.sid}; `
        + 'wait for its leader to exit, or open another terminal');
    }
    const found = this.program(spec);
    const file = new TtyFile(k, tty, true, true);
    const rights = BigInt(STREAM_RIGHTS);
    const fds = new Map<number, { file: OpenFile; rightsBase: bigint; rightsInheriting: bigint; preopen?: string }>(
      [0, 1, 2].map((fd) => [fd, { file, rightsBase: rights, rightsInheriting: 0n }]));
    this.addPreopens(fds, spec);
    let t: Task | Errno;
    try {
      t = await k.spawn({ bytes: found.bytes, program: found.program, argv: spec.argv, env: spec.env ?? [], fds,
        newSession: true, seccomp: spec.seccomp, snapshotAtSyscall: spec.snapshotAtSyscall,
        beforeStart: (task) => tty.acquire(task) });
    } catch (e) {
      if (e instanceof ModuleError) throw new SpawnError(`${spec.argv[0]}: ${e.message}`);
      throw e;
    }
    if (typeof t === 'number') {
      throw new SpawnError(t === Errno.AGAIN ? 'too many processes in this sandbox; end some and try again'
        : `cannot start ${spec.argv[0]}: ${errnoNames[t]}`, t);
    }
    // What the process wrote before it ended is in the output ring: hand it to the host first.
    return new HostProcess(t, null, t.exited.then((status) => { tty.drainRing(); return decodeStatus(status); }));
  }

  /** Puts the spec's preopened directories at fds 3, 4, ... (default: "/"); SpawnError when one cannot be opened. */
  private addPreopens(fds: Map<number, { file: OpenFile; rightsBase: bigint; rightsInheriting: bigint; preopen?: string }>,
    spec: ProcessSpec): void {
    const list = spec.preopens ?? [{ path: '/', name: '/' }];
    if (list.length > this.kernel.limits.maxFds - 3) {
      throw new SpawnError(`${list.length} preopened directories are more than the fd limit allows (${this.kernel.limits.maxFds - 3})`, Errno.MFILE);
    }
    const opened: Array<{ file: OpenFile }> = [];
    for (const [i, p] of list.entries()) {
      const e = this.kernel.preopen(p.path, p.name);
      if (typeof e === 'number') {
        for (const o of opened) o.file.release();
        throw new SpawnError(`cannot preopen ${p.path} as ${p.name}: ${errnoNames[e]}`, e);
      }
      opened.push(e);
      fds.set(3 + i, e);
    }
  }

  /** The bytes to run: given, or found in the VFS by argv[0]. */
  private program(spec: ProcessSpec): { bytes: Uint8Array; program: string } {
    if (spec.bytes) return { bytes: spec.bytes, program: spec.program ?? '' };
    const r = this.kernel.findProgram(spec.argv[0]);
    if (typeof r === 'number') {
      throw new SpawnError(r === Errno.NOENT ? `${spec.argv[0]}: command not found`
        : `${spec.argv[0]}: cannot run: ${errnoNames[r]}`, r);
    }
    return { bytes: r.bytes, program: r.path };
  }

  /**
   * Reconnects the host to a process of a restored kernel: its stdio ends were
   * saved as host files named `PID:stdin`, `PID:stdout`, `PID:stderr`.
   */
  attach(pid: number, io: Pick<ProcessSpec, 'onStdout' | 'onStderr'>): HostProcess {
    const t = this.kernel.tasks.get(pid);
    const h = (n: string) => this.kernel.hostFiles.get(`${pid}:${n}`);
    const [i, o, e] = [h('stdin'), h('stdout'), h('stderr')];
    if (!t || !(o instanceof PipeEnd) || !(e instanceof PipeEnd)) {
      throw new SpawnError(`process ${pid} has no host stdio to attach to`);
    }
    // No stdin end: the host had closed it before the snapshot (the process reads EOF).
    return this.wire(t, i instanceof PipeEnd ? i : null, o, e, io);
  }

  /** Drains a process's stdout/stderr to the host and builds its HostProcess. */
  private wire(task: Task, stdin: PipeEnd | null, stdout: PipeEnd, stderr: PipeEnd,
    io: Pick<ProcessSpec, 'onStdout' | 'onStderr'>): HostProcess {
    const k = this.kernel;
    const names = ['stdin', 'stdout', 'stderr'].map((n) => `${task.pid}:${n}`);
    [stdin, stdout, stderr].forEach((f, i) => { if (f) k.hostFiles.set(names[i], f); });
    const out = drain(stdout, io.onStdout ?? (() => {}));
    const err = drain(stderr, io.onStderr ?? (() => {}));
    const exited = task.exited.then(async (status) => {
      // Copy out what the process wrote; children that keep the pipes open do not hold us up.
      if (outOpen) {
        outOpen = false;
        out.flush();
        stdout.release();
      }
      err.flush();
      stderr.release();
      for (const n of names.slice(1)) k.hostFiles.delete(n);
      return decodeStatus(status);
    });
    let outOpen = true;
    const closeOut = () => {
      if (!outOpen) return;
      outOpen = false;
      out.stop();
      stdout.release();
      k.hostFiles.delete(names[1]);
    };
    const pump = () => {
      if (outOpen) out.pump();
      err.pump();
    };
    return new HostProcess(task, stdin, exited, () => k.hostFiles.delete(names[0]), closeOut, pump);
  }

  /** Runs a program to its end and collects its output (the test API's `run`). */
  async run(spec: Omit<ProcessSpec, 'onStdout' | 'onStderr' | 'keepStdinOpen'>): Promise<ExitInfo & { stdout: string; stderr: string }> {
    const outChunks: Uint8Array[] = [];
    const errChunks: Uint8Array[] = [];
    const p = await this.spawn({ ...spec, onStdout: (b) => { outChunks.push(b); }, onStderr: (b) => { errChunks.push(b); } });
    const info = await p.exited;
    return { ...info, stdout: decode(outChunks), stderr: decode(errChunks) };
  }

  /** kill(2) from the host: pid > 0 one process, pid < 0 a process group. */
  kill(pid: number, sig: number): Errno {
    if (!Number.isInteger(sig) || sig < 0 || sig > 64) return Errno.INVAL;
    if (pid < 0) return signalGroup(this.kernel, -pid, sig) ? Errno.SUCCESS : Errno.SRCH;
    const t = this.kernel.tasks.get(pid);
    if (!t || t === this.kernel.init || !t.alive) return Errno.SRCH;
    this.kernel.raise(t, sig);
    return Errno.SUCCESS;
  }

  /** The process list (init excluded). */
  ps(): ProcessInfo[] {
    const out: ProcessInfo[] = [];
    for (const t of this.kernel.tasks.values()) {
      if (t === this.kernel.init) continue;
      out.push({ pid: t.pid, ppid: t.parent?.pid ?? 0, pgid: t.pgid, sid: t.sid, state: t.shownState(), command: t.command,
        cpuMs: t.cpuNs() / 1e6 });
    }
    return out;
  }

  /**
   * The pipes that tasks hold ends of, with their fill levels (the playground's
   * lessons draw them). Ordered by inode number.
   */
  pipes(): PipeInfo[] {
    const byIno = new Map<bigint, PipeInfo>();
    for (const t of this.kernel.tasks.values()) {
      if (t === this.kernel.init || !t.alive) continue;
      for (const [fd, e] of t.fds.entries()) {
        if (!(e.file instanceof PipeEnd)) continue;
        const p = e.file.pipe;
        let info = byIno.get(p.ino);
        if (!info) {
          info = { ino: Number(p.ino), used: p.arena.used(p.ring), capacity: RING_CAPACITY, readers: p.readers,
            writers: p.writers, readEnds: [], writeEnds: [] };
          byIno.set(p.ino, info);
        }
        (e.file.isRead ? info.readEnds : info.writeEnds).push({ pid: t.pid, fd });
      }
    }
    return [...byIno.values()].sort((a, b) => a.ino - b.ino);
  }

  shutdown(): void {
    this.kernel.shutdown();
  }
}

function decode(chunks: Uint8Array[]): string {
  const d = new TextDecoder();
  return chunks.map((c) => d.decode(c, { stream: true })).join('') + d.decode();
}

