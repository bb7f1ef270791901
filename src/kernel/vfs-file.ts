import { Errno } from './abi/errno.js';
import { FdFlags, type FileType, type Filestat, Whence } from './abi/wasi-types.js';
import { OpenFile } from './file.js';
import { encodeDirents, type NodeHandle, type Vfs, FileType as VfsType } from './vfs/index.js';

/**
 * An open file description over a VFS node (regular file, directory, symlink
 * opened with O_PATH-like rights): holds one VFS reference, released at the
 * last close, so an unlinked file stays usable while open.
 */
export class VfsFile extends OpenFile {
  /** File offset, shared by all fds of this description. Changed by read/write/seek. @saved */
  offset = 0;

  constructor(
    /** The filesystem. @nosave the restoring kernel's (loaded from the snapshot) */
    private readonly vfs: Vfs,
    /** The node. Fixed. @saved handles are plain data */
    readonly node: NodeHandle,
    readable: boolean,
    writable: boolean,
    /** Absolute path at open, for listings and messages only. @saved */
    readonly path: string,
  ) {
    super(readable, writable);
  }

  get filetype(): FileType {
    return this.vfs.fileType(this.node) as number as FileType;
  }

  describe(): string { return this.path; }

  private isDir(): boolean {
    return this.vfs.fileType(this.node) === VfsType.DIRECTORY;
  }

  override read(dst: Uint8Array): number {
    if (!this.readable) return -Errno.BADF;
    if (this.isDir()) return -Errno.ISDIR;
    const n = this.vfs.read(this.node, this.offset, dst);
    if (n > 0) this.offset += n;
    return n;
  }

  override write(src: Uint8Array): number {
    if (!this.writable) return -Errno.BADF;
    if (this.flags & FdFlags.Append) {
      const size = this.vfs.sizeOf(this.node);
      if (size < 0) return size;
      this.offset = size;
    }
    const n = this.vfs.write(this.node, this.offset, src);
    if (n > 0) this.offset += n;
    return n;
  }

  override pread(dst: Uint8Array, offset: bigint): number {
    if (this.isDir()) return -Errno.ISDIR;
    return this.vfs.read(this.node, Number(offset), dst);
  }

  override pwrite(src: Uint8Array, offset: bigint): number {
    if (this.isDir()) return -Errno.ISDIR;
    // POSIX leaves pwrite on O_APPEND to the system; Linux appends. Follow Linux.
    const at = this.flags & FdFlags.Append ? this.vfs.sizeOf(this.node) : Number(offset);
    if (at < 0) return at;
    return this.vfs.write(this.node, at, src);
  }

  override seek(offset: bigint, whence: number): bigint {
    let base: number;
    switch (whence) {
      case Whence.Set: base = 0; break;
      case Whence.Cur: base = this.offset; break;
      case Whence.End: {
        const size = this.vfs.sizeOf(this.node);
        if (size < 0) return BigInt(size);
        base = size;
        break;
      }
      default: return BigInt(-Errno.INVAL);
    }
    const next = BigInt(base) + offset;
    if (next < 0n) return BigInt(-Errno.INVAL);
    if (next > BigInt(Number.MAX_SAFE_INTEGER)) return BigInt(-Errno.OVERFLOW);
    this.offset = Number(next);
    return next;
  }

  stat(): Filestat {
    const s = this.vfs.stat(this.node);
    if (typeof s === 'number') {
      return { dev: 0n, ino: 0n, filetype: 0, nlink: 0n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
    }
    return { dev: s.dev, ino: s.ino, filetype: s.filetype as number as FileType, nlink: s.nlink, size: s.size,
      atim: s.atim, mtim: s.mtim, ctim: s.ctim };
  }

  override setSize(size: bigint): number {
    if (this.isDir()) return Errno.ISDIR;
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.FBIG;
    return this.vfs.truncate(this.node, Number(size));
  }

  override setTimes(atim: bigint, mtim: bigint, flags: number): number {
    return this.vfs.setTimes(this.node, atim, mtim, flags);
  }

  override readdir(cookie: bigint, buf: Uint8Array): number {
    const entries = this.vfs.readdir(this.node, cookie);
    if (typeof entries === 'number') return -entries;
    const bytes = encodeDirents(entries, buf.length, cookie);
    buf.set(bytes);
    return bytes.length;
  }

  override advise(): number {
    return this.isDir() ? Errno.BADF : Errno.SUCCESS;
  }

  override allocate(offset: bigint, len: bigint): number {
    if (this.isDir()) return Errno.BADF;
    const end = offset + len;
    if (end > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.FBIG;
    const size = this.vfs.sizeOf(this.node);
    if (size < 0) return -size;
    return Number(end) > size ? this.vfs.truncate(this.node, Number(end)) : Errno.SUCCESS;
  }

  override release(): void {
    this.vfs.close(this.node);
  }
}
