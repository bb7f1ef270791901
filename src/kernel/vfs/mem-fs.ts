import { Errno } from '../abi/errno.js';
import type { FsBackend } from './backend.js';
import { deviceRead, deviceWrite, type RandomSource } from './devices.js';
import { FileData } from './file-data.js';
import type { DirInode, Inode } from './inode.js';
import { FileType, type Dirent, type NodeId, type Stat } from './types.js';

/** Realtime clock in nanoseconds since the Unix epoch. */
export type Clock = () => bigint;

/** Size limits of an in-memory filesystem. */
export interface MemFsLimits {
  /** Bytes of file contents and symlink targets in total; more gives ENOSPC. */
  maxBytes: number;
  /** Largest regular file; writing or truncating past it gives EFBIG. */
  maxFileSize: number;
  /** Inodes in total; creating more gives ENOSPC (tmpfs's nr_inodes). */
  maxInodes: number;
}

export const DEFAULT_MEM_LIMITS: MemFsLimits = {
  maxBytes: 256 * 1024 * 1024,
  maxFileSize: 1024 * 1024 * 1024,
  maxInodes: 1 << 20,
};

/** What a memory filesystem needs from outside. */
export interface MemFsEnv {
  /** Timestamps. */
  clock: Clock;
  /** /dev/urandom's bytes. */
  random: RandomSource;
}

/** Snapshot of one inode: named fields, plain data. */
export interface InodeState {
  ino: number;
  kind: Inode['kind'];
  nlink: number;
  refs: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  /** Regular files: their bytes. */
  data?: Uint8Array;
  /** Directories: entries in readdir order. */
  entries?: { name: string; ino: number; seq: number }[];
  /** Directories: next readdir position. */
  nextSeq?: number;
  /** Directories: parent inode number. */
  parent?: number;
  /** Symlinks: target. */
  target?: string;
  /** Character devices: device id. */
  rdev?: number;
}

/** Snapshot of a memory filesystem. */
export interface MemFsState {
  kind: 'memory';
  limits: MemFsLimits;
  rootIno: number;
  nextIno: number;
  inodes: InodeState[];
}

const ROOT_INO = 1;
const DIR_SIZE = 4096n;
const utf8 = new TextEncoder();

/**
 * The in-memory filesystem (tmpfs): an inode table. Directory entries name
 * inodes; an inode is dropped when no entry names it and no open file
 * description holds it, and its bytes are returned to the budget then.
 * Reads do not update atime (as a `noatime` mount).
 */
export class MemFs implements FsBackend {
  /** @nosave a constant */
  readonly kind = 'memory';
  /** @nosave a constant */
  readonly root: NodeId = ROOT_INO;
  /** All live inodes by number. Changed by every create/remove. @saved as InodeState */
  private readonly inodes = new Map<number, Inode>();
  /** Next inode number to hand out. @saved */
  private nextIno = ROOT_INO;
  /** Bytes of file data and symlink targets in use. @nosave recomputed on load */
  private usedBytes = 0;
  /** Limits; fixed at creation. @saved */
  readonly limits: MemFsLimits;
  /** Clock and random source. @nosave injected by the loader */
  private readonly env: MemFsEnv;

  constructor(env: MemFsEnv, limits: Partial<MemFsLimits> = {}) {
    this.env = env;
    this.limits = { ...DEFAULT_MEM_LIMITS, ...limits };
    const now = env.clock();
    const root: DirInode = {
      kind: 'dir', ino: this.nextIno++, nlink: 2, refs: 0, atim: now, mtim: now, ctim: now,
      entries: new Map(), nextSeq: 2, parent: ROOT_INO,
    };
    this.inodes.set(root.ino, root);
  }

  /** Bytes of file contents and symlink targets currently held (unlinked-but-open files included). */
  get bytesUsed(): number {
    return this.usedBytes;
  }

  /** Inodes currently held. */
  get inodeCount(): number {
    return this.inodes.size;
  }

  // ---- queries -----------------------------------------------------------

  typeOf(node: NodeId): FileType {
    const i = this.inodes.get(node as number);
    return i === undefined ? FileType.UNKNOWN : TYPE_OF[i.kind];
  }

  lookup(dir: NodeId, name: string): NodeId {
    const d = this.inodes.get(dir as number);
    if (d === undefined || d.kind !== 'dir') return -Errno.NOENT;
    const e = d.entries.get(name);
    return e === undefined ? -Errno.NOENT : e.ino;
  }

  parent(dir: NodeId): NodeId {
    const d = this.inodes.get(dir as number);
    return d !== undefined && d.kind === 'dir' ? d.parent : ROOT_INO;
  }

  nameOf(dir: NodeId, child: NodeId): string | undefined {
    const d = this.inodes.get(dir as number);
    if (d === undefined || d.kind !== 'dir') return undefined;
    for (const [name, e] of d.entries) if (e.ino === child) return name;
    return undefined;
  }

  stat(node: NodeId): Stat | Errno {
    const i = this.inodes.get(node as number);
    if (i === undefined) return Errno.NOENT;
    let size = 0n;
    if (i.kind === 'file') size = BigInt(i.data.size);
    else if (i.kind === 'dir') size = DIR_SIZE;
    else if (i.kind === 'symlink') size = BigInt(utf8.encode(i.target).length);
    return {
      dev: 0n, ino: BigInt(i.ino), filetype: TYPE_OF[i.kind], nlink: BigInt(i.nlink), size,
      atim: i.atim, mtim: i.mtim, ctim: i.ctim, rdev: i.kind === 'chardev' ? i.rdev : 0,
    };
  }

  readlink(node: NodeId): string | Errno {
    const i = this.inodes.get(node as number);
    return i !== undefined && i.kind === 'symlink' ? i.target : Errno.INVAL;
  }

  isEmptyDir(dir: NodeId): boolean {
    const d = this.inodes.get(dir as number);
    return d !== undefined && d.kind === 'dir' && d.entries.size === 0;
  }

  readdir(dir: NodeId, cookie: bigint): Dirent[] | Errno {
    const d = this.inodes.get(dir as number);
    if (d === undefined) return Errno.NOENT;
    if (d.kind !== 'dir') return Errno.NOTDIR;
    const out: Dirent[] = [];
    if (d.nlink === 0) return out; // removed: Linux lists nothing, not even "." and ".."
    if (cookie <= 0n) out.push({ next: 1n, ino: BigInt(d.ino), type: FileType.DIRECTORY, name: '.' });
    if (cookie <= 1n) out.push({ next: 2n, ino: BigInt(d.parent), type: FileType.DIRECTORY, name: '..' });
    for (const [name, e] of d.entries) {
      if (BigInt(e.seq) < cookie) continue;
      const child = this.inodes.get(e.ino)!;
      out.push({ next: BigInt(e.seq + 1), ino: BigInt(e.ino), type: TYPE_OF[child.kind], name });
    }
    return out;
  }

  sizeOf(node: NodeId): number {
    const i = this.inodes.get(node as number);
    if (i === undefined) return -Errno.NOENT;
    return i.kind === 'file' ? i.data.size : 0;
  }

  // ---- namespace changes ---------------------------------------------------

  mkdir(dir: NodeId, name: string): NodeId {
    const d = this.liveDir(dir);
    if (typeof d === 'number') return -d;
    if (this.inodes.size >= this.limits.maxInodes) return -Errno.NOSPC;
    const now = this.env.clock();
    const child: DirInode = {
      kind: 'dir', ino: this.nextIno++, nlink: 2, refs: 0, atim: now, mtim: now, ctim: now,
      entries: new Map(), nextSeq: 2, parent: d.ino,
    };
    this.inodes.set(child.ino, child);
    this.addEntry(d, name, child.ino, now);
    d.nlink++;
    return child.ino;
  }

  createFile(dir: NodeId, name: string): NodeId {
    const d = this.liveDir(dir);
    if (typeof d === 'number') return -d;
    if (this.inodes.size >= this.limits.maxInodes) return -Errno.NOSPC;
    const now = this.env.clock();
    const ino = this.nextIno++;
    this.inodes.set(ino, { kind: 'file', ino, nlink: 1, refs: 0, atim: now, mtim: now, ctim: now, data: new FileData() });
    this.addEntry(d, name, ino, now);
    return ino;
  }

  /** Creates a character device node (for /dev). */
  mknodChar(dir: NodeId, name: string, rdev: number): NodeId {
    const d = this.liveDir(dir);
    if (typeof d === 'number') return -d;
    if (d.entries.has(name)) return -Errno.EXIST;
    if (this.inodes.size >= this.limits.maxInodes) return -Errno.NOSPC;
    const now = this.env.clock();
    const ino = this.nextIno++;
    this.inodes.set(ino, { kind: 'chardev', ino, nlink: 1, refs: 0, atim: now, mtim: now, ctim: now, rdev });
    this.addEntry(d, name, ino, now);
    return ino;
  }

  symlink(dir: NodeId, name: string, target: string): Errno {
    const d = this.liveDir(dir);
    if (typeof d === 'number') return d;
    if (this.inodes.size >= this.limits.maxInodes) return Errno.NOSPC;
    const bytes = utf8.encode(target).length;
    if (this.usedBytes + bytes > this.limits.maxBytes) return Errno.NOSPC;
    this.usedBytes += bytes;
    const now = this.env.clock();
    const ino = this.nextIno++;
    this.inodes.set(ino, { kind: 'symlink', ino, nlink: 1, refs: 0, atim: now, mtim: now, ctim: now, target });
    this.addEntry(d, name, ino, now);
    return Errno.SUCCESS;
  }

  link(node: NodeId, dir: NodeId, name: string): Errno {
    const d = this.liveDir(dir);
    if (typeof d === 'number') return d;
    const i = this.inodes.get(node as number);
    if (i === undefined || i.nlink === 0) return Errno.NOENT;
    const now = this.env.clock();
    i.nlink++;
    i.ctim = now;
    this.addEntry(d, name, i.ino, now);
    return Errno.SUCCESS;
  }

  unlink(dir: NodeId, name: string): Errno {
    const d = this.inodes.get(dir as number) as DirInode;
    const e = d.entries.get(name);
    if (e === undefined) return Errno.NOENT;
    const now = this.env.clock();
    d.entries.delete(name);
    d.mtim = d.ctim = now;
    const i = this.inodes.get(e.ino)!;
    i.nlink--;
    i.ctim = now;
    this.maybeFree(i);
    return Errno.SUCCESS;
  }

  rmdir(dir: NodeId, name: string): Errno {
    const d = this.inodes.get(dir as number) as DirInode;
    const e = d.entries.get(name);
    if (e === undefined) return Errno.NOENT;
    const now = this.env.clock();
    d.entries.delete(name);
    d.nlink--;
    d.mtim = d.ctim = now;
    const child = this.inodes.get(e.ino)!;
    child.nlink = 0;
    child.ctim = now;
    this.maybeFree(child);
    return Errno.SUCCESS;
  }

  rename(srcDir: NodeId, srcName: string, dstDir: NodeId, dstName: string): Errno {
    const sd = this.inodes.get(srcDir as number) as DirInode;
    const dd = this.inodes.get(dstDir as number) as DirInode;
    const e = sd.entries.get(srcName);
    if (e === undefined) return Errno.NOENT;
    if (dd.nlink === 0) return Errno.NOENT;
    const now = this.env.clock();
    const moved = this.inodes.get(e.ino)!;
    const old = dd.entries.get(dstName);
    if (old !== undefined) {
      const victim = this.inodes.get(old.ino)!;
      dd.entries.delete(dstName);
      if (victim.kind === 'dir') {
        victim.nlink = 0;
        dd.nlink--;
      } else {
        victim.nlink--;
      }
      victim.ctim = now;
      this.maybeFree(victim);
    }
    sd.entries.delete(srcName);
    this.addEntry(dd, dstName, moved.ino, now);
    sd.mtim = sd.ctim = now;
    moved.ctim = now;
    if (moved.kind === 'dir' && sd !== dd) {
      moved.parent = dd.ino;
      sd.nlink--;
      dd.nlink++;
    }
    return Errno.SUCCESS;
  }

  // ---- data ------------------------------------------------------------------

  read(node: NodeId, offset: number, buf: Uint8Array): number {
    const i = this.inodes.get(node as number);
    if (i === undefined) return -Errno.NOENT;
    switch (i.kind) {
      case 'file': return i.data.read(offset, buf);
      case 'chardev': return deviceRead(i.rdev, buf, this.env.random);
      case 'dir': return -Errno.ISDIR;
      default: return -Errno.INVAL;
    }
  }

  write(node: NodeId, offset: number, data: Uint8Array): number {
    const i = this.inodes.get(node as number);
    if (i === undefined) return -Errno.NOENT;
    if (i.kind === 'chardev') return deviceWrite(i.rdev, data);
    if (i.kind === 'dir') return -Errno.ISDIR;
    if (i.kind !== 'file') return -Errno.INVAL;
    if (data.length === 0) return 0;
    // Linux writes what fits and reports EFBIG/ENOSPC only when nothing fits.
    let n = data.length;
    if (offset >= this.limits.maxFileSize) return -Errno.FBIG;
    n = Math.min(n, this.limits.maxFileSize - offset);
    const size = i.data.size;
    const room = this.limits.maxBytes - this.usedBytes;
    if (offset + n - size > room) {
      n = size + room - offset;
      if (n <= 0) return -Errno.NOSPC;
    }
    const growth = Math.max(0, offset + n - size);
    i.data.write(offset, n === data.length ? data : data.subarray(0, n));
    this.usedBytes += growth;
    i.mtim = i.ctim = this.env.clock();
    return n;
  }

  truncate(node: NodeId, size: number): Errno {
    const i = this.inodes.get(node as number);
    if (i === undefined) return Errno.NOENT;
    if (i.kind === 'dir') return Errno.ISDIR;
    if (i.kind !== 'file') return Errno.INVAL;
    if (size > this.limits.maxFileSize) return Errno.FBIG;
    const delta = size - i.data.size;
    if (delta > 0 && this.usedBytes + delta > this.limits.maxBytes) return Errno.NOSPC;
    i.data.truncate(size);
    this.usedBytes += delta;
    i.mtim = i.ctim = this.env.clock();
    return Errno.SUCCESS;
  }

  setTimes(node: NodeId, atim: bigint | undefined, mtim: bigint | undefined, now: bigint): Errno {
    const i = this.inodes.get(node as number);
    if (i === undefined) return Errno.NOENT;
    if (atim !== undefined) i.atim = atim;
    if (mtim !== undefined) i.mtim = mtim;
    i.ctim = now;
    return Errno.SUCCESS;
  }

  ref(node: NodeId): void {
    const i = this.inodes.get(node as number);
    if (i !== undefined) i.refs++;
  }

  unref(node: NodeId): void {
    const i = this.inodes.get(node as number);
    if (i === undefined || i.refs === 0) return;
    i.refs--;
    this.maybeFree(i);
  }

  // ---- snapshots ---------------------------------------------------------------

  save(): MemFsState {
    const inodes: InodeState[] = [];
    for (const i of this.inodes.values()) {
      const s: InodeState = {
        ino: i.ino, kind: i.kind, nlink: i.nlink, refs: i.refs, atim: i.atim, mtim: i.mtim, ctim: i.ctim,
      };
      if (i.kind === 'file') s.data = i.data.snapshot();
      else if (i.kind === 'dir') {
        s.entries = [...i.entries].map(([name, e]) => ({ name, ino: e.ino, seq: e.seq }));
        s.nextSeq = i.nextSeq;
        s.parent = i.parent;
      } else if (i.kind === 'symlink') s.target = i.target;
      else s.rdev = i.rdev;
      inodes.push(s);
    }
    return { kind: 'memory', limits: { ...this.limits }, rootIno: ROOT_INO, nextIno: this.nextIno, inodes };
  }

  /** Rebuilds a filesystem from {@link save}'s output. The state is trusted (validated by the snapshot layer). */
  static load(state: MemFsState, env: MemFsEnv): MemFs {
    const fs = new MemFs(env, state.limits);
    fs.inodes.clear();
    fs.nextIno = state.nextIno;
    fs.usedBytes = 0;
    for (const s of state.inodes) {
      const c = { ino: s.ino, nlink: s.nlink, refs: s.refs, atim: s.atim, mtim: s.mtim, ctim: s.ctim };
      let i: Inode;
      switch (s.kind) {
        case 'file':
          i = { ...c, kind: 'file', data: new FileData(s.data ?? new Uint8Array(0)) };
          fs.usedBytes += i.data.size;
          break;
        case 'dir':
          i = {
            ...c, kind: 'dir', nextSeq: s.nextSeq ?? 2, parent: s.parent ?? ROOT_INO,
            entries: new Map((s.entries ?? []).map((e) => [e.name, { ino: e.ino, seq: e.seq }])),
          };
          break;
        case 'symlink':
          i = { ...c, kind: 'symlink', target: s.target ?? '' };
          fs.usedBytes += utf8.encode(i.target).length;
          break;
        case 'chardev':
          i = { ...c, kind: 'chardev', rdev: s.rdev ?? 0 };
          break;
      }
      fs.inodes.set(i.ino, i);
    }
    return fs;
  }

  // ---- helpers ---------------------------------------------------------------------

  /** The directory `dir` if it still exists in the namespace, else ENOENT (creating in a removed dir). */
  private liveDir(dir: NodeId): DirInode | Errno {
    const d = this.inodes.get(dir as number);
    if (d === undefined || d.nlink === 0) return Errno.NOENT;
    if (d.kind !== 'dir') return Errno.NOTDIR;
    return d;
  }

  private addEntry(d: DirInode, name: string, ino: number, now: bigint): void {
    d.entries.set(name, { ino, seq: d.nextSeq++ });
    d.mtim = d.ctim = now;
  }

  /** Drops an inode nobody names or holds, returning its bytes to the budget. */
  private maybeFree(i: Inode): void {
    if (i.nlink > 0 || i.refs > 0 || i.ino === ROOT_INO) return;
    this.inodes.delete(i.ino);
    if (i.kind === 'file') this.usedBytes -= i.data.size;
    else if (i.kind === 'symlink') this.usedBytes -= utf8.encode(i.target).length;
  }
}

const TYPE_OF: Record<Inode['kind'], FileType> = {
  file: FileType.REGULAR_FILE,
  dir: FileType.DIRECTORY,
  symlink: FileType.SYMBOLIC_LINK,
  chardev: FileType.CHARACTER_DEVICE,
};
