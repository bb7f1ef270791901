// Large generated C programs for the start-up rows of bench/run.mjs and for
// test/integration/startup.test.ts: `functions` functions, each a loop with a
// switch and indirect calls through a table (like C++'s virtual calls: every
// function can reach printf through the table, so binaryen's Asyncify must
// instrument all of them), compiled by clang in chunks (both cores), linked with
// wasi-libc. The program computes for `rounds` rounds (argv[1]) and prints a
// checksum, so its output can be compared between runtimes.
//
//   bigModule({ functions, seed? }) -> path of the cached .wasm
//
// Outputs are cached under $TMPDIR/wvisor-big-modules/<key>.wasm (the key is
// a hash of this generator's source text and the parameters), so each size is
// compiled once per machine.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeWasiSysroot, toolEnv } from '../scripts/wasi-toolchain.mjs';
import { wasiToolchainProblem } from '../scripts/wasi-toolchain-check.mjs';

const CHUNK = 2000; // functions per C file

/** The C source of chunk `c` (functions [c*CHUNK, min(n, (c+1)*CHUNK))). */
function chunkSource(c, n) {
  const lines = ['#include <stdio.h>', 'typedef unsigned (*fn_t)(unsigned, unsigned);', 'extern fn_t table[];',
    'extern unsigned table_size;'];
  for (let i = c * CHUNK; i < Math.min(n, (c + 1) * CHUNK); i++) {
    const a = (i * 2654435761) >>> 0;
    lines.push(`unsigned f${i}(unsigned x, unsigned depth) {
  unsigned s = x ^ ${a}u;
  for (unsigned k = 0; k < ${4 + (i % 5)}u; k++) {
    s = s * 1103515245u + ${(a >>> 7) & 0xffff}u + k;
    switch ((s >> ${i % 13}) & 7) {
      case 0: s ^= s >> 7; break;
      case 1: s += ${i}u * k; break;
      case 2: s = (s << 3) | (s >> 29); break;
      case 3: s -= ${(a >>> 3) & 0xfff}u; break;
      case 4: s ^= 0x${((a ^ 0x5bd1e995) >>> 0).toString(16)}u; break;
      case 5: s *= 2246822519u; break;
      case 6: if (depth > 0) s += table[(s + ${i}u) % table_size](s, depth - 1); break;
      default: if (s == 0xfeedfaceu) printf("f${i} %u\\n", s); break;
    }
  }
  return s;
}`);
  }
  return lines.join('\n');
}

function mainSource(n) {
  const lines = ['#include <stdio.h>', '#include <stdlib.h>', 'typedef unsigned (*fn_t)(unsigned, unsigned);'];
  for (let i = 0; i < n; i++) lines.push(`unsigned f${i}(unsigned, unsigned);`);
  lines.push(`fn_t table[] = {${Array.from({ length: n }, (_, i) => `f${i}`).join(',')}};`);
  lines.push(`unsigned table_size = ${n};`);
  lines.push(`int main(int argc, char **argv) {
  unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], 0, 10) : 0;
  unsigned s = 1;
  for (unsigned r = 0; r < rounds; r++) s = table[s % table_size](s + r, 2);
  printf("%u\\n", s);
  return 0;
}`);
  return lines.join('\n');
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: toolEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.slice(-3).join(' ')}: exit ${code}\n${err.slice(0, 2000)}`))));
  });
}

/** Builds (once) and returns the path of a generated module with `functions` functions. */
export async function bigModule({ functions }) {
  const self = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  const key = createHash('sha256').update(self).update(String(functions)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'wvisor-big-modules');
  const out = join(dir, `big-${functions}-${key}.wasm`);
  if (existsSync(out)) return out;
  const problem = wasiToolchainProblem();
  if (problem) throw new Error(problem);
  const work = join(dir, `build-${key}-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const sysroot = makeWasiSysroot(join(tmpdir(), 'wvisor-bench-sysroot'));
  try {
    const sources = [];
    for (let c = 0; c * CHUNK < functions; c++) {
      const f = join(work, `chunk${c}.c`);
      writeFileSync(f, chunkSource(c, functions));
      sources.push(f);
    }
    writeFileSync(join(work, 'main.c'), mainSource(functions));
    sources.push(join(work, 'main.c'));
    const objects = [];
    const queue = [...sources];
    const worker = async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const o = f.replace(/\.c$/, '.o');
        await run('clang', ['--target=wasm32-wasi', `--sysroot=${sysroot}`, '-O1', '-c', f, '-o', o]);
        objects.push(o);
      }
    };
    await Promise.all([worker(), worker()]);
    objects.sort();
    await run('clang', ['--target=wasm32-wasi', `--sysroot=${sysroot}`, ...objects, '-o', join(work, 'out.wasm')]);
    renameSync(join(work, 'out.wasm'), out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = Number(process.argv[2] ?? 1000);
  console.log(await bigModule({ functions: n }));
}
