// fork's limits: the task limit (EAGAIN) and the kernel's memory budget across all tasks (ENOMEM)
// bound a fork bomb; a module without Asyncify (the CLI's fast form of a module wVisor did not
// rewrite) gets ENOTSUP from fork with one line on stderr saying why.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeSandbox } from '../../src/platform/node/node-sandbox.js';

const root = join(__dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'wvisor-fork-'));
const wasm = join(tmp, 'fork_bomb.wasm');
const orig = join(tmp, 'fork_bomb.orig.wasm');

function run(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  const r = await run(['cc', '-O2', join(__dirname, 'limits', 'fork_bomb.c'), '-o', wasm, '--keep-original', orig]);
  expect(r.stderr).toBe('');
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fork limits', () => {
  it('stops a fork bomb at the task limit with EAGAIN, and the children go when it exits', async () => {
    const maxTasks = 12;
    const sb = createNodeSandbox({ maxTasks });
    try {
      const r = await sb.run({ argv: ['fork_bomb'], bytes: new Uint8Array(readFileSync(wasm)) });
      // init and the bomb itself count as tasks.
      expect(r.stdout).toBe(`forked ${maxTasks - 2}, then EAGAIN\n`);
      expect(r.status).toBe(0);
      const end = Date.now() + 10_000;
      while (sb.kernel.tasks.size > 1 && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
      expect([...sb.kernel.tasks.keys()]).toEqual([1]);
    } finally {
      sb.shutdown();
    }
  }, 60_000);

  it('stops it at the memory budget with ENOMEM', async () => {
    const budget = 64 << 20;
    const sb = createNodeSandbox({ memoryBudgetBytes: budget });
    try {
      const r = await sb.run({ argv: ['fork_bomb', '8'], bytes: new Uint8Array(readFileSync(wasm)) });
      const m = /^forked (\d+), then ENOMEM\n$/.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      // Each task holds more than the 8 MiB it touched: the parent and its children fit the budget.
      const n = Number(m![1]);
      expect(n).toBeGreaterThan(0);
      expect((n + 1) * (8 << 20)).toBeLessThanOrEqual(budget);
      expect(sb.kernel.memoryInUse()).toBeLessThanOrEqual(budget);
    } finally {
      sb.shutdown();
    }
  }, 60_000);

  it('a module without Asyncify gets ENOTSUP and one line naming why', async () => {
    const r = await run(['run', orig]);
    expect(r.stdout).toBe('forked 0, then Not supported\n');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/fork: not supported: .*Asyncify.*; build it with `wvisor cc`/);
    expect(r.code).toBe(0);
  }, 60_000);
});
