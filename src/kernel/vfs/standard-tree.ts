import { errnoNames } from '../abi/errno.js';
import { DEV_NULL, DEV_TTY, DEV_URANDOM, DEV_ZERO } from './devices.js';
import { VfsSetupError } from './errors.js';
import { MemFs, type MemFsLimits } from './mem-fs.js';
import { Vfs, type VfsEnv } from './vfs.js';

/**
 * A VFS with the directories every guest expects: /bin, /dev (null, zero,
 * urandom, tty as character devices), /etc, /home, /tmp, on an in-memory root, and /proc, an empty directory
 * where boot.ts mounts the kernel's ProcFs.
 */
export function createStandardTree(env: VfsEnv, limits: Partial<MemFsLimits> = {}): Vfs {
  const fs = new MemFs(env, limits);
  const vfs = new Vfs(env, fs);
  for (const dir of ['bin', 'dev', 'etc', 'home', 'proc', 'tmp']) {
    const e = vfs.mkdir(vfs.root, dir);
    if (e !== 0) throw new VfsSetupError(`cannot create /${dir}: ${errnoNames[e]}; raise the VFS limits`);
  }
  const dev = fs.lookup(fs.root, 'dev');
  for (const [name, rdev] of [['null', DEV_NULL], ['zero', DEV_ZERO], ['urandom', DEV_URANDOM], ['tty', DEV_TTY]] as const) {
    const r = fs.mknodChar(dev, name, rdev);
    if (typeof r === 'number' && r < 0) throw new VfsSetupError(`cannot create /dev/${name}: ${errnoNames[-r]}; raise the VFS limits`);
  }
  return vfs;
}
