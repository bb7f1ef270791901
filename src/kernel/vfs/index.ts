/**
 * The VFS: an inode-based filesystem tree with WASI (= Linux) path semantics,
 * mounts of pluggable backends, and plain-data snapshots.
 *
 * ## Using it from the syscall layer
 *
 * ```ts
 * const vfs = createStandardTree({ clock: () => realtimeNs(), random: (b) => crypto.getRandomValues(b) });
 * const root = vfs.open(vfs.root, '/', { oflags: OFlags.DIRECTORY });   // preopen "/" (takes a ref)
 * const h = vfs.open(dirHandle, 'a/b.txt', { oflags, follow, write });   // path_open
 * const n = vfs.write(h, offset, bytes);  // >= 0 bytes, < 0 is -errno
 * vfs.close(h);                            // when the open file description dies
 * ```
 *
 * - **Handles.** Every node is a {@link NodeHandle} `{ mount, node }`: plain
 *   data, saved as is by the fd table. `vfs.root` is the VFS root.
 * - **Errors.** Nothing throws on guest input. Operations return a WASI
 *   `Errno` (0 = success), or `T | Errno` where T is an object or string (test
 *   with `typeof r === 'number'`). `read`, `write`, `sizeOf` return a number:
 *   >= 0 on success, the negated errno on failure.
 * - **Paths** are JS strings (the syscall layer decodes UTF-8 and gives EILSEQ
 *   for invalid bytes). Resolution is relative to a directory handle (the fd's;
 *   ENOTDIR if it is not a directory). Walking a path from any directory other
 *   than the root is *confined* by default (wasmtime's rule): `..` above the
 *   start directory, an absolute path or an absolute symlink gives ENOTCAPABLE.
 *   From the root, `..` stays at the root and absolute symlinks resolve from
 *   the root. Pass `{ confine: false }` (last argument of each path call) to
 *   walk from a non-root directory like Linux does from a cwd.
 *   Intermediate symlinks are always followed; the final one per the `follow`
 *   argument (WASI LOOKUP_SYMLINK_FOLLOW). ELOOP after 40 links,
 *   ENAMETOOLONG for a component over 255 bytes or a path of 4096 bytes, a
 *   trailing "/" requires a directory. Mount points are crossed both ways.
 * - **Open files.** `open` takes a reference on the node; `close` drops it.
 *   An unlinked file stays readable and writable while referenced, and its
 *   bytes count against the space budget until the last close. `ref` takes an
 *   extra reference (dup'ed descriptions share one reference; a fork-like
 *   copy of an fd table that creates new descriptions calls `ref`). After
 *   `Vfs.load` the fd table reattaches its handles WITHOUT calling `ref`: the
 *   counts are part of the saved state.
 * - **O_APPEND**: `vfs.write(h, vfs.sizeOf(h), data)`.
 * - **Devices.** `stat(h).rdev` identifies character devices (devices.ts):
 *   the VFS serves DEV_NULL, DEV_ZERO, DEV_URANDOM (random from the injected
 *   source) itself; DEV_TTY is only a node: the kernel checks `rdev ===
 *   DEV_TTY` at open and routes the description to the controlling terminal.
 * - **Readdir.** `readdir(h, cookie)` gives entries from `cookie` with stable
 *   cookies ("." is 0, ".." is 1); `encodeDirents(entries, bufLen, cookie)`
 *   produces fd_readdir's exact byte stream.
 * - **Limits** (memory filesystems): `maxBytes` (file bytes + symlink
 *   targets; ENOSPC, writes are short when partly fitting), `maxFileSize`
 *   (EFBIG), `maxInodes` (ENOSPC).
 * - **Mounts.** `vfs.mount(path, backend)` (throws VfsSetupError on bad
 *   set-up); the Node host directory backend is src/platform/node/host-fs.ts;
 *   the browser fills a directory with `populate(vfs, '/mnt', files)`.
 *   EXDEV for rename/link across mounts, EBUSY for removing or renaming a mount point.
 * - **Snapshots.** `vfs.save()` → {@link VfsState} (named fields; file bytes
 *   as Uint8Array, times as bigint); `Vfs.load(state, env)`. Host mounts are
 *   recorded (kind and path) but not their content: after load,
 *   `vfs.pendingMounts()` lists them and `vfs.remount(id, backend)` attaches
 *   a backend again; until then their nodes give EIO.
 */
export { Vfs, type VfsEnv, type VfsState, type MountState, type OpenOptions, type ResolveOptions } from './vfs.js';
export type { FsBackend } from './backend.js';
export { MemFs, DEFAULT_MEM_LIMITS, type MemFsLimits, type MemFsEnv, type MemFsState, type InodeState, type Clock } from './mem-fs.js';
export { DEV_NULL, DEV_ZERO, DEV_URANDOM, DEV_TTY, makedev, type RandomSource } from './devices.js';
export { encodeDirents, DIRENT_HEADER_SIZE } from './dirent.js';
export { createStandardTree } from './standard-tree.js';
export { populate } from './populate.js';
export { VfsSetupError } from './errors.js';
export {
  FileType, OFlags, LookupFlags, FstFlags, sameNode, NAME_MAX, PATH_MAX, MAX_SYMLINKS,
  type NodeHandle, type NodeId, type Stat, type Dirent,
} from './types.js';
