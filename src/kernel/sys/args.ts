import { Errno } from '../abi/errno.js';
import { type ChannelViews, W } from '../channel.js';
import type { FdEntry } from '../fd-table.js';
import type { Task } from '../task.js';

/** Argument i as a signed 32-bit value (how the guest passed an i32). */
export function i32(c: ChannelViews, i: number): number {
  return Number(BigInt.asIntN(32, c.args[i]));
}

/** Argument i as an unsigned 32-bit value. */
export function u32(c: ChannelViews, i: number): number {
  return Number(BigInt.asUintN(32, c.args[i]));
}

/** Argument i as an unsigned 64-bit value. */
export function u64(c: ChannelViews, i: number): bigint {
  return BigInt.asUintN(64, c.args[i]);
}

/** Argument i as a signed 64-bit value. */
export function s64(c: ChannelViews, i: number): bigint {
  return BigInt.asIntN(64, c.args[i]);
}

/** The fd entry for argument i, or undefined (EBADF). */
export function fdArg(t: Task, c: ChannelViews, i: number): FdEntry | undefined {
  const fd = i32(c, i);
  return fd < 0 ? undefined : t.fds.get(fd);
}

/** Copied-in payload bytes [from, from+len). */
export function inBytes(c: ChannelViews, from: number, len: number): Uint8Array {
  return c.payload.subarray(from, from + len);
}

/** Records how many payload bytes the answer carries. */
export function setOut(c: ChannelViews, n: number): void {
  c.i32[W.OutLen] = n;
}

const dec = new TextDecoder('utf-8', { fatal: true });

/**
 * The payload as a UTF-8 path; EILSEQ for invalid UTF-8, EINVAL for an
 * embedded NUL. Copies first: browsers' TextDecoder refuses shared memory.
 */
export function pathArg(c: ChannelViews, from: number, len: number): string | Errno {
  let s: string;
  try {
    s = dec.decode(c.payload.slice(from, from + len));
  } catch {
    return Errno.ILSEQ;
  }
  if (s.includes('\0')) return Errno.INVAL;
  return s;
}
