// Signal numbers (bench/run.mjs section "5c signals"): kill -> handler latency, p50 and p99 over 200
// signals, for a child blocked in a pipe read and for one computing without calls (delivered at its
// fuel check), timed inside the guest (bench/signal-guest.c, built here with `wvisor cc`, run under
// `wvisor run`); and a 1-byte fd_write to /dev/null in a task with no handler (the gate's cost).
// Run alone: npm run build:node && node bench/signal-bench.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli', 'main.js');
const WRITER = `#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int fd = open("/dev/null", O_WRONLY);
  long n = atol(argv[1]);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) write(fd, "x", 1);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("ns %.1f\\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
  return 0;
}
`;

export async function run() {
  const tmp = mkdtempSync(join(tmpdir(), 'wvisor-signal-bench-'));
  const cc = (src, out) => spawnSync(process.execPath, [cli, 'cc', '-O2', src, '-o', out], { encoding: 'utf8' });
  const go = (args) => spawnSync(process.execPath, [cli, 'run', ...args], { encoding: 'utf8', timeout: 120_000 });
  try {
    const guest = join(tmp, 'signal-guest.wasm');
    const c = cc(join(here, 'signal-guest.c'), guest);
    if (c.status !== 0) return [{ name: 'kill -> handler', value: `n/a (wvisor cc failed: ${c.stderr.trim().split('\n')[0]})`, unit: '' }];
    const rows = [];
    for (const [mode, what] of [['blocked', 'a child blocked in a pipe read'], ['computing', 'a child computing without calls']]) {
      const r = go(['--dir', `${tmp}::/w`, guest, '/w/signal-guest.wasm', mode, '200']);
      const m = /^p50 ([\d.]+) p99 ([\d.]+)\n$/.exec(r.stdout);
      if (r.status !== 0 || !m) throw new Error(`signal-guest ${mode}: exit ${r.status}, ${r.stdout}${r.stderr}`.slice(0, 300));
      rows.push({ name: `kill -> handler, ${what}: p50 (of 200)`, value: Number(m[1]), unit: 'µs' });
      rows.push({ name: `kill -> handler, ${what}: p99 (of 200)`, value: Number(m[2]), unit: 'µs' });
    }
    writeFileSync(join(tmp, 'writer.c'), WRITER);
    const writer = join(tmp, 'writer.wasm');
    if (cc(join(tmp, 'writer.c'), writer).status === 0) {
      const runs = [];
      for (let i = 0; i < 5; i++) {
        const m = /^ns ([\d.]+)\n$/.exec(go(['--vfs', '/dev', writer, '1000000']).stdout);
        if (m) runs.push(Number(m[1]));
      }
      runs.sort((a, b) => a - b);
      if (runs.length) rows.push({ name: '1-byte fd_write to /dev/null, no handler installed (median of 5 runs of 1e6)', value: runs[runs.length >> 1], unit: 'ns' });
    }
    return rows;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
