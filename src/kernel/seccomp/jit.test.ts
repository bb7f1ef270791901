import { describe, expect, test } from 'vitest';
import { randomBody, randomData, rng } from '../../../test/fixtures/seccomp/random-program.js';
import { stmt, BPF_RET, BPF_A, BPF_K } from './bpf.js';
import { exec } from './interpreter.js';
import { jit, jitSource } from './jit.js';
import { SeccompVerifyError, verify, type VerifiedProgram } from './verifier.js';

function randomVerified(r: () => number, length: number): VerifiedProgram | undefined {
  const body = randomBody(r, { length });
  const prog = [...body, r() % 2 ? stmt(BPF_RET | BPF_A, 0) : stmt(BPF_RET | BPF_K, r())];
  try {
    return verify(prog);
  } catch (e) {
    if (e instanceof SeccompVerifyError) return undefined;
    throw e;
  }
}

describe('JIT equals the interpreter', () => {
  test('on 3000 random programs × 20 inputs', () => {
    const r = rng(12345);
    let programs = 0, cases = 0;
    while (programs < 3000) {
      const prog = randomVerified(r, 1 + (r() % 80));
      if (!prog) continue;
      programs++;
      const fn = jit(prog);
      for (let i = 0; i < 20; i++) {
        const d = randomData(r);
        const want = exec(prog, d);
        const got = fn(d);
        if (got !== want) {
          throw new Error(`program ${JSON.stringify(prog.insns)} on ${Array.from(d)}: JIT ${got}, interpreter ${want}\n${jitSource(prog)}`);
        }
        cases++;
      }
    }
    expect(cases).toBe(60000);
  });

  test('a 4096-instruction program (deep block nesting) compiles and agrees', () => {
    const r = rng(99);
    let prog: VerifiedProgram | undefined;
    while (!prog) prog = randomVerified(r, 4095);
    expect(prog.length).toBe(4096);
    const fn = jit(prog);
    for (let i = 0; i < 200; i++) {
      const d = randomData(r);
      expect(fn(d)).toBe(exec(prog, d));
    }
  });
});
