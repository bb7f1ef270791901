import { describe, expect, test } from 'vitest';
import { RET_ALLOW, verifierCases as cases } from '../../../test/fixtures/seccomp/verifier-cases.js';
import { BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, decodeProgram, encodeProgram, jump, stmt, type SockFilter } from './bpf.js';
import { SeccompVerifyError, verify } from './verifier.js';

const LD = (k: number): SockFilter => stmt(BPF_LD | BPF_W | BPF_ABS, k);

describe('verify (Linux bpf_check_classic + seccomp_check_filter)', () => {
  test.each(cases)('$what [$rule]', ({ prog, reject }) => {
    if (reject === undefined) {
      expect(verify(prog).length).toBe(prog.length);
    } else {
      let err: unknown;
      try { verify(prog); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(SeccompVerifyError);
      expect((err as SeccompVerifyError).index).toBe(reject);
      expect((err as SeccompVerifyError).message).toMatch(/EINVAL/);
    }
  });

  test('rejects malformed instruction fields with the index', () => {
    expect(() => verify([RET_ALLOW, { code: 6, jt: 300, jf: 0, k: 0 }])).toThrow(/instruction 1/);
  });
});

describe('binary form (struct sock_filter, little-endian)', () => {
  test('round trip and byte layout', () => {
    const prog = [LD(4), jump(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 2), stmt(BPF_RET | BPF_K, 0x80000000)];
    const bytes = encodeProgram(prog);
    expect(Array.from(bytes.slice(0, 16))).toEqual([
      0x20, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
      0x15, 0x00, 0x01, 0x02, 0x3e, 0x00, 0x00, 0xc0,
    ]);
    expect(decodeProgram(bytes)).toEqual(prog);
    expect(() => decodeProgram(new Uint8Array(7))).toThrow(/multiple of 8/);
  });
});
