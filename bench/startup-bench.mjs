// Start-up rows of bench/run.mjs: `wvisor run MODULE` against node:wasi running the same module
// (`node bench/nodewasi-run.mjs MODULE`), both as fresh processes, wall time from spawn to exit.
// Cold: an empty module cache ($WVISOR_CACHE a new directory each run); warm: the cache the
// previous run left. Modules: true (public/bin/orig), generated C programs (bench/big-module.mjs:
// ~2 MB — instead of a Rust binary: this machine's rustc has no wasm32-wasip1 std offline —,
// ~18 MB computing for about a second, ~27 MB).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bigModule } from './big-module.mjs';
import { median, ratio } from './table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const RUNS = Number(process.env.WVISOR_BENCH_STARTUP_RUNS ?? 5);
/** Cases to leave out, by a word of their name (e.g. WVISOR_BENCH_STARTUP_SKIP=27 while the 27 MB module is built). */
const SKIP = process.env.WVISOR_BENCH_STARTUP_SKIP;

function time(args, env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.slice(0, 3).join(' ')}: exit ${r.status}: ${r.stderr.slice(0, 300)}`);
  return { ms, out: r.stdout };
}

export async function run() {
  const cases = [
    { name: 'true', file: join(root, 'public', 'bin', 'orig', 'true.wasm'), args: [], cold: 1.5, warm: 1.5 },
    { name: 'generated C, ~2 MB (in place of a 2 MB Rust binary)', functions: 4700, args: ['1000'], cold: 2 },
    { name: 'generated C, ~18 MB, CPU-heavy', functions: 48000, args: ['2000000'], warm: 1.3 },
    { name: 'generated C, ~27 MB', functions: 72000, args: ['1000'], cold: 3 },
  ];
  const rows = [];
  for (const c of cases) {
    if (SKIP && c.name.includes(SKIP)) continue;
    c.file ??= await bigModule({ functions: c.functions });
    const mb = (statSync(c.file).size / 1e6).toFixed(1);
    const nw = [];
    const cold = [];
    const warm = [];
    const warmDir = mkdtempSync(join(tmpdir(), 'wvisor-bench-cache-'));
    try {
      time([cli, 'run', c.file, ...c.args], { WVISOR_CACHE: warmDir }); // fills the warm cache
      for (let i = 0; i < RUNS; i++) {
        const ref = time(['--no-warnings', join(here, 'nodewasi-run.mjs'), c.file, ...c.args], {});
        nw.push(ref.ms);
        const dir = mkdtempSync(join(tmpdir(), 'wvisor-bench-cold-'));
        try {
          const r = time([cli, 'run', c.file, ...c.args], { WVISOR_CACHE: dir });
          if (r.out !== ref.out) throw new Error(`${c.name}: wVisor printed ${JSON.stringify(r.out.slice(0, 80))}, node:wasi ${JSON.stringify(ref.out.slice(0, 80))}`);
          cold.push(r.ms);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        warm.push(time([cli, 'run', c.file, ...c.args], { WVISOR_CACHE: warmDir }).ms);
      }
    } finally {
      rmSync(warmDir, { recursive: true, force: true });
    }
    const n = median(nw);
    const what = `${c.name} (${mb} MB), process start to exit`;
    rows.push({ name: `${what}`, runtime: 'node:wasi', value: n, unit: 'ms' });
    for (const [kind, list, target] of [['cold (empty module cache)', cold, c.cold], ['warm (module cached)', warm, c.warm]]) {
      const v = median(list);
      rows.push({ name: `${what}: ${kind}`, runtime: 'wVisor', value: v, unit: 'ms', ratio: `${ratio(v, n)} vs node:wasi`,
        target: target ? `${v / n <= target ? '✓' : '✗'} ≤ ${target}× node:wasi` : '' });
    }
  }
  return rows;
}
