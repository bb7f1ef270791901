/**
 * Plain types shared by the VFS, its backends and the syscall layer: WASI's
 * filetype and flag numbering, the stat record, node handles and directory
 * entries. Numbers are WASI preview1's (witx `filetype`, `oflags`,
 * `lookupflags`, `fstflags`), so the syscall layer passes them through.
 */

/** WASI `filetype` (u8). */
export const enum FileType {
  UNKNOWN = 0,
  BLOCK_DEVICE = 1,
  CHARACTER_DEVICE = 2,
  DIRECTORY = 3,
  REGULAR_FILE = 4,
  SOCKET_DGRAM = 5,
  SOCKET_STREAM = 6,
  SYMBOLIC_LINK = 7,
}

/** WASI `oflags` (u16) for path_open. */
export const enum OFlags {
  CREAT = 1,
  DIRECTORY = 2,
  EXCL = 4,
  TRUNC = 8,
}

/** WASI `lookupflags` (u32). */
export const enum LookupFlags {
  SYMLINK_FOLLOW = 1,
}

/** WASI `fstflags` (u16) for fd/path_filestat_set_times. */
export const enum FstFlags {
  ATIM = 1,
  ATIM_NOW = 2,
  MTIM = 4,
  MTIM_NOW = 8,
}

/**
 * A backend's name for one of its nodes: an inode number (memory backend) or a
 * path relative to the backend's root ("" is the root; host backend). Plain
 * data, so fd tables can save it.
 */
export type NodeId = number | string;

/**
 * A node anywhere in the VFS: the mount it lives in and the backend's id for it.
 * Plain data (saved by the fd table as is); compare with {@link sameNode}.
 */
export interface NodeHandle {
  /** Mount id (0 is the root mount); stable across save/load. */
  readonly mount: number;
  /** The backend's id of the node inside that mount. */
  readonly node: NodeId;
}

/** True when two handles name the same node. */
export function sameNode(a: NodeHandle, b: NodeHandle): boolean {
  return a.mount === b.mount && a.node === b.node;
}

/**
 * WASI `filestat` plus `rdev`. The syscall layer encodes dev, ino, filetype,
 * nlink, size, atim, mtim, ctim (64 bytes); `rdev` tells it which character
 * device a node is (see devices.ts), 0 for other files.
 */
export interface Stat {
  dev: bigint;
  ino: bigint;
  filetype: FileType;
  nlink: bigint;
  size: bigint;
  /** Times in nanoseconds since the Unix epoch. */
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  rdev: number;
}

/** One directory entry as fd_readdir reports it. */
export interface Dirent {
  /** Cookie of the entry after this one (WASI `d_next`). */
  next: bigint;
  /** Inode number (WASI `d_ino`). */
  ino: bigint;
  /** WASI filetype (`d_type`). */
  type: FileType;
  /** Entry name (UTF-8 when encoded). */
  name: string;
}

/** Linux limits the VFS enforces, as Linux reports them. */
export const NAME_MAX = 255;
/** Longest path accepted (PATH_MAX, bytes including the terminating NUL). */
export const PATH_MAX = 4096;
/** Symlinks followed in one resolution before ELOOP (Linux MAXSYMLINKS). */
export const MAX_SYMLINKS = 40;
