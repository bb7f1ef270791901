/**
 * The lessons: every lesson played through wvisor.lessons.run (each step's
 * check must pass against the kernel's state), one step of each typed by hand
 * as a student would, the index with progress kept in IndexedDB, and the
 * picture's text equivalent.
 */
import { expect, test } from '@playwright/test';
import { TestUtils } from './test-utils.js';

type Outcome = { step: string; ok: boolean; detail: string };
type L = { wvisor: { ready: Promise<void>; lessons: { list(): Array<{ name: string; title: string; steps: string[] }>; run(n: string): Promise<Outcome[]> } } };

let t: TestUtils;
test.beforeEach(({ page }) => { t = new TestUtils(page); });
test.afterEach(() => { expect(t.errors, 'uncaught errors on the page').toEqual([]); });

test('lessons.list names the three lessons with their steps', async ({ page }) => {
  await t.open();
  const list = await page.evaluate(() => (globalThis as unknown as L).wvisor.lessons.list());
  expect(list.map((l) => l.name)).toEqual(['pipes', 'jobs', 'seccomp']);
  for (const l of list) expect(l.steps.length).toBeGreaterThan(3);
});

for (const name of ['pipes', 'jobs', 'seccomp']) {
  test(`lessons.run('${name}') passes every step`, async ({ page }) => {
    test.setTimeout(120_000);
    await t.open();
    const before = page.url();
    const results = await page.evaluate((n) => (globalThis as unknown as L).wvisor.lessons.run(n), name);
    const failed = results.filter((r) => !r.ok);
    expect(failed, JSON.stringify(results, null, 1)).toEqual([]);
    // The page was not navigated: the same document, the URL now the lesson's deep link.
    expect(new URL(page.url()).search).toBe(`?lesson=${name}`);
    expect(new URL(before).pathname).toBe(new URL(page.url()).pathname);
    await expect(page.locator('#lesson .step.done')).toHaveCount(results.length);
  });
}

test('lessons.run refuses an unknown lesson, naming the known ones', async ({ page }) => {
  await t.open();
  const msg = await page.evaluate(() => (globalThis as unknown as L).wvisor.lessons.run('nope').then(() => 'ran', (e: Error) => `${e.name}: ${e.message}`));
  expect(msg).toBe('WvisorArgumentError: lessons.run(name): name must be one of "pipes", "jobs", "seccomp", got "nope"');
});

/** Opens a lesson by its deep link and waits for the shell's prompt. */
async function openLesson(name: string): Promise<void> {
  await t.open(`/?lesson=${name}`);
  await expect(t.page.locator('#lesson')).toBeVisible();
}

test('pipes, typed: cat | wc shows one group and a pipe; the check and the picture say so', async ({ page }) => {
  await openLesson('pipes');
  await t.typeLine('cat | wc -l');
  const step = page.locator('#lesson .step[data-step="0"]');
  await expect(step).toHaveClass(/done/, { timeout: 15_000 });
  await expect(step.locator('.result')).toContainText(/cat \(pid \d+\) and wc \(pid \d+\) are group \d+/);
  // The picture's text equivalent names the pipe between them.
  await expect(page.locator('#lesson .picture-text')).toContainText(/Pipe \d+ from pid \d+ to pid \d+/);
  await expect(page.locator('#lesson .picture-box svg')).toBeVisible();
  // The next step is now the current one.
  await expect(page.locator('#lesson .step[data-step="1"]')).toHaveClass(/current/);
  await page.keyboard.press('Control+D');
});

test('jobs, typed: sleep then Ctrl+Z stops it', async ({ page }) => {
  await openLesson('jobs');
  await t.typeLine('sleep 100');
  await expect(page.locator('#lesson .step[data-step="0"]')).toHaveClass(/done/, { timeout: 15_000 });
  await page.keyboard.press('Control+Z');
  const step = page.locator('#lesson .step[data-step="1"]');
  await expect(step).toHaveClass(/done/, { timeout: 15_000 });
  await expect(page.locator('#lesson .picture-text')).toContainText(/sleep 100 \(stopped/);
});

test('seccomp, typed: a refused mkdir is checked; the picture lists what read-only refuses', async ({ page }) => {
  await openLesson('seccomp');
  // Steps can be done in any order the student likes: run this on step 4 ("A profile that refuses").
  await page.locator('#lesson .step[data-step="3"] button.run').click();
  await expect(page.locator('#lesson .step[data-step="3"]')).toHaveClass(/done/, { timeout: 15_000 });
  await expect(page.locator('#lesson .step[data-step="3"] .result')).toHaveText('✓ mkdir was refused with EPERM');
  // The terminal wraps long lines: compare its rows joined.
  await expect.poll(async () => (await t.screen()).replace(/\n/g, '')).toContain("mkdir: cannot create directory '/tmp/lesson': Operation");
  await t.typeLine('seccomp explain read-only rmdir');
  await expect(page.locator('#lesson .picture-text')).toContainText('Refused: path_create_directory: ERRNO(63)');
});

test('progress is kept in IndexedDB, shown on the index, and reset there', async ({ page }) => {
  await openLesson('jobs');
  await page.evaluate(() => indexedDB.deleteDatabase('wvisor-lessons'));
  await page.reload();
  await page.evaluate(() => (globalThis as unknown as L).wvisor.ready);
  await expect(page.locator('#lesson')).toBeVisible();
  await expect.poll(async () => (await t.screen()).split('\n').some((l) => l.startsWith('$')), { timeout: 15_000 }).toBe(true);
  await t.typeLine('sleep 100');
  await expect(page.locator('#lesson .step[data-step="0"]')).toHaveClass(/done/, { timeout: 15_000 });
  await page.goto('/?lessons');
  const item = page.locator('.lesson-list li[data-lesson="jobs"]');
  await expect(item.locator('.progress-text')).toHaveText(/ 1 of \d+ steps done/);
  // Keyboard: Tab reaches the reset button, Enter presses it.
  await item.locator('button.reset').focus();
  await page.keyboard.press('Enter');
  await expect(item.locator('.progress-text')).toHaveText(/ 0 of \d+ steps done/);
  await item.locator('a').click();
  await expect(page.locator('#lesson h2')).toHaveText('Job control');
});
