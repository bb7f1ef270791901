/**
 * Cross-origin isolation on an ordinary static host. The built page
 * (dist-web) is served by a plain static server started here: without
 * COOP/COEP the page's service worker (public/coi-sw.js) adds them and the
 * page reloads once, then runs programs; with service workers blocked the
 * banner says why and how to fix it; with the headers (the control) no
 * service worker is needed; and with the program manifest missing the page
 * says which file and what to do.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { crossOriginIsolated } from './test-utils.js';
import { serveStatic, type StaticServer } from './static-server.js';

const distWeb = resolve(import.meta.dirname, '..', 'dist-web');
let server: StaticServer | undefined;
const HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

test.beforeAll(() => {
  expect(existsSync(resolve(distWeb, 'index.html')), 'dist-web/index.html is missing: run `npm run build` first').toBe(true);
});

test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

type W = { wvisor: { ready: Promise<void>; run(a: string[]): Promise<{ stdout: string }> } };

test('served without COOP/COEP: the service worker adds them after one reload, and programs run', async ({ page }) => {
  server = await serveStatic(distWeb);
  const navigations: string[] = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });
  const failed: string[] = [];
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  page.on('console', (m) => { if (m.type() === 'error') failed.push(m.text()); });
  await page.goto(server.url);
  await page.waitForFunction(() => globalThis.crossOriginIsolated === true, undefined, { timeout: 20_000 });
  const r = await page.evaluate(async () => {
    const w = (globalThis as unknown as W).wvisor;
    await w.ready;
    return (await w.run(['echo', 'isolated by the service worker'])).stdout;
  });
  expect(r).toBe('isolated by the service worker\n');
  await expect(page.locator('#banner')).toBeHidden();
  // One reload: the first load and the one the page asked for.
  expect(navigations).toEqual([server.url, server.url]);
  // A task worker (nested in the kernel worker) ran the program: the service worker served the workers too.
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${server.url}coi-sw.js`);
  expect(failed, 'no failed request and no console error').toEqual([]);
  // A later visit is isolated at once (no reload).
  navigations.length = 0;
  await page.goto(server.url);
  expect(await crossOriginIsolated(page)).toBe(true);
  expect(navigations).toEqual([server.url]);
});

test.describe('with service workers blocked', () => {
  test.use({ serviceWorkers: 'block' });

  test('served without COOP/COEP: a banner explains why and the fix', async ({ page }) => {
    server = await serveStatic(distWeb);
    await page.goto(server.url);
    expect(await crossOriginIsolated(page)).toBe(false);
    const banner = page.locator('#banner');
    await expect(banner).toBeVisible({ timeout: 30_000 });
    await expect(banner).toContainText('service worker');
    await expect(banner).toContainText('Cross-Origin-Opener-Policy: same-origin');
    await expect(banner).toContainText('Cross-Origin-Embedder-Policy: require-corp');
    await expect(banner).toContainText('npm run dev');
    const ready = await page.evaluate(() =>
      (globalThis as unknown as W).wvisor.ready.then(() => 'resolved', (e: Error) => `${e.name}: ${e.message}`));
    expect(ready).toMatch(/^IsolationError: .*not cross-origin isolated/);
  });
});

test('served by the same server with COOP/COEP: no banner, no service worker, programs run', async ({ page }) => {
  server = await serveStatic(distWeb, HEADERS);
  await page.goto(server.url);
  const r = await page.evaluate(async () => {
    const w = (globalThis as unknown as W).wvisor;
    await w.ready;
    return (await w.run(['echo', 'isolated'])).stdout;
  });
  expect(r).toBe('isolated\n');
  await expect(page.locator('#banner')).toBeHidden();
  expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length))).toBe(0);
});

test('programs that cannot be fetched: the page says which file and what to do', async ({ page }) => {
  server = await serveStatic(distWeb, HEADERS, ['/bin/manifest.json']);
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
