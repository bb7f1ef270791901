/**
 * The host directory backend, tested against real temp directories: the
 * whole Linux case table of src/kernel/vfs/linux-cases.ts run through a host
 * mount (compared with the same C program run natively), confinement of host
 * symlinks, and data operations checked with node:fs as the reference.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errno } from '../../kernel/abi/errno.js';
import { cProgram, linuxCases, runOnVfs, type Case } from '../../kernel/vfs/linux-cases.js';
import { FstFlags, OFlags, type NodeHandle } from '../../kernel/vfs/types.js';
import { Vfs } from '../../kernel/vfs/vfs.js';
import { VfsSetupError } from '../../kernel/vfs/errors.js';
import { HostFs, toErrno } from './host-fs.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
let tmp = '';
beforeAll(() => { tmp = fs.mkdtempSync(join(tmpdir(), 'wvisor-hostfs-')); });
afterAll(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

function newVfs(): Vfs {
  let t = 1_000_000_000n;
  return Vfs.create({ clock: () => (t += 1000n), random: (b) => b.fill(1) });
}

/** A VFS with `host` mounted at /mnt; returns it and the mount root handle (opened). */
function mounted(host: string, readOnly = false): { vfs: Vfs; mnt: NodeHandle } {
  const vfs = newVfs();
  expect(vfs.mkdir(vfs.root, 'mnt')).toBe(0);
  vfs.mount('/mnt', new HostFs(host, { readOnly }));
  const mnt = vfs.open(vfs.root, '/mnt', { oflags: OFlags.DIRECTORY });
  if (typeof mnt === 'number') throw new Error('open /mnt');
  return { vfs, mnt };
}

function runNatively(cases: readonly Case[]): Map<string, string> {
  const dir = fs.mkdtempSync(join(tmp, 'native-'));
  fs.writeFileSync(join(dir, 'cases.c'), cProgram(cases));
  execFileSync('/usr/bin/gcc', ['-O0', '-o', join(dir, 'cases'), join(dir, 'cases.c')]);
  fs.mkdirSync(join(dir, 'work'));
  const out = execFileSync(join(dir, 'cases'), [join(dir, 'work')], { encoding: 'utf8' });
  const blocks = new Map<string, string>();
  for (const block of out.split(/^(?===)/m)) if (block.trim() !== '') blocks.set(block.split('\n', 1)[0]!.slice(3), block.trimEnd());
  return blocks;
}

describe('HostFs: the Linux case table through a host mount', () => {
  let native = new Map<string, string>();
  beforeAll(() => { native = runNatively(linuxCases); });

  it.each(linuxCases.map((c, i) => [c.name, c, i] as const))('%s', (_n, c, i) => {
    const host = join(tmp, `case${i}`);
    fs.mkdirSync(host);
    const { vfs, mnt } = mounted(host);
    expect(runOnVfs(vfs, mnt, c)).toBe(native.get(c.name));
  });
});

describe('HostFs: confinement', () => {
  it('resolves host symlinks in the guest namespace, never on the host', () => {
    const host = join(tmp, 'escape');
    fs.mkdirSync(host);
    fs.symlinkSync('/etc/passwd', join(host, 'abs'));
    fs.symlinkSync('../../../../../../../../etc/passwd', join(host, 'rel'));
    fs.symlinkSync('..', join(host, 'up'));
    const { vfs, mnt } = mounted(host);
    // The guest has its own /etc/passwd.
    expect(vfs.mkdir(vfs.root, 'etc')).toBe(0);
    const g = vfs.open(vfs.root, '/etc/passwd', { oflags: OFlags.CREAT, write: true });
    if (typeof g === 'number') throw new Error('create');
    vfs.write(g, 0, enc.encode('guest'));
    vfs.close(g);
    const readAll = (start: NodeHandle, path: string, confine?: boolean): string | number => {
      const h = vfs.open(start, path, {}, confine === undefined ? {} : { confine });
      if (typeof h === 'number') return h;
      const buf = new Uint8Array(64);
      const n = vfs.read(h, 0, buf);
      vfs.close(h);
      return dec.decode(buf.subarray(0, n));
    };
    expect(readAll(vfs.root, '/mnt/abs')).toBe('guest');
    expect(readAll(vfs.root, '/mnt/rel')).toBe('guest');
    expect(readAll(vfs.root, '/mnt/up/etc/passwd')).toBe('guest');
    // From the mount's own directory (a preopen of /mnt) every way out is refused, as wasmtime does.
    expect(readAll(mnt, 'abs')).toBe(Errno.NOTCAPABLE);
    expect(readAll(mnt, 'rel')).toBe(Errno.NOTCAPABLE);
    expect(readAll(mnt, 'up/etc/passwd')).toBe(Errno.NOTCAPABLE);
    expect(readAll(mnt, '../etc/passwd')).toBe(Errno.NOTCAPABLE);
    // `..` from the mount root reaches the guest's root, not the host's parent directory.
    const up = vfs.resolve(mnt, '..', true, { confine: false });
    expect(up).toEqual(vfs.root);
  });

  it('refuses names that could leave the directory even if the VFS passed them', () => {
    const host = join(tmp, 'names');
    fs.mkdirSync(host);
    const b = new HostFs(host);
    for (const bad of ['..', '.', '', 'a/b', 'x\0y']) expect(b.lookup('', bad)).toBe(-Errno.INVAL);
  });

  it('gives a setup error for a missing or non-directory host path', () => {
    expect(() => new HostFs(join(tmp, 'missing'))).toThrow(VfsSetupError);
    fs.writeFileSync(join(tmp, 'plain'), 'x');
    expect(() => new HostFs(join(tmp, 'plain'))).toThrow(/not a directory/);
  });
});

describe('HostFs: data and metadata (node:fs is the reference)', () => {
  it('writes, reads at offsets, truncates and appends through to the host file', () => {
    const host = join(tmp, 'data');
    fs.mkdirSync(host);
    const { vfs, mnt } = mounted(host);
    const h = vfs.open(mnt, 'f', { oflags: OFlags.CREAT, write: true });
    if (typeof h === 'number') throw new Error('open');
    expect(vfs.write(h, 0, enc.encode('hello world'))).toBe(11);
    expect(vfs.write(h, 20, enc.encode('!'))).toBe(1);
    expect(fs.readFileSync(join(host, 'f'))).toEqual(Buffer.from('hello world\0\0\0\0\0\0\0\0\0!'));
    const buf = new Uint8Array(5);
    expect(vfs.read(h, 6, buf)).toBe(5);
    expect(dec.decode(buf)).toBe('world');
    expect(vfs.truncate(h, 5)).toBe(0);
    expect(vfs.write(h, vfs.sizeOf(h), enc.encode('!'))).toBe(1);
    expect(fs.readFileSync(join(host, 'f'), 'utf8')).toBe('hello!');
    const st = vfs.stat(h);
    if (typeof st === 'number') throw new Error('stat');
    const hst = fs.statSync(join(host, 'f'), { bigint: true });
    expect(st.ino).toBe(hst.ino);
    expect(st.size).toBe(6n);
    expect(st.mtim).toBe(hst.mtimeNs);
    vfs.close(h);
  });

  it('sets times (microsecond precision through node:fs)', () => {
    const host = join(tmp, 'times');
    fs.mkdirSync(host);
    fs.writeFileSync(join(host, 'f'), 'x');
    const { vfs, mnt } = mounted(host);
    const h = vfs.resolve(mnt, 'f');
    if (typeof h === 'number') throw new Error('resolve');
    expect(vfs.setTimes(h, 1_500_000_000_123_456_000n, 0n, FstFlags.ATIM)).toBe(0);
    const st = fs.statSync(join(host, 'f'), { bigint: true });
    expect(st.atimeNs).toBe(1_500_000_000_123_456_000n);
    expect(vfs.setTimes(h, 0n, 0n, FstFlags.ATIM | FstFlags.ATIM_NOW)).toBe(Errno.INVAL);
  });

  it('lists a host directory with stable positions and host inode numbers', () => {
    const host = join(tmp, 'list');
    fs.mkdirSync(host);
    for (const n of ['b', 'a', 'c']) fs.writeFileSync(join(host, n), n);
    fs.mkdirSync(join(host, 'sub'));
    const { vfs, mnt } = mounted(host);
    const all = vfs.readdir(mnt, 0n);
    if (typeof all === 'number') throw new Error('readdir');
    expect(all.map((e) => e.name)).toEqual(['.', '..', 'a', 'b', 'c', 'sub']);
    expect(all[2]!.ino).toBe(fs.statSync(join(host, 'a'), { bigint: true }).ino);
    const rest = vfs.readdir(mnt, all[3]!.next);
    if (typeof rest === 'number') throw new Error('readdir');
    expect(rest.map((e) => e.name)).toEqual(['c', 'sub']);
  });

  it('is read-only when asked', () => {
    const host = join(tmp, 'ro');
    fs.mkdirSync(host);
    fs.writeFileSync(join(host, 'f'), 'x');
    const { vfs, mnt } = mounted(host, true);
    expect(vfs.mkdir(mnt, 'd')).toBe(Errno.ROFS);
    expect(vfs.unlink(mnt, 'f')).toBe(Errno.ROFS);
    const h = vfs.open(mnt, 'f');
    if (typeof h === 'number') throw new Error('open');
    expect(vfs.write(h, 0, enc.encode('y'))).toBe(-Errno.ROFS);
  });

  it('maps Node error codes to WASI errno by name', () => {
    for (const [code, errno] of [['ENOENT', Errno.NOENT], ['ENOTEMPTY', Errno.NOTEMPTY], ['EACCES', Errno.ACCES],
      ['EXDEV', Errno.XDEV], ['EOPNOTSUPP', Errno.NOTSUP], ['ESOMETHING', Errno.IO]] as const) {
      expect(toErrno(Object.assign(new Error(code), { code }))).toBe(errno);
    }
    expect(toErrno(new Error('no code'))).toBe(Errno.IO);
    // And a real one from the host.
    try {
      fs.rmdirSync(tmp);
    } catch (e) {
      expect(toErrno(e)).toBe(Errno.NOTEMPTY);
    }
  });

  it('is recorded, not saved, by a snapshot and works again once re-mounted', () => {
    const host = join(tmp, 'snap');
    fs.mkdirSync(host);
    fs.writeFileSync(join(host, 'f'), 'data');
    const { vfs } = mounted(host);
    const state = vfs.save();
    const m = state.mounts.find((s) => s.kind === 'host');
    expect(m).toMatchObject({ path: '/mnt', root: '' });
    expect(m?.fs).toBeUndefined();
    const back = Vfs.load(state, { clock: () => 0n, random: () => {} });
    expect(back.statAt(back.root, '/mnt/f')).toBe(Errno.IO);
    expect(back.pendingMounts()).toEqual([{ id: m!.id, kind: 'host', path: '/mnt' }]);
    back.remount(m!.id, new HostFs(host));
    expect(back.pendingMounts()).toEqual([]);
    const h = back.open(back.root, '/mnt/f');
    if (typeof h === 'number') throw new Error('open');
    const buf = new Uint8Array(4);
    expect(back.read(h, 0, buf)).toBe(4);
    expect(dec.decode(buf)).toBe('data');
  });
});
