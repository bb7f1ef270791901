/**
 * A page served without COOP/COEP has no SharedArrayBuffer: it must say so
 * and how to fix it. The built page (dist-web) is served by a plain static
 * server started here, once without the headers and once with them (the
 * control: the same files run when the headers are there), and once with the
 * program manifest missing.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { crossOriginIsolated } from './test-utils.js';
import { serveStatic, type StaticServer } from './static-server.js';

const distWeb = resolve(import.meta.dirname, '..', 'dist-web');
let server: StaticServer | undefined;

test.beforeAll(() => {
  expect(existsSync(resolve(distWeb, 'index.html')), 'dist-web/index.html is missing: run `npm run build` first').toBe(true);
});

test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

test('served without COOP/COEP: a banner explains the headers and the fix', async ({ page }) => {
  server = await serveStatic(distWeb);
  await page.goto(server.url);
  expect(await crossOriginIsolated(page)).toBe(false);
  const banner = page.locator('#banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Cross-Origin-Opener-Policy: same-origin');
  await expect(banner).toContainText('Cross-Origin-Embedder-Policy: require-corp');
  await expect(banner).toContainText('npm run dev');
  const ready = await page.evaluate(() =>
    (globalThis as unknown as { wvisor: { ready: Promise<void> } }).wvisor.ready.then(() => 'resolved', (e: Error) => `${e.name}: ${e.message}`));
  expect(ready).toMatch(/^IsolationError: .*not cross-origin isolated/);
});

test('served by the same server with COOP/COEP: no banner, programs run', async ({ page }) => {
  server = await serveStatic(distWeb, {
    'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
  });
  await page.goto(server.url);
  const r = await page.evaluate(async () => {
    const w = (globalThis as unknown as { wvisor: { ready: Promise<void>; run(a: string[]): Promise<{ stdout: string }> } }).wvisor;
    await w.ready;
    return (await w.run(['echo', 'isolated'])).stdout;
  });
  expect(r).toBe('isolated\n');
  await expect(page.locator('#banner')).toBeHidden();
});

test('programs that cannot be fetched: the page says which file and what to do', async ({ page }) => {
  server = await serveStatic(distWeb, {
    'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
  }, ['/bin/manifest.json']);
  await page.goto(server.url);
  const ready = await page.evaluate(() =>
    (globalThis as unknown as { wvisor: { ready: Promise<void> } }).wvisor.ready.then(() => 'resolved', (e: Error) => `${e.name}: ${e.message}`));
  expect(ready).toBe(`ProgramLoadError: cannot fetch ${server.url}bin/manifest.json: HTTP 404; build the programs (npm run build:guests) and serve public/`);
  await expect(page.locator('#status')).toHaveText('kernel stopped');
  await expect(page.locator('#terminal')).toContainText('bin/manifest.json: HTTP 404');
  // A request after the failure gets the same reason, not a hang.
  const run = await page.evaluate(() =>
    (globalThis as unknown as { wvisor: { run(a: string[]): Promise<unknown> } }).wvisor.run(['hello']).then(() => 'ran', (e: Error) => e.message));
  expect(run).toContain('bin/manifest.json: HTTP 404');
});
