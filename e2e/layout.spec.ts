/** The page on a narrow window (a phone): the terminal first, full width, the panels below it; no 404 on load. */
import { expect, test } from '@playwright/test';
import { TestUtils } from './test-utils.js';

test.use({ viewport: { width: 390, height: 844 } });

for (const path of ['/', '/?lesson=pipes']) {
  test(`narrow window ${path}: terminal first, panels below`, async ({ page }) => {
    const t = new TestUtils(page);
    const bad: string[] = [];
    page.on('response', (r) => { if (r.status() >= 400) bad.push(`${r.status()} ${r.url()}`); });
    await t.open(path);
    const term = (await page.locator('#terminal').boundingBox())!;
    const panel = (await page.locator('#panel').boundingBox())!;
    expect(term.width).toBeGreaterThan(360);
    expect(term.height).toBeGreaterThan(300);
    expect(panel.y).toBeGreaterThanOrEqual(term.y + term.height - 1);
    if (path.includes('lesson')) {
      const lesson = (await page.locator('#lesson').boundingBox())!;
      expect(lesson.y).toBeGreaterThanOrEqual(term.y + term.height - 1);
      expect(panel.y).toBeGreaterThanOrEqual(lesson.y + lesson.height - 1);
    }
    // The terminal still works at this size.
    await t.typeLine('echo narrow');
    await t.untilScreenLine('narrow');
    expect(bad).toEqual([]);
    expect(t.errors).toEqual([]);
  });
}

test('the first screen says what this is and what to try, with a link to the lessons', async ({ page }) => {
  const t = new TestUtils(page);
  await t.open('/');
  expect(await t.screen()).toContain('wVisor: a Unix-like kernel in your browser');
  await page.locator('#lessons-link').click();
  await expect(page.locator('.lesson-list li')).toHaveCount(3);
});
