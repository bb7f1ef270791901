/** WASI preview1 enumerations and struct layouts the kernel encodes (witx: typenames.witx). */

export const enum FileType {
  Unknown = 0, BlockDevice = 1, CharacterDevice = 2, Directory = 3, RegularFile = 4,
  SocketDgram = 5, SocketStream = 6, SymbolicLink = 7,
}

export const enum FdFlags { Append = 1, Dsync = 2, NonBlock = 4, Rsync = 8, Sync = 16 }
export const enum OFlags { Creat = 1, Directory = 2, Excl = 4, Trunc = 8 }
export const enum LookupFlags { SymlinkFollow = 1 }
export const enum FstFlags { Atim = 1, AtimNow = 2, Mtim = 4, MtimNow = 8 }
export const enum Whence { Set = 0, Cur = 1, End = 2 }

/** Rights bits (u64; all below 2^30 so plain numbers are safe). */
export const enum Rights {
  FdDatasync = 1 << 0, FdRead = 1 << 1, FdSeek = 1 << 2, FdFdstatSetFlags = 1 << 3, FdSync = 1 << 4,
  FdTell = 1 << 5, FdWrite = 1 << 6, FdAdvise = 1 << 7, FdAllocate = 1 << 8,
  PathCreateDirectory = 1 << 9, PathCreateFile = 1 << 10, PathLinkSource = 1 << 11,
  PathLinkTarget = 1 << 12, PathOpen = 1 << 13, FdReaddir = 1 << 14, PathReadlink = 1 << 15,
  PathRenameSource = 1 << 16, PathRenameTarget = 1 << 17, PathFilestatGet = 1 << 18,
  PathFilestatSetSize = 1 << 19, PathFilestatSetTimes = 1 << 20, FdFilestatGet = 1 << 21,
  FdFilestatSetSize = 1 << 22, FdFilestatSetTimes = 1 << 23, PathSymlink = 1 << 24,
  PathRemoveDirectory = 1 << 25, PathUnlinkFile = 1 << 26, PollFdReadwrite = 1 << 27,
  SockShutdown = 1 << 28, SockAccept = 1 << 29,
}

/** Every right (bits 0..29). */
export const ALL_RIGHTS = (1 << 30) - 1;
/** Rights of a regular file opened for reading and writing. */
export const FILE_RIGHTS = Rights.FdDatasync | Rights.FdRead | Rights.FdSeek | Rights.FdFdstatSetFlags
  | Rights.FdSync | Rights.FdTell | Rights.FdWrite | Rights.FdAdvise | Rights.FdAllocate
  | Rights.FdFilestatGet | Rights.FdFilestatSetSize | Rights.FdFilestatSetTimes | Rights.PollFdReadwrite;
/** Rights of a directory: no offset to seek or tell (wasi-testsuite directory_seek, dir_fd_op_failures; uvwasi alike). */
export const DIR_RIGHTS = ALL_RIGHTS & ~(Rights.FdRead | Rights.FdWrite | Rights.FdSeek | Rights.FdTell | Rights.FdAllocate
  | Rights.FdFilestatSetSize | Rights.SockShutdown | Rights.SockAccept);
/** Rights of a stream (pipe, tty): no seek/tell, so wasi-libc's isatty sees a tty only for ttys. */
export const STREAM_RIGHTS = Rights.FdRead | Rights.FdWrite | Rights.FdFdstatSetFlags | Rights.FdFilestatGet
  | Rights.PollFdReadwrite | Rights.FdSync | Rights.FdDatasync;

/** The WASI filestat struct (64 bytes). */
export interface Filestat {
  dev: bigint;
  ino: bigint;
  filetype: FileType;
  nlink: bigint;
  size: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export function encodeFilestat(st: Filestat, out: Uint8Array): number {
  const dv = new DataView(out.buffer, out.byteOffset, 64);
  dv.setBigUint64(0, st.dev, true);
  dv.setBigUint64(8, st.ino, true);
  dv.setUint8(16, st.filetype);
  for (let i = 17; i < 24; i++) dv.setUint8(i, 0);
  dv.setBigUint64(24, st.nlink, true);
  dv.setBigUint64(32, st.size, true);
  dv.setBigUint64(40, st.atim, true);
  dv.setBigUint64(48, st.mtim, true);
  dv.setBigUint64(56, st.ctim, true);
  return 64;
}

/** The WASI fdstat struct (24 bytes). */
export function encodeFdstat(filetype: FileType, flags: number, base: bigint, inheriting: bigint, out: Uint8Array): number {
  const dv = new DataView(out.buffer, out.byteOffset, 24);
  dv.setUint8(0, filetype);
  dv.setUint8(1, 0);
  dv.setUint16(2, flags, true);
  dv.setUint32(4, 0, true);
  dv.setBigUint64(8, base, true);
  dv.setBigUint64(16, inheriting, true);
  return 24;
}
