import { Errno } from './abi/errno.js';
import { DIR_RIGHTS, FILE_RIGHTS, FileType, Rights, STREAM_RIGHTS } from './abi/wasi-types.js';
import { Hint } from './channel.js';
import type { OpenFile } from './file.js';

/** One slot of a task's fd table. */
export interface FdEntry {
  /** The open file description; shared with other fds and tasks after dup/spawn. @saved by open-file id */
  file: OpenFile;
  /** WASI rights of this fd (fd_fdstat_set_rights may only drop bits). @saved */
  rightsBase: bigint;
  /** Rights files opened through this fd may have. @saved */
  rightsInheriting: bigint;
  /** Set on preopened directories: the name fd_prestat_dir_name reports. @saved */
  preopen?: string;
  /**
   * Close-on-exec (FD_CLOEXEC), a flag of this fd, not of its description: closed by exec, copied by fork,
   * cleared by dup/dup2. Set by O_CLOEXEC opens, pipe2, dup3, fd_fdflags_set. @saved
   */
  cloexec?: boolean;
}

/**
 * A task's fd table: small integers to open file descriptions. Each fd holds
 * one reference on its description; the description is released when its
 * last fd anywhere closes. Saved in snapshots (by description id); the worker's
 * fd hints are rebuilt from it after every change and after restore.
 */
export class FdTable {
  /** fd → entry. Changed only through the methods below, by the owning task's calls. @saved as TaskState.fds */
  private readonly fds = new Map<number, FdEntry>();

  constructor(
    /** Most fds this table may hold (EMFILE beyond). Fixed per kernel. @nosave the restoring kernel's limit */
    readonly limit: number,
    /** Called after any change, so the kernel can rewrite the worker's hints. @nosave the restoring kernel's */
    private readonly changed: (fd: number) => void = () => {},
  ) {}

  get(fd: number): FdEntry | undefined {
    return this.fds.get(fd);
  }

  entries(): IterableIterator<[number, FdEntry]> {
    return this.fds.entries();
  }

  get size(): number {
    return this.fds.size;
  }

  /** Lowest free fd ≥ min, or -EMFILE. */
  lowestFree(min = 0): number {
    for (let fd = min; fd < this.limit; fd++) if (!this.fds.has(fd)) return fd;
    return -Errno.MFILE;
  }

  /** Installs a new entry at the lowest free fd; takes a reference. Returns the fd or -EMFILE. */
  install(entry: FdEntry, min = 0): number {
    const fd = this.lowestFree(min);
    if (fd < 0) return fd;
    this.put(fd, entry);
    return fd;
  }

  /** Puts an entry at exactly fd, closing what was there. */
  put(fd: number, entry: FdEntry): void {
    entry.file.refs++;
    const old = this.fds.get(fd);
    this.fds.set(fd, entry);
    if (old) unref(old.file);
    this.changed(fd);
  }

  close(fd: number): number {
    const e = this.fds.get(fd);
    if (!e) return Errno.BADF;
    this.fds.delete(fd);
    unref(e.file);
    this.changed(fd);
    return Errno.SUCCESS;
  }

  /** dup: a new fd for the same description. */
  dup(fd: number, min = 0): number {
    const e = this.fds.get(fd);
    if (!e) return -Errno.BADF;
    return this.install({ ...e, preopen: undefined, cloexec: undefined }, min);
  }

  /** dup2: `to` becomes a copy of `fd` (no-op when equal, as POSIX). */
  dup2(fd: number, to: number): number {
    const e = this.fds.get(fd);
    if (!e) return Errno.BADF;
    if (to < 0 || to >= this.limit) return Errno.BADF;
    if (fd === to) return Errno.SUCCESS;
    this.put(to, { ...e, preopen: undefined, cloexec: undefined });
    return Errno.SUCCESS;
  }

  /** Sets or clears an fd's close-on-exec flag; EBADF when it is not open. */
  setCloexec(fd: number, on: boolean): number {
    const e = this.fds.get(fd);
    if (!e) return Errno.BADF;
    if (on) e.cloexec = true;
    else delete e.cloexec;
    return Errno.SUCCESS;
  }

  /** Closes every close-on-exec fd (exec). */
  closeOnExec(): void {
    for (const [fd, e] of [...this.fds.entries()]) if (e.cloexec) this.close(fd);
  }

  /** fd_renumber: moves `fd` to `to`, closing what was at `to` (both must be open, as WASI requires). */
  renumber(fd: number, to: number): number {
    const e = this.fds.get(fd);
    if (!e || !this.fds.has(to)) return Errno.BADF;
    if (fd === to) return Errno.SUCCESS;
    this.fds.delete(fd);
    const old = this.fds.get(to)!;
    this.fds.set(to, e);
    unref(old.file);
    this.changed(fd);
    this.changed(to);
    return Errno.SUCCESS;
  }

  /** Closes every fd (task exit). */
  closeAll(): void {
    for (const fd of [...this.fds.keys()]) this.close(fd);
  }
}

function unref(f: OpenFile): void {
  f.refs--;
  if (f.refs === 0) f.release();
}

// ---- rights ---------------------------------------------------------------------------------
//
// WASI's rights, enforced the way the official test suite (wasi-testsuite: fd_fdstat_set_rights,
// truncation_rights) and node:wasi's uvwasi do, without changing what a wasi-libc program sees
// where Linux is the reference. wasi-libc asks path_open for exactly the rights its access mode
// allows (O_RDONLY: no FD_WRITE, FD_DATASYNC, FD_ALLOCATE, FD_FILESTAT_SET_SIZE), so a call
// needing a right its access mode lacks keeps Linux's answer (write on O_RDONLY: EBADF, fdatasync:
// success), and a call a kind of file cannot do keeps its errno (seek on a pipe: ESPIPE). What is
// refused with ENOTCAPABLE is a right the fd's kind and access mode would have but the fd does
// not: dropped with fd_fdstat_set_rights, or left out of path_open's rights by the caller.
// (wasmtime ignores rights altogether.)

const READ_RIGHTS = Rights.FdRead | Rights.FdReaddir;
const WRITE_RIGHTS = Rights.FdWrite | Rights.FdDatasync | Rights.FdAllocate | Rights.FdFilestatSetSize;

/** The rights an fd of this kind of file, opened with this access mode, has when nothing was dropped. */
export function naturalRights(file: OpenFile): bigint {
  const ft = file.filetype;
  let r = ft === FileType.Directory ? DIR_RIGHTS : ft === FileType.RegularFile ? FILE_RIGHTS : STREAM_RIGHTS;
  if (!file.readable) r &= ~READ_RIGHTS;
  if (!file.writable) r &= ~WRITE_RIGHTS;
  return BigInt(r);
}

/** SUCCESS, or ENOTCAPABLE when the call needs a right (any bit of `needed`) this fd has lost. */
export function requireRights(e: FdEntry, needed: number): Errno {
  const missing = BigInt(needed) & ~e.rightsBase;
  if (missing === 0n) return Errno.SUCCESS;
  return (missing & naturalRights(e.file)) !== 0n ? Errno.NOTCAPABLE : Errno.SUCCESS;
}

/**
 * The worker's hint for an fd (channel.ts): its file's, unless the fd has lost FD_READ or
 * FD_WRITE, in which case every read and write goes to the kernel, which refuses them.
 */
export function entryHint(e: FdEntry): number {
  const h = e.file.hint();
  if (h === Hint.Kernel) return h;
  return requireRights(e, Rights.FdRead) === Errno.SUCCESS && requireRights(e, Rights.FdWrite) === Errno.SUCCESS
    ? h : Hint.Kernel;
}
