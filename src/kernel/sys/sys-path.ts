import { FDFLAG_CLOEXEC } from './sys-cloexec.js';
import { Errno } from '../abi/errno.js';
import { DIR_RIGHTS, encodeFilestat, FILE_RIGHTS, LookupFlags, OFlags, Rights, STREAM_RIGHTS } from '../abi/wasi-types.js';
import type { ChannelViews } from '../channel.js';
import { type FdEntry, requireRights } from '../fd-table.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import { controllingTty, TtyFile } from '../tty.js';
import { VfsFile } from '../vfs-file.js';
import { DEV_NULL, DEV_TTY, DEV_URANDOM, DEV_ZERO, FileType, type NodeHandle } from '../vfs/index.js';
import { i32, pathArg, setOut, u32, u64 } from './args.js';
import type { Handler, HandlerGroup } from './handler.js';

/**
 * The directory an *at-style call starts from: its fd must be an open VFS node holding the
 * `needed` right(s) WASI's witx names for the call (ENOTCAPABLE when it has lost one: fd-table.ts).
 */
function dirOf(t: Task, c: ChannelViews, i: number, needed: number): { entry: FdEntry; node: NodeHandle } | Errno {
  const fd = i32(c, i);
  const entry = fd < 0 ? undefined : t.fds.get(fd);
  if (!entry) return Errno.BADF;
  if (!(entry.file instanceof VfsFile)) return Errno.NOTDIR;
  const r = requireRights(entry, needed);
  if (r !== Errno.SUCCESS) return r;
  return { entry, node: entry.file.node };
}

/** Reads the call's path(s) from the payload: `lens` are the byte lengths in order. */
function paths(c: ChannelViews, ...lens: number[]): string[] | Errno {
  const out: string[] = [];
  let at = 0;
  for (const len of lens) {
    const p = pathArg(c, at, len);
    if (typeof p === 'number') return p;
    out.push(p);
    at += len;
  }
  return out;
}

const path_open: Handler = (k, t, c) => {
  const oflags = u32(c, 3);
  // O_TRUNC needs PATH_FILESTAT_SET_SIZE on the directory (wasi-testsuite truncation_rights), not
  // FD_FILESTAT_SET_SIZE on the new fd; O_CREAT needs PATH_CREATE_FILE.
  const needed = Rights.PathOpen | (oflags & OFlags.Creat ? Rights.PathCreateFile : 0)
    | (oflags & OFlags.Trunc ? Rights.PathFilestatSetSize : 0);
  const d = dirOf(t, c, 0, needed);
  if (typeof d === 'number') return d;
  const p = paths(c, u32(c, 2));
  if (typeof p === 'number') return p;
  const dirflags = u32(c, 1);
  const base = u64(c, 4);
  const inheriting = u64(c, 5);
  // The overlay's O_CLOEXEC arrives as an fdflags bit WASI leaves free: a flag of the new fd (sys-cloexec.ts).
  const cloexec = (u32(c, 6) & FDFLAG_CLOEXEC) !== 0;
  const fdflags = u32(c, 6) & ~FDFLAG_CLOEXEC;
  if (fdflags & ~0x1f) return Errno.INVAL;
  if ((base & ~d.entry.rightsInheriting) !== 0n || (inheriting & ~d.entry.rightsInheriting) !== 0n) {
    return Errno.NOTCAPABLE;
  }
  if (t.fds.lowestFree() < 0) return Errno.MFILE;
  const write = (base & BigInt(Rights.FdWrite)) !== 0n;
  const read = (base & BigInt(Rights.FdRead | Rights.FdReaddir)) !== 0n;
  const vfs = k.vfs;
  const h = vfs.open(d.node, p[0], { oflags, follow: (dirflags & LookupFlags.SymlinkFollow) !== 0, write });
  if (typeof h === 'number') return h;
  const st = vfs.stat(h);
  if (typeof st === 'number') { vfs.close(h); return st; }
  let entry: FdEntry;
  if (st.filetype === FileType.CHARACTER_DEVICE) {
    vfs.close(h);
    const kind = st.rdev === DEV_NULL ? 'null' : st.rdev === DEV_ZERO ? 'zero' : st.rdev === DEV_URANDOM ? 'urandom' : undefined;
    if (st.rdev === DEV_TTY) {
      // /dev/tty is the caller's controlling terminal; without one, ENXIO, as Linux.
      const tty = controllingTty(k, t);
      if (!tty) return Errno.NXIO;
      // Stream rights only: wasi-libc's isatty() wants a character device that cannot seek.
      entry = { file: new TtyFile(k, tty, read, write), rightsBase: base & BigInt(STREAM_RIGHTS), rightsInheriting: 0n };
    } else if (kind === undefined) {
      return Errno.NODEV;
    } else {
      entry = { file: k.device(kind, read, write), rightsBase: base & BigInt(FILE_RIGHTS), rightsInheriting: 0n };
    }
  } else {
    const isDir = st.filetype === FileType.DIRECTORY;
    const mask = BigInt(isDir ? DIR_RIGHTS : FILE_RIGHTS);
    const where = vfs.pathOf(h);
    entry = {
      file: new VfsFile(vfs, h, read, write, typeof where === 'string' ? where : p[0]),
      rightsBase: base & mask,
      rightsInheriting: isDir ? inheriting : 0n,
    };
  }
  entry.file.flags = fdflags;
  if (cloexec) entry.cloexec = true;
  const fd = t.fds.install(entry);
  if (fd < 0) return -fd;
  c.res[0] = BigInt(fd);
  return Errno.SUCCESS;
};

const path_create_directory: Handler = (k, t, c) => {
  const d = dirOf(t, c, 0, Rights.PathCreateDirectory);
  if (typeof d === 'number') return d;
  const p = paths(c, u32(c, 1));
  return typeof p === 'number' ? p : k.vfs.mkdir(d.node, p[0]);
};

const path_filestat_get: Handler = (k, t, c) => {
  const d = dirOf(t, c, 0, Rights.PathFilestatGet);
  if (typeof d === 'number') return d;
  const p = paths(c, u32(c, 2));
  if (typeof p === 'number') return p;
  const st = k.vfs.statAt(d.node, p[0], (u32(c, 1) & LookupFlags.SymlinkFollow) !== 0);
  if (typeof st === 'number') return st;
  setOut(c, encodeFilestat({ ...st, filetype: st.filetype as number }, c.payload));
  return Errno.SUCCESS;
};

const path_filestat_set_times: Handler = (k, t, c) => {
  const d = dirOf(t, c, 0, Rights.PathFilestatSetTimes);
  if (typeof d === 'number') return d;
  const p = paths(c, u32(c, 2));
  if (typeof p === 'number') return p;
  const h = k.vfs.resolve(d.node, p[0], (u32(c, 1) & LookupFlags.SymlinkFollow) !== 0);
  if (typeof h === 'number') return h;
  return k.vfs.setTimes(h, u64(c, 3), u64(c, 4), u32(c, 5));
};

const path_link: Handler = (k, t, c) => {
  const from = dirOf(t, c, 0, Rights.PathLinkSource);
  if (typeof from === 'number') return from;
  const to = dirOf(t, c, 3, Rights.PathLinkTarget);
  if (typeof to === 'number') return to;
  const p = paths(c, u32(c, 2), u32(c, 4));
  if (typeof p === 'number') return p;
  return k.vfs.link(from.node, p[0], (u32(c, 1) & LookupFlags.SymlinkFollow) !== 0, to.node, p[1]);
};

const path_readlink: Handler = (k, t, c) => {
  const d = dirOf(t, c, 0, Rights.PathReadlink);
  if (typeof d === 'number') return d;
  const p = paths(c, u32(c, 1));
  if (typeof p === 'number') return p;
  const target = k.vfs.readlink(d.node, p[0]);
  if (typeof target === 'number') return target;
  const bytes = new TextEncoder().encode(target);
  const n = Math.min(bytes.length, u32(c, 2));
  c.payload.set(bytes.subarray(0, n));
  setOut(c, n);
  return Errno.SUCCESS;
};

const path_remove_directory: Handler = (k, t, c) => {
  const d = dirOf(t, c, 0, Rights.PathRemoveDirectory);
  if (typeof d === 'number') return d;
  const p = paths(c, u32(c, 1));
  return typeof p === 'number' ? p : k.vfs.rmdir(d.node, p[0]);
};

const path_rename: Handler = (k, t, c) => {
  const from = dirOf(t, c, 0, Rights.PathRenameSource);
  if (typeof from === 'number') return from;
  const to = dirOf(t, c, 2, Rights.PathRenameTarget);
  if (typeof to === 'number') return to;
  const p = paths(c, u32(c, 1), u32(c, 3));
  return typeof p === 'number' ? p : k.vfs.rename(from.node, p[0], to.node, p[1]);
};

const path_symlink: Handler = (k, t, c) => {
  const d = dirOf(t, c, 1, Rights.PathSymlink);
  if (typeof d === 'number') return d;
  const p = paths(c, u32(c, 0), u32(c, 2));
  return typeof p === 'number' ? p : k.vfs.symlink(p[0], d.node, p[1]);
};

const path_unlink_file: Handler = (k, t, c) => {
  const d = dirOf(t, c, 0, Rights.PathUnlinkFile);
  if (typeof d === 'number') return d;
  const p = paths(c, u32(c, 1));
  return typeof p === 'number' ? p : k.vfs.unlink(d.node, p[0]);
};

/** path_* calls over the VFS, relative to a directory fd as WASI's *at calls are. */
export const pathHandlers = {
  path_open, path_create_directory, path_filestat_get, path_filestat_set_times, path_link, path_readlink,
  path_remove_directory, path_rename, path_symlink, path_unlink_file,
} satisfies HandlerGroup;
