/**
 * A .wasm a person brings (here: clang's original output, without wVisor's
 * instrumentation) is rewritten in the kernel worker with binaryen, cached in
 * IndexedDB, and runs by name; the fuel checks the rewrite added are what let
 * SIGSTOP stop its syscall-free loop.
 */
import { expect, test } from '@playwright/test';
import { TestUtils } from './test-utils.js';

let t: TestUtils;

test.beforeEach(async ({ page }) => {
  t = new TestUtils(page);
  await t.open();
});

test.afterEach(() => {
  expect(t.errors, 'uncaught errors on the page').toEqual([]);
});

test('an uninstrumented module is rewritten on install, runs, and a loop without calls stops on SIGSTOP', async () => {
  test.setTimeout(120_000); // the first install loads binaryen (13 MB) into the kernel worker
  expect(await t.install('/bin/orig/spin.wasm', 'myspin')).toEqual({ instrumented: true });
  expect(await t.programs()).toContain('myspin');
  const pid = await t.spawn(['myspin'], { closeStdin: true });
  await t.untilState(pid, 'running');
  expect(await t.kill(pid, 19)).toBe(0);
  await t.untilState(pid, 'stopped');
  expect(await t.kill(pid, 9)).toBe(0);
  expect((await t.wait(pid)).signal).toBe(9);
  // The same bytes again: the rewrite comes from the cache (and an instrumented module is taken as it is).
  expect(await t.install('/bin/orig/hello.wasm', 'myhello')).toEqual({ instrumented: true });
  expect((await t.run(['myhello'])).stdout).toBe('hello, world\n');
  expect(await t.install('/bin/hello.wasm', 'hello2')).toEqual({ instrumented: false });
});

test('a file that cannot run is refused with the reason', async ({ page }) => {
  const refused = (name: string, text: string) => page.evaluate(([n, s]) =>
    (globalThis as unknown as { wvisor: { install(n: string, b: Uint8Array): Promise<unknown> } }).wvisor
      .install(n, new TextEncoder().encode(s)).then(() => 'installed', (e: Error) => `${e.name}: ${e.message}`), [name, text] as const);
  expect(await refused('notwasm', 'just text')).toMatch(/not a WebAssembly module/);
  expect(await refused('../evil', 'x')).toMatch(/WvisorArgumentError: .*name must be a file name/);
  expect(await t.programs()).not.toContain('notwasm');
});

test('a .wasm picked with the file dialog, or dropped on the terminal, runs by name in the shell', async ({ page }) => {
  test.setTimeout(120_000);
  const { readFileSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  await page.setInputFiles('#pick', {
    name: 'myhello.wasm', mimeType: 'application/wasm',
    buffer: readFileSync(resolve(import.meta.dirname, '..', 'public', 'bin', 'orig', 'hello.wasm')),
  });
  await expect.poll(async () => (await t.screen()).includes('added /bin/myhello'), { timeout: 60_000 }).toBe(true);
  await t.typeLine('myhello');
  await t.untilScreenLine('hello, world');

  const dropped = await page.evaluateHandle(async () => {
    const bytes = await (await fetch('/bin/orig/echo.wasm')).arrayBuffer();
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'myecho.wasm', { type: 'application/wasm' }));
    return dt;
  });
  await page.dispatchEvent('#terminal', 'drop', { dataTransfer: dropped });
  await expect.poll(async () => (await t.screen()).includes('added /bin/myecho')).toBe(true);
  await t.typeLine('myecho it was dropped');
  await t.untilScreenLine('it was dropped');

  await page.setInputFiles('#pick', { name: 'notes.wasm', mimeType: 'application/wasm', buffer: Buffer.from('not a module') });
  await expect.poll(async () => (await t.screen()).includes('cannot add notes.wasm: not a WebAssembly module')).toBe(true);
});
