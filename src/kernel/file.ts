import { Errno } from './abi/errno.js';
import { FileType, type Filestat } from './abi/wasi-types.js';
import { Hint } from './channel.js';

/**
 * Result convention of file operations: a value ≥ 0 is success (bytes moved),
 * a negative value is -errno, and {@link WOULD_BLOCK} asks the caller to wait
 * for readiness ({@link OpenFile.onReady}) and retry. Never thrown.
 */
export const WOULD_BLOCK = -100000;

export interface Readiness {
  readable: boolean;
  writable: boolean;
  /** Bytes available to read (poll's nbytes), when known. */
  nbytes: bigint;
  /** The other end hung up (EOF for readers / EPIPE for writers). */
  hangup: boolean;
}

/**
 * An open file description (POSIX's term): what fds point to. Shared by every fd
 * that dup() or spawn's fd map made from it, across tasks; its offset and
 * flags are shared too. Each operation defaults to the errno Linux gives for a
 * file that does not support it; kinds of file override what they support,
 * as browser_wasi_shim's Fd does.
 */
export abstract class OpenFile {
  /** fds, in any task, that refer to this description. Changed only by FdTable. @nosave counted again as restored fd tables put the file */
  refs = 0;
  /** WASI fdflags (APPEND, NONBLOCK, ...), shared by all its fds. Changed by fd_fdstat_set_flags. @saved */
  flags = 0;
  constructor(
    /** Opened for reading (the access mode). Fixed at open. @saved */
    readonly readable: boolean,
    /** Opened for writing (the access mode). Fixed at open. @saved */
    readonly writable: boolean,
  ) {}

  /** The WASI file type. @nosave derived from the kind of file */
  abstract readonly filetype: FileType;
  /** Short name for messages and /proc-like listings. */
  abstract describe(): string;

  read(_dst: Uint8Array): number { return -Errno.INVAL; }
  write(_src: Uint8Array): number { return -Errno.INVAL; }
  pread(_dst: Uint8Array, _offset: bigint): number { return -Errno.SPIPE; }
  pwrite(_src: Uint8Array, _offset: bigint): number { return -Errno.SPIPE; }
  /** New offset, or -errno. */
  seek(_offset: bigint, _whence: number): bigint { return BigInt(-Errno.SPIPE); }
  abstract stat(): Filestat;
  setSize(_size: bigint): number { return Errno.INVAL; }
  setTimes(_atim: bigint, _mtim: bigint, _flags: number): number { return Errno.BADF; }
  readdir(_cookie: bigint, _buf: Uint8Array): number { return -Errno.NOTDIR; }
  sync(): number { return Errno.SUCCESS; }
  advise(): number { return Errno.SPIPE; }
  allocate(_offset: bigint, _len: bigint): number { return Errno.SPIPE; }

  /** Readiness for poll_oneoff. Regular files and devices are always ready. */
  readiness(): Readiness {
    return { readable: this.readable, writable: this.writable, nbytes: 0n, hangup: false };
  }

  /** Calls cb once when readiness may have changed; returns a canceller. */
  onReady(_cb: () => void): () => void { return () => {}; }

  /** How a task's worker may serve this file locally (kernel/channel.ts). */
  hint(): number { return Hint.Kernel; }

  /** The last fd referring to this description was closed. */
  release(): void {}
}
