/**
 * Runs a verified seccomp filter on a seccomp_data, with the semantics Linux
 * gives it. Linux converts classic BPF to eBPF (net/core/filter.c
 * bpf_convert_filter) and runs that with 32-bit ALU operations, so:
 *
 * - A, X and M[0..15] are u32; ADD/SUB/MUL/NEG wrap modulo 2^32; DIV is unsigned.
 * - DIV by X == 0: bpf_convert_filter emits "if X == 0 { A = 0; exit }", so the
 *   filter returns 0 (SECCOMP_RET_KILL_THREAD). (DIV by a constant 0 never gets
 *   here: the verifier refused it.)
 * - LSH/RSH by X: a 32-bit eBPF shift. The x86-64 JIT (shl/shr r32, cl) and the
 *   arm64 JIT (lslv/lsrv on W registers) use the count modulo 32; so does the
 *   JavaScript `<<`/`>>>` used here. RSH is logical.
 * - JGT/JGE compare unsigned; JSET tests A & operand != 0.
 * - LD|W|ABS k reads the 32-bit word at byte k of seccomp_data (seccomp rewrote
 *   it to a direct load; the verifier proved k < 64 and k % 4 == 0).
 * - LD|W|LEN and LDX|W|LEN load 64, sizeof(struct seccomp_data), as
 *   seccomp_check_filter rewrites them.
 *
 * Nothing the verifier proved is checked again.
 */
import {
  BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP,
  BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MUL, BPF_NEG, BPF_OR,
  BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR, BPF_A,
} from './bpf.js';
import type { SeccompData } from './seccomp-data.js';
import { SECCOMP_DATA_SIZE } from './seccomp-data.js';
import type { VerifiedProgram } from './verifier.js';

const C = {
  LD_ABS: BPF_LD | BPF_W | BPF_ABS,
  LD_LEN: BPF_LD | BPF_W | BPF_LEN,
  LDX_LEN: BPF_LDX | BPF_W | BPF_LEN,
  LD_IMM: BPF_LD | BPF_IMM,
  LDX_IMM: BPF_LDX | BPF_IMM,
  LD_MEM: BPF_LD | BPF_MEM,
  LDX_MEM: BPF_LDX | BPF_MEM,
  ST: BPF_ST,
  STX: BPF_STX,
  ADD_K: BPF_ALU | BPF_ADD | BPF_K, ADD_X: BPF_ALU | BPF_ADD | BPF_X,
  SUB_K: BPF_ALU | BPF_SUB | BPF_K, SUB_X: BPF_ALU | BPF_SUB | BPF_X,
  MUL_K: BPF_ALU | BPF_MUL | BPF_K, MUL_X: BPF_ALU | BPF_MUL | BPF_X,
  DIV_K: BPF_ALU | BPF_DIV | BPF_K, DIV_X: BPF_ALU | BPF_DIV | BPF_X,
  AND_K: BPF_ALU | BPF_AND | BPF_K, AND_X: BPF_ALU | BPF_AND | BPF_X,
  OR_K: BPF_ALU | BPF_OR | BPF_K, OR_X: BPF_ALU | BPF_OR | BPF_X,
  XOR_K: BPF_ALU | BPF_XOR | BPF_K, XOR_X: BPF_ALU | BPF_XOR | BPF_X,
  LSH_K: BPF_ALU | BPF_LSH | BPF_K, LSH_X: BPF_ALU | BPF_LSH | BPF_X,
  RSH_K: BPF_ALU | BPF_RSH | BPF_K, RSH_X: BPF_ALU | BPF_RSH | BPF_X,
  NEG: BPF_ALU | BPF_NEG,
  JA: BPF_JMP | BPF_JA,
  JEQ_K: BPF_JMP | BPF_JEQ | BPF_K, JEQ_X: BPF_JMP | BPF_JEQ | BPF_X,
  JGT_K: BPF_JMP | BPF_JGT | BPF_K, JGT_X: BPF_JMP | BPF_JGT | BPF_X,
  JGE_K: BPF_JMP | BPF_JGE | BPF_K, JGE_X: BPF_JMP | BPF_JGE | BPF_X,
  JSET_K: BPF_JMP | BPF_JSET | BPF_K, JSET_X: BPF_JMP | BPF_JSET | BPF_X,
  TAX: BPF_MISC | BPF_TAX, TXA: BPF_MISC | BPF_TXA,
  RET_K: BPF_RET | BPF_K, RET_A: BPF_RET | BPF_A,
} as const;
/** Opcodes by name, shared with the JIT. */
export const OPC = C;

/** Scratch memory, reused across runs (a verified program stores before it loads). */
const scratch = new Uint32Array(16);

/**
 * Runs `prog` on `data` and returns the filter's 32-bit result (u32, as a
 * non-negative number). `path`, when given, receives the index of every
 * instruction executed, in order (for explain).
 */
export function exec(prog: VerifiedProgram, data: SeccompData, path?: number[]): number {
  const codes = prog.codes, jts = prog.jts, jfs = prog.jfs, ks = prog.ks;
  const M = scratch;
  let A = 0, X = 0, pc = 0;
  for (;;) {
    if (path) path.push(pc);
    const k = ks[pc]!;
    switch (codes[pc]!) {
      case C.LD_ABS: A = data[k >>> 2]!; break;
      case C.LD_LEN: A = SECCOMP_DATA_SIZE; break;
      case C.LDX_LEN: X = SECCOMP_DATA_SIZE; break;
      case C.LD_IMM: A = k; break;
      case C.LDX_IMM: X = k; break;
      case C.LD_MEM: A = M[k]!; break;
      case C.LDX_MEM: X = M[k]!; break;
      case C.ST: M[k] = A; break;
      case C.STX: M[k] = X; break;
      case C.ADD_K: A = (A + k) >>> 0; break;
      case C.ADD_X: A = (A + X) >>> 0; break;
      case C.SUB_K: A = (A - k) >>> 0; break;
      case C.SUB_X: A = (A - X) >>> 0; break;
      case C.MUL_K: A = Math.imul(A, k) >>> 0; break;
      case C.MUL_X: A = Math.imul(A, X) >>> 0; break;
      case C.DIV_K: A = (A / k) >>> 0; break;
      case C.DIV_X:
        if (X === 0) return 0;
        A = (A / X) >>> 0;
        break;
      case C.AND_K: A = (A & k) >>> 0; break;
      case C.AND_X: A = (A & X) >>> 0; break;
      case C.OR_K: A = (A | k) >>> 0; break;
      case C.OR_X: A = (A | X) >>> 0; break;
      case C.XOR_K: A = (A ^ k) >>> 0; break;
      case C.XOR_X: A = (A ^ X) >>> 0; break;
      case C.LSH_K: A = (A << k) >>> 0; break;
      case C.LSH_X: A = (A << X) >>> 0; break; // count & 31, as the 32-bit JITs
      case C.RSH_K: A = A >>> k; break;
      case C.RSH_X: A = A >>> X; break; // count & 31
      case C.NEG: A = -A >>> 0; break;
      case C.TAX: X = A; break;
      case C.TXA: A = X; break;
      case C.JA: pc += k; break;
      case C.JEQ_K: pc += A === k ? jts[pc]! : jfs[pc]!; break;
      case C.JEQ_X: pc += A === X ? jts[pc]! : jfs[pc]!; break;
      case C.JGT_K: pc += A > k ? jts[pc]! : jfs[pc]!; break;
      case C.JGT_X: pc += A > X ? jts[pc]! : jfs[pc]!; break;
      case C.JGE_K: pc += A >= k ? jts[pc]! : jfs[pc]!; break;
      case C.JGE_X: pc += A >= X ? jts[pc]! : jfs[pc]!; break;
      case C.JSET_K: pc += (A & k) !== 0 ? jts[pc]! : jfs[pc]!; break;
      case C.JSET_X: pc += (A & X) !== 0 ? jts[pc]! : jfs[pc]!; break;
      case C.RET_K: return k;
      case C.RET_A: return A;
      default:
        // Unreachable for a VerifiedProgram.
        throw new Error(`seccomp interpreter: opcode ${codes[pc]} at ${pc} was not verified`);
    }
    pc++;
  }
}
