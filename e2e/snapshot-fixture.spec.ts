/**
 * The snapshot fixtures (e2e/fixtures/snapshot.ts): a state prepared once in a page of its own, then each
 * test booted into it, from bytes (bootFrom) and from a file path (the `snapshot` option).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, prepareSnapshot, test } from './fixtures/snapshot.js';

let prepared: Uint8Array;
let sleepPid = 0;
const path = join(tmpdir(), `wvisor-e2e-fixture-${process.pid}.wvsnap`);

test.beforeAll(async ({ browser }, info) => {
  prepared = await prepareSnapshot(browser, info.project.use.baseURL, async (t) => {
    await t.run(['sh', '-c', 'echo prepared once > /home/state']);
    await t.typeLine('sleep 1000 &');
    await expect.poll(async () => (await t.ps()).find((p) => p.command.startsWith('sleep'))?.pid ?? 0).toBeGreaterThan(0);
    sleepPid = (await t.ps()).find((p) => p.command.startsWith('sleep'))!.pid;
  });
  writeFileSync(path, prepared);
});

test.afterAll(() => rmSync(path, { force: true }));

for (const n of [1, 2]) {
  test(`test ${n} boots into the prepared state from bytes`, async ({ bootFrom, wv }) => {
    // A fresh context: the page starts empty.
    expect((await wv.run(['cat', '/home/state'])).code).not.toBe(0);
    const r = await bootFrom(prepared);
    expect(r.shellPid).toBeGreaterThan(0);
    expect((await wv.run(['cat', '/home/state'])).stdout).toBe('prepared once\n');
    expect((await wv.ps()).find((p) => p.pid === sleepPid)?.command).toMatch(/^sleep/);
    // Each test changes its own copy only.
    await wv.run(['sh', '-c', `echo changed by ${n} > /home/state`]);
    expect((await wv.run(['cat', '/home/state'])).stdout).toBe(`changed by ${n}\n`);
  });
}

test.describe('from a file path', () => {
  test.use({ snapshot: path });
  test('the restored fixture boots the test into the file', async ({ restored, wv }) => {
    expect(restored.tasks).toBeGreaterThan(1);
    expect((await wv.run(['cat', '/home/state'])).stdout).toBe('prepared once\n');
    await wv.typeLine('jobs');
    await expect.poll(async () => (await wv.screen()).split('\n').some((l) => /sleep 1000/.test(l))).toBe(true);
  });
});
