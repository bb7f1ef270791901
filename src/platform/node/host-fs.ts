import * as fs from 'node:fs';
import { Errno, errnoNames } from '../../kernel/abi/errno.js';
import type { FsBackend } from '../../kernel/vfs/backend.js';
import { VfsSetupError } from '../../kernel/vfs/errors.js';
import { FileType, type Dirent, type NodeId, type Stat } from '../../kernel/vfs/types.js';

/**
 * A VFS backend over a host directory (`wvisor run --dir HOST::GUEST`), with
 * node:fs's synchronous calls.
 *
 * Nodes are named by their path relative to the host directory ("" is the
 * directory itself), made only of real directory names: the VFS resolves
 * every component itself (lookup is an lstat, symlinks are read with
 * readlink and followed in the *guest's* namespace, `..` at this root climbs
 * to the guest directory mounted over), so a host symlink, absolute or full
 * of `..`, can never lead outside the host directory. Data calls open the
 * final component with O_NOFOLLOW. Limits: a node is its path, so a file
 * renamed or unlinked on the host (or by the guest) while open is no longer
 * reachable through its old handle (EIO/ENOENT), unlike the memory
 * filesystem; concurrent changes to the host tree by other programs are not
 * guarded against beyond O_NOFOLLOW on the final component.
 */
export class HostFs implements FsBackend {
  readonly kind = 'host';
  readonly root: NodeId = '';
  /** Absolute, symlink-free host path of the mounted directory. Set at creation. */
  readonly hostRoot: string;
  /** Refuse every change with EROFS. Set at creation. */
  readonly readOnly: boolean;

  /**
   * Throws {@link VfsSetupError}, one line saying why, when `hostDir` is not
   * an existing directory this process can open and list (the check wasmtime
   * makes when it opens a --dir).
   */
  constructor(hostDir: string, opts: { readOnly?: boolean } = {}) {
    let real: string;
    try {
      real = fs.realpathSync(hostDir);
      if (!fs.statSync(real).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      fs.accessSync(real, fs.constants.R_OK | fs.constants.X_OK);
      fs.closeSync(fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY));
    } catch (e) {
      const code = codeOf(e);
      const why = code === 'ENOENT' ? 'no such directory'
        : code === 'ENOTDIR' ? 'not a directory'
          : code === 'EACCES' || code === 'EPERM' ? 'permission denied (it must be readable and searchable)'
            : code ?? String(e);
      throw new VfsSetupError(`cannot use host directory ${hostDir}: ${why}`);
    }
    this.hostRoot = real;
    this.readOnly = opts.readOnly ?? false;
  }

  /** Host path of a node. */
  hostPath(node: NodeId): string {
    return node === '' ? this.hostRoot : `${this.hostRoot}/${node as string}`;
  }

  private child(dir: NodeId, name: string): string {
    return dir === '' ? name : `${dir as string}/${name}`;
  }

  // ---- queries ----

  typeOf(node: NodeId): FileType {
    try {
      const st = fs.lstatSync(this.hostPath(node), { throwIfNoEntry: false });
      return st === undefined ? FileType.UNKNOWN : typeOfMode(st.mode);
    } catch {
      return FileType.UNKNOWN;
    }
  }

  lookup(dir: NodeId, name: string): NodeId {
    // The VFS never passes these; refuse them anyway, they are the ways out.
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) return -Errno.INVAL;
    const node = this.child(dir, name);
    try {
      fs.lstatSync(this.hostPath(node));
      return node;
    } catch (e) {
      return -toErrno(e);
    }
  }

  parent(dir: NodeId): NodeId {
    const s = dir as string;
    const i = s.lastIndexOf('/');
    return i < 0 ? '' : s.slice(0, i);
  }

  nameOf(dir: NodeId, child: NodeId): string | undefined {
    const c = child as string;
    if (c === '' || this.parent(c) !== dir) return undefined;
    return this.typeOf(c) !== FileType.UNKNOWN ? c.slice(c.lastIndexOf('/') + 1) : undefined;
  }

  stat(node: NodeId): Stat | Errno {
    try {
      const st = fs.lstatSync(this.hostPath(node), { bigint: true });
      return {
        dev: 0n, ino: st.ino, filetype: typeOfMode(Number(st.mode)), nlink: st.nlink, size: st.size,
        atim: st.atimeNs, mtim: st.mtimeNs, ctim: st.ctimeNs, rdev: 0,
      };
    } catch (e) {
      return toErrno(e);
    }
  }

  readlink(node: NodeId): string | Errno {
    try {
      return fs.readlinkSync(this.hostPath(node), 'utf8');
    } catch (e) {
      return toErrno(e);
    }
  }

  isEmptyDir(dir: NodeId): boolean {
    try {
      return fs.readdirSync(this.hostPath(dir)).length === 0;
    } catch {
      return false;
    }
  }

  /** Cookies are positions in the name-sorted listing: stable while the directory does not change. */
  readdir(dir: NodeId, cookie: bigint): Dirent[] | Errno {
    try {
      const abs = this.hostPath(dir);
      const names = fs.readdirSync(abs).sort();
      const out: Dirent[] = [];
      const self = fs.lstatSync(abs, { bigint: true });
      if (cookie <= 0n) out.push({ next: 1n, ino: self.ino, type: FileType.DIRECTORY, name: '.' });
      if (cookie <= 1n) {
        const up = fs.lstatSync(this.hostPath(this.parent(dir)), { bigint: true });
        out.push({ next: 2n, ino: up.ino, type: FileType.DIRECTORY, name: '..' });
      }
      for (let i = Math.max(0, Number(cookie) - 2); i < names.length; i++) {
        const st = fs.lstatSync(`${abs}/${names[i]!}`, { bigint: true, throwIfNoEntry: false });
        if (st === undefined) continue; // removed meanwhile
        out.push({ next: BigInt(i + 3), ino: st.ino, type: typeOfMode(Number(st.mode)), name: names[i]! });
      }
      return out;
    } catch (e) {
      return toErrno(e);
    }
  }

  sizeOf(node: NodeId): number {
    try {
      return Number(fs.lstatSync(this.hostPath(node)).size);
    } catch (e) {
      return -toErrno(e);
    }
  }

  // ---- changes ----

  mkdir(dir: NodeId, name: string): NodeId {
    if (this.readOnly) return -Errno.ROFS;
    const node = this.child(dir, name);
    const e = attempt(() => fs.mkdirSync(this.hostPath(node), 0o777));
    return e === Errno.SUCCESS ? node : -e;
  }

  createFile(dir: NodeId, name: string): NodeId {
    if (this.readOnly) return -Errno.ROFS;
    const node = this.child(dir, name);
    const C = fs.constants;
    const e = attempt(() => fs.closeSync(fs.openSync(this.hostPath(node), C.O_CREAT | C.O_EXCL | C.O_WRONLY | C.O_NOFOLLOW, 0o666)));
    return e === Errno.SUCCESS ? node : -e;
  }

  symlink(dir: NodeId, name: string, target: string): Errno {
    if (this.readOnly) return Errno.ROFS;
    return attempt(() => fs.symlinkSync(target, this.hostPath(this.child(dir, name))));
  }

  link(node: NodeId, dir: NodeId, name: string): Errno {
    if (this.readOnly) return Errno.ROFS;
    return attempt(() => fs.linkSync(this.hostPath(node), this.hostPath(this.child(dir, name))));
  }

  unlink(dir: NodeId, name: string): Errno {
    if (this.readOnly) return Errno.ROFS;
    return attempt(() => fs.unlinkSync(this.hostPath(this.child(dir, name))));
  }

  rmdir(dir: NodeId, name: string): Errno {
    if (this.readOnly) return Errno.ROFS;
    return attempt(() => fs.rmdirSync(this.hostPath(this.child(dir, name))));
  }

  rename(srcDir: NodeId, srcName: string, dstDir: NodeId, dstName: string): Errno {
    if (this.readOnly) return Errno.ROFS;
    return attempt(() => fs.renameSync(this.hostPath(this.child(srcDir, srcName)), this.hostPath(this.child(dstDir, dstName))));
  }

  // ---- data ----

  read(node: NodeId, offset: number, buf: Uint8Array): number {
    return this.withFile(node, fs.constants.O_RDONLY, (fd) => fs.readSync(fd, buf, 0, buf.length, offset));
  }

  write(node: NodeId, offset: number, data: Uint8Array): number {
    if (this.readOnly) return -Errno.ROFS;
    return this.withFile(node, fs.constants.O_WRONLY, (fd) => fs.writeSync(fd, data, 0, data.length, offset));
  }

  truncate(node: NodeId, size: number): Errno {
    if (this.readOnly) return Errno.ROFS;
    const r = this.withFile(node, fs.constants.O_WRONLY, (fd) => {
      fs.ftruncateSync(fd, size);
      return 0;
    });
    return r < 0 ? (-r as Errno) : Errno.SUCCESS;
  }

  setTimes(node: NodeId, atim: bigint | undefined, mtim: bigint | undefined): Errno {
    if (this.readOnly) return Errno.ROFS;
    try {
      const p = this.hostPath(node);
      const st = fs.lstatSync(p, { bigint: true });
      const sec = (ns: bigint): number => Number(ns) / 1e9;
      fs.lutimesSync(p, sec(atim ?? st.atimeNs), sec(mtim ?? st.mtimeNs));
      return Errno.SUCCESS;
    } catch (e) {
      return toErrno(e);
    }
  }

  ref(): void {}
  unref(): void {}

  /**
   * Runs `io` on the node opened with `flags | O_NOFOLLOW`. Only regular
   * files: a directory gives EISDIR, a host device, FIFO or socket ENXIO
   * (reading a FIFO would block the kernel).
   */
  private withFile(node: NodeId, flags: number, io: (fd: number) => number): number {
    const t = this.typeOf(node);
    if (t === FileType.UNKNOWN) return -Errno.NOENT;
    if (t === FileType.DIRECTORY) return -Errno.ISDIR;
    if (t === FileType.SYMBOLIC_LINK) return -Errno.INVAL;
    if (t !== FileType.REGULAR_FILE) return -Errno.NXIO;
    let fd = -1;
    try {
      fd = fs.openSync(this.hostPath(node), flags | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
      return io(fd);
    } catch (e) {
      return -toErrno(e);
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  }
}

function typeOfMode(mode: number): FileType {
  switch (mode & fs.constants.S_IFMT) {
    case fs.constants.S_IFREG: return FileType.REGULAR_FILE;
    case fs.constants.S_IFDIR: return FileType.DIRECTORY;
    case fs.constants.S_IFLNK: return FileType.SYMBOLIC_LINK;
    case fs.constants.S_IFCHR: return FileType.CHARACTER_DEVICE;
    case fs.constants.S_IFBLK: return FileType.BLOCK_DEVICE;
    case fs.constants.S_IFSOCK: return FileType.SOCKET_STREAM;
    default: return FileType.UNKNOWN;
  }
}

/** Node's error code string (e.g. "ENOTEMPTY"), if any. */
function codeOf(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** Node's `code` (Linux errno names) → WASI errno; EIO for anything unknown. */
export function toErrno(e: unknown): Errno {
  const code = codeOf(e);
  if (code === undefined) return Errno.IO;
  const alias = CODE_ALIASES[code];
  if (alias !== undefined) return alias;
  const i = errnoNames.indexOf(code);
  return i > 0 ? (i as Errno) : Errno.IO;
}

const CODE_ALIASES: Record<string, Errno> = {
  EOPNOTSUPP: Errno.NOTSUP,
  EWOULDBLOCK: Errno.AGAIN,
  EDEADLOCK: Errno.DEADLK,
};

function attempt(f: () => void): Errno {
  try {
    f();
    return Errno.SUCCESS;
  } catch (e) {
    return toErrno(e);
  }
}
