import { Errno } from '../abi/errno.js';

/**
 * Character devices: the device ids (Linux's major/minor, encoded as
 * major << 8 | minor) of the nodes in /dev, and what reading and writing them
 * does. /dev/tty is only a node here: the kernel sees `rdev === DEV_TTY` in the
 * stat of an opened node and routes its I/O to the task's controlling terminal.
 */

/** Linux's old 16-bit dev_t encoding. */
export function makedev(major: number, minor: number): number {
  return (major << 8) | minor;
}

export const DEV_NULL = makedev(1, 3);
export const DEV_ZERO = makedev(1, 5);
export const DEV_URANDOM = makedev(1, 9);
export const DEV_TTY = makedev(5, 0);

/** Fills a buffer with random bytes (the platform's CSPRNG, or a seeded one in tests). */
export type RandomSource = (buf: Uint8Array) => void;

/**
 * Reads from the device `rdev` into `buf`: bytes read, or -errno. Devices the
 * VFS does not serve itself (the tty, unknown ids) give -ENXIO: the kernel
 * routes those before reaching the VFS.
 */
export function deviceRead(rdev: number, buf: Uint8Array, random: RandomSource): number {
  switch (rdev) {
    case DEV_NULL:
      return 0;
    case DEV_ZERO:
      buf.fill(0);
      return buf.length;
    case DEV_URANDOM:
      random(buf);
      return buf.length;
    default:
      return -Errno.NXIO;
  }
}

/** Writes to the device `rdev`: null, zero and urandom accept and discard everything. */
export function deviceWrite(rdev: number, data: Uint8Array): number {
  switch (rdev) {
    case DEV_NULL:
    case DEV_ZERO:
    case DEV_URANDOM:
      return data.length;
    default:
      return -Errno.NXIO;
  }
}
