/**
 * Confinement against node:wasi: a wasm32-wasi program (clang + wasi-libc)
 * calls path_open on its preopened directory with each path below; the same
 * paths are opened on the VFS from the same tree's directory handle. The
 * errno must match, except where node:wasi (uvwasi) departs from wasmtime and
 * Linux, listed in `knownDifferences` with the reason.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireWasiToolchain } from '../../../test/fixtures/toolchain.js';
import { Errno } from '../abi/errno.js';
import { createStandardTree } from './standard-tree.js';
import { OFlags } from './types.js';

const PROGRAM = `
#include <wasi/api.h>
#include <stdio.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, argv[i], 0,
        __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_GET, 0, 0, &fd);
    printf("%d\\n", e);
    if (e == 0) (void)__wasi_fd_close(fd);
  }
  return 0;
}
`;

const paths = ['f', 'a', 'a/../f', '.', '..', 'a/../..', '/etc', 'abs', 'relout', 'relin/f', 'f/', 'missing', 'a/./../f'];

/** Where node:wasi disagrees with wasmtime/Linux, and what we do instead. */
const knownDifferences: Record<string, { nodeWasi: number; ours: number; why: string }> = {
  '': {
    nodeWasi: Errno.INVAL, ours: Errno.NOENT,
    why: 'uvwasi rejects an empty path with EINVAL; Linux openat and wasmtime give ENOENT',
  },
  '../sandbox/f': {
    nodeWasi: Errno.SUCCESS, ours: Errno.NOTCAPABLE,
    why: 'uvwasi normalises the path lexically and accepts a detour that comes back; wasmtime (cap-std) refuses any `..` above the directory',
  },
};

describe('confinement compared with node:wasi', () => {
  let dir = '';
  let wasm: Uint8Array;
  beforeAll(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'wvisor-nodewasi-'));
    fs.writeFileSync(join(dir, 'conf.c'), PROGRAM);
    requireWasiToolchain();
    execFileSync('clang', ['--target=wasm32-wasi', '-O1', '-o', join(dir, 'conf.wasm'), join(dir, 'conf.c')]);
    wasm = fs.readFileSync(join(dir, 'conf.wasm'));
    const sb = join(dir, 'sandbox');
    fs.mkdirSync(join(sb, 'a'), { recursive: true });
    fs.writeFileSync(join(sb, 'f'), 'hi');
    fs.symlinkSync('/etc/passwd', join(sb, 'abs'));
    fs.symlinkSync('../..', join(sb, 'relout'));
    fs.symlinkSync('a/..', join(sb, 'relin'));
  });
  afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  async function nodeWasi(list: string[]): Promise<number[]> {
    const outFile = join(dir, 'out.txt');
    const out = fs.openSync(outFile, 'w');
    const wasi = new WASI({ version: 'preview1', args: ['conf', ...list], preopens: { '/sandbox': join(dir, 'sandbox') }, stdout: out });
    const inst = await WebAssembly.instantiate(await WebAssembly.compile(wasm), wasi.getImportObject() as WebAssembly.Imports);
    wasi.start(inst);
    fs.closeSync(out);
    return fs.readFileSync(outFile, 'utf8').trim().split('\n').map(Number);
  }

  function ours(list: string[]): number[] {
    let t = 0n;
    const vfs = createStandardTree({ clock: () => (t += 1n), random: () => {} });
    const mk = (p: string) => { if (vfs.mkdir(vfs.root, p) !== 0) throw new Error(p); };
    mk('/sandbox');
    mk('/sandbox/a');
    const f = vfs.open(vfs.root, '/sandbox/f', { oflags: OFlags.CREAT, write: true });
    const p = vfs.open(vfs.root, '/etc/passwd', { oflags: OFlags.CREAT, write: true });
    if (typeof f === 'number' || typeof p === 'number') throw new Error('create');
    vfs.symlink('/etc/passwd', vfs.root, '/sandbox/abs');
    vfs.symlink('../..', vfs.root, '/sandbox/relout');
    vfs.symlink('a/..', vfs.root, '/sandbox/relin');
    const pre = vfs.open(vfs.root, '/sandbox', { oflags: OFlags.DIRECTORY });
    if (typeof pre === 'number') throw new Error('preopen');
    return list.map((path) => {
      const h = vfs.open(pre, path);
      if (typeof h === 'number') return h;
      vfs.close(h);
      return 0;
    });
  }

  it('gives the same errno for every path', async () => {
    expect(ours(paths)).toEqual(await nodeWasi(paths));
  });

  it.each(Object.entries(knownDifferences))('known difference for %j', async (path, d) => {
    expect(await nodeWasi([path])).toEqual([d.nodeWasi]);
    expect(ours([path])).toEqual([d.ours]);
  });
});
