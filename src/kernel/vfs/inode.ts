import type { FileData } from './file-data.js';

/**
 * An inode of the in-memory filesystem. Every field is plain data saved in a
 * snapshot (see mem-fs.ts `save`), file bytes included. Inodes live in the
 * filesystem's table until both `nlink` and `refs` reach zero.
 */
interface InodeCommon {
  /** Inode number, unique in its filesystem, never reused. Set at creation. */
  readonly ino: number;
  /** Directory entries naming this inode (directories: 2 + subdirectories, 0 once removed). */
  nlink: number;
  /** Open file descriptions holding the inode (ref/unref by the fd layer). */
  refs: number;
  /** Last access, modification and status change, ns since the epoch. */
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export interface RegularInode extends InodeCommon {
  readonly kind: 'file';
  /** The file's bytes; changed by write and truncate. */
  readonly data: FileData;
}

/** A directory entry: the inode it names and its readdir position. */
export interface DirEntry {
  /** Inode named. */
  ino: number;
  /** Readdir position (cookie); increases with insertion, never reused in this directory. */
  seq: number;
}

export interface DirInode extends InodeCommon {
  readonly kind: 'dir';
  /** Entries by name, in insertion (= `seq`) order; "." and ".." are implicit. */
  readonly entries: Map<string, DirEntry>;
  /** Next readdir position to hand out (starts at 2: "." is 0 and ".." is 1). */
  nextSeq: number;
  /** Inode number of the parent directory (itself for the root); updated by rename. */
  parent: number;
}

export interface SymlinkInode extends InodeCommon {
  readonly kind: 'symlink';
  /** Link target as given to symlink(); never empty. */
  readonly target: string;
}

export interface DeviceInode extends InodeCommon {
  readonly kind: 'chardev';
  /** Device id (devices.ts). */
  readonly rdev: number;
}

export type Inode = RegularInode | DirInode | SymlinkInode | DeviceInode;
