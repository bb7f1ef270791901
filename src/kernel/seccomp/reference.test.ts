/**
 * Checks against independent references: the running Linux kernel (seccomp(2)
 * itself, through scripts/libseccomp-export.py) and libseccomp's own compiler.
 * Needs /usr/bin/python3 with python3-seccomp; fails loudly without it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { oracle, type OracleEnv } from '../../../test/fixtures/seccomp/oracle.js';
import { runPython } from '../../../test/fixtures/seccomp/python.js';
import { randomBody, rng } from '../../../test/fixtures/seccomp/random-program.js';
import { verifierCases } from '../../../test/fixtures/seccomp/verifier-cases.js';
import { BPF_ALU, BPF_AND, BPF_JEQ, BPF_JMP, BPF_K, BPF_OR, BPF_RET, BPF_A, BPF_RSH, BPF_LD, BPF_W, BPF_ABS, decodeProgram, encodeProgram, jump, stmt } from './bpf.js';
import { exec } from './interpreter.js';
import { makeSeccompData } from './seccomp-data.js';
import { verify } from './verifier.js';
import { dockerProfilePath, podmanProfilePath } from '../../../test/fixtures/seccomp/profiles.js';

const AUDIT_ARCH_X86_64 = 0xc000003e;
const NR_GETPPID = 110;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('verifier agrees with the running kernel', () => {
  test('every table case: accepted or EINVAL as seccomp(2) says', () => {
    // The kernel rejects an empty program before reading it; encode it as 0 bytes.
    const progs = verifierCases.map((c) => hex(encodeProgram(c.prog)));
    const got = JSON.parse(runPython(['kernel-verify'], JSON.stringify(progs))) as number[];
    verifierCases.forEach((c, i) => {
      expect({ what: c.what, result: got[i] }).toEqual({ what: c.what, result: c.reject === undefined ? 0 : 22 });
    });
  });
});

describe('interpreter agrees with the kernel executing the same BPF', () => {
  test('random programs over x86_64 seccomp_data (getppid with random args)', () => {
    const r = rng(2024);
    // Loads avoid instruction_pointer (offsets 8, 12): the test cannot know it.
    const loadOffsets = [0, 4, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60];
    interface Case { prog: string; args: string[]; want: { errno: number } | { ret: 0 } | { signal: number } }
    const cases: Case[] = [];
    let programs = 0;
    while (programs < 60) {
      const len = 2 + (r() % 40);
      const body = randomBody(r, { length: len, loadOffsets, innerReturns: false });
      const args = Array.from({ length: 6 }, () => (BigInt(r()) << 32n) | BigInt(r()));
      for (const shift of [0, 12, 24]) {
        // Guard: only getppid is filtered; the body's result, 12 bits at a time, becomes ERRNO data.
        const prog = [
          stmt(BPF_LD | BPF_W | BPF_ABS, 0), jump(BPF_JMP | BPF_JEQ | BPF_K, NR_GETPPID, 1, 0), stmt(BPF_RET | BPF_K, 0x7fff0000),
          ...body.map((i) => ({ ...i })),
          stmt(BPF_ALU | BPF_RSH | BPF_K, shift), stmt(BPF_ALU | BPF_AND | BPF_K, 0xfff), stmt(BPF_ALU | BPF_OR | BPF_K, 0x50000),
          stmt(BPF_RET | BPF_A, 0),
        ];
        let v;
        try { v = verify(prog); } catch { break; }
        const ret = exec(v, makeSeccompData({ nr: NR_GETPPID, arch: AUDIT_ARCH_X86_64, args }));
        const want = ret === 0 ? { signal: 31 } : (ret & 0xfff) === 0 ? { ret: 0 as const } : { errno: ret & 0xfff };
        cases.push({ prog: hex(encodeProgram(prog)), args: args.map(String), want });
        if (shift === 24) programs++;
      }
    }
    const got = JSON.parse(runPython(['kernel-run'], JSON.stringify(cases.map(({ prog, args }) => ({ prog, args }))))) as unknown[];
    cases.forEach((c, i) => expect({ i, result: got[i] }).toEqual({ i, result: c.want }));
  });
});

// Linux-named, x86_64 reading of a profile for the oracle.
function x86Env(nrs: Record<string, number>): OracleEnv {
  return {
    arch: 'amd64',
    kernel: [6, 1],
    resolve: (name) => (name in nrs ? [{ call: name, args: { 0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 } }] : []),
    errno: (n) => n,
  };
}

function libseccompCheck(profilePath: string, profile: unknown, extraArgs: bigint[][]): number {
  const dir = mkdtempSync(join(tmpdir(), 'wvisor-seccomp-'));
  const out = join(dir, 'filter.bpf');
  const info = JSON.parse(runPython(['export', profilePath, out])) as { nrs: Record<string, number> };
  const prog = verify(decodeProgram(readFileSync(out)));
  const env = x86Env(info.nrs);
  const vectors: bigint[][] = [[0n, 0n, 0n, 0n, 0n, 0n], ...extraArgs];
  let n = 0;
  for (const [name, nr] of Object.entries(info.nrs)) {
    for (const args of vectors) {
      const got = exec(prog, makeSeccompData({ nr, arch: AUDIT_ARCH_X86_64, args }));
      const want = oracle(profile, name, args, env);
      if (got !== want) throw new Error(`${name} (${nr}) (${args.join(', ')}): libseccomp's BPF says 0x${got.toString(16)}, the rules say 0x${want.toString(16)}`);
      n++;
    }
  }
  // Another arch → libseccomp's bad-arch action (KILL).
  expect(exec(prog, makeSeccompData({ nr: 0, arch: 0x40000003 }))).toBe(0);
  return n;
}

describe("libseccomp's x86_64 export runs in our interpreter with the verdicts the rules say", () => {
  const argSets = (values: number[]): bigint[][] => values.flatMap((v) =>
    [0, 1, 2].map((i) => { const a = [0n, 0n, 0n, 0n, 0n, 0n]; a[i] = BigInt(v); return a; }));
  test('docker-default.json', () => {
    const path = dockerProfilePath;
    const profile = JSON.parse(readFileSync(path, 'utf8'));
    // Values the socket/personality/clone conditions care about, and their neighbours.
    const n = libseccompCheck(path, profile, argSets([1, 8, 37, 38, 39, 40, 41, 0x20000, 0x20008, 0xffffffff, 0x100000000, 0x7e020000, 0x10000000, 0x11]));
    expect(n).toBeGreaterThan(10000);
  });
  test('podman-default.json', () => {
    const path = podmanProfilePath;
    const profile = JSON.parse(readFileSync(path, 'utf8'));
    const vectors = argSets([0, 8, 9, 16, 0xffffffff]);
    vectors.push([16n, 0n, 9n, 0n, 0n, 0n], [16n, 0n, 8n, 0n, 0n, 0n], [15n, 0n, 9n, 0n, 0n, 0n]);
    expect(libseccompCheck(path, profile, vectors)).toBeGreaterThan(5000);
  });
});
