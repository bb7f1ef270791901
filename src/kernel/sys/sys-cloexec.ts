/**
 * Close-on-exec, a flag of each fd (FdEntry.cloexec) that exec acts on: fd_fdflags_get/set (fcntl's
 * F_GETFD/F_SETFD, Linux's FD_CLOEXEC = 1), pipe2 and dup3 with wVisor's flag bits. An O_CLOEXEC open
 * sets it through path_open's fdflags (sys-path.ts, FDFLAG_CLOEXEC).
 */
import { Errno } from '../abi/errno.js';
import { FdFlags, Rights, STREAM_RIGHTS } from '../abi/wasi-types.js';
import { fdArg, i32, u32 } from './args.js';
import type { Handler, HandlerGroup } from './handler.js';

/** F_GETFD/F_SETFD's flag (Linux's value). */
export const FD_CLOEXEC = 1;
/** pipe2/dup3 flags of the wVisor ABI (guests/overlay/lib/fd.c). */
export const WV_CLOEXEC = 1;
export const WV_NONBLOCK = 2;
/** WASI fdflags bit nothing in WASI uses (bits 5..11 are free below wasi-libc's oflags at << 12): the overlay's O_CLOEXEC. */
export const FDFLAG_CLOEXEC = 0x800;

const fd_fdflags_get: Handler = (_k, t, c) => {
  const e = fdArg(t, c, 0);
  if (!e) return Errno.BADF;
  c.res[0] = BigInt(e.cloexec ? FD_CLOEXEC : 0);
  return Errno.SUCCESS;
};

const fd_fdflags_set: Handler = (_k, t, c) => {
  // Linux ignores bits other than FD_CLOEXEC.
  const fd = i32(c, 0);
  return fd < 0 ? Errno.BADF : t.fds.setCloexec(fd, (u32(c, 1) & FD_CLOEXEC) !== 0);
};

const pipe2: Handler = (k, t, c) => {
  const flags = u32(c, 1);
  if (flags & ~(WV_CLOEXEC | WV_NONBLOCK)) return Errno.INVAL;
  if (t.fds.size + 2 > t.fds.limit) return Errno.MFILE;
  const ends = k.pipeEnds(() => t.pid);
  if (!ends) return Errno.NFILE;
  const rights = BigInt(STREAM_RIGHTS);
  const cloexec = (flags & WV_CLOEXEC) !== 0 ? { cloexec: true } : {};
  if (flags & WV_NONBLOCK) for (const e of ends) e.flags |= FdFlags.NonBlock;
  const r = t.fds.install({ file: ends[0], rightsBase: rights & ~BigInt(Rights.FdWrite), rightsInheriting: 0n, ...cloexec });
  const w = t.fds.install({ file: ends[1], rightsBase: rights & ~BigInt(Rights.FdRead), rightsInheriting: 0n, ...cloexec });
  c.res[0] = BigInt(r);
  c.res[1] = BigInt(w);
  return Errno.SUCCESS;
};

const dup3: Handler = (_k, t, c) => {
  const fd = i32(c, 0);
  const to = i32(c, 1);
  const flags = u32(c, 2);
  if (flags & ~WV_CLOEXEC) return Errno.INVAL;
  if (fd === to) return t.fds.get(fd) ? Errno.INVAL : Errno.BADF; // Linux: EINVAL when equal
  const e = t.fds.dup2(fd, to);
  if (e !== Errno.SUCCESS) return e;
  if (flags & WV_CLOEXEC) t.fds.setCloexec(to, true);
  return Errno.SUCCESS;
};

export const cloexecHandlers = { fd_fdflags_get, fd_fdflags_set, pipe2, dup3 } satisfies HandlerGroup;
