import type { Errno } from '../abi/errno.js';
import type { Dirent, FileType, NodeId, Stat } from './types.js';

/**
 * What a filesystem mounted in the VFS provides: synchronous operations on
 * nodes named by {@link NodeId}. The VFS does path resolution (component by
 * component, symlinks, `..`, mount crossing) and all the errno checks that
 * depend only on what the names refer to (EEXIST, ENOTDIR, EISDIR, ENOTEMPTY,
 * EINVAL, EPERM, EBUSY, EXDEV, in Linux's order), so a backend's operations
 * are primitive: `dir` is always a directory of this backend, `name` a single
 * normal component (never "", ".", ".." and without "/"), and the
 * preconditions listed on each method hold. A backend still returns an errno
 * for what only it can know (ENOSPC, EFBIG, EIO, a host error).
 *
 * Methods that return a number (a NodeId of the memory backend, a byte count,
 * a size) return a negated WASI errno (< 0) on failure, since both are numbers;
 * other methods return `T | Errno` where T is not a number.
 */
export interface FsBackend {
  /** Short kind, saved with the mount: "memory", "host", ... */
  readonly kind: string;
  /** Id of the backend's root directory. */
  readonly root: NodeId;

  /** Type of a node; UNKNOWN when it is gone. Hot: called per path component. */
  typeOf(node: NodeId): FileType;
  /**
   * The child `name` of directory `dir`, not following symlinks. ENOENT when
   * absent (also when `dir` was removed). Returns -errno on failure.
   */
  lookup(dir: NodeId, name: string): NodeId;
  /** Parent directory of `dir`; the root is its own parent. */
  parent(dir: NodeId): NodeId;
  /** The name under which `child` appears in `dir`, for getcwd. */
  nameOf(dir: NodeId, child: NodeId): string | undefined;
  /** Stat of a node; `dev` is filled in by the VFS (the backend's value is ignored). */
  stat(node: NodeId): Stat | Errno;
  /** Target of a symlink. Precondition: `node` is a symlink. */
  readlink(node: NodeId): string | Errno;
  /** True when `dir` has no entries besides "." and "..". */
  isEmptyDir(dir: NodeId): boolean;
  /** Entries of `dir` with position >= cookie, "." and ".." first (cookies 0 and 1). */
  readdir(dir: NodeId, cookie: bigint): Dirent[] | Errno;

  /** Creates directory `name` in `dir`. Precondition: `name` is absent. -errno on failure. */
  mkdir(dir: NodeId, name: string): NodeId;
  /** Creates an empty regular file `name` in `dir`. Precondition: absent. -errno on failure. */
  createFile(dir: NodeId, name: string): NodeId;
  /** Creates symlink `name` → `target` in `dir`. Precondition: absent, target non-empty. */
  symlink(dir: NodeId, name: string, target: string): Errno;
  /** Adds hard link `name` in `dir` to `node`. Preconditions: absent; `node` not a directory. */
  link(node: NodeId, dir: NodeId, name: string): Errno;
  /** Removes non-directory entry `name`. Precondition: it exists and is not a directory. */
  unlink(dir: NodeId, name: string): Errno;
  /** Removes directory `name`. Preconditions: it exists, is an empty directory. */
  rmdir(dir: NodeId, name: string): Errno;
  /**
   * Moves `srcName` of `srcDir` to `dstName` of `dstDir`, replacing what is
   * there. Preconditions (checked by the VFS as rename(2) does): source exists;
   * source and destination are different nodes; if the destination exists its
   * type is compatible and, if a directory, it is empty; a directory is not
   * moved into its own subtree.
   */
  rename(srcDir: NodeId, srcName: string, dstDir: NodeId, dstName: string): Errno;

  /** Reads into `buf` from `offset`; bytes read, or -errno. Precondition: not a directory. */
  read(node: NodeId, offset: number, buf: Uint8Array): number;
  /** Writes `data` at `offset`; bytes written (may be short on ENOSPC/EFBIG), or -errno. */
  write(node: NodeId, offset: number, data: Uint8Array): number;
  /** Size in bytes of a node (cheap; used for O_APPEND), or -errno. */
  sizeOf(node: NodeId): number;
  /** Sets the size of a regular file, zero-filling growth. */
  truncate(node: NodeId, size: number): Errno;
  /** Sets atime/mtime (undefined: keep) and ctime to `now` (a backend that cannot set ctime lets the host do it). */
  setTimes(node: NodeId, atim: bigint | undefined, mtim: bigint | undefined, now: bigint): Errno;

  /** An open file description now holds `node` (keeps an unlinked node alive). */
  ref(node: NodeId): void;
  /** An open file description let go of `node`. */
  unref(node: NodeId): void;
}
