/**
 * Snapshots of the whole page session in IndexedDB (wvisor.snapshots): saved, the page reloaded (a new
 * kernel worker, nothing of the old session left but IndexedDB), restored, and the processes continue
 * where they were — a `cat` blocked reading the terminal takes the next typed line, `sleep 1000 &` is
 * still there with its pid and group, a file written before the save reads back, the screen is the saved one.
 */
import { expect, test } from '@playwright/test';
import { TestUtils } from './test-utils.js';

let t: TestUtils;

type Snap = {
  save(name: string): Promise<{ name: string; bytes: number; pages: number; newPages: number; ms: number; tasks: number }>;
  list(): Promise<Array<{ name: string; date: number; bytes: number; tasks: number }>>;
  restore(name: string): Promise<{ name: string; shellPid: number; pids: number[]; tasks: number }>;
  remove(name: string): Promise<{ name: string; freed: number }>;
};
type G = { wvisor: { snapshots: Snap } };

test.beforeEach(async ({ page }) => {
  t = new TestUtils(page);
  await t.open();
});

test.afterEach(() => {
  expect(t.errors, 'uncaught errors on the page').toEqual([]);
});

test('save, reload, restore: a blocked cat takes the next line, sleep & keeps its pid, files and the screen are back', async ({ page }) => {
  await t.run(['sh', '-c', 'echo kept-before-save > /tmp/note']);
  await t.typeLine('sleep 1000 &');
  await expect.poll(async () => (await t.ps()).some((p) => p.command.startsWith('sleep'))).toBe(true);
  await t.typeLine('echo marker-on-screen');
  await t.untilScreenLine('marker-on-screen');
  await t.typeLine('cat');
  const cat = await expect.poll(async () => (await t.ps()).find((p) => p.command === 'cat')?.state).toBe('blocked').then(
    async () => (await t.ps()).find((p) => p.command === 'cat')!);
  const before = await t.ps();
  const sleep = before.find((p) => p.command.startsWith('sleep'))!;

  const saved = await page.evaluate(() => (globalThis as unknown as G).wvisor.snapshots.save('one'));
  expect(saved.name).toBe('one');
  expect(saved.tasks).toBe(before.length);
  expect(saved.pages).toBeGreaterThan(0);
  expect(saved.newPages).toBe(saved.pages);
  expect(saved.bytes).toBeGreaterThan(0);
  // The session goes on after a save: a second one stores (almost) nothing new.
  const again = await page.evaluate(() => (globalThis as unknown as G).wvisor.snapshots.save('two'));
  expect(again.newPages).toBeLessThan(saved.pages);

  await page.reload();
  await t.open();
  const list = await page.evaluate(() => (globalThis as unknown as G).wvisor.snapshots.list());
  expect(list.map((e) => e.name).sort()).toEqual(['one', 'two']);
  expect(list.find((e) => e.name === 'one')!.tasks).toBe(before.length);
  // A fresh session: no cat, no sleep, no file.
  expect((await t.ps()).some((p) => p.command === 'cat')).toBe(false);
  expect((await t.run(['cat', '/tmp/note'])).code).not.toBe(0);

  const r = await page.evaluate(() => (globalThis as unknown as G).wvisor.snapshots.restore('one'));
  expect(r.tasks).toBe(before.length);
  const after = await t.ps();
  // Same pids, groups, sessions and states.
  const shape = (ps: typeof before) => ps.map((p) => [p.pid, p.ppid, p.pgid, p.sid, p.command]).sort();
  expect(shape(after)).toEqual(shape(before));
  expect(after.find((p) => p.pid === sleep.pid)?.state).toBe('blocked');
  expect(r.shellPid).toBe(before.find((p) => p.command === 'sh')!.pid);
  // The screen is the saved one.
  await t.untilScreenLine('marker-on-screen');
  // cat, blocked on the terminal before the save, takes the next typed line and copies it.
  await page.keyboard.type('typed after restore');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await t.screen()).split('\n').filter((l) => l === 'typed after restore').length).toBe(2);
  await page.keyboard.press('Control+D');
  await t.untilGone(cat.pid);
  // The shell (the restored one, not a new one) prompts again and runs commands; the file is there.
  await t.typeLine('cat /tmp/note');
  await t.untilScreenLine('kept-before-save');
  await t.typeLine('jobs');
  await expect.poll(async () => (await t.screen()).split('\n').some((l) => /Running.*sleep 1000/.test(l))).toBe(true);
  expect((await t.ps()).find((p) => p.command === 'sh')?.pid).toBe(r.shellPid);

  const rm = await page.evaluate(() => (globalThis as unknown as G).wvisor.snapshots.remove('two'));
  expect(rm.name).toBe('two');
  expect((await page.evaluate(() => (globalThis as unknown as G).wvisor.snapshots.list())).map((e) => e.name)).toEqual(['one']);
});

test('a process started with spawn() is attached again after a restore: write reaches it, wait collects it', async ({ page }) => {
  const pid = await t.spawn(['cat']);
  await t.untilState(pid, 'blocked');
  await page.evaluate(() => (globalThis as unknown as G).wvisor.snapshots.save('piped'));
  await page.reload();
  await t.open();
  const r = await page.evaluate(() => (globalThis as unknown as G).wvisor.snapshots.restore('piped'));
  expect(r.pids).toContain(pid);
  expect(await t.write(pid, 'after the restore\n')).toBe(true);
  await t.closeStdin(pid);
  const done = await t.wait(pid);
  expect(done.code).toBe(0);
  expect(done.stdout).toBe('after the restore\n');
});

test('the snapshots panel: save, reload, restore after a confirm, remove; the exported file continues under wvisor restore', async ({ page }, info) => {
  await t.typeLine('cat');
  await expect.poll(async () => (await t.ps()).find((p) => p.command === 'cat')?.state).toBe('blocked');
  const before = await t.ps();
  await page.fill('#snap-name', 'ui');
  await page.click('#snap-save button[type=submit]');
  const row = page.locator('#snap-list tr[data-name="ui"]');
  await expect(row).toBeVisible();
  await expect(row.locator('td').nth(3)).toHaveText(String(before.length));
  await expect(page.locator('#snap-usage')).toContainText('snapshots take');

  // Export: a download, which the CLI continues on its terminal (the restored cat copies a line, then sh exits).
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'export ui' }).click()]);
  const file = info.outputPath('ui.wvsnap');
  await download.saveAs(file);
  const { spawnSync } = await import('node:child_process');
  const cli = spawnSync('node', ['dist/cli/main.js', 'restore', file], { input: 'from the cli\n\x04exit\n', encoding: 'utf8', timeout: 30_000 });
  expect(cli.stderr).toBe('');
  expect(cli.status).toBe(0);
  // The terminal echoes the typed line and cat copies it.
  expect(cli.stdout.split(/\r?\n/).filter((l) => l === 'from the cli').length).toBe(2);

  await page.reload();
  await t.open();
  await expect(row).toBeVisible();
  const freshShell = (await t.ps()).find((p) => p.command === 'sh')!.pid;
  // Dismissed: nothing changes.
  page.once('dialog', (d) => void d.dismiss());
  await row.getByRole('button', { name: 'restore ui' }).click();
  await expect.poll(async () => (await t.ps()).map((p) => p.pid)).toEqual([freshShell]);
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'restore ui' }).click();
  await expect.poll(async () => (await t.ps()).map((p) => [p.pid, p.command]).sort()).toEqual(before.map((p) => [p.pid, p.command]).sort());
  await page.locator('#terminal .xterm').click();
  await page.keyboard.type('after the panel restore');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await t.screen()).split('\n').filter((l) => l === 'after the panel restore').length).toBe(2);

  await row.getByRole('button', { name: 'rm ui' }).click();
  await expect(row).toHaveCount(0);
});

test('a snapshot the CLI wrote imports into the page and continues there', async ({ page }, info) => {
  const { spawn } = await import('node:child_process');
  const file = info.outputPath('cli.wvsnap');
  // wvisor run saves every task before cat's 4th call (its first read of stdin) and exits; stdin stays open
  // (a closed one would be saved closed) and nothing is written to it.
  const child = spawn('node', ['dist/cli/main.js', 'run', '--snapshot', file, '--snapshot-at-syscall', '4', 'public/bin/cat.wasm']);
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const status = await new Promise<number | null>((r) => child.on('exit', r));
  child.stdin.destroy();
  expect(status, stderr).toBe(0);
  expect(stderr).toMatch(/^wvisor: saved \d+ bytes to /);
  const b64 = (await import('node:fs')).readFileSync(file).toString('base64');
  const r = await page.evaluate((s) => (globalThis as unknown as G & { wvisor: { snapshots: { import(b: string, n?: string): Promise<{ name: string; tasks: number }> } } })
    .wvisor.snapshots.import(s, 'from-cli'), b64);
  expect(r.name).toBe('from-cli');
  expect(r.tasks).toBeGreaterThan(0);
  const restored = await page.evaluate(() => (globalThis as unknown as G).wvisor.snapshots.restore('from-cli'));
  expect(restored.pids.length).toBe(1);
  const pid = restored.pids[0]!;
  expect(await t.write(pid, 'second\n')).toBe(true);
  await t.closeStdin(pid);
  const done = await t.wait(pid);
  expect(done.code).toBe(0);
  expect(done.stdout).toBe('second\n');
});

test('wvisor.snapshots rejects bad names, a missing snapshot and a file that is not one, saying what is wrong', async ({ page }) => {
  const errorOf = (call: string, arg: unknown) => page.evaluate(async ([c, a]) => {
    try {
      const api = (globalThis as unknown as { wvisor: { snapshots: Record<string, (x: unknown) => Promise<unknown>> } }).wvisor.snapshots;
      await api[c as string]!(a);
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
    return 'no error';
  }, [call, arg] as const);
  expect(await errorOf('save', 'a/b')).toMatch(/^WvisorArgumentError: snapshots\.save\(name\): name must be 1 to 128 characters without "\/"/);
  expect(await errorOf('restore', 42)).toMatch(/^WvisorArgumentError: snapshots\.restore\(name\): .*got number 42$/);
  expect(await errorOf('import', 123)).toMatch(/^WvisorArgumentError: snapshots\.import\(file\): file must be a Uint8Array or a base64 string/);
  expect(await errorOf('restore', 'nosuch')).toBe('SnapshotError: there is no snapshot named "nosuch"');
  expect(await errorOf('export', 'nosuch')).toBe('SnapshotError: there is no snapshot named "nosuch"');
  expect(await errorOf('import', btoa('not a snapshot at all'))).toMatch(/^SnapshotError: /);
  // Nothing was stored, and the session was not touched.
  expect(await page.evaluate(() => (globalThis as unknown as G).wvisor.snapshots.list())).toEqual([]);
  await t.typeLine('echo still here');
  await t.untilScreenLine('still here');
});
