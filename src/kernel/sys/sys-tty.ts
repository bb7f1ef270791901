import { Errno } from '../abi/errno.js';
import { decodeTermios, encodeTermios, TERMIOS_BYTES, TtyFile, WINSIZE_BYTES } from '../tty.js';
import type { ChannelViews } from '../channel.js';
import type { Task } from '../task.js';
import type { Handler, HandlerGroup } from './handler.js';
import { i32, inBytes, setOut } from './args.js';

/**
 * Terminal calls (Linux's tty ioctls). Each takes an fd: EBADF when closed,
 * ENOTTY when it is not a terminal (as Linux for any other file). The job
 * control rules live in tty.ts.
 */
function ttyOf(t: Task, c: ChannelViews): TtyFile | Errno {
  const e = t.fds.get(i32(c, 0));
  if (!e) return Errno.BADF;
  return e.file instanceof TtyFile ? e.file : Errno.NOTTY;
}

/** TIOCSPGRP: ENOTTY unless it is the caller's controlling terminal; ESRCH/EPERM for a group not in its session. */
const tcsetpgrp: Handler = (_k, t, c) => {
  const f = ttyOf(t, c);
  if (typeof f === 'number') return f;
  return f.tty.setForeground(t, i32(c, 1));
};

/** TIOCGPGRP: ENOTTY unless it is the caller's controlling terminal. */
const tcgetpgrp: Handler = (_k, t, c) => {
  const f = ttyOf(t, c);
  if (typeof f === 'number') return f;
  if (f.tty.session === null || f.tty.session !== t.pgrp.session) return Errno.NOTTY;
  c.res[0] = BigInt(f.tty.fgPgid);
  return Errno.SUCCESS;
};

const tcgetattr: Handler = (_k, t, c) => {
  const f = ttyOf(t, c);
  if (typeof f === 'number') return f;
  setOut(c, encodeTermios(f.tty.termios, c.payload));
  return Errno.SUCCESS;
};

const tcsetattr: Handler = (_k, t, c) => {
  const f = ttyOf(t, c);
  if (typeof f === 'number') return f;
  if (c.i32[3] < TERMIOS_BYTES) return Errno.FAULT;
  return f.tty.setAttr(i32(c, 1), decodeTermios(inBytes(c, 0, TERMIOS_BYTES)));
};

/** TIOCGWINSZ: struct winsize { rows, cols, xpixel, ypixel } (u16 each). */
const tiocgwinsz: Handler = (_k, t, c) => {
  const f = ttyOf(t, c);
  if (typeof f === 'number') return f;
  const dv = new DataView(c.payload.buffer, c.payload.byteOffset, WINSIZE_BYTES);
  dv.setUint16(0, f.tty.rows, true);
  dv.setUint16(2, f.tty.cols, true);
  dv.setUint32(4, 0, true);
  setOut(c, WINSIZE_BYTES);
  return Errno.SUCCESS;
};

const isatty: Handler = (_k, t, c) => {
  const f = ttyOf(t, c);
  return typeof f === 'number' ? f : Errno.SUCCESS;
};

export const ttyHandlers = { tcsetpgrp, tcgetpgrp, tcgetattr, tcsetattr, tiocgwinsz, isatty } satisfies HandlerGroup;
