import { Errno, errnoNames } from '../abi/errno.js';
import { VfsSetupError } from './errors.js';
import { FileType, OFlags } from './types.js';
import type { Vfs } from './vfs.js';

/**
 * Fills the directory `at` (absolute) with files given as `{relative path →
 * bytes}`: how the browser mounts content (files from public/, files the user
 * drops). Missing parent directories are created; existing files are
 * replaced. Throws {@link VfsSetupError} naming the file that failed.
 */
export function populate(vfs: Vfs, at: string, files: Record<string, Uint8Array> | Iterable<[string, Uint8Array]>): void {
  const base = vfs.resolve(vfs.root, at, true);
  if (typeof base === 'number') throw new VfsSetupError(`cannot populate ${at}: ${errnoNames[base]}; create the directory first`);
  const list = Symbol.iterator in files ? files : Object.entries(files);
  for (const [path, bytes] of list) {
    const fail = (e: number): never => {
      throw new VfsSetupError(`cannot write ${at}/${path}: ${errnoNames[e]}${e === Errno.NOSPC ? '; raise the VFS byte limit' : ''}`);
    };
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 0 || parts.includes('..')) throw new VfsSetupError(`bad file name "${path}": use a relative path without ".."`);
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const e = vfs.mkdir(base, dir, { confine: false });
      if (e === Errno.EXIST) {
        const h = vfs.resolve(base, dir, true, { confine: false });
        if (typeof h === 'number' || vfs.fileType(h) !== FileType.DIRECTORY) fail(Errno.NOTDIR);
      } else if (e !== Errno.SUCCESS) {
        fail(e);
      }
    }
    const h = vfs.open(base, parts.join('/'), { oflags: OFlags.CREAT | OFlags.TRUNC, write: true }, { confine: false });
    if (typeof h === 'number') fail(h);
    else {
      const n = vfs.write(h, 0, bytes);
      vfs.close(h);
      if (n < 0) fail(-n);
      if (n < bytes.length) fail(Errno.NOSPC);
    }
  }
}
