import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dockerProfilePath } from '../../../test/fixtures/seccomp/profiles.js';
import { SECCOMP_RET_ALLOW } from './actions.js';
import { BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W } from './bpf.js';
import { isConstAllow } from './cache.js';
import { FilterStack } from './filter-stack.js';
import { exec } from './interpreter.js';
import { compileProfile } from './profile.js';
import { makeSeccompData, OFF_ARCH, OFF_NR, offArgLo } from './seccomp-data.js';
import { verify } from './verifier.js';
import { AUDIT_ARCH_WVISOR, NR, syscalls } from '../syscall-table.js';

const ins = (code: number, k: number, jt = 0, jf = 0) => ({ code, k, jt, jf });
const LD = BPF_LD | BPF_W | BPF_ABS, JEQ = BPF_JMP | BPF_JEQ | BPF_K, RET = BPF_RET | BPF_K;

/** Deterministic PRNG (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

describe('the seccomp action cache (Linux seccomp_is_const_allow)', () => {
  it('a call allowed on a path that reads only nr and arch is cached; one whose path reads an argument is not', () => {
    const prog = verify([
      ins(LD, OFF_ARCH), ins(JEQ, AUDIT_ARCH_WVISOR, 1, 0), ins(RET, 0),
      ins(LD, OFF_NR), ins(JEQ, NR.fd_write, 0, 1), ins(RET, SECCOMP_RET_ALLOW),
      ins(JEQ, NR.kill, 0, 3), ins(LD, offArgLo(1)), ins(JEQ, 9, 0, 1), ins(RET, 0x50001),
      ins(RET, SECCOMP_RET_ALLOW),
    ]);
    expect(isConstAllow(prog, NR.fd_write, AUDIT_ARCH_WVISOR)).toBe(true);
    expect(isConstAllow(prog, NR.kill, AUDIT_ARCH_WVISOR)).toBe(false); // depends on the signal
    expect(isConstAllow(prog, NR.fd_read, AUDIT_ARCH_WVISOR)).toBe(true); // falls to the final ALLOW
    expect(isConstAllow(prog, NR.fd_write, 0xc000003e)).toBe(false); // another arch is killed
  });

  it('never claims ALLOW where the filter would say otherwise: Docker\'s profile, every call, random arguments', () => {
    const stack = new FilterStack();
    stack.install(compileProfile(JSON.parse(readFileSync(dockerProfilePath, 'utf8'))).program);
    const r = rng(7);
    let cached = 0;
    for (const s of syscalls) {
      if (!stack.allows(s.nr)) continue;
      cached++;
      for (let i = 0; i < 50; i++) {
        const args = Array.from({ length: 6 }, () => BigInt(r()) | (BigInt(r() & 3) << 32n));
        expect(stack.run(makeSeccompData({ nr: s.nr, arch: AUDIT_ARCH_WVISOR, args }))).toBe(SECCOMP_RET_ALLOW);
      }
    }
    expect(stack.allows(NR.fd_write)).toBe(true);
    expect(cached).toBeGreaterThan(30);
  });

  it('stacked filters: a call is cached only when every filter allows it whatever its arguments', () => {
    const stack = new FilterStack();
    const allowAll = verify([ins(RET, SECCOMP_RET_ALLOW)]);
    stack.install(allowAll);
    expect(stack.allows(NR.path_open)).toBe(true);
    stack.install(compileProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['openat'], action: 'SCMP_ACT_ERRNO' }] }).program);
    expect(stack.allows(NR.path_open)).toBe(false);
    expect(stack.allows(NR.fd_write)).toBe(true);
    expect(stack.clone().allows(NR.path_open)).toBe(false);
    expect(FilterStack.load(stack.save()).allows(NR.fd_write)).toBe(true);
    expect(new FilterStack().allows(NR.fd_write)).toBe(false); // nothing installed: run() is not skipped
  });

  it('random programs: wherever the cache says ALLOW, running the program on random data agrees', () => {
    const r = rng(11);
    let checked = 0;
    for (let p = 0; p < 400; p++) {
      // A chain of tests on nr/arch/args, each ending in a random return.
      const n = 3 + (r() % 6);
      const body = [];
      for (let i = 0; i < n; i++) {
        const off = [OFF_NR, OFF_ARCH, offArgLo(r() % 6)][r() % 3]!;
        body.push(ins(LD, off), ins(JEQ, r() % 3 === 0 ? AUDIT_ARCH_WVISOR : r() % 8, 0, 1),
          ins(RET, r() % 2 ? SECCOMP_RET_ALLOW : 0x50000 | (r() % 100)));
      }
      body.push(ins(RET, r() % 2 ? SECCOMP_RET_ALLOW : 0));
      const prog = verify(body);
      for (let nr = 0; nr < 8; nr++) {
        if (!isConstAllow(prog, nr, AUDIT_ARCH_WVISOR)) continue;
        checked++;
        for (let i = 0; i < 20; i++) {
          const args = Array.from({ length: 6 }, () => BigInt(r() % 8));
          expect(exec(prog, makeSeccompData({ nr, arch: AUDIT_ARCH_WVISOR, args }))).toBe(SECCOMP_RET_ALLOW);
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});
