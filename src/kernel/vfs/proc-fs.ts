import { Errno } from '../abi/errno.js';
import type { Task } from '../task.js';
import { TaskState } from '../task.js';
import type { FsBackend } from './backend.js';
import { FileType, type Dirent, type NodeId, type Stat } from './types.js';

/**
 * What /proc reads from the kernel: its task set, its terminals, the task whose
 * call is being served (for /proc/self), a realtime clock. The Kernel object
 * satisfies it; tests may give a plain object.
 */
export interface ProcSource {
  readonly tasks: ReadonlyMap<number, Task>;
  readonly ttys: ReadonlyMap<string, { readonly name: string; readonly session: { readonly sid: number } | null; readonly fgPgid: number }>;
  readonly current: Task | null;
  readonly platform: { realtimeNs(): bigint };
}

/** Kind of the /proc mount, as Vfs.save records it (restore re-attaches a ProcFs to it: {@link attachProcFs}). */
export const PROC_KIND = 'proc';

/** The files of each /proc/PID directory, in readdir order. */
const PID_FILES = ['cmdline', 'comm', 'stat'] as const;
type PidFile = typeof PID_FILES[number];

/** Linux's USER_HZ: the unit of the times in /proc/PID/stat. */
const CLK_TCK = 100;
/** Linux's major number of /dev/pts/N (UNIX98_PTY_SLAVE_MAJOR). */
const PTS_MAJOR = 136;

const utf8 = new TextEncoder();

/**
 * A node of /proc: "" (the root), "self", "PID" (a directory), "PID/FILE".
 * Plain strings, so fd tables save them as they save host paths.
 */
type Parsed =
  | { kind: 'root' }
  | { kind: 'self' }
  | { kind: 'pid'; pid: number }
  | { kind: 'file'; pid: number; file: PidFile };

function parse(node: NodeId): Parsed | undefined {
  if (typeof node !== 'string') return undefined;
  if (node === '') return { kind: 'root' };
  if (node === 'self') return { kind: 'self' };
  const slash = node.indexOf('/');
  const pidText = slash < 0 ? node : node.slice(0, slash);
  if (!/^[1-9][0-9]*$/.test(pidText)) return undefined;
  const pid = Number(pidText);
  if (slash < 0) return { kind: 'pid', pid };
  const file = node.slice(slash + 1);
  return (PID_FILES as readonly string[]).includes(file) ? { kind: 'file', pid, file: file as PidFile } : undefined;
}

/**
 * /proc: a read-only filesystem synthesized from the kernel's task set, as
 * Linux's procfs. `/proc/PID/stat` (Linux's one-line format, all 52 fields),
 * `/proc/PID/cmdline` (argv, each NUL-terminated), `/proc/PID/comm` (the
 * program's name, 15 bytes at most, and a newline), and `/proc/self`, a
 * symlink to the calling task's directory. Zombies are listed (state Z) until
 * reaped; a reaped task's files give ENOENT, also through descriptions opened
 * before (Linux gives ESRCH there; WASI has no ESRCH, and a guest reading a
 * dead pid's stat sees the same as one that raced its open).
 *
 * Contents are generated at each read from the task set at that moment, as
 * Linux's seq_file does for a read at offset 0 (stat lines are far shorter
 * than a read's buffer). Sizes are 0, as Linux reports them. Changes are
 * refused with the errno Linux gives root there (no uids under WASI): create
 * ENOENT, unlink EPERM, write EINVAL; truncate and utimes succeed and change
 * nothing.
 *
 * Holds no kernel state: every field is @nosave, and a restored VFS gets a new
 * ProcFs on its /proc mount ({@link attachProcFs}).
 */
export class ProcFs implements FsBackend {
  /** @nosave a constant */
  readonly kind = PROC_KIND;
  /** @nosave a constant */
  readonly root: NodeId = '';

  constructor(
    /** The kernel whose tasks are shown. @nosave the restoring kernel attaches its own */
    private readonly src: ProcSource,
  ) {}

  private task(pid: number): Task | undefined {
    const t = this.src.tasks.get(pid);
    return t === undefined || t.state === TaskState.Dead ? undefined : t;
  }

  /** False for a node naming a task that is gone. */
  private exists(p: Parsed | undefined): p is Parsed {
    if (p === undefined) return false;
    if (p.kind === 'pid' || p.kind === 'file') return this.task(p.pid) !== undefined;
    if (p.kind === 'self') return this.src.current !== null;
    return true;
  }

  typeOf(node: NodeId): FileType {
    const p = parse(node);
    if (!this.exists(p)) return FileType.UNKNOWN;
    switch (p.kind) {
      case 'root': case 'pid': return FileType.DIRECTORY;
      case 'self': return FileType.SYMBOLIC_LINK;
      case 'file': return FileType.REGULAR_FILE;
    }
  }

  lookup(dir: NodeId, name: string): NodeId {
    const p = parse(dir);
    if (!this.exists(p)) return -Errno.NOENT;
    if (p.kind === 'root') {
      if (name === 'self') return this.src.current !== null ? 'self' : -Errno.NOENT;
      return /^[1-9][0-9]*$/.test(name) && this.task(Number(name)) !== undefined ? name : -Errno.NOENT;
    }
    if (p.kind === 'pid') return (PID_FILES as readonly string[]).includes(name) ? `${p.pid}/${name}` : -Errno.NOENT;
    return -Errno.NOTDIR;
  }

  parent(): NodeId {
    return ''; // the only directories are the root and /proc/PID, whose parent is the root
  }

  nameOf(dir: NodeId, child: NodeId): string | undefined {
    if (dir !== '' || typeof child !== 'string' || child.includes('/')) return undefined;
    return child === '' ? undefined : child;
  }

  stat(node: NodeId): Stat | Errno {
    const p = parse(node);
    if (!this.exists(p)) return Errno.NOENT;
    const now = this.src.platform.realtimeNs();
    const dir = p.kind === 'root' || p.kind === 'pid';
    const size = p.kind === 'self' ? BigInt(utf8.encode(String(this.src.current!.pid)).length) : 0n;
    return {
      dev: 0n, ino: inoOf(p), filetype: this.typeOf(node), nlink: dir ? 2n : 1n, size,
      atim: now, mtim: now, ctim: now, rdev: 0,
    };
  }

  readlink(node: NodeId): string | Errno {
    const p = parse(node);
    if (p?.kind !== 'self' || this.src.current === null) return Errno.INVAL;
    return String(this.src.current.pid);
  }

  isEmptyDir(): boolean {
    return false;
  }

  readdir(dir: NodeId, cookie: bigint): Dirent[] | Errno {
    const p = parse(dir);
    if (!this.exists(p)) return Errno.NOENT;
    if (p.kind !== 'root' && p.kind !== 'pid') return Errno.NOTDIR;
    const all: Dirent[] = [
      { next: 1n, ino: inoOf(p), type: FileType.DIRECTORY, name: '.' },
      { next: 2n, ino: 1n, type: FileType.DIRECTORY, name: '..' },
    ];
    if (p.kind === 'root') {
      // Cookies: 2 for "self", 3 + pid for a task (stable while others come and go).
      if (this.src.current !== null) all.push({ next: 3n, ino: inoOf({ kind: 'self' }), type: FileType.SYMBOLIC_LINK, name: 'self' });
      const pids = [...this.src.tasks.keys()].filter((pid) => this.task(pid) !== undefined).sort((a, b) => a - b);
      for (const pid of pids) {
        all.push({ next: BigInt(pid) + 4n, ino: inoOf({ kind: 'pid', pid }), type: FileType.DIRECTORY, name: String(pid) });
      }
      return all.filter((d) => d.next > cookie);
    }
    PID_FILES.forEach((file, i) => {
      all.push({ next: BigInt(i) + 3n, ino: inoOf({ kind: 'file', pid: p.pid, file }), type: FileType.REGULAR_FILE, name: file });
    });
    return all.filter((d) => d.next > cookie);
  }

  read(node: NodeId, offset: number, buf: Uint8Array): number {
    const p = parse(node);
    if (!this.exists(p)) return -Errno.NOENT;
    if (p.kind !== 'file') return p.kind === 'self' ? -Errno.INVAL : -Errno.ISDIR;
    const bytes = this.contents(this.task(p.pid)!, p.file);
    if (offset >= bytes.length) return 0;
    const n = Math.min(buf.length, bytes.length - offset);
    buf.set(bytes.subarray(offset, offset + n));
    return n;
  }

  sizeOf(node: NodeId): number {
    return this.exists(parse(node)) ? 0 : -Errno.NOENT;
  }

  // ---- refused changes (Linux's answers to root in /proc) ---------------------

  mkdir(): NodeId { return -Errno.NOENT; }
  createFile(): NodeId { return -Errno.NOENT; }
  symlink(): Errno { return Errno.NOENT; }
  link(): Errno { return Errno.NOENT; }
  unlink(): Errno { return Errno.PERM; }
  rmdir(): Errno { return Errno.PERM; }
  rename(): Errno { return Errno.NOENT; }
  write(): number { return -Errno.INVAL; }
  truncate(): Errno { return Errno.SUCCESS; }
  setTimes(): Errno { return Errno.SUCCESS; }
  ref(): void {}
  unref(): void {}

  // ---- contents ------------------------------------------------------------------

  private contents(t: Task, file: PidFile): Uint8Array {
    switch (file) {
      case 'cmdline': return utf8.encode(t.state === TaskState.Zombie ? '' : t.argv.map((a) => a + '\0').join(''));
      case 'comm': return utf8.encode(commOf(t) + '\n');
      case 'stat': return utf8.encode(this.statLine(t));
    }
  }

  /**
   * Linux's /proc/PID/stat (fs/proc/array.c do_task_stat): 52 fields. wVisor
   * has no values for memory sizes, the memory map, page faults, priorities or
   * the start time: those are 0 (as Linux prints some for a process it may not inspect).
   */
  statLine(t: Task): string {
    const state = stateLetter(t, this.src.current);
    const ppid = t.parent?.pid ?? 0;
    let ttyNr = 0;
    let tpgid = -1;
    for (const tty of this.src.ttys.values()) {
      if (tty.session !== null && tty.session.sid === t.sid) {
        const m = /^pts\/(\d+)$/.exec(tty.name);
        const minor = m ? Number(m[1]) : 0;
        ttyNr = (PTS_MAJOR << 8) | (minor & 0xff) | ((minor & ~0xff) << 12);
        tpgid = tty.fgPgid > 0 ? tty.fgPgid : -1;
        break;
      }
    }
    const ticks = Math.floor(t.cpuNs() / (1e9 / CLK_TCK));
    const exitCode = t.state === TaskState.Zombie ? t.exitStatus : 0;
    const fields: (string | number)[] = [
      t.pid, `(${commOf(t)})`, state, ppid, t.pgid, t.sid, ttyNr, tpgid,
      0, // flags
      0, 0, 0, 0, // minflt cminflt majflt cmajflt
      ticks, 0, 0, 0, // utime stime cutime cstime
      20, 0, // priority nice
      1, // num_threads
      0, // itrealvalue
      0, // starttime
      0, 0, // vsize rss
      '18446744073709551615', // rsslim (RLIM_INFINITY)
      0, 0, 0, 0, 0, // startcode endcode startstack kstkesp kstkeip
      0, 0, 0, 0, // signal blocked sigignore sigcatch
      0, 0, 0, // wchan nswap cnswap
      17, // exit_signal (SIGCHLD)
      0, 0, 0, // processor rt_priority policy
      0, 0, 0, // delayacct_blkio_ticks guest_time cguest_time
      0, 0, 0, 0, 0, 0, 0, // start_data end_data start_brk arg_start arg_end env_start env_end
      exitCode,
    ];
    return fields.join(' ') + '\n';
  }
}

/** Linux's state letter: R running, S sleeping (blocked in a call or waiting in its worker), T stopped, Z zombie. */
function stateLetter(t: Task, current: Task | null): string {
  if (t === current) return 'R'; // the reader itself is running (Linux shows its own ps as R)
  switch (t.shownState()) {
    case TaskState.Running: return 'R';
    case TaskState.Blocked: return 'S';
    case TaskState.Stopped: return 'T';
    case TaskState.Zombie: return 'Z';
    default: return 'X';
  }
}

/** Linux's comm: the program file's base name (else argv[0]'s), cut to 15 bytes (TASK_COMM_LEN - 1). */
export function commOf(t: Task): string {
  const from = t.program !== '' ? t.program : t.argv[0] ?? '';
  let name = from.slice(from.lastIndexOf('/') + 1);
  while (utf8.encode(name).length > 15) name = name.slice(0, -1);
  return name;
}

function inoOf(p: Parsed): bigint {
  switch (p.kind) {
    case 'root': return 1n;
    case 'self': return 2n;
    case 'pid': return BigInt(p.pid) * 8n + 8n;
    case 'file': return BigInt(p.pid) * 8n + 9n + BigInt(PID_FILES.indexOf(p.file));
  }
}

/** The VFS's pending /proc mounts (after Vfs.load) given a ProcFs of `src`. */
export function attachProcFs(vfs: { pendingMounts(): { id: number; kind: string }[]; remount(id: number, b: FsBackend): void }, src: ProcSource): void {
  for (const m of vfs.pendingMounts()) if (m.kind === PROC_KIND) vfs.remount(m.id, new ProcFs(src));
}
