/**
 * `wvisor run --dir` / `--vfs` / `--env` as other runtimes give them: each --dir is its own
 * preopened fd (3, 4, ... in the order given) whose prestat name is the guest name as given,
 * `--dir HOST::/` makes HOST the guest's root, `--dir .` works, no --dir preopens nothing.
 *
 * The reference is node:wasi with the same preopens (`preopens: {GUEST: HOST}`), running the same
 * module built here with clang from test/fixtures/dirs/t_dirs.c: the two must print the same lines
 * and leave the same files. Where node:wasi is not a reference (it answers ENOTSUP to every socket
 * call), the reference is Linux: the same call built natively with gcc. `--env NAME` follows
 * wasmtime's documented rule (the host's value; a name the host lacks stays unset).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Errno, errnoNames } from '../../src/kernel/abi/errno.js';
import { requireWasiToolchain } from '../fixtures/toolchain.js';

const root = join(__dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const bin = join(root, 'public/bin');
const fixtures = join(root, 'test/fixtures/dirs');
const work = mkdtempSync(join(tmpdir(), 'wvisor-dirs-'));
// Readable by everyone: one test runs the CLI as an unprivileged user.
chmodSync(work, 0o755);
const guest = join(work, 't_dirs.wasm');

beforeAll(() => {
  requireWasiToolchain();
  // A sysroot of Debian's wasi-libc only; PATH without node_modules/.bin, where clang would find npm's wasm-opt.
  const sysroot = join(work, 'sysroot');
  mkdirSync(join(sysroot, 'lib'), { recursive: true });
  symlinkSync('/usr/include/wasm32-wasi', join(sysroot, 'include'));
  symlinkSync('/usr/lib/wasm32-wasi', join(sysroot, 'lib', 'wasm32-wasi'));
  const PATH = (process.env.PATH ?? '').split(':').filter((d) => !d.includes('node_modules')).join(':');
  execFileSync('clang', ['--target=wasm32-wasi', `--sysroot=${sysroot}`, '-O2', join(fixtures, 't_dirs.c'), '-o', guest],
    { env: { ...process.env, PATH } });
  chmodSync(guest, 0o644);
}, 120_000);

interface Out { code: number | null; stdout: string; stderr: string }

function wvisor(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Out {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: opts.cwd, env: { ...process.env, ...opts.env }, input: '', encoding: 'utf8', timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function nodeWasi(preopens: Record<string, string>, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Out {
  const r = spawnSync(process.execPath, ['--no-warnings', join(fixtures, 'nodewasi-preopens.mjs'), JSON.stringify(preopens),
    JSON.stringify(opts.env ?? {}), guest, 't_dirs', ...args], { cwd: opts.cwd, input: '', encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let n = 0;
/** A fresh directory holding `files` (path → contents; a path ending in "/" is a directory). */
function tree(files: Record<string, string>): string {
  const dir = join(work, `t${n++}`);
  mkdirSync(dir);
  for (const [p, text] of Object.entries(files)) {
    if (p.endsWith('/')) mkdirSync(join(dir, p), { recursive: true });
    else {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
  }
  return dir;
}

/** Every path under `dir` with its contents (directories as "DIR/"), sorted. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) { out.push(`${relative(dir, p)}/`); walk(p); } else out.push(`${relative(dir, p)}: ${readFileSync(p, 'utf8')}`);
    }
  };
  walk(dir);
  return out;
}

const copy = (dir: string) => { const c = `${dir}-copy`; cpSync(dir, c, { recursive: true }); return c; };

describe('wvisor run --dir, compared with node:wasi given the same preopens', () => {
  it('--dir X::/data --dir Y::work: fds 3 and 4 named as given; the same reads, writes and errors', () => {
    const x = tree({ 'a.txt': 'hello', 'sub/': '' });
    const y = tree({});
    const [x2, y2] = [copy(x), copy(y)];
    const steps = ['fds', 'cat', '/data/a.txt', 'put', 'work/b.txt=written', 'mkdir', '/data/new', 'ls', '/data', 'ls', 'work',
      'cat', 'work/b.txt', 'cd', '/data/sub', 'ls', '..', 'cat', '../a.txt', 'cat', '/data/../outside', 'cat', '/elsewhere/f'];
    const w = wvisor(['run', '--dir', `${x}::/data`, '--dir', `${y}::work`, guest, ...steps]);
    const r = nodeWasi({ '/data': x2, work: y2 }, steps);
    expect(w.stderr).toBe('');
    expect(w.stdout).toContain('fd 3: dir "/data" (errno 0)\nfd 4: dir "work" (errno 0)\nfd 5: prestat errno 8\n');
    expect(w.stdout).toContain('cat /data/a.txt: hello\n');
    expect(w.stdout).toBe(r.stdout);
    expect(w.code).toBe(r.code);
    expect(listing(x)).toEqual(listing(x2));
    expect(listing(y)).toEqual(['b.txt: written']);
    expect(listing(y)).toEqual(listing(y2));
  });

  it('--dir H::/ makes H the root the guest sees', () => {
    const h = tree({ 'etc/x': 'from H', 'top.txt': 'top' });
    const h2 = copy(h);
    const steps = ['fds', 'cat', '/etc/x', 'cat', 'etc/x', 'ls', '/', 'put', '/new.txt=n', 'ls', '/etc', 'cd', '/etc', 'cat', '../top.txt',
      'cat', '/bin/sh'];
    const w = wvisor(['run', '--dir', `${h}::/`, guest, ...steps]);
    const r = nodeWasi({ '/': h2 }, steps);
    expect(w.stdout).toContain('fd 3: dir "/" (errno 0)\nfd 4: prestat errno 8\ncat /etc/x: from H\n');
    expect(w.stdout).toBe(r.stdout);
    // "/.." climbs out of the preopen: ENOTCAPABLE, as WASI's path resolution rules and wasmtime have it
    // (node:wasi differs: uvwasi clamps ".." at a preopen's root, for every preopen).
    expect(wvisor(['run', '--dir', `${h}::/`, guest, 'cat', '/../top.txt']).stdout).toBe(`cat /../top.txt: errno ${Errno.NOTCAPABLE}\n`);
    expect(listing(h)).toEqual(listing(h2));
    expect(listing(h)).toContain('new.txt: n');
    // Nothing of wVisor's own tree was created in the person's directory.
    expect(listing(h)).toEqual(['etc/', 'etc/x: from H', 'new.txt: n', 'top.txt: top']);
  });

  it('--dir . preopens the working directory as "."', () => {
    const d = tree({ 'a.txt': 'here', 'sub/': '' });
    const d2 = copy(d);
    const steps = ['fds', 'cat', 'a.txt', 'cat', './a.txt', 'ls', '.', 'ls', '/', 'put', 'sub/c.txt=c', 'cat', '/a.txt'];
    const w = wvisor(['run', '--dir', '.', guest, ...steps], { cwd: d });
    const r = nodeWasi({ '.': '.' }, steps, { cwd: d2 });
    expect(w.stderr).toBe('');
    expect(w.stdout).toContain('fd 3: dir "." (errno 0)\n');
    expect(w.stdout).toContain('cat a.txt: here\n');
    expect(w.stdout).toBe(r.stdout);
    expect(listing(d)).toEqual(listing(d2));
  });

  it('the same directory twice, nested guest names, and --dir HOST (guest name = host path)', () => {
    const a = tree({ 'f': 'A', 'in/g': 'G' });
    const a2 = copy(a);
    // Longest prefix wins in wasi-libc: /m/in/g goes to the second preopen.
    const steps = ['fds', 'cat', '/m/f', 'cat', '/m/in/g', 'ls', '/m/in', 'cat', `${a}/f`];
    const w = wvisor(['run', '--dir', `${a}::/m`, '--dir', `${a}/in::/m/in`, '--dir', a, guest, ...steps]);
    const r = nodeWasi({ '/m': a2, '/m/in': `${a2}/in`, [a]: a2 }, steps);
    expect(w.stdout).toContain(`fd 5: dir "${a}" (errno 0)\n`);
    expect(w.stdout).toBe(r.stdout);
    // The nested mount point lives in wVisor's tree, not as a directory created in a.
    expect(listing(a)).toEqual(listing(a2));
  });
});

describe('wvisor run without --dir preopens nothing (as wasmtime and node:wasi without preopens)', () => {
  it('fd 3 is closed: fd_prestat_get(3) is EBADF, as under node:wasi', () => {
    const w = wvisor(['run', guest, 'fds', 'sock', 'cat', '/etc/passwd', 'ls', '/']);
    const r = nodeWasi({}, ['fds', 'sock', 'cat', '/etc/passwd', 'ls', '/']);
    expect(w.stdout.split('\n')[0]).toBe(`fd 3: prestat errno ${Errno.BADF}`);
    expect(w.stdout).toContain(`fd_prestat_get(3): errno ${Errno.BADF}\n`);
    // node:wasi answers ENOTSUP to every socket call, so the sock_shutdown line is compared with Linux below.
    const drop = (s: string) => s.split('\n').filter((l) => !l.startsWith('sock_shutdown'));
    expect(drop(w.stdout)).toEqual(drop(r.stdout));
  });

  it('sock_shutdown(3) on the closed fd 3 gives EBADF, as Linux shutdown(2) does', () => {
    const src = join(work, 'shut.c');
    writeFileSync(src, '#define _GNU_SOURCE\n#include <errno.h>\n#include <stdio.h>\n#include <string.h>\n#include <sys/socket.h>\n'
      + '#include <unistd.h>\nint main(void) { close(3); shutdown(3, SHUT_RDWR); printf("%s\\n", strerrorname_np(errno)); return 0; }\n');
    execFileSync('gcc', ['-O2', src, '-o', join(work, 'shut')]);
    const linux = execFileSync(join(work, 'shut'), { encoding: 'utf8' }).trim();
    expect(linux).toBe('EBADF');
    const line = wvisor(['run', guest, 'sock']).stdout.split('\n')[0];
    const errno = Number(/errno (\d+)/.exec(line)?.[1]);
    expect(errnoNames[errno]).toBe(linux);
    // With a directory at fd 3 it is ENOTSOCK, as Linux says of a non-socket fd.
    const d = tree({});
    const withDir = wvisor(['run', '--dir', `${d}::/d`, guest, 'sock']).stdout.split('\n')[0];
    expect(errnoNames[Number(/errno (\d+)/.exec(withDir)?.[1])]).toBe('ENOTSOCK');
  });
});

describe('programs a guest spawns', () => {
  it('find the bundled /bin programs even when the guest\'s root is a host directory, and inherit its preopens', () => {
    const h = tree({ 'etc/x': 'eleven char' });
    const r = wvisor(['run', '--dir', `${h}::/`, join(bin, 'sh.wasm'), '-c',
      'cat /etc/x | wc -c; ls /; echo made > /etc/y; cat /etc/y']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('11\netc\nmade\n');
    expect(readFileSync(join(h, 'etc/y'), 'utf8')).toBe('made\n');
    expect(listing(h)).toEqual(['etc/', 'etc/x: eleven char', 'etc/y: made\n']);
  });

  it('spawn by path finds a module in a --dir mounted at its guest path', () => {
    const h = tree({});
    cpSync(join(bin, 'hello.wasm'), join(h, 'hi.wasm'));
    const r = wvisor(['run', '--dir', `${h}::/apps`, join(bin, 'sh.wasm'), '-c', '/apps/hi.wasm']);
    expect(r).toMatchObject({ code: 0, stdout: 'hello, world\n' });
  });
});

describe('--vfs: directories of wVisor\'s own tree', () => {
  it('--vfs / preopens the tree the kernel keeps (/bin, /dev, /tmp), where a --dir is seen at its guest path', () => {
    const d = tree({ 'a.txt': 'A' });
    const r = wvisor(['run', '--vfs', '/', '--dir', `${d}::/data`, guest, 'fds', 'ls', '/', 'cat', '/data/a.txt', 'put', '/tmp/t=x',
      'cat', '/tmp/t', 'cat', '/dev/null']);
    expect(r.stdout).toContain('fd 3: dir "/" (errno 0)\nfd 4: dir "/data" (errno 0)\n');
    expect(r.stdout).toContain('ls /: bin data dev etc home proc tmp\n');
    expect(r.stdout).toContain('cat /data/a.txt: A\nput /tmp/t: ok\ncat /tmp/t: x\ncat /dev/null: \n');
  });

  it('--dir H::/ --vfs /dev: the guest\'s root is H, its /dev is wVisor\'s', () => {
    const h = tree({ 'f': 'F' });
    const r = wvisor(['run', '--dir', `${h}::/`, '--vfs', '/dev', join(bin, 'sh.wasm'), '-c', 'cat /f > /dev/null && ls /dev && cat /f']);
    expect(r.stdout).toBe('null\ntty\nurandom\nzero\nF');
    expect(listing(h)).toEqual(['f: F']);
  });
});

describe('--env', () => {
  it('--env NAME passes the host\'s value; a name the host lacks stays unset; NAME=VALUE as given', () => {
    const env = { ...process.env, WV_DIRS_A: 'from the host' } as Record<string, string>;
    delete env.WV_DIRS_B;
    const r = spawnSync(process.execPath, [cli, 'run', '--env', 'WV_DIRS_A', '--env', 'WV_DIRS_B', '--env=WV_DIRS_C=c=d',
      '--env', 'WV_DIRS_D=', join(bin, 'env.wasm')], { env, encoding: 'utf8', input: '' });
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['WV_DIRS_A=from the host', 'WV_DIRS_C=c=d', 'WV_DIRS_D=']);
  });
});

describe('bad directories: one clear line, exit code 2', () => {
  const plain = join(work, 'plain-file');
  writeFileSync(plain, 'x');
  const cases: Array<[string, string[], RegExp]> = [
    ['missing', ['--dir', join(work, 'missing')], /^wvisor: --dir \S+missing: cannot use host directory \S+: no such directory\n$/],
    ['not a directory', ['--dir', `${plain}::/p`], /^wvisor: --dir \S+plain-file::\/p: cannot use host directory \S+: not a directory\n$/],
    ['empty guest name', ['--dir', `${work}::`], /^wvisor: --dir \S+::: give the guest's name for it after "::"/],
    ['--vfs of a path wVisor lacks', ['--vfs', '/nowhere'], /^wvisor: --vfs \/nowhere: wVisor's tree has no directory \/nowhere/],
    ['--vfs relative', ['--vfs', 'bin'], /^wvisor: --vfs bin: give an absolute path/],
    ['--env with no name', ['--env', '=x'], /^wvisor: --env =x: give NAME=VALUE, or NAME for the host's value\n$/],
  ];
  it.each(cases)('%s', (_name, flags, message) => {
    const r = wvisor(['run', ...flags, join(bin, 'true.wasm')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a directory the user cannot read', () => {
    const locked = join(work, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0);
    // root reads anything, so as root the CLI runs as nobody (util-linux setpriv), as an ordinary user directly.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const argv = [...asUser, process.execPath, cli, 'run', '--dir', `${locked}::/l`, join(bin, 'true.wasm')];
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', input: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`wvisor: --dir ${locked}::/l: cannot use host directory ${locked}: permission denied (it must be readable and searchable)\n`);
  });
});

describe('--dir with --snapshot / restore', () => {
  it('restore mounts the host directories again: the same output as an uninterrupted run', () => {
    const steps = ['fds', 'put', '/data/s.txt=one', 'sleep', 'sleep', 'cat', '/data/s.txt', 'ls', '/data', 'ls', '/w'];
    const whole = tree({});
    const w2 = tree({ 'k': '' });
    const uninterrupted = wvisor(['run', '--dir', `${whole}::/data`, '--dir', `${w2}::/w`, guest, ...steps]);
    expect(uninterrupted.stdout).toContain('cat /data/s.txt: one\nls /data: s.txt\nls /w: k\n');
    for (const at of [10, 20, 30]) {
      const d = tree({});
      const snap = join(work, `dirs-${at}.snap`);
      const first = wvisor(['run', '--dir', `${d}::/data`, '--dir', `${w2}::/w`, '--snapshot', snap, '--snapshot-at-syscall', String(at),
        guest, ...steps]);
      expect(first.stderr).toMatch(/saved \d+ bytes/);
      const rest = wvisor(['restore', snap]);
      expect(rest.stderr).toBe('');
      expect(first.stdout + rest.stdout).toBe(uninterrupted.stdout);
      expect(listing(d)).toEqual(listing(whole));
    }
  });

  it('a host directory gone since the snapshot: one clear line, exit code 2', () => {
    const d = tree({});
    const snap = join(work, 'gone.snap');
    wvisor(['run', '--dir', `${d}::/data`, '--snapshot', snap, '--snapshot-at-syscall', '10', guest, 'put', '/data/f=1', 'sleep', 'sleep']);
    expect(existsSync(snap)).toBe(true);
    renameSync(d, `${d}-moved`);
    const r = wvisor(['restore', snap]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`wvisor: ${snap}: --dir ${d}::/data: cannot use host directory ${d}: no such directory; put it back to restore\n`);
  });
});
