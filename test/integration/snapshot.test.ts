/**
 * Snapshots keep everything a task is, policy included: seccomp filters and
 * no_new_privs survive a restore (a restore never loosens the sandbox), so do
 * module paths (a restored session can be snapshotted again), and a spawn in
 * progress finishes before the snapshot instead of being re-issued. The
 * round trip checks every field that task.ts, kernel.ts and tty.ts mark
 * `@saved` (test/fixtures/snapshot/field-classes.ts reads the marks).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCodec } from '../../src/cli/snapshot.js';
import { FdTable } from '../../src/kernel/fd-table.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { ProcessGroup, Session } from '../../src/kernel/process-group.js';
import { Sandbox } from '../../src/kernel/sandbox.js';
import { FilterStack } from '../../src/kernel/seccomp/filter-stack.js';
import { compileProfile } from '../../src/kernel/seccomp/index.js';
import { captureKernel } from '../../src/kernel/snapshot/capture.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotFile } from '../../src/kernel/snapshot/format.js';
import { restoreKernel } from '../../src/kernel/snapshot/restore.js';
import { NR } from '../../src/kernel/syscall-table.js';
import { Task, TaskState } from '../../src/kernel/task.js';
import { Tty } from '../../src/kernel/tty.js';
import { Vfs } from '../../src/kernel/vfs/index.js';
import { NodePlatform } from '../../src/platform/node/node-platform.js';
import { createNodeSandbox } from '../../src/platform/node/node-sandbox.js';
import { savedFields } from '../fixtures/snapshot/field-classes.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
const bin = join(root, 'public/bin');

const sandboxes: Sandbox[] = [];
function track(sb: Sandbox): Sandbox { sandboxes.push(sb); return sb; }
afterEach(() => { for (const sb of sandboxes.splice(0)) sb.shutdown(); });

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A filter that allows everything but path_open (Linux's openat), which fails with EPERM. */
function denyOpen(): FilterStack {
  const prog = compileProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['openat'], action: 'SCMP_ACT_ERRNO' }] });
  const s = new FilterStack();
  s.install(prog.program);
  return s;
}

interface Saved { sb: Sandbox; file: SnapshotFile }

/**
 * Captures the kernel, encodes and decodes the file, and restores it in a new kernel, finding each module
 * where the task says it came from (Task.program), as `wvisor restore` does.
 */
async function roundTrip(sb: Sandbox): Promise<Saved> {
  const k = sb.kernel;
  const state = await captureKernel(k);
  const bytes = await encodeSnapshot({ writer: 'test', takenAt: 0, state, modules: {}, host: {} }, nodeCodec);
  sb.shutdown();
  const file = await decodeSnapshot(bytes, nodeCodec);
  const restored = await restoreKernel(new NodePlatform(), file.state, async (hash, nk) => {
    const t = file.state.tasks.find((s) => s.moduleHash === hash)!;
    const r = nk.readFile(t.program);
    if (typeof r === 'number') throw new Error(`task ${t.pid}'s program ${JSON.stringify(t.program)} is not in the filesystem`);
    const loaded = await nk.modules.load(r);
    expect(loaded.hash).toBe(hash);
    return loaded.module;
  });
  return { sb: track(new Sandbox(restored)), file };
}

describe('a restore keeps the sandbox', () => {
  it('wvisor restore of a run under --seccomp keeps denying: the snapshot is taken before the open', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'wvisor-snap-'));
    mkdirSync(join(tmp, 'd'));
    writeFileSync(join(tmp, 'd', 'f.txt'), 'hello there\n');
    const profile = join(tmp, 'deny-open.json');
    writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['openat'], action: 'SCMP_ACT_ERRNO' }] }));
    const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: tmp, encoding: 'utf8' });
    const prog = ['--dir', 'd::/d', '--seccomp', profile, join(bin, 'wc.wasm'), '-c', '/d/f.txt'];
    const whole = run(['run', ...prog]);
    expect(whole.stderr).toBe('wc: /d/f.txt: Operation not permitted\n');
    expect(whole.status).toBe(1);
    const snap = join(tmp, 's.snap');
    const first = run(['run', '--snapshot', snap, '--snapshot-at-syscall', '3', ...prog]);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('');
    const rest = run(['restore', snap]);
    expect({ out: rest.stdout, err: rest.stderr, code: rest.status }).toEqual({ out: whole.stdout, err: whole.stderr, code: 1 });
    // Without the filter the same run opens the file: the denial above is the filter's.
    expect(run(['run', '--dir', 'd::/d', join(bin, 'wc.wasm'), '-c', '/d/f.txt']).stdout).toBe('12 /d/f.txt\n');
  });

  it('a restored task keeps its filters, no_new_privs and program, and a snapshot of the restored session keeps them again', async () => {
    const sb = track(createNodeSandbox());
    let out = '';
    const p = await sb.spawn({ argv: ['readline'], seccomp: denyOpen(), keepStdinOpen: true,
      onStdout: (b) => { out += new TextDecoder().decode(b); } });
    await until(() => sb.kernel.tasks.get(p.pid)?.shownState() === TaskState.Blocked, 'readline to block in its read');
    const before = sb.kernel.tasks.get(p.pid)!;
    const filters = before.seccomp!.save();
    const program = before.program;
    expect(program).toMatch(/^\/bin\/readline/);

    const once = await roundTrip(sb);
    const second = await roundTrip(once.sb);
    for (const { file } of [once, second]) {
      const t = file.state.tasks.find((s) => s.pid === p.pid)!;
      expect(t.seccomp).toEqual(filters);
      expect(t.noNewPrivs).toBe(true);
      expect(t.program).toBe(program);
    }
    const after = second.sb.kernel.tasks.get(p.pid)!;
    expect(after.seccomp?.save()).toEqual(filters);
    expect(after.noNewPrivs).toBe(true);
    expect(after.program).toBe(program);
    let rest = '';
    const q = second.sb.attach(p.pid, { onStdout: (b) => { rest += new TextDecoder().decode(b); } });
    await q.write('line\n');
    q.closeStdin();
    expect((await q.exited).code).toBe(0);
    expect(out + rest).toContain('line');
  });

  it('a snapshot file whose filters do not verify is refused, never restored without them', async () => {
    const sb = track(createNodeSandbox());
    const p = await sb.spawn({ argv: ['readline'], seccomp: denyOpen(), keepStdinOpen: true });
    await until(() => sb.kernel.tasks.get(p.pid)?.shownState() === TaskState.Blocked, 'readline to block');
    const state = await captureKernel(sb.kernel);
    const t = state.tasks.find((s) => s.pid === p.pid)!;
    t.seccomp = { ...t.seccomp!, filters: [{ program: 'AAAA', log: false }] };
    await expect(restoreKernel(new NodePlatform(), state, async (_hash, nk) =>
      (await nk.modules.load(nk.readFile(t.program) as Uint8Array)).module))
      .rejects.toThrow(/seccomp filters cannot be loaded.*corrupt/);
  });
});

describe('format version', () => {
  it('a version 1 file (made before filters were saved) is refused, saying why and what to do', async () => {
    const sb = track(createNodeSandbox());
    const p = await sb.spawn({ argv: ['readline'], keepStdinOpen: true });
    await until(() => sb.kernel.tasks.get(p.pid)?.shownState() === TaskState.Blocked, 'readline to block');
    const bytes = await encodeSnapshot({ writer: 'test', takenAt: 0, state: await captureKernel(sb.kernel), modules: {}, host: {} },
      nodeCodec);
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(8, 1, true);
    await expect(decodeSnapshot(bytes, nodeCodec)).rejects.toThrow(
      /version 1 was written by an earlier wVisor that did not save seccomp filters.*take the snapshot again/);
  });
});

describe('a snapshot while a parent is inside spawn', () => {
  it('lets the spawn finish, images the child too, and the restored pair runs as an uninterrupted one', async () => {
    const whole = await track(createNodeSandbox()).run({ argv: ['sh', '-c', 'echo one; hello; echo two'] });
    expect(whole.stdout).toBe('one\nhello, world\ntwo\n');

    const sb = track(createNodeSandbox());
    const k = sb.kernel;
    // Hold module loading so the snapshot meets the shell inside its spawn of hello.
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const load = k.modules.load.bind(k.modules);
    let held = 0;
    k.modules.load = async (bytes: Uint8Array) => {
      const m = await load(bytes);
      if (k.tasks.size > 1) { held++; await gate; }
      return m;
    };
    let out = '';
    const p = await sb.spawn({ argv: ['sh', '-c', 'echo one; hello; echo two'], onStdout: (b) => { out += new TextDecoder().decode(b); } });
    const sh = k.tasks.get(p.pid)!;
    await until(() => held === 1 && sh.pending?.nr === NR.spawn, 'the shell to be inside spawn');
    const capture = captureKernel(k);
    await new Promise((r) => setTimeout(r, 50));
    release();
    const state = await capture;
    // The child whose spawn was held (echo, or hello where echo is a builtin) is in the snapshot: imaged at its
    // first call, or a zombie when it ran to its end while the snapshot waited for its parent.
    expect(state.tasks).toHaveLength(2);
    expect(state.tasks[0]!.argv[0]).toBe('sh');
    expect(state.tasks.every((t) => t.image !== undefined || t.state === TaskState.Zombie)).toBe(true);
    const bytes = await encodeSnapshot({ writer: 'test', takenAt: 0, state, modules: {}, host: {} }, nodeCodec);
    sb.shutdown();
    const file = await decodeSnapshot(bytes, nodeCodec);
    const restored = track(new Sandbox(await restoreKernel(new NodePlatform(), file.state, async (hash, nk) =>
      (await nk.modules.load(nk.readFile(file.state.tasks.find((t) => t.moduleHash === hash)!.program) as Uint8Array)).module)));
    let rest = '';
    const q = restored.attach(p.pid, { onStdout: (b) => { rest += new TextDecoder().decode(b); } });
    expect((await q.exited).code).toBe(0);
    expect(out + rest).toBe(whole.stdout);
  });
});

// ---- every @saved field survives a round trip -------------------------------------------------------

function digest(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** A comparable picture of a field's value: references become ids, bytes their hash. */
function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `bytes ${v.length} ${digest(v)}`;
  if (v instanceof Task) return `task ${v.pid}`;
  if (v instanceof ProcessGroup) return { pgid: v.pgid, sid: v.session.sid };
  if (v instanceof Session) return { sid: v.sid };
  if (v instanceof FilterStack) return v.save();
  if (v instanceof Vfs) return norm(v.save());
  if (v instanceof Tty) return norm(v.save());
  if (v instanceof FdTable) {
    return [...v.entries()].map(([fd, e]) => ({ fd, file: e.file.describe(), flags: e.file.flags, readable: e.file.readable,
      writable: e.file.writable, rightsBase: `${e.rightsBase}`, rightsInheriting: `${e.rightsInheriting}`, preopen: e.preopen ?? null,
      cloexec: e.cloexec ?? false, offset: 'offset' in e.file ? (e.file as { offset: number }).offset : null }));
  }
  if (v instanceof Map) return [...v.entries()].map(([key, val]) => [norm(key), norm(val)]);
  if (v instanceof Set) return [...v].map(norm);
  if (Array.isArray(v)) return v.map(norm);
  if (typeof v === 'object' && 'describe' in v && typeof (v as { describe: unknown }).describe === 'function') {
    return (v as { describe(): string }).describe();
  }
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([key, val]) => [key, norm(val)]));
  return v;
}

const field = (o: object, name: string): unknown => (o as Record<string, unknown>)[name];

describe('every @saved field survives a round trip', () => {
  it('Task, Kernel and Tty fields, on a session with a filtered shell, a stopped job, a zombie and a terminal', async () => {
    const sb = track(createNodeSandbox());
    const k = sb.kernel;
    // A shell on a pipe (blocked reading its next command) with two background jobs: one stopped, one killed and
    // not yet reaped (the shell reaps before it reads a line, and it is waiting for one).
    const sh = await sb.spawn({ argv: ['sh'], env: ['WHO=test'], seccomp: denyOpen(), keepStdinOpen: true });
    await sh.write('sleep 1000 &\nsleep 1001 &\n');
    const child = (arg: string) => [...k.tasks.values()].find((t) => t.argv[1] === arg);
    const shell = k.tasks.get(sh.pid)!;
    // A close-on-exec fd (FdEntry.cloexec: O_CLOEXEC, pipe2, dup3, F_SETFD).
    expect(shell.fds.setCloexec(2, true)).toBe(0);
    // Both sleeps started, and the shell back in its read of stdin (a wait in its worker, no kernel call of its
    // held), for 100 ms on end: a call posted and not yet taken looks the same for an instant.
    const settled = () => [child('1000'), child('1001')].every((t) => t?.shownState() === TaskState.Blocked)
      && shell.shownState() === TaskState.Blocked && !shell.inCall && shell.callId === calls;
    let calls = -1;
    await until(() => { const ok = settled(); calls = shell.callId; return ok; }, 'both sleeps, and the shell reading');
    await new Promise((r) => setTimeout(r, 100));
    await until(() => { const ok = settled(); calls = shell.callId; return ok; }, 'the shell to stay in its read');
    sb.kill(child('1000')!.pid, 19);
    sb.kill(child('1001')!.pid, 15);
    await until(() => child('1000')?.state === TaskState.Stopped && child('1001')?.state === TaskState.Zombie,
      'a stop and a zombie', 3000).catch((e) => { throw new Error(`${(e as Error).message}: ${JSON.stringify(sb.ps())}`); });
    // A program on a terminal with a half-typed line.
    const tty = sb.openTerminal({ cols: 100, rows: 30 });
    const onTty = await sb.spawn({ argv: ['readline'], terminal: tty });
    await until(() => k.tasks.get(onTty.pid)?.shownState() === TaskState.Blocked, 'readline on the terminal');
    tty.input('half a li');
    // Signal state: a disposition, a handler, a mask and a pending blocked signal (what sigaction and sigprocmask set).
    shell.sig.kind[10] = 1;
    shell.sig.kind[12] = 2;
    shell.sig.handler[12] = 7;
    shell.sig.flags[12] = 0x10000000;
    shell.sig.mask[12] = 1n << 1n;
    shell.sig.blocked = 1n << 14n;
    sb.kill(sh.pid, 15);

    const before = new Map([...k.tasks.values()].map((t) => [t.pid, t]));
    const ttyBefore = norm(tty);
    const kernelFields = savedFields('kernel.ts', 'Kernel');
    const kernelBefore = Object.fromEntries(kernelFields.map((f) => [f, f === 'tasks' ? [...k.tasks.keys()] : norm(field(k, f))]));
    const { sb: after, file } = await roundTrip(sb);
    const k2: Kernel = after.kernel;

    const taskFields = savedFields('task.ts', 'Task');
    expect(taskFields).toEqual(expect.arrayContaining(['seccomp', 'noNewPrivs', 'program', 'pgrp', 'fds']));
    const running = (s: unknown) => (s === TaskState.Blocked ? TaskState.Running : s);
    const fresh = new Task(0, [], [], 4, () => {});
    const differs = new Set<string>();
    for (const [pid, t] of before) {
      if (pid === 1) continue;
      const r = k2.tasks.get(pid);
      expect(r, `task ${pid} after restore`).toBeDefined();
      for (const f of taskFields) {
        // The image is handed to the new worker at restore; the file holds what came back.
        // Fields saved in another form (task.ts says which) are compared in that form.
        const was = f === 'image' ? norm(t.image) : f === 'state' ? running(t.state) : f === 'cpuBaseNs' ? t.cpuNs()
          : norm(field(t, f));
        const now = f === 'image' ? norm(file.state.tasks.find((s) => s.pid === pid)!.image ?? null)
          : f === 'state' ? running(r!.state) : f === 'cpuBaseNs' ? r!.cpuBaseNs : norm(field(r!, f));
        expect(now, `Task.${f} of pid ${pid}`).toEqual(was);
        if (JSON.stringify(was) !== JSON.stringify(f === 'state' ? fresh.state : norm(field(fresh, f)))) differs.add(f);
      }
    }
    // The fixture gives every saved field a value other than a new task's, so each comparison above means something.
    expect(taskFields.filter((f) => !differs.has(f)), 'saved fields this fixture leaves at their defaults').toEqual([]);

    for (const f of kernelFields) {
      const now = f === 'tasks' ? [...k2.tasks.keys()] : norm(field(k2, f));
      expect(now, `Kernel.${f}`).toEqual(kernelBefore[f]);
    }
    expect(norm(k2.ttys.get(tty.name))).toEqual(ttyBefore);
    expect((ttyBefore as { edit: string }).edit).not.toBe(norm(new Uint8Array(0)));
  });
});
