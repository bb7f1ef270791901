/** ProcFs on its own: Linux's stat line rules, readdir cookies, and /proc after a VFS save and load. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Errno } from '../abi/errno.js';
import { ProcessGroup, Session } from '../process-group.js';
import { Task, TaskState } from '../task.js';
import { createStandardTree } from './standard-tree.js';
import { attachProcFs, ProcFs, type ProcSource } from './proc-fs.js';
import { Vfs } from './vfs.js';

const env = { clock: () => 1n, random: (b: Uint8Array) => b.fill(4) };

function tasks(): { src: ProcSource & { current: Task | null }; a: Task; b: Task } {
  const session = new Session(2);
  const g = new ProcessGroup(2, session);
  const a = new Task(2, ['sh'], [], 16, () => {});
  a.pgrp = g;
  a.program = '/bin/sh';
  const b = new Task(3, ['sleep', '30'], [], 16, () => {});
  b.pgrp = new ProcessGroup(3, session);
  b.parent = a;
  b.program = '/bin/sleep';
  const map = new Map([[2, a], [3, b]]);
  const src = {
    tasks: map,
    ttys: new Map([['pts/3', { name: 'pts/3', session, fgPgid: 3 }]]),
    current: null as Task | null,
    platform: { realtimeNs: () => 5n },
  };
  return { src, a, b };
}

/** Fields of a stat line split as Linux documents it (proc(5)): comm ends at the last ')'. */
function fields(line: string): string[] {
  const close = line.lastIndexOf(')');
  return [line.slice(0, line.indexOf(' (')), line.slice(line.indexOf('(') + 1, close), ...line.slice(close + 2).trimEnd().split(' ')];
}

describe('ProcFs', () => {
  it('stat: pid, (comm), state, ppid, pgrp, session, tty_nr, tpgid, and as many fields as Linux gives', () => {
    const { src, b } = tasks();
    const fs = new ProcFs(src);
    const f = fields(fs.statLine(b));
    expect(f.length).toBe(fields(readFileSync('/proc/self/stat', 'utf8')).length);
    // pts/3 is device 136:3 (Linux's tty_nr encoding); the foreground group is 3.
    expect(f.slice(0, 8)).toEqual(['3', 'sleep', 'R', '2', '3', '2', String((136 << 8) | 3), '3']);
    b.state = TaskState.Blocked;
    expect(fields(fs.statLine(b))[2]).toBe('S');
    b.state = TaskState.Stopped;
    expect(fields(fs.statLine(b))[2]).toBe('T');
    b.becomeZombie(9);
    expect(fields(fs.statLine(b))[2]).toBe('Z');
    // A zombie's cmdline is empty, as Linux's.
    const buf = new Uint8Array(64);
    expect(fs.read('3/cmdline', 0, buf)).toBe(0);
  });

  it('comm is the program file\'s name cut to 15 bytes, as Linux cuts it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'procfs-'));
    try {
      const long = join(dir, 'a-program-with-a-long-name');
      copyFileSync('/bin/cat', long);
      const linux = spawnSync(long, ['/proc/self/comm'], { encoding: 'utf8' }).stdout;
      const { src, b } = tasks();
      b.program = '/bin/a-program-with-a-long-name';
      const buf = new Uint8Array(64);
      const n = new ProcFs(src).read('3/comm', 0, buf);
      expect(new TextDecoder().decode(buf.subarray(0, n))).toBe(linux);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('readdir resumes from any cookie; /proc/self names the caller; a reaped task is gone', () => {
    const { src, a, b } = tasks();
    const fs = new ProcFs(src);
    const names = (c: bigint) => (fs.readdir('', c) as { name: string }[]).map((d) => d.name);
    expect(names(0n)).toEqual(['.', '..', '2', '3']);
    src.current = a;
    expect(names(0n)).toEqual(['.', '..', 'self', '2', '3']);
    const all = fs.readdir('', 0n) as { next: bigint; name: string }[];
    for (let i = 0; i < all.length; i++) expect(names(all[i]!.next)).toEqual(all.slice(i + 1).map((d) => d.name));
    expect(fs.readlink(fs.lookup('', 'self'))).toBe('2');
    b.state = TaskState.Dead;
    (src.tasks as Map<number, Task>).delete(3);
    expect(fs.lookup('', '3')).toBe(-Errno.NOENT);
    expect(fs.read('3/stat', 0, new Uint8Array(8))).toBe(-Errno.NOENT);
  });

  it('a loaded VFS has its /proc back once attachProcFs gives the mount a ProcFs', () => {
    const { src } = tasks();
    const vfs = createStandardTree(env);
    vfs.mount('/proc', new ProcFs(src));
    const loaded = Vfs.load(vfs.save(), env);
    expect(loaded.pendingMounts().map((m) => m.kind)).toEqual(['proc']);
    expect(loaded.resolve(loaded.root, '/proc/2/stat')).toBe(Errno.IO);
    attachProcFs(loaded, src);
    expect(loaded.pendingMounts()).toEqual([]);
    const h = loaded.open(loaded.root, '/proc/2/stat');
    expect(typeof h).toBe('object');
    const buf = new Uint8Array(512);
    const n = loaded.read(h as Exclude<typeof h, number>, 0, buf);
    expect(new TextDecoder().decode(buf.subarray(0, n))).toMatch(/^2 \(sh\) R 0 2 2 /);
  });
});
