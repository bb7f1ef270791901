// Row 7 of `npm run bench`: the terminal in Chromium. `seq 100000` typed into
// the playground's shell, from Enter until its last line is on xterm's screen,
// minus the same for `seq 1`; and the longest main-thread task meanwhile.
// Serves the built page (dist-web, built here if missing) with COOP/COEP on a
// free loopback port and drives Debian's chromium with Playwright.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, fmt } from './table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const distWeb = join(root, 'dist-web');
const RUNS = 3;
const LINES = 100_000;
const TARGET_LINES_PER_S = 200_000;
const TARGET_LONGEST_MS = 100;
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };

function serve() {
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(distWeb, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(distWeb + sep)) { res.writeHead(403, headers).end(); return; }
    readFile(file).then((body) => res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', ...headers }).end(body),
      () => res.writeHead(404, headers).end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function run() {
  if (!existsSync(join(distWeb, 'index.html'))) {
    const r = spawnSync('npx', ['vite', 'build'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`vite build failed: ${r.stderr}`);
  }
  const { chromium } = await import('@playwright/test');
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: process.env.WVISOR_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-quic', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.evaluate(() => window.wvisor.ready);
    await page.waitForFunction(() => window.wvisor.screen().split('\n').some((l) => l.startsWith('$')));
    await page.evaluate(() => {
      window.longest = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration); })
        .observe({ type: 'longtask', buffered: false });
    });
    await page.locator('#terminal .xterm').click();
    let mark = 0;
    const timed = async (n) => {
      const done = `seq-done-${++mark}`;
      await page.keyboard.type('clear');
      await page.keyboard.press('Enter');
      const t0 = Date.now();
      await page.keyboard.type(`seq ${n}; echo ${done}`);
      await page.keyboard.press('Enter');
      await page.waitForFunction((d) => window.wvisor.screen().split('\n').includes(d), done, { polling: 10, timeout: 60_000 });
      return Date.now() - t0;
    };
    const rates = [];
    const longest = [];
    await timed(1); // warm-up
    for (let i = 0; i < RUNS; i++) {
      const base = await timed(1);
      await page.evaluate(() => { window.longest = 0; });
      const ms = await timed(LINES);
      longest.push(await page.evaluate(() => window.longest));
      rates.push(LINES / (Math.max(1, ms - base) / 1000));
    }
    const rate = median(rates);
    const long = median(longest);
    return [
      { name: `seq ${LINES} into the terminal (Enter to last line on screen, minus seq 1)`, runtime: 'Chromium', value: fmt(rate),
        unit: 'lines/s', target: `${rate >= TARGET_LINES_PER_S ? '✓' : '✗'} ≥ ${TARGET_LINES_PER_S.toLocaleString('en')}` },
      // The Long Tasks API reports only tasks of 50 ms or more: none reported means every task was shorter.
      { name: 'longest main-thread task meanwhile (Long Tasks API: reports tasks ≥ 50 ms)', runtime: 'Chromium',
        value: long === 0 ? 'none ≥ 50' : fmt(long), unit: 'ms',
        target: `${long <= TARGET_LONGEST_MS ? '✓' : '✗'} ≤ ${TARGET_LONGEST_MS} ms` },
    ];
  } finally {
    await browser.close();
    server.close();
    server.closeAllConnections();
  }
}
