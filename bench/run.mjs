#!/usr/bin/env node
// `npm run bench`: measures wVisor against node:wasi, @wasmer/wasi and
// @bjorn3/browser_wasi_shim and prints ONE markdown table of medians and ratios,
// all measured in this run. Nothing here holds a result: every number printed is
// measured now. Needs dist/ (npm run build:node) and bench/wasm/*.wasm (committed;
// rebuilt with clang only when missing).
//
// Rows:
//   1. per-iteration cost of a 1-byte fd_write to /dev/null and of clock_time_get,
//      and of the empty loop, per runtime (total per iteration, loop included)
//   2. kernel round trip: path_filestat_get (wVisor; node:wasi for reference)
//   3. pipe throughput: `yes | head -c 64M | wc -c` as three wVisor tasks
//   4. CPU-bound guest with fuel checks (rewritten module) vs the raw module
//   5. spawn latency: cold, cached module, warm worker
//   6. save and restore of a task with 64 MiB of memory (bench/snapshot-bench.mjs); stored snapshots:
//      16 and 256 MiB, random and mostly zero, incremental, page hashing (bench/snapshot-store-bench.mjs)
//   7. the terminal in Chromium: seq 100000 into the playground's shell (bench/browser-bench.mjs)
//   8. start-up: `wvisor run` of true and of large generated modules vs node:wasi, cold and warm
//      module cache, as fresh processes (bench/startup-bench.mjs, modules from bench/big-module.mjs)
//   +  seccomp rows (bench/seccomp-bench.mjs), when that file exists
// bench/snapshot-bench.mjs and bench/seccomp-bench.mjs, when present, export
//   async function run(): Promise<Array<{ name, value, unit, runtime?, ratio?, target? }>>
// and their rows go into the table as they are.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WASI as NodeWASI } from 'node:wasi';
import { BenchBuildError, benchWasmDir, buildBenchGuests } from './build.mjs';
import { nodeWasiRunner, shimRunner, wasmerRunner } from './runtimes.mjs';
import { fmt, median, ratio, renderTable } from './table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const dist = join(root, 'dist');
const publicBin = join(root, 'public', 'bin');

// ---- what is run (iteration counts and repeats, not results) ----------------
const RUNS = 5;                       // repeats per measurement; the table shows the median
const N_EMPTY = 10_000_000;           // empty-loop iterations
const N_CALLS = 200_000;              // fd_write / clock_time_get calls per run
const N_STAT = 4_000;                 // path_filestat_get calls per run
const PIPE_BYTES = 64 * 1024 * 1024;  // yes | head -c 64M | wc -c
const PIPE_RUNS = 3;
const SPIN_N = 100_000_000;           // xorshift iterations of spin
const SPAWN_RUNS = 7;
const WARM_SETTLE_MS = 150;           // pause so the platform's spare worker is up before a warm spawn
const TASK_TIMEOUT_MS = 60_000;       // a wVisor run longer than this is killed and reported as failed

// Targets from issue 2.
const TARGET_CALL_RATIO = 1.5;
const TARGET_FUEL_RATIO = 1.15;
const TARGET_PIPE_MBS = 300;
const TARGET_WARM_SPAWN_MS = 10;

class BenchError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BenchError';
  }
}

async function main() {
  const started = performance.now();
  const loadAtStart = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  if (!existsSync(join(dist, 'platform', 'node', 'node-sandbox.js'))) {
    throw new BenchError('dist/ is not built: run `npm run build:node` first (or `npm run bench`, which does)');
  }
  const built = buildBenchGuests({ onlyMissing: true });
  if (built.length) console.error(`bench: built ${built.join(', ')} (were missing)`);

  const { createNodeSandbox } = await import(pathToFileURL(join(dist, 'platform', 'node', 'node-sandbox.js')).href);
  const { NodePlatform } = await import(pathToFileURL(join(dist, 'platform', 'node', 'node-platform.js')).href);
  const { Sandbox } = await import(pathToFileURL(join(dist, 'kernel', 'sandbox.js')).href);
  const { populate } = await import(pathToFileURL(join(dist, 'kernel', 'vfs', 'index.js')).href);
  const instrumentJs = join(dist, 'instrument', 'index.js');
  const instrument = existsSync(instrumentJs) ? await import(pathToFileURL(instrumentJs).href) : null;

  const notes = [];
  if (!instrument) {
    notes.push('src/instrument is not built yet: wVisor ran every module UNINSTRUMENTED (no fuel checks, no Asyncify); '
      + 'its numbers will change when instrumentation lands.');
  }

  /** Bundled programs as /bin (like createNodeSandbox), on a given platform. */
  const binFiles = readdirSync(publicBin).filter((f) => f.endsWith('.wasm'))
    .map((f) => [f.slice(0, -5), readFileSync(join(publicBin, f))]);
  const makeSandbox = (platform) => {
    const sb = platform ? new Sandbox(platform) : createNodeSandbox();
    if (platform) populate(sb.kernel.vfs, '/bin', binFiles);
    // Without src/instrument the loader cannot rewrite: run modules as they are (noted above).
    if (!instrument) sb.kernel.platform.instrument = undefined;
    return sb;
  };
  const closeSandbox = (sb) => {
    sb.shutdown();
    sb.kernel.platform.dispose?.();
  };

  const rows = [];
  // BENCH_ONLY=1b,2 runs only the sections whose names start with one of those (the table has just their rows).
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
  const section = async (name, fn) => {
    if (only.length && !only.some((o) => name.startsWith(o))) return;
    try {
      await fn();
    } catch (e) {
      rows.push({ section: name, what: 'failed', runtime: '', value: `${e?.message ?? e}`.split('\n')[0], unit: '' });
    }
  };

  const sb = makeSandbox();
  const callsBytes = readFileSync(join(benchWasmDir, 'calls.wasm'));
  const callsModule = new WebAssembly.Module(callsBytes);
  const nodeWasi = nodeWasiRunner();
  const runners = [nodeWasi, await wasmerRunner(), await shimRunner()];

  /** Runs a program in the sandbox; kills it after TASK_TIMEOUT_MS. */
  const wvRun = async (argv, bytes, seccomp) => {
    const out = [];
    const err = [];
    const p = await sb.spawn({ argv, bytes, env: [], seccomp, onStdout: (b) => { out.push(b); }, onStderr: (b) => { err.push(b); } });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => {
        sb.kill(p.pid, 9);
        reject(new BenchError(`${argv.join(' ')} took over ${TASK_TIMEOUT_MS / 1000} s in wVisor; killed`));
      }, TASK_TIMEOUT_MS);
    });
    try {
      const info = await Promise.race([p.exited, timeout]);
      const text = (chunks) => Buffer.concat(chunks.map((c) => Buffer.from(c))).toString('utf8');
      return { code: info.code ?? info.shellCode, stdout: text(out), stderr: text(err) };
    } finally {
      clearTimeout(timer);
    }
  };

  /** The "MODE N NS" line a bench guest prints; ns per iteration. */
  const perIter = (r, what) => {
    const m = r.stderr.match(/^(\w+) (\d+) (\d+)$/m);
    if (r.code !== 0 || !m) throw new BenchError(`${what}: exit ${r.code}, stderr: ${r.stderr.trim().slice(0, 200)}`);
    return Number(m[3]) / Number(m[2]);
  };

  // ---- 1. per-call cost --------------------------------------------------------
  await section('1 per call', async () => {
    const cases = [
      { key: 'empty', label: 'empty loop: one volatile store (per iteration)', n: N_EMPTY, wv: [], other: [] },
      { key: 'write', label: '1-byte fd_write to /dev/null', n: N_CALLS, wv: ['3', 'dev/null'], other: ['1'] },
      { key: 'clock', label: 'clock_time_get(MONOTONIC)', n: N_CALLS, wv: [], other: [] },
    ];
    const where = {
      wVisor: 'fd opened by the guest on /dev/null (DeviceFile)',
      'node:wasi': 'fd 1 = host fd opened on /dev/null',
      '@wasmer/wasi': 'fd 1 = its stdout buffer (dropped)',
      browser_wasi_shim: 'fd 1 = ConsoleStdout that discards',
    };
    const results = {};
    for (const c of cases) {
      const samples = { wVisor: [] };
      for (const r of runners) samples[r.name] = [];
      // Interleave runtimes run by run, so drift on the machine hits all alike; run -1 is a
      // discarded warm-up (V8 runs a new module's code in its baseline tier until it tiers up).
      for (let i = -1; i < RUNS; i++) {
        const argvW = ['calls', c.key, String(c.n), ...c.wv];
        const keep = (list, v) => { if (i >= 0) list.push(v); };
        keep(samples.wVisor, perIter(await wvRun(argvW, callsBytes), `wVisor ${argvW.join(' ')}`));
        for (const r of runners) {
          const argv = ['calls', c.key, String(c.n), ...c.other];
          keep(samples[r.name], perIter(r.run(callsModule, argv), `${r.name} ${argv.join(' ')}`));
        }
      }
      results[c.key] = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
    }
    for (const c of cases) {
      const base = results[c.key]['node:wasi'];
      for (const name of ['wVisor', 'node:wasi', '@wasmer/wasi', 'browser_wasi_shim']) {
        const v = results[c.key][name];
        const isWv = name === 'wVisor';
        rows.push({
          section: '1 per call',
          what: c.key === 'write' ? `${c.label} (${where[name]})` : c.label,
          runtime: name, value: v, unit: 'ns',
          ratio: c.key === 'empty' ? '' : `${ratio(v, base)} vs node:wasi`,
          target: isWv && c.key !== 'empty' ? check(v / base <= TARGET_CALL_RATIO, `≤ ${TARGET_CALL_RATIO}× node:wasi`) : '',
        });
      }
    }
  });

  // ---- 1b. seccomp on the syscall path ----------------------------------------------
  await section('1b seccomp', async () => {
    const { compileProfile, FilterStack } = await import(pathToFileURL(join(dist, 'kernel/seccomp/index.js')).href);
    const profile = JSON.parse(readFileSync(join(root, 'profiles', 'seccomp', 'docker-default.json'), 'utf8'));
    const program = compileProfile(profile).program;
    const argv = ['calls', 'write', String(N_CALLS), '3', 'dev/null'];
    const plain = [];
    const filtered = [];
    // Interleaved A/B pairs in one process, medians of 9 of each (the effect is of the noise's size).
    const PAIRS = 9;
    for (let i = -1; i < PAIRS; i++) { // run -1: discarded warm-up
      const a = perIter(await wvRun(argv, callsBytes), 'wVisor write');
      const stack = new FilterStack();
      stack.install(program);
      const b = perIter(await wvRun(argv, callsBytes, stack), 'wVisor write under the Docker profile');
      if (i >= 0) { plain.push(a); filtered.push(b); }
    }
    const a = median(plain);
    const b = median(filtered);
    rows.push({ section: '1b seccomp', what: '1-byte fd_write to /dev/null, no filter', runtime: 'wVisor', value: a, unit: 'ns' });
    rows.push({ section: '1b seccomp', what: '1-byte fd_write to /dev/null under the Docker profile (JIT, in the worker)',
      runtime: 'wVisor', value: b, unit: 'ns', ratio: `${ratio(b, a)} vs no filter`,
      target: check(b / a <= 1.10, '≤ 1.10× (10% added)') });
  });

  // ---- 2. kernel round trip ----------------------------------------------------
  await section('2 kernel round trip', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'wvisor-bench-stat-'));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'true'), '');
    try {
      const wv = [];
      const nw = [];
      for (let i = -1; i < RUNS; i++) { // run -1: discarded warm-up
        const w = perIter(await wvRun(['calls', 'stat', String(N_STAT), '3', 'bin/true'], callsBytes), 'wVisor stat');
        const n = perIter(nodeWasi.run(callsModule, ['calls', 'stat', String(N_STAT), '3', 'bin/true'], { preopenDir: dir }),
          'node:wasi stat');
        if (i >= 0) { wv.push(w); nw.push(n); }
      }
      const w = median(wv) / 1000;
      const n = median(nw) / 1000;
      rows.push({ section: '2 kernel round trip', what: 'path_filestat_get("bin/true") (worker → kernel → worker)',
        runtime: 'wVisor', value: w, unit: 'µs', ratio: `${ratio(w, n)} vs node:wasi` });
      rows.push({ section: '2 kernel round trip', what: 'path_filestat_get("bin/true") (host stat(2), reference)',
        runtime: 'node:wasi', value: n, unit: 'µs', ratio: '1.00×' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // ---- 3. pipe throughput ------------------------------------------------------
  await section('3 pipes', async () => {
    const bytes = readFileSync(join(benchWasmDir, 'pipeline.wasm'));
    /** Runs the pipeline for n bytes in wVisor; its wall time in ns, spawns to last reap. */
    const pipeline = async (n) => {
      const r = await wvRun(['pipeline', String(n)], bytes);
      const m = r.stderr.match(/^pipeline (\d+) (\d+)$/m);
      if (r.code !== 0 || !m) throw new BenchError(`pipeline ${n}: exit ${r.code}, stderr: ${r.stderr.trim().slice(0, 200)}`);
      if (r.stdout.trim() !== String(n)) {
        throw new BenchError(`pipeline ${n}: wc -c counted "${r.stdout.trim()}", expected ${n}`);
      }
      return Number(m[2]);
    };
    const whole = [];
    const dataPlane = [];
    for (let i = -1; i < PIPE_RUNS; i++) { // run -1: discarded warm-up
      // `head -c 0`: the same three spawns, waits and exits with no data: the fixed cost.
      const empty = await pipeline(0);
      const full = await pipeline(PIPE_BYTES);
      if (i < 0) continue;
      whole.push(PIPE_BYTES / 1e6 / (full / 1e9));
      if (full > empty) dataPlane.push(PIPE_BYTES / 1e6 / ((full - empty) / 1e9));
    }
    const native = [];
    for (let i = 0; i < PIPE_RUNS; i++) {
      const t0 = performance.now();
      const r = spawnSync('bash', ['-c', `yes | head -c ${PIPE_BYTES} | wc -c`], { encoding: 'utf8' });
      const ms = performance.now() - t0;
      if (r.status === 0 && r.stdout.trim() === String(PIPE_BYTES)) native.push(PIPE_BYTES / 1e6 / (ms / 1e3));
    }
    const nv = native.length ? median(native) : undefined;
    const v = median(whole);
    rows.push({ section: '3 pipes', what: 'yes | head -c 64M | wc -c: 3 tasks, 2 pipes, timed from first spawn to last reap',
      runtime: 'wVisor', value: v, unit: 'MB/s', ratio: nv ? `${ratio(v, nv)} vs Linux` : '',
      target: check(v >= TARGET_PIPE_MBS, `≥ ${TARGET_PIPE_MBS} MB/s`) });
    if (dataPlane.length) {
      const d = median(dataPlane);
      rows.push({ section: '3 pipes', what: 'the same, minus the time of the pipeline with `head -c 0` (spawns, exits)',
        runtime: 'wVisor', value: d, unit: 'MB/s', ratio: nv ? `${ratio(d, nv)} vs Linux` : '',
        target: check(d >= TARGET_PIPE_MBS, `≥ ${TARGET_PIPE_MBS} MB/s`) });
    }
    if (nv) {
      rows.push({ section: '3 pipes', what: 'the same in bash on this host (reference, whole command)', runtime: 'Linux',
        value: nv, unit: 'MB/s' });
    }
  });

  // ---- 4. fuel checks ----------------------------------------------------------
  await section('4 fuel checks', async () => {
    const rawBytes = readFileSync(join(publicBin, 'orig', 'spin.wasm'));
    const shipped = readFileSync(join(publicBin, 'spin.wasm'));
    const rawModule = new WebAssembly.Module(rawBytes);
    let instModule = new WebAssembly.Module(shipped);
    let source = 'public/bin/spin.wasm';
    if (WebAssembly.Module.customSections(instModule, 'wvisor.rewrite').length === 0) {
      if (!instrument) {
        rows.push({ section: '4 fuel checks', what: 'spin: fuel-checked vs raw module', runtime: 'wVisor',
          value: 'pending (src/instrument)', unit: '' });
        return;
      }
      instModule = new WebAssembly.Module((await instrument.rewriteModule(rawBytes)).bytes);
      source = 'rewriteModule(public/bin/orig/spin.wasm)';
    }
    // The fuel a task worker gives per quantum: the kernel's, as every task gets it.
    const quantum = sb.kernel.quantum;
    if (!Number.isInteger(quantum) || quantum <= 0) throw new BenchError(`kernel.quantum is ${quantum}, not a positive integer`);
    let preempts = 0;
    const time = (module) => {
      const wasi = new NodeWASI({ version: 'preview1', args: ['spin', String(SPIN_N)], env: {}, returnOnExit: true,
        stdout: nullFd() });
      const imports = wasi.getImportObject();
      let fuel;
      // What the task worker gives an instrumented module: preempt refills the fuel.
      const rt = {};
      for (const imp of WebAssembly.Module.imports(module)) {
        if (imp.module === 'wvisor_rt' && imp.kind === 'function') {
          rt[imp.name] = () => {
            preempts++;
            if (fuel) fuel.value = quantum;
          };
        }
      }
      if (Object.keys(rt).length) imports.wvisor_rt = rt;
      const instance = new WebAssembly.Instance(module, imports);
      if (instance.exports.wvisor_fuel instanceof WebAssembly.Global) {
        fuel = instance.exports.wvisor_fuel;
        fuel.value = quantum;
      }
      const t0 = performance.now();
      const code = wasi.start(instance);
      const ms = performance.now() - t0;
      if (code !== 0) throw new BenchError(`spin exited ${code}`);
      return ms;
    };
    const raw = [];
    const inst = [];
    // Run -1 is a discarded warm-up: V8 does not replace a running wasm loop with its optimised
    // code (no on-stack replacement), so a module's first run may stay in the baseline tier.
    for (let i = -1; i < RUNS; i++) {
      const r = time(rawModule);
      const f = time(instModule);
      if (i >= 0) { raw.push(r); inst.push(f); }
    }
    const r = median(raw);
    const f = median(inst);
    const perRun = preempts / (RUNS + 1);
    // The same program as a wVisor task (loaded by the kernel's pipeline), spawn to exit.
    const whole = [];
    for (let i = -1; i < RUNS; i++) {
      const t0 = performance.now();
      const res = await wvRun(['spin', String(SPIN_N)], undefined);
      const ms = performance.now() - t0;
      if (res.code !== 0) throw new BenchError(`spin in wVisor exited ${res.code}: ${res.stderr.trim().slice(0, 200)}`);
      if (i >= 0) whole.push(ms);
    }
    const w = median(whole);
    rows.push({ section: '4 fuel checks', what: `spin ${SPIN_N} (raw: public/bin/orig/spin.wasm)`, runtime: 'node:wasi',
      value: r, unit: 'ms' });
    rows.push({ section: '4 fuel checks', what: `spin ${SPIN_N} (fuel-checked: ${source}; quantum ${quantum}, ${fmt(perRun)} preempt calls a run)`,
      runtime: 'node:wasi + preempt',
      value: f, unit: 'ms', ratio: `${ratio(f, r)} vs raw`, target: check(f / r <= TARGET_FUEL_RATIO, `≤ ${TARGET_FUEL_RATIO}× raw`) });
    rows.push({ section: '4 fuel checks', what: `spin ${SPIN_N} as a wVisor task (/bin/spin; spawn to exit, spawn included)`,
      runtime: 'wVisor', value: w, unit: 'ms', ratio: `${ratio(w, r)} vs raw` });
  });

  // ---- 5. spawn latency --------------------------------------------------------
  await section('5 spawn', async () => {
    const spawnTrue = async (s) => {
      const t0 = performance.now();
      const p = await s.spawn({ argv: ['true'], env: [] });
      const info = await p.exited;
      const ms = performance.now() - t0;
      if (info.code !== 0) throw new BenchError(`true exited ${info.shellCode}`);
      return ms;
    };
    const pause = (ms) => new Promise((r) => setTimeout(r, ms));
    const hasPool = typeof NodePlatform.prototype.dispose === 'function';

    // cold: the first spawn in a fresh sandbox (hash + compile + worker).
    const cold = [];
    for (let i = 0; i < SPAWN_RUNS; i++) {
      const s = makeSandbox();
      try { cold.push(await spawnTrue(s)); } finally { closeSandbox(s); }
    }
    rows.push({ section: '5 spawn', what: 'spawn `true` and await exit: cold (first spawn in a fresh sandbox: hash, compile, worker start)',
      runtime: 'wVisor', value: median(cold), unit: 'ms' });

    // cached module: second and later spawns; a new worker each time (no spare kept).
    const s1 = makeSandbox(hasPool ? new NodePlatform({ warmWorkers: false }) : new NodePlatform());
    try {
      await spawnTrue(s1);
      const cached = [];
      for (let i = 0; i < SPAWN_RUNS; i++) cached.push(await spawnTrue(s1));
      rows.push({ section: '5 spawn', what: 'cached module (compiled module reused, new worker started)',
        runtime: 'wVisor', value: median(cached), unit: 'ms' });
    } finally {
      closeSandbox(s1);
    }

    // warm worker: cached module and a pre-started worker waiting.
    if (!hasPool) {
      rows.push({ section: '5 spawn', what: 'warm worker', runtime: 'wVisor', value: 'n/a (no worker pool)', unit: '',
        target: `< ${TARGET_WARM_SPAWN_MS} ms` });
      return;
    }
    const s2 = makeSandbox();
    try {
      await spawnTrue(s2);
      const warm = [];
      for (let i = 0; i < SPAWN_RUNS; i++) {
        await pause(WARM_SETTLE_MS);
        warm.push(await spawnTrue(s2));
      }
      const v = median(warm);
      rows.push({ section: '5 spawn', what: 'warm worker (cached module, pre-started worker)', runtime: 'wVisor',
        value: v, unit: 'ms', target: check(v < TARGET_WARM_SPAWN_MS, `< ${TARGET_WARM_SPAWN_MS} ms`) });
    } finally {
      closeSandbox(s2);
    }
  });

  await section('5b fork', async () => {
    for (const r of await (await import(pathToFileURL(join(here, 'fork-bench.mjs')).href)).run()) {
      rows.push({ section: '5b fork', what: r.name, runtime: 'wVisor', value: r.value, unit: r.unit, target: r.target ?? '' });
    }
  });

  await section('5c signals', async () => {
    for (const r of await (await import(pathToFileURL(join(here, 'signal-bench.mjs')).href)).run()) {
      rows.push({ section: '5c signals', what: r.name, runtime: 'wVisor', value: r.value, unit: r.unit });
    }
  });

  // ---- 6. snapshots, and seccomp -----------------------------------------------
  await section('6 save/restore', async () => {
    const file = join(here, 'snapshot-bench.mjs');
    if (!existsSync(file)) {
      rows.push({ section: '6 save/restore', what: 'save and restore a task with 64 MiB of memory', runtime: 'wVisor',
        value: 'pending (snapshot API)', unit: '' });
      return;
    }
    for (const r of await (await import(pathToFileURL(file).href)).run()) {
      rows.push({ section: '6 save/restore', what: r.name, runtime: r.runtime ?? 'wVisor', value: r.value, unit: r.unit,
        ratio: r.ratio ?? '', target: r.target ?? '' });
    }
  });
  await section('6 stored snapshots', () => storedSnapshotRows(rows));
  await section('seccomp', async () => {
    const file = join(here, 'seccomp-bench.mjs');
    if (!existsSync(file)) return;
    for (const r of await (await import(pathToFileURL(file).href)).run()) {
      rows.push({ section: 'seccomp', what: r.name, runtime: r.runtime ?? 'wVisor', value: r.value, unit: r.unit,
        ratio: r.ratio ?? '', target: r.target ?? '' });
    }
  });

  await section('8 start-up', async () => {
    for (const r of await (await import(pathToFileURL(join(here, 'startup-bench.mjs')).href)).run()) {
      rows.push({ section: '8 start-up', what: r.name, runtime: r.runtime, value: r.value, unit: r.unit,
        ratio: r.ratio ?? '', target: r.target ?? '' });
    }
  });

  await section('7 terminal', async () => {
    const file = join(here, 'browser-bench.mjs');
    for (const r of await (await import(pathToFileURL(file).href)).run()) {
      rows.push({ section: '7 terminal', what: r.name, runtime: r.runtime ?? 'Chromium', value: r.value, unit: r.unit,
        ratio: r.ratio ?? '', target: r.target ?? '' });
    }
  });

  closeSandbox(sb);
  for (const r of runners) r.close();

  const cpus = os.cpus();
  const lines = [];
  lines.push(`wVisor benchmark (npm run bench) — ${new Date().toISOString()}`);
  lines.push(`machine: ${cpus.length} × ${cpus[0]?.model?.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, `
    + `${os.type()} ${os.release()}; node ${process.version}; load average at start ${loadAtStart}, at end `
    + `${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  lines.push(`medians of ${RUNS} runs (pipes ${PIPE_RUNS}, spawns ${SPAWN_RUNS}); per-call rows are the total cost of one loop `
    + 'iteration timed inside the guest with its monotonic clock (the empty-loop row is that loop alone; '
    + '@wasmer/wasi\'s clock has 1 ms resolution, so its runs are kept long); MB = 10^6 bytes.');
  for (const n of notes) lines.push(`NOTE: ${n}`);
  lines.push('');
  lines.push(renderTable(rows));
  lines.push('');
  lines.push(`total bench time ${fmt((performance.now() - started) / 1000)} s`);
  console.log(lines.join('\n'));
}

/** Rows "6 stored snapshots": saveSession/restoreSession into the Node file store (bench/snapshot-store-bench.mjs). */
async function storedSnapshotRows(rows) {
  for (const r of await (await import('./snapshot-store-bench.mjs')).run()) {
    rows.push({ section: '6 stored snapshots', what: r.name, runtime: r.runtime, value: r.value, unit: r.unit, target: r.target ?? '' });
  }
}

let devNull;
/** A host fd on /dev/null for guests' stdout under node:wasi (opened once per bench run). */
function nullFd() {
  devNull ??= openSync('/dev/null', 'w');
  return devNull;
}

/** "✓ target" / "✗ target". */
function check(ok, target) {
  return `${ok ? '✓' : '✗'} ${target}`;
}

main().then(() => process.exit(0), (e) => {
  if (e instanceof BenchError || e instanceof BenchBuildError) {
    console.error(`bench: ${e.message}`);
    process.exit(1);
  }
  console.error(e);
  process.exit(1);
});
