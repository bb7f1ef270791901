// Evaluation cost of the Docker default profile on wVisor calls: interpreter
// and JIT, one filter and a FilterStack.run() (the per-call path a worker
// takes), over a mix of calls weighted toward the common ones.
// Run: npx tsc -p tsconfig.node.json && node bench/seccomp-bench.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DOCKER = fileURLToPath(new URL('../profiles/seccomp/docker-default.json', import.meta.url));

function timeNs(fn, iters) {
  for (let i = 0; i < iters / 10; i++) fn(i); // warm up
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) fn(i);
    const ns = Number(process.hrtime.bigint() - t0) / iters;
    if (ns < best) best = ns;
  }
  return best;
}

export async function run() {
  const s = await import('../dist/kernel/seccomp/index.js');
  const path = process.env.WVISOR_DOCKER_PROFILE ?? DOCKER;
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const { program } = s.compileProfile(profile);
  const fn = s.jit(program);
  // The mix: mostly fd_write/fd_read/clock/poll, some path and process calls, some denied.
  const names = ['fd_write', 'fd_write', 'fd_write', 'fd_read', 'fd_read', 'clock_time_get', 'poll_oneoff', 'path_open',
    'fd_close', 'fd_filestat_get', 'fd_seek', 'random_get', 'proc_exit', 'spawn', 'wait', 'kill', 'sigprocmask',
    'fd_renumber', 'args_get', 'tcgetattr'];
  const datas = names.map((n) => s.makeSeccompData({ nr: s.syscallByName(n).nr, arch: s.AUDIT_ARCH_WVISOR, args: [1, 0x1000, 1, 0x2000] }));
  const mask = 15; // 16 of the 20, power of two for a cheap index
  let sink = 0;
  const iters = 2_000_000;
  const interp = timeNs((i) => { sink ^= s.exec(program, datas[i & mask]); }, iters);
  const jitted = timeNs((i) => { sink ^= fn(datas[i & mask]); }, iters);
  const stack = new s.FilterStack();
  stack.install(program);
  const stackJit = timeNs((i) => { sink ^= stack.run(datas[i & mask]); }, iters);
  const stackI = new s.FilterStack({ jit: false });
  stackI.install(program);
  const stackInterp = timeNs((i) => { sink ^= stackI.run(datas[i & mask]); }, iters);
  if (sink === 0.5) console.log(sink);
  return [
    { name: 'seccomp docker profile: interpreter per call', value: +interp.toFixed(1), unit: 'ns' },
    { name: 'seccomp docker profile: JIT per call', value: +jitted.toFixed(1), unit: 'ns' },
    { name: 'seccomp FilterStack.run (JIT), 1 filter', value: +stackJit.toFixed(1), unit: 'ns' },
    { name: 'seccomp FilterStack.run (interpreter), 1 filter', value: +stackInterp.toFixed(1), unit: 'ns' },
    { name: 'seccomp docker profile: instructions', value: program.length, unit: 'insns' },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
