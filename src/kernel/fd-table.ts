import { Errno } from './abi/errno.js';
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
    return this.install({ ...e, preopen: undefined }, min);
  }

  /** dup2: `to` becomes a copy of `fd` (no-op when equal, as POSIX). */
  dup2(fd: number, to: number): number {
    const e = this.fds.get(fd);
    if (!e) return Errno.BADF;
    if (to < 0 || to >= this.limit) return Errno.BADF;
    if (fd === to) return Errno.SUCCESS;
    this.put(to, { ...e, preopen: undefined });
    return Errno.SUCCESS;
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
