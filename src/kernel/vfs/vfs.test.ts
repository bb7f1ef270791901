/**
 * VFS behaviour that the native differential table (vfs-linux.test.ts) cannot
 * show: confinement (wasmtime's rule), mounts, open-but-unlinked files,
 * limits, timestamps, readdir cookies, devices, snapshots. Where the
 * reference is Linux, the expected value cites the man page that states it.
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../abi/errno.js';
import { DEV_NULL, DEV_TTY, DEV_URANDOM, DEV_ZERO } from './devices.js';
import { VfsSetupError } from './errors.js';
import { MemFs } from './mem-fs.js';
import { populate } from './populate.js';
import { createStandardTree } from './standard-tree.js';
import { FileType, FstFlags, OFlags, type NodeHandle, type Stat } from './types.js';
import { Vfs, type VfsEnv } from './vfs.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A clock that advances 1 µs per reading, and a counting random source. */
function env(): VfsEnv & { now: () => bigint } {
  let t = 1_700_000_000_000_000_000n;
  let r = 0;
  return {
    clock: () => (t += 1000n),
    now: () => t,
    random: (b) => { for (let i = 0; i < b.length; i++) b[i] = r++ & 0xff; },
  };
}

function ok<T>(r: T | number): T {
  if (typeof r === 'number') throw new Error(`unexpected errno ${r}`);
  return r;
}

function writeFile(vfs: Vfs, at: NodeHandle, path: string, text: string): void {
  const h = ok(vfs.open(at, path, { oflags: OFlags.CREAT | OFlags.TRUNC, write: true }, { confine: false }));
  expect(vfs.write(h, 0, enc.encode(text))).toBe(text.length);
  vfs.close(h);
}

function readFile(vfs: Vfs, h: NodeHandle): string {
  const buf = new Uint8Array(vfs.sizeOf(h));
  expect(vfs.read(h, 0, buf)).toBe(buf.length);
  return dec.decode(buf);
}

describe('confinement (wasmtime: a directory fd is a capability)', () => {
  const vfs = createStandardTree(env());
  writeFile(vfs, vfs.root, '/etc/passwd', 'root');
  expect(vfs.mkdir(vfs.root, '/tmp/a')).toBe(0);
  expect(vfs.symlink('/etc/passwd', vfs.root, '/tmp/abs')).toBe(0);
  expect(vfs.symlink('../etc', vfs.root, '/tmp/rel-out')).toBe(0);
  expect(vfs.symlink('a/..', vfs.root, '/tmp/rel-in')).toBe(0);
  const tmp = ok(vfs.open(vfs.root, '/tmp', { oflags: OFlags.DIRECTORY }));
  const cases: [string, NodeHandle, string, number | 'ok'][] = [
    ['.. above a non-root start', tmp, '..', Errno.NOTCAPABLE],
    ['.. then back in', tmp, '../tmp/a', Errno.NOTCAPABLE],
    ['down then up stays inside', tmp, 'a/../a', 'ok'],
    ['absolute path from a non-root start', tmp, '/etc', Errno.NOTCAPABLE],
    ['absolute symlink from a non-root start', tmp, 'abs', Errno.NOTCAPABLE],
    ['relative symlink leaving', tmp, 'rel-out/passwd', Errno.NOTCAPABLE],
    ['relative symlink staying', tmp, 'rel-in/a', 'ok'],
    ['.. at the root stays at the root', vfs.root, '../../etc/passwd', 'ok'],
    ['absolute symlink from the root', vfs.root, 'tmp/abs', 'ok'],
    ['absolute path from the root', vfs.root, '/tmp/../tmp/a', 'ok'],
  ];
  it.each(cases)('%s', (_n, start, path, want) => {
    const r = vfs.resolve(start, path);
    if (want === 'ok') expect(typeof r).toBe('object');
    else expect(r).toBe(want);
  });

  it('makes no absolute symlink from a non-root start (EPERM, as node:wasi and wasmtime), and does from the root', () => {
    expect(vfs.symlink('/etc/passwd', tmp, 'abs2')).toBe(Errno.PERM);
    expect(vfs.symlink('/', tmp, 'a/abs2')).toBe(Errno.PERM);
    expect(vfs.resolve(tmp, 'abs2', false)).toBe(Errno.NOENT);
    expect(vfs.symlink('../etc/passwd', tmp, 'rel2')).toBe(0); // relative: made, refused only when followed out
    expect(vfs.symlink('/etc/passwd', tmp, 'abs3', { confine: false })).toBe(0);
    expect(vfs.symlink('/etc/passwd', vfs.root, '/tmp/abs4')).toBe(0);
  });

  it('can be turned off for a cwd-style walk', () => {
    expect(vfs.resolve(tmp, '../etc/passwd', true, { confine: false })).toEqual(vfs.resolve(vfs.root, '/etc/passwd'));
  });

  it('refuses a start that is not a directory (ENOTDIR, as openat with a file fd)', () => {
    const f = ok(vfs.resolve(vfs.root, '/etc/passwd'));
    expect(vfs.resolve(f, 'x')).toBe(Errno.NOTDIR);
    expect(vfs.mkdir(f, 'x')).toBe(Errno.NOTDIR);
  });
});

describe('mounts', () => {
  function setup() {
    const e = env();
    const vfs = createStandardTree(e);
    expect(vfs.mkdir(vfs.root, '/mnt')).toBe(0);
    writeFile(vfs, vfs.root, '/mnt/hidden', 'under the mount');
    const inner = new MemFs(e);
    vfs.mount('/mnt', inner);
    writeFile(vfs, vfs.root, '/mnt/f', 'inner');
    expect(vfs.mkdir(vfs.root, '/mnt/sub')).toBe(0);
    return { vfs, inner };
  }

  it('crosses mount points both ways', () => {
    const { vfs } = setup();
    expect(vfs.resolve(vfs.root, '/mnt/hidden')).toBe(Errno.NOENT);
    expect(readFile(vfs, ok(vfs.resolve(vfs.root, '/mnt/f')))).toBe('inner');
    expect(vfs.resolve(vfs.root, '/mnt/sub/../../tmp')).toEqual(vfs.resolve(vfs.root, '/tmp'));
    expect(vfs.resolve(vfs.root, '/mnt/..')).toEqual(vfs.root);
    expect(vfs.pathOf(ok(vfs.resolve(vfs.root, '/mnt/sub')))).toBe('/mnt/sub');
    const st = ok(vfs.statAt(vfs.root, '/mnt/f'));
    const outer = ok(vfs.statAt(vfs.root, '/tmp'));
    expect(st.dev).not.toBe(outer.dev);
    // readdir's ".." of a mount root is the covered directory's parent (the root).
    const dots = ok(vfs.readdir(ok(vfs.resolve(vfs.root, '/mnt'))));
    expect(dots[1]).toMatchObject({ name: '..', ino: ok(vfs.stat(vfs.root)).ino });
  });

  // rename(2), link(2): EXDEV "oldpath and newpath are not on the same mounted filesystem".
  // rmdir(2), rename(2): EBUSY "pathname is currently in use ... as a mount point".
  const table: [string, (v: Vfs) => number, number][] = [
    ['rename across mounts', (v) => v.rename(v.root, '/mnt/f', v.root, '/tmp/f'), Errno.XDEV],
    ['rename into a mount', (v) => v.rename(v.root, '/etc', v.root, '/mnt/etc'), Errno.XDEV],
    ['link across mounts', (v) => v.link(v.root, '/mnt/f', false, v.root, '/tmp/f'), Errno.XDEV],
    ['rmdir a mount point', (v) => v.rmdir(v.root, '/mnt'), Errno.BUSY],
    ['rename a mount point', (v) => v.rename(v.root, '/mnt', v.root, '/mnt2'), Errno.BUSY],
    ['rename over a mount point', (v) => (v.mkdir(v.root, '/e'), v.rename(v.root, '/e', v.root, '/mnt')), Errno.BUSY],
    ['rename inside a mount', (v) => v.rename(v.root, '/mnt/f', v.root, '/mnt/sub/g'), Errno.SUCCESS],
    ['rmdir /', (v) => v.rmdir(v.root, '/'), Errno.BUSY],
  ];
  it.each(table)('%s', (_n, op, want) => {
    const { vfs } = setup();
    expect(op(vfs)).toBe(want);
  });

  it('refuses bad mount points with a setup error', () => {
    const { vfs, inner } = setup();
    expect(() => vfs.mount('/nope', inner)).toThrow(VfsSetupError);
    expect(() => vfs.mount('/mnt', inner)).toThrow(/already mounted/);
    expect(() => vfs.mount('/mnt/f', inner)).toThrow(/not a directory/);
  });

  it('unmounts, uncovering the directory below', () => {
    const { vfs } = setup();
    expect(vfs.umount('/tmp')).toBe(Errno.INVAL);
    expect(vfs.umount('/mnt')).toBe(0);
    expect(readFile(vfs, ok(vfs.resolve(vfs.root, '/mnt/hidden')))).toBe('under the mount');
  });
});

describe('open files', () => {
  it('keeps an unlinked file readable until the last close, then frees its bytes', () => {
    const vfs = Vfs.create(env());
    const fs = vfs.rootFs as MemFs;
    const h = ok(vfs.open(vfs.root, 'f', { oflags: OFlags.CREAT, write: true }));
    expect(vfs.write(h, 0, enc.encode('still here'))).toBe(10);
    expect(vfs.unlink(vfs.root, 'f')).toBe(0);
    expect(vfs.resolve(vfs.root, 'f')).toBe(Errno.NOENT);
    expect(ok(vfs.stat(h)).nlink).toBe(0n);
    expect(readFile(vfs, h)).toBe('still here');
    expect(vfs.write(h, 10, enc.encode('!'))).toBe(1);
    expect(fs.bytesUsed).toBe(11);
    vfs.ref(h); // a second description
    vfs.close(h);
    expect(readFile(vfs, h)).toBe('still here!');
    vfs.close(h);
    expect(fs.bytesUsed).toBe(0);
    expect(vfs.stat(h)).toBe(Errno.NOENT);
  });

  it('keeps a file replaced by rename alive for its holder', () => {
    const vfs = Vfs.create(env());
    writeFile(vfs, vfs.root, 'a', 'old');
    writeFile(vfs, vfs.root, 'b', 'new');
    const h = ok(vfs.open(vfs.root, 'a'));
    expect(vfs.rename(vfs.root, 'b', vfs.root, 'a')).toBe(0);
    expect(readFile(vfs, h)).toBe('old');
    expect(readFile(vfs, ok(vfs.resolve(vfs.root, 'a')))).toBe('new');
  });

  it('gives ENOENT for creation in a removed directory that is still open (Linux)', () => {
    const vfs = Vfs.create(env());
    expect(vfs.mkdir(vfs.root, 'd')).toBe(0);
    const d = ok(vfs.open(vfs.root, 'd', { oflags: OFlags.DIRECTORY }));
    expect(vfs.rmdir(vfs.root, 'd')).toBe(0);
    expect(vfs.open(d, 'x', { oflags: OFlags.CREAT })).toBe(Errno.NOENT);
    expect(vfs.mkdir(d, 'x')).toBe(Errno.NOENT);
    expect(vfs.readdir(d)).toEqual([]);
    expect(vfs.pathOf(d)).toBe(Errno.NOENT);
  });

  it('counts hard links in nlink and keeps data until the last name goes', () => {
    const vfs = Vfs.create(env());
    writeFile(vfs, vfs.root, 'a', 'x');
    expect(vfs.link(vfs.root, 'a', false, vfs.root, 'b')).toBe(0);
    expect(ok(vfs.statAt(vfs.root, 'b')).nlink).toBe(2n);
    expect(vfs.unlink(vfs.root, 'a')).toBe(0);
    expect(ok(vfs.statAt(vfs.root, 'b')).nlink).toBe(1n);
    expect(readFile(vfs, ok(vfs.resolve(vfs.root, 'b')))).toBe('x');
  });
});

describe('file data', () => {
  it('reads and writes at offsets, zero-fills gaps and regrowth after a shrink', () => {
    const vfs = Vfs.create(env());
    const h = ok(vfs.open(vfs.root, 'f', { oflags: OFlags.CREAT, write: true }));
    expect(vfs.write(h, 5, enc.encode('abc'))).toBe(3);
    const buf = new Uint8Array(10).fill(0xee);
    expect(vfs.read(h, 0, buf)).toBe(8);
    expect([...buf]).toEqual([0, 0, 0, 0, 0, 97, 98, 99, 0xee, 0xee]);
    expect(vfs.truncate(h, 6)).toBe(0);
    expect(vfs.truncate(h, 100)).toBe(0);
    const all = new Uint8Array(100);
    expect(vfs.read(h, 0, all)).toBe(100);
    expect(all[5]).toBe(97);
    expect(all.subarray(6).every((b) => b === 0)).toBe(true);
    expect(vfs.read(h, 100, buf)).toBe(0);
    expect(vfs.read(h, 1e300, buf)).toBe(0);
  });

  it('appends a million small writes in linear time', () => {
    const vfs = Vfs.create(env());
    const h = ok(vfs.open(vfs.root, 'f', { oflags: OFlags.CREAT, write: true }));
    const one = enc.encode('0123456789');
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) vfs.write(h, vfs.sizeOf(h), one);
    const ms = performance.now() - t0;
    expect(vfs.sizeOf(h)).toBe(1_000_000);
    expect(ms).toBeLessThan(2000);
  });

  it('rejects bad sizes and non-files', () => {
    const vfs = createStandardTree(env());
    const f = ok(vfs.open(vfs.root, 'f', { oflags: OFlags.CREAT, write: true }));
    expect(vfs.truncate(f, -1)).toBe(Errno.INVAL);
    expect(vfs.truncate(ok(vfs.resolve(vfs.root, '/tmp')), 0)).toBe(Errno.ISDIR);
    expect(vfs.truncate(ok(vfs.resolve(vfs.root, '/dev/null')), 0)).toBe(Errno.INVAL);
    expect(vfs.read(ok(vfs.resolve(vfs.root, '/tmp')), 0, new Uint8Array(1))).toBe(-Errno.ISDIR);
    expect(vfs.write(f, -1, new Uint8Array(1))).toBe(-Errno.FBIG);
  });
});

describe('limits', () => {
  it('gives ENOSPC past the byte budget, writing what fits first (tmpfs)', () => {
    const vfs = Vfs.create(env(), { maxBytes: 100 });
    const a = ok(vfs.open(vfs.root, 'a', { oflags: OFlags.CREAT, write: true }));
    expect(vfs.write(a, 0, new Uint8Array(60))).toBe(60);
    const b = ok(vfs.open(vfs.root, 'b', { oflags: OFlags.CREAT, write: true }));
    expect(vfs.write(b, 0, new Uint8Array(60))).toBe(40);
    expect(vfs.write(b, 40, new Uint8Array(1))).toBe(-Errno.NOSPC);
    expect(vfs.write(a, 0, new Uint8Array(60))).toBe(60); // overwriting needs no space
    expect(vfs.truncate(b, 41)).toBe(Errno.NOSPC);
    expect(vfs.symlink('x', vfs.root, 'l')).toBe(Errno.NOSPC);
    expect(vfs.truncate(a, 0)).toBe(0);
    expect(vfs.write(b, 40, new Uint8Array(60))).toBe(60);
  });

  it('gives EFBIG past the file size limit, writing what fits first', () => {
    const vfs = Vfs.create(env(), { maxFileSize: 10 });
    const a = ok(vfs.open(vfs.root, 'a', { oflags: OFlags.CREAT, write: true }));
    expect(vfs.write(a, 8, new Uint8Array(5))).toBe(2);
    expect(vfs.write(a, 10, new Uint8Array(1))).toBe(-Errno.FBIG);
    expect(vfs.truncate(a, 11)).toBe(Errno.FBIG);
  });

  it('gives ENOSPC past the inode limit', () => {
    const vfs = Vfs.create(env(), { maxInodes: 3 });
    expect(vfs.mkdir(vfs.root, 'a')).toBe(0);
    expect(vfs.open(vfs.root, 'b', { oflags: OFlags.CREAT })).toMatchObject({ mount: 0 });
    expect(vfs.mkdir(vfs.root, 'c')).toBe(Errno.NOSPC);
    expect(vfs.open(vfs.root, 'c', { oflags: OFlags.CREAT })).toBe(Errno.NOSPC);
  });
});

describe('timestamps (nanoseconds from the injected clock)', () => {
  it('sets all three at creation and updates the parent', () => {
    const e = env();
    const vfs = Vfs.create(e);
    const h = ok(vfs.open(vfs.root, 'f', { oflags: OFlags.CREAT, write: true }));
    const s = ok(vfs.stat(h));
    expect(s.atim).toBe(s.mtim);
    expect(s.ctim).toBe(s.mtim);
    expect(ok(vfs.stat(vfs.root)).mtim).toBe(s.mtim);
    vfs.write(h, 0, enc.encode('x'));
    const w = ok(vfs.stat(h));
    expect(w.mtim).toBe(e.now());
    expect(w.ctim).toBe(e.now());
    expect(w.atim).toBe(s.atim);
  });

  const flags: [string, number, (s: Stat, now: bigint) => [bigint, bigint] | number][] = [
    ['ATIM', FstFlags.ATIM, (s) => [5n, s.mtim]],
    ['MTIM', FstFlags.MTIM, (s) => [s.atim, 7n]],
    ['ATIM|MTIM', FstFlags.ATIM | FstFlags.MTIM, () => [5n, 7n]],
    ['ATIM_NOW', FstFlags.ATIM_NOW, (s, now) => [now, s.mtim]],
    ['MTIM_NOW|ATIM', FstFlags.MTIM_NOW | FstFlags.ATIM, (_s, now) => [5n, now]],
    ['ATIM|ATIM_NOW', FstFlags.ATIM | FstFlags.ATIM_NOW, () => Errno.INVAL],
    ['MTIM|MTIM_NOW', FstFlags.MTIM | FstFlags.MTIM_NOW, () => Errno.INVAL],
    ['unknown bit', 16, () => Errno.INVAL],
  ];
  it.each(flags)('setTimes %s', (_n, fst, want) => {
    const e = env();
    const vfs = Vfs.create(e);
    const h = ok(vfs.open(vfs.root, 'f', { oflags: OFlags.CREAT }));
    const before = ok(vfs.stat(h));
    const r = vfs.setTimes(h, 5n, 7n, fst);
    const after = ok(vfs.stat(h));
    const expected = want(before, e.now());
    if (typeof expected === 'number') {
      expect(r).toBe(expected);
      expect(after).toEqual(before);
    } else {
      expect(r).toBe(0);
      expect([after.atim, after.mtim]).toEqual(expected);
      expect(after.ctim).toBe(e.now());
    }
  });
});

describe('readdir', () => {
  it('has "." and "..", and cookies that survive additions and removals', () => {
    const vfs = Vfs.create(env());
    for (const n of ['a', 'b', 'c', 'd']) writeFile(vfs, vfs.root, n, n);
    const first = ok(vfs.readdir(vfs.root, 0n));
    expect(first.map((e) => e.name)).toEqual(['.', '..', 'a', 'b', 'c', 'd']);
    const afterB = first[3]!.next;
    expect(vfs.unlink(vfs.root, 'a')).toBe(0);
    expect(vfs.unlink(vfs.root, 'c')).toBe(0);
    writeFile(vfs, vfs.root, 'e', 'e');
    expect(ok(vfs.readdir(vfs.root, afterB)).map((e) => e.name)).toEqual(['d', 'e']);
    expect(ok(vfs.readdir(vfs.root, 1n)).map((e) => e.name)).toEqual(['..', 'b', 'd', 'e']);
    const st = ok(vfs.statAt(vfs.root, 'd'));
    expect(ok(vfs.readdir(vfs.root, afterB))[0]).toMatchObject({ ino: st.ino, type: FileType.REGULAR_FILE });
    expect(vfs.readdir(ok(vfs.resolve(vfs.root, 'b')))).toBe(Errno.NOTDIR);
  });
});

describe('devices', () => {
  const vfs = createStandardTree(env());
  const dev = (p: string) => ok(vfs.open(vfs.root, p, { write: true }));
  it('has the standard tree', () => {
    expect(ok(vfs.readdir(vfs.root)).map((e) => e.name)).toEqual(['.', '..', 'bin', 'dev', 'etc', 'home', 'proc', 'tmp']);
    const want: [string, number][] = [['null', DEV_NULL], ['zero', DEV_ZERO], ['urandom', DEV_URANDOM], ['tty', DEV_TTY]];
    for (const [name, rdev] of want) {
      expect(ok(vfs.statAt(vfs.root, `/dev/${name}`))).toMatchObject({ filetype: FileType.CHARACTER_DEVICE, rdev, size: 0n });
    }
  });
  it('/dev/null reads EOF and swallows writes', () => {
    const h = dev('/dev/null');
    expect(vfs.read(h, 0, new Uint8Array(8))).toBe(0);
    expect(vfs.write(h, 0, new Uint8Array(1234))).toBe(1234);
    expect(vfs.open(vfs.root, '/dev/null', { oflags: OFlags.TRUNC, write: true })).toMatchObject({ mount: 0 });
  });
  it('/dev/zero reads zeros', () => {
    const b = new Uint8Array(16).fill(9);
    expect(vfs.read(dev('/dev/zero'), 0, b)).toBe(16);
    expect(b.every((x) => x === 0)).toBe(true);
  });
  it('/dev/urandom reads the injected source', () => {
    const b = new Uint8Array(4);
    expect(vfs.read(dev('/dev/urandom'), 0, b)).toBe(4);
    expect([...b]).toEqual([0, 1, 2, 3]);
  });
  it('/dev/tty is left to the kernel', () => {
    expect(vfs.read(dev('/dev/tty'), 0, new Uint8Array(1))).toBe(-Errno.NXIO);
  });
});

describe('snapshots', () => {
  it('saves and loads the whole tree by value, open-but-unlinked files and cookies included', () => {
    const e = env();
    const vfs = createStandardTree(e);
    writeFile(vfs, vfs.root, '/home/f', 'hello');
    expect(vfs.symlink('f', vfs.root, '/home/l')).toBe(0);
    expect(vfs.link(vfs.root, '/home/f', false, vfs.root, '/tmp/hard')).toBe(0);
    const orphan = ok(vfs.open(vfs.root, '/tmp/orphan', { oflags: OFlags.CREAT, write: true }));
    vfs.write(orphan, 0, enc.encode('orphaned'));
    expect(vfs.unlink(vfs.root, '/tmp/orphan')).toBe(0);
    const m = new MemFs(e);
    expect(vfs.mkdir(vfs.root, '/mnt')).toBe(0);
    vfs.mount('/mnt', m);
    writeFile(vfs, vfs.root, '/mnt/in', 'mounted');

    const state = vfs.save();
    expect(state.version).toBe(1);
    const back = Vfs.load(structuredClone(state), e);
    expect(back.save()).toEqual(state);
    expect(readFile(back, ok(back.resolve(back.root, '/home/l')))).toBe('hello');
    expect(ok(back.statAt(back.root, '/tmp/hard')).nlink).toBe(2n);
    expect(readFile(back, orphan)).toBe('orphaned');
    expect(readFile(back, ok(back.resolve(back.root, '/mnt/in')))).toBe('mounted');
    expect(back.readdir(back.root)).toEqual(vfs.readdir(vfs.root));
    back.close(orphan);
    expect(back.stat(orphan)).toBe(Errno.NOENT);
    expect((back.rootFs as MemFs).bytesUsed).toBe((vfs.rootFs as MemFs).bytesUsed - 8);
  });

  it('refuses an unknown version with a clear error', () => {
    const state = Vfs.create(env()).save();
    expect(() => Vfs.load({ ...state, version: 2 as 1 }, env())).toThrow(/version 2 is not supported/);
  });
});

describe('populate (browser content)', () => {
  it('creates parents and files, replacing existing ones', () => {
    const vfs = createStandardTree(env());
    populate(vfs, '/home', { 'docs/a.txt': enc.encode('A'), 'b.bin': new Uint8Array([1, 2]) });
    populate(vfs, '/home', [['docs/a.txt', enc.encode('AA')]]);
    expect(readFile(vfs, ok(vfs.resolve(vfs.root, '/home/docs/a.txt')))).toBe('AA');
    expect(ok(vfs.statAt(vfs.root, '/home/b.bin')).size).toBe(2n);
    expect(() => populate(vfs, '/home', { '../x': new Uint8Array() })).toThrow(VfsSetupError);
    expect(() => populate(vfs, '/nope', {})).toThrow(/create the directory first/);
    const small = createStandardTree(env(), { maxBytes: 3 });
    expect(() => populate(small, '/tmp', { big: new Uint8Array(4) })).toThrow(/ENOSPC; raise the VFS byte limit/);
  });
});
