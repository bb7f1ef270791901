import { Errno, errnoNames } from '../abi/errno.js';
import type { FsBackend } from './backend.js';
import { VfsSetupError } from './errors.js';
import { MemFs, type MemFsEnv, type MemFsLimits, type MemFsState } from './mem-fs.js';
import {
  FileType, FstFlags, MAX_SYMLINKS, NAME_MAX, OFlags, PATH_MAX,
  type Dirent, type NodeHandle, type NodeId, type Stat,
} from './types.js';

/** What the VFS needs from the platform: a realtime clock (ns) and random bytes. */
export type VfsEnv = MemFsEnv;

/** Options of {@link Vfs.open}. */
export interface OpenOptions {
  /** WASI oflags: CREAT, DIRECTORY, EXCL, TRUNC. */
  oflags?: number;
  /** Follow a symlink in the final component (WASI LOOKUP_SYMLINK_FOLLOW). Default true. */
  follow?: boolean;
  /** The description will be written (a right such as fd_write): a directory gives EISDIR. */
  write?: boolean;
}

/** Options of path resolution. */
export interface ResolveOptions {
  /**
   * Refuse, with ENOTCAPABLE, any resolution that leaves the start directory:
   * `..` above it, an absolute path, an absolute symlink (wasmtime's rule for
   * preopens). Default: true unless the start is the VFS root, where `..`
   * stays at the root and absolute paths and symlinks resolve from the root.
   */
  confine?: boolean;
}

/** One mounted filesystem. */
interface Mount {
  /** Mount id, named by every handle into it; stable across save/load. */
  readonly id: number;
  /** The filesystem; replaced by {@link Vfs.remount} after a load. Not saved unless a MemFs. */
  backend: FsBackend;
  /** Directory this mount covers, in the parent mount; undefined for the root mount. Saved. */
  readonly mountpoint: NodeHandle | undefined;
  /** Device id reported in stat's `dev`. Derived from the id. */
  readonly dev: bigint;
  /** False for a non-memory mount restored from a snapshot and not yet re-mounted. */
  available: boolean;
}

/** Snapshot of one mount. */
export interface MountState {
  id: number;
  /** Backend kind ("memory", "host", ...). */
  kind: string;
  /** Absolute path of the mount at save time (informative; for re-mounting). */
  path: string;
  /** Covered directory in the parent mount; absent for the root mount. */
  mountpoint?: { mount: number; node: NodeId };
  /** Root node id of the backend (a re-mounted backend must have the same). */
  root: NodeId;
  /** Contents of a memory filesystem; absent for backends that are not saved (host). */
  fs?: MemFsState;
}

/** Snapshot of the whole VFS: plain data, named fields. */
export interface VfsState {
  version: 1;
  nextMountId: number;
  mounts: MountState[];
}

/** State of one path resolution. */
class Walk {
  /** Symlinks followed so far (ELOOP past MAX_SYMLINKS). */
  links = 0;
  /** Levels below the start directory, for confinement. */
  depth = 0;
  constructor(readonly confined: boolean) {}
}

/** The parent directory of a path's last component, and that component. */
interface Parent {
  dir: NodeHandle;
  /** Last component: a name, "." or "..", or "" when the path is "/" (Linux's LAST_ROOT). */
  name: string;
  /** The path ended in "/". */
  slash: boolean;
}

const utf8 = new TextEncoder();
const isErr = (r: unknown): r is Errno => typeof r === 'number';

function byteLength(s: string): number {
  // Fast path: a UTF-16 length this small cannot exceed the limits in UTF-8.
  return s.length * 3 <= NAME_MAX ? s.length : utf8.encode(s).length;
}

/**
 * The virtual filesystem: a tree of mounts, each a {@link FsBackend}, with
 * Linux/WASI path resolution over them. See index.ts for the contract.
 */
export class Vfs {
  /** Mounts by id. Changed by mount/umount. @saved as MountState (host backends are re-attached by the host) */
  private readonly mounts = new Map<number, Mount>();
  /** Covered directory ("mount:node") → id of the mount on it. @nosave rebuilt on load from the mounts */
  private readonly covered = new Map<string, number>();
  /** Next mount id. @saved */
  private nextMountId = 0;
  /** Clock and random source. @nosave injected by the loader */
  readonly env: VfsEnv;
  /** Root directory of the VFS. @nosave always the first mount's root */
  readonly root: NodeHandle;

  constructor(env: VfsEnv, rootFs: FsBackend) {
    this.env = env;
    const id = this.nextMountId++;
    this.mounts.set(id, { id, backend: rootFs, mountpoint: undefined, dev: BigInt(id + 1), available: true });
    this.root = { mount: id, node: rootFs.root };
  }

  /** A VFS whose root is a fresh in-memory filesystem. */
  static create(env: VfsEnv, limits: Partial<MemFsLimits> = {}): Vfs {
    return new Vfs(env, new MemFs(env, limits));
  }

  /** The root mount's filesystem (for limits and usage). */
  get rootFs(): FsBackend {
    return this.mounts.get(this.root.mount)!.backend;
  }

  // ===== path resolution =====================================================

  /**
   * Resolves `path` relative to the directory `start`. Follows a symlink in the
   * final component when `follow`. Errors: ENOENT, ENOTDIR, ELOOP,
   * ENAMETOOLONG, ENOTCAPABLE (confined walk leaving `start`), EIO.
   */
  resolve(start: NodeHandle, path: string, follow = true, opts: ResolveOptions = {}): NodeHandle | Errno {
    const w = this.walk(start, opts);
    if (isErr(w)) return w;
    return this.walkFull(w, start, path, follow);
  }

  /** Stat of what `path` names (a path_filestat_get). */
  statAt(start: NodeHandle, path: string, follow = true, opts: ResolveOptions = {}): Stat | Errno {
    const h = this.resolve(start, path, follow, opts);
    return isErr(h) ? h : this.stat(h);
  }

  private walk(start: NodeHandle, opts: ResolveOptions): Walk | Errno {
    const t = this.typeOf(start);
    if (t !== FileType.DIRECTORY) return t === FileType.UNKNOWN ? Errno.NOENT : Errno.NOTDIR;
    const atRoot = start.mount === this.root.mount && start.node === this.root.node;
    return new Walk(opts.confine ?? !atRoot);
  }

  /** Walks all but the last component of `path` (intermediate symlinks followed). */
  private walkParent(w: Walk, start: NodeHandle, path: string): Parent | Errno {
    if (path.length === 0) return Errno.NOENT;
    if (path.length >= PATH_MAX / 3 && utf8.encode(path).length >= PATH_MAX) return Errno.NAMETOOLONG;
    let dir = start;
    if (path.charCodeAt(0) === 47 /* / */) {
      if (w.confined) return Errno.NOTCAPABLE;
      dir = this.root;
    }
    const comps = path.split('/').filter((c) => c !== '');
    const slash = path.charCodeAt(path.length - 1) === 47;
    if (comps.length === 0) return { dir, name: '', slash: true };
    for (let k = 0; k < comps.length - 1; k++) {
      const next = this.step(w, dir, comps[k]!);
      if (isErr(next)) return next;
      dir = next;
    }
    return { dir, name: comps[comps.length - 1]!, slash };
  }

  /** One intermediate component: the directory it names (symlinks followed). */
  private step(w: Walk, dir: NodeHandle, comp: string): NodeHandle | Errno {
    if (comp === '.') return dir;
    if (comp === '..') return this.up(w, dir);
    let h = this.lookupChild(dir, comp);
    if (isErr(h)) return h;
    let t = this.typeOf(h);
    if (t === FileType.SYMBOLIC_LINK) {
      h = this.followLink(w, dir, h);
      if (isErr(h)) return h;
      t = this.typeOf(h);
    } else {
      w.depth++;
    }
    return t === FileType.DIRECTORY ? h : Errno.NOTDIR;
  }

  /** Resolves the last component given by `p`. */
  private finalStep(w: Walk, p: Parent, follow: boolean): NodeHandle | Errno {
    let h: NodeHandle | Errno;
    if (p.name === '' || p.name === '.') h = p.dir;
    else if (p.name === '..') h = this.up(w, p.dir);
    else {
      h = this.lookupChild(p.dir, p.name);
      if (isErr(h)) return h;
      if ((follow || p.slash) && this.typeOf(h) === FileType.SYMBOLIC_LINK) h = this.followLink(w, p.dir, h);
      else w.depth++;
    }
    if (isErr(h)) return h;
    if (p.slash && this.typeOf(h) !== FileType.DIRECTORY) return Errno.NOTDIR;
    return h;
  }

  private walkFull(w: Walk, start: NodeHandle, path: string, follow: boolean): NodeHandle | Errno {
    const p = this.walkParent(w, start, path);
    return isErr(p) ? p : this.finalStep(w, p, follow);
  }

  /** Resolves the target of symlink `link` found in `dir`. */
  private followLink(w: Walk, dir: NodeHandle, link: NodeHandle): NodeHandle | Errno {
    const target = this.linkTarget(w, link);
    return isErr(target) ? target : this.walkFull(w, dir, target, true);
  }

  private linkTarget(w: Walk, link: NodeHandle): string | Errno {
    if (++w.links > MAX_SYMLINKS) return Errno.LOOP;
    const m = this.mountOf(link);
    if (m === undefined) return Errno.IO;
    const target = m.backend.readlink(link.node);
    if (isErr(target)) return target;
    return target === '' ? Errno.NOENT : target;
  }

  /** `..` of `dir`: across mount roots upward; the VFS root is its own parent. */
  private up(w: Walk, dir: NodeHandle): NodeHandle | Errno {
    if (w.confined) {
      if (w.depth === 0) return Errno.NOTCAPABLE;
      w.depth--;
    }
    let h = dir;
    for (;;) {
      const m = this.mountOf(h);
      if (m === undefined) return Errno.IO;
      if (h.node !== m.backend.root) return { mount: h.mount, node: m.backend.parent(h.node) };
      if (m.mountpoint === undefined) return h; // VFS root
      h = m.mountpoint;
    }
  }

  /** Child `name` of `dir`, entering a mount that covers it. */
  private lookupChild(dir: NodeHandle, name: string): NodeHandle | Errno {
    const h = this.lookupEntry(dir, name);
    return isErr(h) ? h : this.crossDown(h);
  }

  /** Child `name` of `dir` in `dir`'s own mount (the entry itself, not what is mounted on it). */
  private lookupEntry(dir: NodeHandle, name: string): NodeHandle | Errno {
    if (byteLength(name) > NAME_MAX) return Errno.NAMETOOLONG;
    const m = this.mountOf(dir);
    if (m === undefined) return Errno.IO;
    const node = m.backend.lookup(dir.node, name);
    if (typeof node === 'number' && node < 0) return -node as Errno;
    return { mount: dir.mount, node };
  }

  private crossDown(h: NodeHandle): NodeHandle {
    for (;;) {
      const id = this.covered.get(coverKey(h));
      if (id === undefined) return h;
      h = { mount: id, node: this.mounts.get(id)!.backend.root };
    }
  }

  private isMountpoint(h: NodeHandle): boolean {
    return this.covered.has(coverKey(h));
  }

  /** True when `h` is the root of a mount other than the VFS root. */
  private isMountRoot(h: NodeHandle): boolean {
    const m = this.mountOf(h);
    return m !== undefined && m.mountpoint !== undefined && h.node === m.backend.root;
  }

  /** The mount of `h`; undefined when it was unmounted or is waiting to be re-mounted (callers give EIO). */
  private mountOf(h: NodeHandle): Mount | undefined {
    const m = this.mounts.get(h.mount);
    return m !== undefined && m.available ? m : undefined;
  }

  /** The filesystem of `h`; for an unmounted or pending mount, one that answers EIO. */
  private fsOf(h: NodeHandle): FsBackend {
    return this.mounts.get(h.mount)?.backend ?? GONE;
  }

  private typeOf(h: NodeHandle): FileType {
    const m = this.mounts.get(h.mount);
    return m === undefined ? FileType.UNKNOWN : m.backend.typeOf(h.node);
  }

  /** True when `anc` is `h` or one of its ancestors inside `h`'s mount. */
  private isAncestorOrSelf(anc: NodeHandle, h: NodeHandle): boolean {
    if (anc.mount !== h.mount) return false;
    const b = this.mounts.get(h.mount)!.backend;
    let n = h.node;
    for (;;) {
      if (n === anc.node) return true;
      if (n === b.root) return false;
      n = b.parent(n);
    }
  }

  // ===== open / close ==========================================================

  /**
   * path_open: resolves (and with CREAT creates) a node and takes a reference
   * on it for the new open file description; release it with {@link close}.
   * Errors as Linux's openat: EINVAL (CREAT|DIRECTORY), EISDIR (CREAT on a
   * directory or with a trailing slash; TRUNC or `write` on a directory),
   * EEXIST (CREAT|EXCL on anything existing, dangling symlinks included),
   * ENOTDIR (DIRECTORY on a non-directory), ELOOP (final symlink without
   * follow), ENOENT, ENOSPC, ENOTCAPABLE, ...
   */
  open(start: NodeHandle, path: string, opts: OpenOptions = {}, ropts: ResolveOptions = {}): NodeHandle | Errno {
    const oflags = opts.oflags ?? 0;
    const follow = opts.follow ?? true;
    if (oflags & ~(OFlags.CREAT | OFlags.DIRECTORY | OFlags.EXCL | OFlags.TRUNC)) return Errno.INVAL;
    if ((oflags & OFlags.CREAT) && (oflags & OFlags.DIRECTORY)) return Errno.INVAL; // Linux >= 6.4
    const w = this.walk(start, ropts);
    if (isErr(w)) return w;
    let h: NodeHandle | Errno;
    if (oflags & OFlags.CREAT) {
      h = this.openCreate(w, start, path, oflags, follow);
    } else {
      h = this.walkFull(w, start, path, follow);
    }
    if (isErr(h)) return h;
    const t = this.typeOf(h);
    if (t === FileType.SYMBOLIC_LINK) return oflags & OFlags.DIRECTORY ? Errno.NOTDIR : Errno.LOOP;
    if ((oflags & OFlags.DIRECTORY) && t !== FileType.DIRECTORY) return Errno.NOTDIR;
    if (t === FileType.DIRECTORY && ((oflags & OFlags.TRUNC) || opts.write)) return Errno.ISDIR;
    if ((oflags & OFlags.TRUNC) && t === FileType.REGULAR_FILE) {
      const e = this.fsOf(h).truncate(h.node, 0);
      if (e !== Errno.SUCCESS) return e;
    }
    return this.takeRef(h);
  }

  /**
   * The O_CREAT half of open: finds or creates the final node, following a
   * final symlink (when allowed) to create its target as Linux does. Returns
   * the existing or new node.
   */
  private openCreate(w: Walk, start: NodeHandle, path: string, oflags: number, follow: boolean): NodeHandle | Errno {
    let p = this.walkParent(w, start, path);
    for (;;) {
      if (isErr(p)) return p;
      if (p.name === '' || p.name === '.' || p.name === '..') {
        if (oflags & OFlags.EXCL) return Errno.EXIST;
        return Errno.ISDIR;
      }
      if (p.slash) return Errno.ISDIR;
      const e = this.lookupChild(p.dir, p.name);
      if (e === Errno.NOENT) {
        const node = this.fsOf(p.dir).createFile(p.dir.node, p.name);
        if (typeof node === 'number' && node < 0) return -node as Errno;
        return { mount: p.dir.mount, node };
      }
      if (isErr(e)) return e;
      if (oflags & OFlags.EXCL) return Errno.EXIST;
      const t = this.typeOf(e);
      if (t === FileType.SYMBOLIC_LINK && follow) {
        const target = this.linkTarget(w, e);
        if (isErr(target)) return target;
        p = this.walkParent(w, p.dir, target);
        continue;
      }
      if (t === FileType.DIRECTORY) return Errno.ISDIR;
      return e;
    }
  }

  /** Takes a reference for an open file description (see {@link close}). */
  ref(h: NodeHandle): void {
    this.mountOf(h)?.backend.ref(h.node);
  }

  /** Drops the reference {@link open} or {@link ref} took; an unlinked node is freed with its last one. */
  close(h: NodeHandle): void {
    this.mountOf(h)?.backend.unref(h.node);
  }

  private takeRef(h: NodeHandle): NodeHandle {
    this.ref(h);
    return h;
  }

  // ===== namespace operations ==================================================

  /** path_create_directory. Errors: EEXIST (anything there, "." and ".." included), ENOENT, ENOSPC, ... */
  mkdir(start: NodeHandle, path: string, opts: ResolveOptions = {}): Errno {
    const p = this.parentFor(start, path, opts);
    if (isErr(p)) return p;
    if (p.name === '' || p.name === '.' || p.name === '..') return Errno.EXIST;
    const e = this.lookupEntry(p.dir, p.name);
    if (!isErr(e)) return Errno.EXIST;
    if (e !== Errno.NOENT) return e;
    const r = this.fsOf(p.dir).mkdir(p.dir.node, p.name);
    return typeof r === 'number' && r < 0 ? (-r as Errno) : Errno.SUCCESS;
  }

  /** path_remove_directory. Errors: EINVAL ("."), ENOTEMPTY (".." or entries), EBUSY (a mount), ENOTDIR, ENOENT. */
  rmdir(start: NodeHandle, path: string, opts: ResolveOptions = {}): Errno {
    const p = this.parentFor(start, path, opts);
    if (isErr(p)) return p;
    if (p.name === '..') return Errno.NOTEMPTY;
    if (p.name === '.') return Errno.INVAL;
    if (p.name === '') return Errno.BUSY;
    const e = this.lookupEntry(p.dir, p.name);
    if (isErr(e)) return e;
    if (this.typeOf(e) !== FileType.DIRECTORY) return Errno.NOTDIR;
    if (this.isMountpoint(e)) return Errno.BUSY;
    const b = this.fsOf(p.dir);
    if (!b.isEmptyDir(e.node)) return Errno.NOTEMPTY;
    return b.rmdir(p.dir.node, p.name);
  }

  /** path_unlink_file. Errors: EISDIR (a directory, ".", ".."), ENOTDIR (trailing slash on a non-directory), ENOENT. */
  unlink(start: NodeHandle, path: string, opts: ResolveOptions = {}): Errno {
    const p = this.parentFor(start, path, opts);
    if (isErr(p)) return p;
    if (p.name === '' || p.name === '.' || p.name === '..') return Errno.ISDIR;
    const e = this.lookupEntry(p.dir, p.name);
    if (isErr(e)) return e;
    const t = this.typeOf(e);
    if (t === FileType.DIRECTORY) return Errno.ISDIR;
    if (p.slash) return Errno.NOTDIR;
    return this.fsOf(p.dir).unlink(p.dir.node, p.name);
  }

  /**
   * path_symlink: creates `path` → `target`. Errors: ENOENT (empty target, trailing slash), EEXIST,
   * ENAMETOOLONG, ENOSPC, EPERM (an absolute target from a confined start).
   */
  symlink(target: string, start: NodeHandle, path: string, opts: ResolveOptions = {}): Errno {
    if (target === '') return Errno.NOENT;
    // From a confined start an absolute target could only be followed out of it (the walk refuses
    // that with ENOTCAPABLE), so it is not made at all: EPERM, as node:wasi (uvwasi) and wasmtime
    // (cap-std) answer; wasi-testsuite's symlink_create wants path_symlink("/", dir, ...) refused.
    // From the VFS root an absolute target resolves inside the VFS and is made as Linux makes it.
    const atRoot = start.mount === this.root.mount && start.node === this.root.node;
    if (target.charCodeAt(0) === 47 /* / */ && (opts.confine ?? !atRoot)) return Errno.PERM;
    if (target.length >= PATH_MAX / 3 && utf8.encode(target).length >= PATH_MAX) return Errno.NAMETOOLONG;
    const p = this.parentFor(start, path, opts);
    if (isErr(p)) return p;
    const c = this.checkCreate(p);
    if (c !== Errno.SUCCESS) return c;
    return this.fsOf(p.dir).symlink(p.dir.node, p.name, target);
  }

  /** path_readlink (without truncation: the caller copies what fits). Errors: EINVAL (not a symlink), ENOENT, ... */
  readlink(start: NodeHandle, path: string, opts: ResolveOptions = {}): string | Errno {
    const h = this.resolve(start, path, false, opts);
    if (isErr(h)) return h;
    if (this.typeOf(h) !== FileType.SYMBOLIC_LINK) return Errno.INVAL;
    return this.fsOf(h).readlink(h.node);
  }

  /**
   * path_link: a new name `newPath` for what `oldPath` names (its final
   * symlink followed only when `follow`). Errors: EEXIST, ENOENT, EXDEV
   * (different mounts), EPERM (a directory), ...
   */
  link(oldStart: NodeHandle, oldPath: string, follow: boolean, newStart: NodeHandle, newPath: string,
    opts: ResolveOptions = {}): Errno {
    const old = this.resolve(oldStart, oldPath, follow, opts);
    if (isErr(old)) return old;
    const p = this.parentFor(newStart, newPath, opts);
    if (isErr(p)) return p;
    const c = this.checkCreate(p);
    if (c !== Errno.SUCCESS) return c;
    if (old.mount !== p.dir.mount) return Errno.XDEV;
    if (this.typeOf(old) === FileType.DIRECTORY) return Errno.PERM;
    return this.fsOf(old).link(old.node, p.dir.node, p.name);
  }

  /**
   * path_rename with rename(2)'s replace semantics. Errors, in Linux's order:
   * EXDEV, EBUSY ("." / ".." / "/" / a mount), ENOENT, ENOTDIR (trailing slash
   * on a non-directory, directory over a non-directory), EINVAL (directory into
   * its own subtree), ENOTEMPTY (over an ancestor, or a non-empty directory),
   * EISDIR (non-directory over a directory). Renaming onto the same node succeeds and changes nothing.
   */
  rename(oldStart: NodeHandle, oldPath: string, newStart: NodeHandle, newPath: string, opts: ResolveOptions = {}): Errno {
    const po = this.parentFor(oldStart, oldPath, opts);
    if (isErr(po)) return po;
    const pn = this.parentFor(newStart, newPath, opts);
    if (isErr(pn)) return pn;
    if (po.dir.mount !== pn.dir.mount) return Errno.XDEV;
    if (!isNormal(po.name) || !isNormal(pn.name)) return Errno.BUSY;
    const src = this.lookupEntry(po.dir, po.name);
    if (isErr(src)) return src;
    const srcIsDir = this.typeOf(src) === FileType.DIRECTORY;
    if (!srcIsDir && (po.slash || pn.slash)) return Errno.NOTDIR;
    if (srcIsDir && this.isAncestorOrSelf(src, pn.dir)) return Errno.INVAL;
    const dst = this.lookupEntry(pn.dir, pn.name);
    if (isErr(dst) && dst !== Errno.NOENT) return dst;
    const b = this.fsOf(po.dir);
    if (!isErr(dst)) {
      if (this.isAncestorOrSelf(dst, po.dir)) return Errno.NOTEMPTY;
      if (dst.node === src.node) return Errno.SUCCESS;
      const dstIsDir = this.typeOf(dst) === FileType.DIRECTORY;
      if (srcIsDir && !dstIsDir) return Errno.NOTDIR;
      if (!srcIsDir && dstIsDir) return Errno.ISDIR;
      if (this.isMountpoint(src) || this.isMountpoint(dst)) return Errno.BUSY;
      if (dstIsDir && !b.isEmptyDir(dst.node)) return Errno.NOTEMPTY;
    } else if (this.isMountpoint(src)) {
      return Errno.BUSY;
    }
    return b.rename(po.dir.node, po.name, pn.dir.node, pn.name);
  }

  private parentFor(start: NodeHandle, path: string, opts: ResolveOptions): Parent | Errno {
    const w = this.walk(start, opts);
    return isErr(w) ? w : this.walkParent(w, start, path);
  }

  /** Linux's filename_create checks for symlink and link: EEXIST, then ENOENT for a trailing slash. */
  private checkCreate(p: Parent): Errno {
    if (!isNormal(p.name)) return Errno.EXIST;
    const e = this.lookupEntry(p.dir, p.name);
    if (!isErr(e)) return Errno.EXIST;
    if (e !== Errno.NOENT) return e;
    return p.slash ? Errno.NOENT : Errno.SUCCESS;
  }

  // ===== nodes ===================================================================

  /** fd_filestat_get. `dev` is the mount's device id. */
  stat(h: NodeHandle): Stat | Errno {
    const m = this.mountOf(h);
    if (m === undefined) return Errno.IO;
    const s = m.backend.stat(h.node);
    if (isErr(s)) return s;
    s.dev = m.dev;
    return s;
  }

  /** WASI filetype of a node; UNKNOWN when it is gone. */
  fileType(h: NodeHandle): FileType {
    return this.typeOf(h);
  }

  /**
   * fd_filestat_set_times / path_filestat_set_times on a resolved node.
   * `fst` is WASI fstflags; EINVAL when ATIM and ATIM_NOW (or MTIM and
   * MTIM_NOW) are both set or unknown bits are. ctime becomes now.
   */
  setTimes(h: NodeHandle, atim: bigint, mtim: bigint, fst: number): Errno {
    if (fst & ~0xf) return Errno.INVAL;
    if ((fst & FstFlags.ATIM) && (fst & FstFlags.ATIM_NOW)) return Errno.INVAL;
    if ((fst & FstFlags.MTIM) && (fst & FstFlags.MTIM_NOW)) return Errno.INVAL;
    const m = this.mountOf(h);
    if (m === undefined) return Errno.IO;
    if (fst === 0) return Errno.SUCCESS;
    const now = this.env.clock(); // one reading: *_NOW and ctime agree, as in Linux
    const a = fst & FstFlags.ATIM_NOW ? now : fst & FstFlags.ATIM ? atim : undefined;
    const t = fst & FstFlags.MTIM_NOW ? now : fst & FstFlags.MTIM ? mtim : undefined;
    return m.backend.setTimes(h.node, a, t, now);
  }

  /** fd_filestat_set_size. Errors: EINVAL (negative, not a regular file), EISDIR, EFBIG, ENOSPC. */
  truncate(h: NodeHandle, size: number): Errno {
    if (!(size >= 0)) return Errno.INVAL;
    if (!Number.isSafeInteger(size)) return Errno.FBIG;
    const m = this.mountOf(h);
    return m === undefined ? Errno.IO : m.backend.truncate(h.node, size);
  }

  /**
   * Reads into `buf` at `offset`: bytes read (0 at end of file), or -errno
   * (EISDIR, EINVAL, ENXIO for a device the VFS does not serve, EIO).
   */
  read(h: NodeHandle, offset: number, buf: Uint8Array): number {
    const m = this.mountOf(h);
    if (m === undefined) return -Errno.IO;
    if (offset > Number.MAX_SAFE_INTEGER) offset = Number.MAX_SAFE_INTEGER;
    return m.backend.read(h.node, offset, buf);
  }

  /**
   * Writes `data` at `offset`: bytes written, possibly fewer than asked when
   * the file size limit or the space budget is reached, or -errno (EFBIG,
   * ENOSPC when nothing fits; EISDIR, ...). For O_APPEND pass {@link sizeOf}.
   */
  write(h: NodeHandle, offset: number, data: Uint8Array): number {
    const m = this.mountOf(h);
    if (m === undefined) return -Errno.IO;
    if (!Number.isSafeInteger(offset) || offset < 0) return -Errno.FBIG;
    return m.backend.write(h.node, offset, data);
  }

  /** Size of a node in bytes (regular files; 0 for others), or -errno. */
  sizeOf(h: NodeHandle): number {
    const m = this.mountOf(h);
    return m === undefined ? -Errno.IO : m.backend.sizeOf(h.node);
  }

  /**
   * Entries of directory `h` from `cookie` on: "." (cookie 0), ".." (1), then
   * the others in creation order, each with the cookie of the next. Cookies
   * stay valid while entries are added and removed. ENOTDIR for a non-directory.
   */
  readdir(h: NodeHandle, cookie: bigint = 0n): Dirent[] | Errno {
    const m = this.mountOf(h);
    if (m === undefined) return Errno.IO;
    const r = m.backend.readdir(h.node, cookie);
    if (isErr(r)) return r;
    // ".." of a mount's root is the covered directory's parent, as Linux shows it.
    if (this.isMountRoot(h) && cookie <= 1n) {
      const up = this.up(new Walk(false), h);
      if (!isErr(up)) {
        const s = this.stat(up);
        const dd = r.find((d) => d.name === '..');
        if (dd && !isErr(s)) dd.ino = s.ino;
      }
    }
    return r;
  }

  /** Absolute path of a directory (getcwd). ENOENT when it was removed. */
  pathOf(h: NodeHandle): string | Errno {
    const names: string[] = [];
    let cur = h;
    for (;;) {
      const m = this.mountOf(cur);
      if (m === undefined) return Errno.IO;
      if (cur.node === m.backend.root) {
        if (m.mountpoint === undefined) break;
        cur = m.mountpoint;
        continue;
      }
      if (m.backend.typeOf(cur.node) === FileType.UNKNOWN) return Errno.NOENT;
      const parent = m.backend.parent(cur.node);
      const name = m.backend.nameOf(parent, cur.node);
      if (name === undefined) return Errno.NOENT;
      names.push(name);
      cur = { mount: cur.mount, node: parent };
    }
    return '/' + names.reverse().join('/');
  }

  // ===== mounts ====================================================================

  /**
   * Mounts `backend` on the directory at absolute `path` (symlinks followed).
   * Returns the mount id. Throws {@link VfsSetupError} when the path is not an
   * existing directory or already has a mount.
   */
  mount(path: string, backend: FsBackend): number {
    const h = this.resolve(this.root, path, true);
    if (isErr(h)) throw new VfsSetupError(`cannot mount on ${path}: ${errnoNames[h]}; create the directory first`);
    if (this.typeOf(h) !== FileType.DIRECTORY) throw new VfsSetupError(`cannot mount on ${path}: not a directory`);
    if (this.isMountRoot(h) || h.node === this.root.node && h.mount === this.root.mount) {
      throw new VfsSetupError(`cannot mount on ${path}: something is already mounted there; unmount it first`);
    }
    const id = this.nextMountId++;
    this.mounts.set(id, { id, backend, mountpoint: h, dev: BigInt(id + 1), available: true });
    this.covered.set(coverKey(h), id);
    return id;
  }

  /** Unmounts the mount whose root `path` names. EINVAL if it is not a mount root, EBUSY if a mount is inside. */
  umount(path: string): Errno {
    const h = this.resolve(this.root, path, true);
    if (isErr(h)) return h;
    if (!this.isMountRoot(h)) return Errno.INVAL;
    for (const m of this.mounts.values()) if (m.mountpoint?.mount === h.mount) return Errno.BUSY;
    const m = this.mounts.get(h.mount)!;
    this.covered.delete(coverKey(m.mountpoint!));
    this.mounts.delete(h.mount);
    return Errno.SUCCESS;
  }

  /** Mounts restored from a snapshot whose backend was not saved (host directories) and must be re-mounted. */
  pendingMounts(): { id: number; kind: string; path: string }[] {
    const out = [];
    for (const m of this.mounts.values()) {
      if (!m.available) out.push({ id: m.id, kind: m.backend.kind, path: this.mountPath(m) });
    }
    return out;
  }

  /** Attaches `backend` to a pending mount (see {@link pendingMounts}); throws if the id is not pending or roots differ. */
  remount(id: number, backend: FsBackend): void {
    const m = this.mounts.get(id);
    if (m === undefined || m.available) throw new VfsSetupError(`mount ${id} is not waiting to be re-mounted`);
    if (backend.root !== m.backend.root) {
      throw new VfsSetupError(`mount ${id} needs a backend whose root id is ${String(m.backend.root)}`);
    }
    m.backend = backend;
    m.available = true;
  }

  private mountPath(m: Mount): string {
    if (m.mountpoint === undefined) return '/';
    const p = this.pathOf(m.mountpoint);
    return isErr(p) ? '?' : p;
  }

  // ===== snapshots =================================================================

  /**
   * Plain-data state of the whole VFS. Memory filesystems are saved whole
   * (inode reference counts included: the fd table restores its handles
   * without calling ref again). Other backends (host directories) are recorded
   * by mount path and must be re-mounted after {@link load}.
   */
  save(): VfsState {
    const mounts: MountState[] = [];
    for (const m of this.mounts.values()) {
      const s: MountState = { id: m.id, kind: m.backend.kind, path: this.mountPath(m), root: m.backend.root };
      if (m.mountpoint) s.mountpoint = { mount: m.mountpoint.mount, node: m.mountpoint.node };
      if (m.backend instanceof MemFs) s.fs = m.backend.save();
      mounts.push(s);
    }
    return { version: 1, nextMountId: this.nextMountId, mounts };
  }

  /** Rebuilds a VFS from {@link save}'s output. Throws {@link VfsSetupError} for an unknown version. */
  static load(state: VfsState, env: VfsEnv): Vfs {
    if (state.version !== 1) {
      throw new VfsSetupError(`VFS snapshot version ${String(state.version)} is not supported (this build reads version 1)`);
    }
    const backends = new Map<number, FsBackend>();
    for (const s of state.mounts) {
      backends.set(s.id, s.fs ? MemFs.load(s.fs, env) : new UnavailableFs(s.kind, s.root));
    }
    const rootState = state.mounts.find((s) => s.mountpoint === undefined);
    if (rootState === undefined) throw new VfsSetupError('VFS snapshot has no root mount');
    const vfs = new Vfs(env, backends.get(rootState.id)!);
    vfs.mounts.clear();
    for (const s of state.mounts) {
      const backend = backends.get(s.id)!;
      const mp = s.mountpoint ? { mount: s.mountpoint.mount, node: s.mountpoint.node } : undefined;
      vfs.mounts.set(s.id, { id: s.id, backend, mountpoint: mp, dev: BigInt(s.id + 1), available: !(backend instanceof UnavailableFs) });
      if (mp) vfs.covered.set(coverKey(mp), s.id);
    }
    vfs.nextMountId = state.nextMountId;
    (vfs as { root: NodeHandle }).root = { mount: rootState.id, node: rootState.root };
    return vfs;
  }
}

function isNormal(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..';
}

function coverKey(h: NodeHandle): string {
  return typeof h.node === 'number' ? `${h.mount}:${h.node}` : `${h.mount}:s${h.node}`;
}

/** Stands in for a backend that was not saved, until {@link Vfs.remount}. */
class UnavailableFs implements FsBackend {
  constructor(readonly kind: string, readonly root: NodeId) {}
  // The root looks like a directory so walks reach it and get EIO from lookup.
  typeOf(node: NodeId): FileType { return node === this.root ? FileType.DIRECTORY : FileType.UNKNOWN; }
  lookup(): NodeId { return -Errno.IO; }
  parent(dir: NodeId): NodeId { return dir; }
  nameOf(): string | undefined { return undefined; }
  stat(): Stat | Errno { return Errno.IO; }
  readlink(): string | Errno { return Errno.IO; }
  isEmptyDir(): boolean { return false; }
  readdir(): Dirent[] | Errno { return Errno.IO; }
  mkdir(): NodeId { return -Errno.IO; }
  createFile(): NodeId { return -Errno.IO; }
  symlink(): Errno { return Errno.IO; }
  link(): Errno { return Errno.IO; }
  unlink(): Errno { return Errno.IO; }
  rmdir(): Errno { return Errno.IO; }
  rename(): Errno { return Errno.IO; }
  read(): number { return -Errno.IO; }
  write(): number { return -Errno.IO; }
  sizeOf(): number { return -Errno.IO; }
  truncate(): Errno { return Errno.IO; }
  setTimes(): Errno { return Errno.IO; }
  ref(): void {}
  unref(): void {}
}

/** Backend of handles whose mount was unmounted. */
const GONE: FsBackend = new UnavailableFs('gone', -1);
