import { Errno } from '../abi/errno.js';
import { FdFlags, encodeFdstat, encodeFilestat, FileType, FstFlags, Rights, STREAM_RIGHTS } from '../abi/wasi-types.js';
import { type ChannelViews, PAYLOAD_SIZE, W } from '../channel.js';
import { type FdEntry, requireRights } from '../fd-table.js';
import { WOULD_BLOCK, type OpenFile } from '../file.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import { fdArg, i32, s64, setOut, u32, u64 } from './args.js';
import { NR } from '../syscall-table.js';
import type { Handler, HandlerGroup } from './handler.js';

/**
 * The fd entry for argument i with the rights the call needs (fd-table.ts): the entry, or
 * EBADF (not open) / ENOTCAPABLE (a right this fd has lost). Every fd_* call needs the right WASI's
 * witx names for it.
 */
function fdWith(t: Task, c: ChannelViews, i: number, needed: number): FdEntry | Errno {
  const e = fdArg(t, c, i);
  if (!e) return Errno.BADF;
  const r = requireRights(e, needed);
  return r === Errno.SUCCESS ? e : r;
}

/**
 * A directory has no offset to move or report: WASI gives directories neither FD_SEEK nor FD_TELL,
 * and wasi-testsuite (directory_seek, dir_fd_op_failures) wants fd_seek and fd_tell on one refused
 * (EISDIR, EBADF or ENOTCAPABLE; its comment notes Linux's lseek returns 0 there). ENOTCAPABLE, as
 * node:wasi (uvwasi) answers; wasmtime answers EBADF.
 */
function seekable(e: FdEntry): Errno {
  return e.file.filetype === FileType.Directory ? Errno.NOTCAPABLE : Errno.SUCCESS;
}

/**
 * Runs a read or write that may have to wait: tries now, and when the file
 * says WOULD_BLOCK holds the call until the file is ready and tries again.
 */
function blocking(k: Kernel, t: Task, c: ChannelViews, nr: number, file: OpenFile, attempt: () => number): number {
  const r = attempt();
  if (r !== WOULD_BLOCK) return finishIo(c, r);
  let cancel = () => {};
  const retry = () => {
    if (!t.alive) return;
    const again = attempt();
    if (again === WOULD_BLOCK) { cancel = file.onReady(retry); return; }
    k.answer(t, finishIo(c, again));
  };
  cancel = file.onReady(retry);
  return k.block(t, nr, () => cancel());
}

function finishIo(c: ChannelViews, r: number): number {
  if (r < 0) return -r;
  c.res[0] = BigInt(r);
  return Errno.SUCCESS;
}

const fd_read: Handler = (k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdRead);
  if (typeof e === 'number') return e;
  const len = Math.min(u32(c, 1), PAYLOAD_SIZE);
  return blocking(k, t, c, NR.fd_read, e.file, () => {
    const n = e.file.read(c.payload.subarray(0, len));
    if (n >= 0) setOut(c, n);
    return n;
  });
};

const fd_pread: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdRead | Rights.FdSeek);
  if (typeof e === 'number') return e;
  if (!e.file.readable) return Errno.BADF;
  const off = s64(c, 2);
  if (off < 0n) return Errno.INVAL;
  const n = e.file.pread(c.payload.subarray(0, Math.min(u32(c, 1), PAYLOAD_SIZE)), off);
  if (n < 0) return -n;
  setOut(c, n);
  return Errno.SUCCESS;
};

const fd_write: Handler = (k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdWrite);
  if (typeof e === 'number') return e;
  const data = c.payload.subarray(0, Math.min(u32(c, 1), c.i32[W.InLen]));
  return blocking(k, t, c, NR.fd_write, e.file, () => {
    const n = e.file.write(data);
    if (n === -Errno.PIPE) k.raise(t, 13 /* SIGPIPE */);
    return n;
  });
};

const fd_pwrite: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdWrite | Rights.FdSeek);
  if (typeof e === 'number') return e;
  if (!e.file.writable) return Errno.BADF;
  const off = s64(c, 2);
  if (off < 0n) return Errno.INVAL;
  const n = e.file.pwrite(c.payload.subarray(0, Math.min(u32(c, 1), c.i32[W.InLen])), off);
  if (n < 0) return -n;
  c.res[0] = BigInt(n);
  return Errno.SUCCESS;
};

const fd_close: Handler = (_k, t, c) => t.fds.close(i32(c, 0));

const fd_seek: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdSeek);
  if (typeof e === 'number') return e;
  const s = seekable(e);
  if (s !== Errno.SUCCESS) return s;
  const whence = u32(c, 2);
  if (whence > 2) return Errno.INVAL;
  const r = e.file.seek(s64(c, 1), whence);
  if (r < 0n) return Number(-r);
  c.res[0] = r;
  return Errno.SUCCESS;
};

const fd_tell: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdTell);
  if (typeof e === 'number') return e;
  const s = seekable(e);
  if (s !== Errno.SUCCESS) return s;
  const r = e.file.seek(0n, 1);
  if (r < 0n) return Number(-r);
  c.res[0] = r;
  return Errno.SUCCESS;
};

const fd_fdstat_get: Handler = (_k, t, c) => {
  const e = fdArg(t, c, 0);
  if (!e) return Errno.BADF;
  setOut(c, encodeFdstat(e.file.filetype, e.file.flags, e.rightsBase, e.rightsInheriting, c.payload));
  return Errno.SUCCESS;
};

const fd_fdstat_set_flags: Handler = (k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdFdstatSetFlags);
  if (typeof e === 'number') return e;
  const flags = u32(c, 1);
  if (flags & ~0x1f) return Errno.INVAL;
  // Linux's fcntl(F_SETFL) changes only APPEND and NONBLOCK; the sync flags are fixed at open.
  e.file.flags = (e.file.flags & ~(FdFlags.Append | FdFlags.NonBlock)) | (flags & (FdFlags.Append | FdFlags.NonBlock));
  k.refreshHintsFor(e.file);
  return Errno.SUCCESS;
};

const fd_fdstat_set_rights: Handler = (k, t, c) => {
  const fd = i32(c, 0);
  const e = fdArg(t, c, 0);
  if (!e) return Errno.BADF;
  const base = u64(c, 1);
  const inh = u64(c, 2);
  // Rights may only be dropped, never gained (wasi-testsuite fd_fdstat_set_rights: ENOTCAPABLE).
  if ((base & ~e.rightsBase) !== 0n || (inh & ~e.rightsInheriting) !== 0n) return Errno.NOTCAPABLE;
  e.rightsBase = base;
  e.rightsInheriting = inh;
  // Without FD_READ / FD_WRITE the worker may no longer serve this fd's reads and writes itself.
  k.refreshHint(t, fd);
  return Errno.SUCCESS;
};

const fd_filestat_get: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdFilestatGet);
  if (typeof e === 'number') return e;
  setOut(c, encodeFilestat(e.file.stat(), c.payload));
  return Errno.SUCCESS;
};

const fd_filestat_set_size: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdFilestatSetSize);
  if (typeof e === 'number') return e;
  if (!e.file.writable) return Errno.INVAL;
  const size = s64(c, 1);
  if (size < 0n) return Errno.INVAL;
  return e.file.setSize(size);
};

const fd_filestat_set_times: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdFilestatSetTimes);
  if (typeof e === 'number') return e;
  const flags = u32(c, 3);
  if (flags & ~0xf) return Errno.INVAL;
  if ((flags & FstFlags.Atim && flags & FstFlags.AtimNow) || (flags & FstFlags.Mtim && flags & FstFlags.MtimNow)) {
    return Errno.INVAL;
  }
  return e.file.setTimes(u64(c, 1), u64(c, 2), flags);
};

const fd_advise: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdAdvise);
  if (typeof e === 'number') return e;
  if (u32(c, 3) > 5) return Errno.INVAL;
  if (s64(c, 1) < 0n || s64(c, 2) < 0n) return Errno.INVAL;
  return e.file.advise();
};

const fd_allocate: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdAllocate);
  if (typeof e === 'number') return e;
  const off = s64(c, 1);
  const len = s64(c, 2);
  if (off < 0n || len <= 0n) return Errno.INVAL;
  if (!e.file.writable) return Errno.BADF;
  return e.file.allocate(off, len);
};

const fd_sync: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdSync);
  return typeof e === 'number' ? e : e.file.sync();
};

const fd_datasync: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdDatasync);
  return typeof e === 'number' ? e : e.file.sync();
};

const fd_prestat_get: Handler = (_k, t, c) => {
  const e = fdArg(t, c, 0);
  if (!e) return Errno.BADF;
  if (e.preopen === undefined) return Errno.BADF;
  const dv = new DataView(c.payload.buffer, c.payload.byteOffset, 8);
  dv.setUint32(0, 0, true); // preopentype: dir
  dv.setUint32(4, new TextEncoder().encode(e.preopen).length, true);
  setOut(c, 8);
  return Errno.SUCCESS;
};

const fd_prestat_dir_name: Handler = (_k, t, c) => {
  const e = fdArg(t, c, 0);
  if (!e) return Errno.BADF;
  if (e.preopen === undefined) return Errno.BADF;
  const name = new TextEncoder().encode(e.preopen);
  if (u32(c, 1) < name.length) return Errno.NAMETOOLONG;
  c.payload.set(name);
  setOut(c, name.length);
  return Errno.SUCCESS;
};

const fd_readdir: Handler = (_k, t, c) => {
  const e = fdWith(t, c, 0, Rights.FdReaddir);
  if (typeof e === 'number') return e;
  const n = e.file.readdir(u64(c, 2), c.payload.subarray(0, u32(c, 1)));
  if (n < 0) return -n;
  setOut(c, n);
  return Errno.SUCCESS;
};

const fd_renumber: Handler = (_k, t, c) => t.fds.renumber(i32(c, 0), i32(c, 1));

const dup: Handler = (_k, t, c) => {
  const fd = t.fds.dup(i32(c, 0));
  if (fd < 0) return -fd;
  c.res[0] = BigInt(fd);
  return Errno.SUCCESS;
};

const dup2: Handler = (_k, t, c) => t.fds.dup2(i32(c, 0), i32(c, 1));

const pipe: Handler = (k, t, c) => {
  if (t.fds.size + 2 > t.fds.limit) return Errno.MFILE;
  const ends = k.pipeEnds(() => t.pid);
  if (!ends) return Errno.NFILE;
  const rights = BigInt(STREAM_RIGHTS);
  const r = t.fds.install({ file: ends[0], rightsBase: rights & ~BigInt(Rights.FdWrite), rightsInheriting: 0n });
  const w = t.fds.install({ file: ends[1], rightsBase: rights & ~BigInt(Rights.FdRead), rightsInheriting: 0n });
  c.res[0] = BigInt(r);
  c.res[1] = BigInt(w);
  return Errno.SUCCESS;
};

export const fdHandlers = {
  fd_read, fd_pread, fd_write, fd_pwrite, fd_close, fd_seek, fd_tell, fd_fdstat_get, fd_fdstat_set_flags,
  fd_fdstat_set_rights, fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times, fd_advise, fd_allocate,
  fd_sync, fd_datasync, fd_prestat_get, fd_prestat_dir_name, fd_readdir, fd_renumber, dup, dup2, pipe,
} satisfies HandlerGroup;
