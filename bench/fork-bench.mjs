// fork and exec numbers (bench/run.mjs section "5b fork"): fork + the child's exit + wait for tasks
// holding 1, 16 and 128 MiB of touched memory, and fork + execve of a bundled program (/bin/true) +
// exit + wait, each timed inside the guest (bench/fork-guest.c, built here with `wvisor cc`).
// Run alone: npm run build:node && node bench/fork-bench.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli', 'main.js');
const TARGET_FORK_16_MS = 20;

export async function run() {
  const tmp = mkdtempSync(join(tmpdir(), 'wvisor-fork-bench-'));
  const wasm = join(tmp, 'fork-guest.wasm');
  try {
    const cc = spawnSync(process.execPath, [cli, 'cc', '-O2', join(here, 'fork-guest.c'), '-o', wasm], { encoding: 'utf8' });
    if (cc.status !== 0) {
      return [{ name: 'fork + exit + wait', value: `n/a (wvisor cc failed: ${cc.stderr.trim().split('\n')[0]})`, unit: '' }];
    }
    const { createNodeSandbox } = await import('../dist/platform/node/node-sandbox.js');
    const bytes = new Uint8Array(readFileSync(wasm));
    const rows = [];
    const once = async (mib, rounds, mode) => {
      const sb = createNodeSandbox({ maxMemoryPages: 8192 });
      try {
        const r = await sb.run({ argv: ['fork-guest', String(mib), String(rounds), mode], bytes });
        const m = /^median ([\d.]+) ms checksum \d+\n$/.exec(r.stdout);
        if (r.code !== 0 || !m) throw new Error(`fork-guest ${mib} ${mode}: exit ${r.code}, ${r.stdout}${r.stderr}`.slice(0, 300));
        return Number(m[1]);
      } finally {
        sb.shutdown();
      }
    };
    for (const [mib, rounds] of [[1, 21], [16, 15], [128, 5]]) {
      const v = await once(mib, rounds, 'fork');
      rows.push({ name: `fork + child exit + wait, ${mib} MiB task (median of ${rounds})`, value: v, unit: 'ms',
        ...(mib === 16 ? { target: `${v < TARGET_FORK_16_MS ? 'met' : 'missed'}: < ${TARGET_FORK_16_MS} ms` } : {}) });
    }
    const e = await once(1, 11, 'exec');
    rows.push({ name: 'fork + execve /bin/true + exit + wait, 1 MiB task (median of 11)', value: e, unit: 'ms' });
    return rows;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit} ${r.target ?? ''}`);
}
