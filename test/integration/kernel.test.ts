import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox, type HostProcess } from '../../src/kernel/sandbox.js';
import { captureKernel, resumeFromImages } from '../../src/kernel/snapshot/capture.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/kernel/snapshot/format.js';
import { restoreKernel } from '../../src/kernel/snapshot/restore.js';
import { TaskState } from '../../src/kernel/task.js';
import { createNodeSandbox } from '../../src/platform/node/node-sandbox.js';
import { NodePlatform } from '../../src/platform/node/node-platform.js';
import { nodeCodec } from '../../src/cli/snapshot.js';

const sandboxes: Sandbox[] = [];
function sandbox(): Sandbox {
  const sb = createNodeSandbox();
  sandboxes.push(sb);
  return sb;
}
afterEach(() => {
  for (const sb of sandboxes.splice(0)) sb.shutdown();
});

/** Polls until cond() holds (never a fixed sleep). */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function collect(sb: Sandbox, argv: string[]): Promise<{ p: HostProcess; out: () => string }> {
  let out = '';
  const dec = new TextDecoder();
  return sb.spawn({ argv, keepStdinOpen: true, onStdout: (b) => { out += dec.decode(b); } })
    .then((p) => ({ p, out: () => out }));
}

const state = (sb: Sandbox, pid: number) => sb.ps().find((p) => p.pid === pid)?.state;

describe('signals', () => {
  it('SIGKILL ends a task spinning with no syscalls at once', async () => {
    const sb = sandbox();
    const { p } = await collect(sb, ['spin']);
    await until(() => (sb.ps()[0]?.cpuMs ?? 0) > 20, 'spin to run');
    sb.kill(p.pid, 9);
    expect(await p.exited).toMatchObject({ signal: 9, shellCode: 137 });
  });

  it('SIGSTOP stops a syscall-free loop (through the fuel check) and SIGCONT resumes it', async () => {
    const sb = sandbox();
    const { p } = await collect(sb, ['spin']);
    await until(() => (sb.ps()[0]?.cpuMs ?? 0) > 5, 'spin to run');
    sb.kill(p.pid, 19);
    await until(() => state(sb, p.pid) === TaskState.Stopped, 'stopped state');
    // Once parked, the CPU time stops growing.
    await new Promise((r) => setTimeout(r, 50));
    const cpu = sb.ps()[0].cpuMs;
    await new Promise((r) => setTimeout(r, 200));
    expect(sb.ps()[0].cpuMs).toBe(cpu);
    sb.kill(p.pid, 18);
    await until(() => sb.ps()[0].cpuMs > cpu + 5, 'cpu time to grow after SIGCONT');
    sb.kill(p.pid, 15);
    expect(await p.exited).toMatchObject({ signal: 15 });
  });

  it('SIGSTOP stops a task blocked in a pipe read; it reads after SIGCONT', async () => {
    const sb = sandbox();
    const { p, out } = await collect(sb, ['readline']);
    sb.kill(p.pid, 19);
    await until(() => state(sb, p.pid) === TaskState.Stopped, 'stopped');
    await p.write('one\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(out()).toBe('');
    sb.kill(p.pid, 18);
    await until(() => out().includes('one'), 'the line after SIGCONT');
    p.closeStdin();
    expect((await p.exited).code).toBe(0);
  });

  it('SIGTSTP to an orphaned process group is discarded (POSIX), SIGSTOP is not', async () => {
    // A host-started process leads its own session, so its group has no parent in the session: orphaned.
    const sb = sandbox();
    const { p } = await collect(sb, ['readline']);
    sb.kill(p.pid, 20);
    await new Promise((r) => setTimeout(r, 100));
    expect(state(sb, p.pid)).not.toBe(TaskState.Stopped);
    sb.kill(p.pid, 19);
    await until(() => state(sb, p.pid) === TaskState.Stopped, 'stopped by SIGSTOP');
    sb.kill(p.pid, 9);
    expect((await p.exited).signal).toBe(9);
  });

  it('traps end the task with the signal a native program would die of', async () => {
    const sb = sandbox();
    for (const [prog, sig] of [['segv', 11], ['divzero', 8], ['abort', 6]] as const) {
      const r = await sb.run({ argv: [prog] });
      expect(r.signal).toBe(sig);
      expect(r.stderr).toMatch(/wasm trap/);
    }
  });
});

describe('snapshots', () => {
  /** Saves the whole kernel to bytes, ends it, and restores it in a new kernel. */
  async function roundTrip(sb: Sandbox): Promise<Sandbox> {
    const st = await captureKernel(sb.kernel);
    const bytes = await encodeSnapshot({ writer: 'test', takenAt: 0, state: st, modules: {}, host: {} }, nodeCodec);
    const modules = new Map<string, WebAssembly.Module>();
    for (const t of sb.kernel.tasks.values()) {
      if (t.program) {
        const loaded = await sb.kernel.modules.load(sb.kernel.readFile(t.program) as Uint8Array);
        modules.set(loaded.hash, loaded.module);
      }
    }
    sb.shutdown();
    const file = await decodeSnapshot(bytes, nodeCodec);
    const k = await restoreKernel(new NodePlatform(), file.state, async (hash) => {
      const m = modules.get(hash);
      if (!m) throw new Error(`missing module ${hash}`);
      return m;
    });
    const restored = new Sandbox(k);
    sandboxes.push(restored);
    return restored;
  }

  it('a task blocked in fd_read is saved, restored in a fresh worker, and continues as an uninterrupted run', async () => {
    const whole = await sandbox().run({ argv: ['readline'], stdin: 'one\ntwo\n' });

    const sb = sandbox();
    const first = await collect(sb, ['readline']);
    await first.p.write('one\n');
    await until(() => first.out().includes('one'), 'the first line');
    await until(() => state(sb, first.p.pid) === TaskState.Blocked, 'the task to block in its next read');
    const pid = first.p.pid;
    const restored = await roundTrip(sb);
    let rest = '';
    const p = restored.attach(pid, { onStdout: (b) => { rest += new TextDecoder().decode(b); } });
    await p.write('two\n');
    p.closeStdin();
    expect((await p.exited).code).toBe(0);
    expect(first.out() + rest).toBe(whole.stdout);
  });

  it('a task stopped inside a syscall stays stopped after restore and finishes after SIGCONT', async () => {
    const whole = await sandbox().run({ argv: ['counter', '4', '30'] });
    const sb = sandbox();
    const first = await collect(sb, ['counter', '4', '30']);
    await until(() => first.out().includes('2'), 'two lines');
    sb.kill(first.p.pid, 19);
    await until(() => state(sb, first.p.pid) === TaskState.Stopped, 'stopped');
    const pid = first.p.pid;
    const restored = await roundTrip(sb);
    expect(state(restored, pid)).toBe(TaskState.Stopped);
    let rest = '';
    const p = restored.attach(pid, { onStdout: (b) => { rest += new TextDecoder().decode(b); } });
    await new Promise((r) => setTimeout(r, 150));
    expect(rest).toBe('');
    restored.kill(pid, 18);
    expect((await p.exited).code).toBe(0);
    expect(first.out() + rest).toBe(whole.stdout);
  });

  it('resumes tasks in place after a snapshot (the page keeps running)', async () => {
    const sb = sandbox();
    const first = await collect(sb, ['counter', '3', '20']);
    await until(() => first.out().includes('1'), 'a line');
    await captureKernel(sb.kernel);
    await resumeFromImages(sb.kernel, async (hash) => {
      for (const t of sb.kernel.tasks.values()) {
        if (t.moduleHash === hash) return (await sb.kernel.modules.load(sb.kernel.readFile(t.program) as Uint8Array)).module;
      }
      throw new Error('module not found');
    });
    expect((await first.p.exited).code).toBe(0);
    expect(first.out()).toBe('1\n2\n3\n');
  });
});

describe('hostile guests', () => {
  it('random pointers, lengths and values to every import give errno results; other tasks run on', async () => {
    const sb = sandbox();
    const bystander = await collect(sb, ['counter', '3', '10']);
    const r = await sb.run({ argv: ['hostile', '20000'] });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('hostile done');
    expect(r.code).toBe(0);
    expect((await bystander.p.exited).code).toBe(0);
    expect(bystander.out()).toBe('1\n2\n3\n');
  });
});

void readFileSync; void join;
