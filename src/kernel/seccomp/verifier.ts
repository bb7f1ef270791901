/**
 * The checks Linux makes before it installs a seccomp filter, in the order it
 * makes them (kernel/seccomp.c seccomp_prepare_filter → bpf_prog_create_from_user
 * → net/core/filter.c bpf_prepare_filter → bpf_check_classic, then the
 * seccomp_check_filter callback):
 *
 *  1. seccomp_prepare_filter: 0 < len <= BPF_MAXINSNS (4096).
 *  2. bpf_check_classic, per instruction in order: the opcode is in
 *     chk_code_allowed's table; DIV|K and MOD|K by 0; LSH|K and RSH|K by >= 32;
 *     scratch index (LD/LDX MEM, ST, STX) < BPF_MEMWORDS; JA's k < len - pc - 1;
 *     conditional jumps' targets pc + 1 + jt/jf < len; LD W/H/B ABS with
 *     k >= SKF_AD_OFF must be a known ancillary load.
 *  3. bpf_check_classic: the last instruction is RET K or RET A.
 *  4. check_load_and_stores: no LD/LDX MEM of a word not stored on every path
 *     (Linux's linear pass with per-target masks, reproduced exactly).
 *  5. seccomp_check_filter, per instruction: only the seccomp subset of
 *     opcodes; LD W ABS needs k < sizeof(struct seccomp_data) and k % 4 == 0.
 *     (seccomp_check_filter also rewrites LD|W|LEN / LDX|W|LEN into loads of the
 *     constant 64; the interpreter does that at run time.)
 *
 * MOD passes bpf_check_classic but not seccomp_check_filter: Linux rejects it.
 * Every failure is EINVAL in Linux; here it is a {@link SeccompVerifyError}
 * naming the instruction and the rule.
 */
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA,
  BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH,
  BPF_MAXINSNS, BPF_MEM, BPF_MEMWORDS, BPF_MISC, BPF_MOD, BPF_MSH, BPF_MUL, BPF_NEG, BPF_OR,
  BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR,
  type SockFilter,
} from './bpf.js';
import { SECCOMP_DATA_SIZE } from './seccomp-data.js';

/** A program Linux would refuse (seccomp(2) fails with EINVAL). */
export class SeccompVerifyError extends Error {
  override name = 'SeccompVerifyError';
  constructor(
    /** Instruction index at fault, or -1 for the program as a whole. */
    readonly index: number,
    /** What is wrong. */
    readonly reason: string,
    /** The Linux function whose rule this is. */
    readonly rule: string,
  ) {
    super(
      (index >= 0 ? `BPF instruction ${index}: ` : 'BPF program: ') +
        `${reason} (Linux ${rule} rejects it with EINVAL); fix the program or the profile that produced it.`,
    );
  }
}

const brand: unique symbol = Symbol('VerifiedProgram');

/**
 * A program that passed {@link verify}. Opaque: only verify() makes one, so
 * the interpreter and the JIT can trust it (every jump in range, every load in
 * bounds, scratch words stored before they are read, a RET at the end).
 */
export class VerifiedProgram {
  declare private readonly [brand]: true;
  /** Opcodes, decoded once for the interpreter. */
  readonly codes: Uint16Array;
  /** jt per instruction. */
  readonly jts: Uint8Array;
  /** jf per instruction. */
  readonly jfs: Uint8Array;
  /** k per instruction (u32). */
  readonly ks: Uint32Array;
  /** @internal Use verify(). */
  constructor(
    /** The instructions, frozen copies. */
    readonly insns: readonly SockFilter[],
    /** Optional note per instruction (the profile rule it implements), for disasm and explain. */
    readonly notes: readonly (string | undefined)[] = [],
  ) {
    const n = insns.length;
    this.codes = new Uint16Array(n);
    this.jts = new Uint8Array(n);
    this.jfs = new Uint8Array(n);
    this.ks = new Uint32Array(n);
    insns.forEach((ins, i) => {
      this.codes[i] = ins.code;
      this.jts[i] = ins.jt;
      this.jfs[i] = ins.jf;
      this.ks[i] = ins.k;
    });
  }
  /** Number of instructions (prog->len). */
  get length(): number { return this.insns.length; }
}

// net/core/filter.c chk_code_allowed: the opcodes classic BPF knows.
const classicCodes = new Set<number>([
  BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_ADD | BPF_X, BPF_ALU | BPF_SUB | BPF_K, BPF_ALU | BPF_SUB | BPF_X,
  BPF_ALU | BPF_MUL | BPF_K, BPF_ALU | BPF_MUL | BPF_X, BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_DIV | BPF_X,
  BPF_ALU | BPF_MOD | BPF_K, BPF_ALU | BPF_MOD | BPF_X, BPF_ALU | BPF_AND | BPF_K, BPF_ALU | BPF_AND | BPF_X,
  BPF_ALU | BPF_OR | BPF_K, BPF_ALU | BPF_OR | BPF_X, BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_XOR | BPF_X,
  BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_LSH | BPF_X, BPF_ALU | BPF_RSH | BPF_K, BPF_ALU | BPF_RSH | BPF_X,
  BPF_ALU | BPF_NEG,
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS, BPF_LD | BPF_W | BPF_LEN,
  BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND, BPF_LD | BPF_IMM,
  BPF_LD | BPF_MEM, BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH, BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM,
  BPF_ST, BPF_STX, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_RET | BPF_K, BPF_RET | BPF_A,
  BPF_JMP | BPF_JA, BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JEQ | BPF_X, BPF_JMP | BPF_JGE | BPF_K,
  BPF_JMP | BPF_JGE | BPF_X, BPF_JMP | BPF_JGT | BPF_K, BPF_JMP | BPF_JGT | BPF_X, BPF_JMP | BPF_JSET | BPF_K,
  BPF_JMP | BPF_JSET | BPF_X,
]);

// kernel/seccomp.c seccomp_check_filter: the subset seccomp allows.
const seccompCodes = new Set<number>([
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
  BPF_RET | BPF_K, BPF_RET | BPF_A,
  BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_ADD | BPF_X, BPF_ALU | BPF_SUB | BPF_K, BPF_ALU | BPF_SUB | BPF_X,
  BPF_ALU | BPF_MUL | BPF_K, BPF_ALU | BPF_MUL | BPF_X, BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_DIV | BPF_X,
  BPF_ALU | BPF_AND | BPF_K, BPF_ALU | BPF_AND | BPF_X, BPF_ALU | BPF_OR | BPF_K, BPF_ALU | BPF_OR | BPF_X,
  BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_XOR | BPF_X, BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_LSH | BPF_X,
  BPF_ALU | BPF_RSH | BPF_K, BPF_ALU | BPF_RSH | BPF_X, BPF_ALU | BPF_NEG,
  BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
  BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX,
  BPF_JMP | BPF_JA, BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JEQ | BPF_X, BPF_JMP | BPF_JGE | BPF_K,
  BPF_JMP | BPF_JGE | BPF_X, BPF_JMP | BPF_JGT | BPF_K, BPF_JMP | BPF_JGT | BPF_X, BPF_JMP | BPF_JSET | BPF_K,
  BPF_JMP | BPF_JSET | BPF_X,
]);

const condJumps = new Set<number>([
  BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JEQ | BPF_X, BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JGE | BPF_X,
  BPF_JMP | BPF_JGT | BPF_K, BPF_JMP | BPF_JGT | BPF_X, BPF_JMP | BPF_JSET | BPF_K, BPF_JMP | BPF_JSET | BPF_X,
]);

/** include/uapi/linux/filter.h SKF_AD_OFF (-0x1000 as u32) and the ancillary loads bpf_anc_helper knows. */
const SKF_AD_OFF = 0xfffff000;
const SKF_AD_MAX = 64;

/** True for a conditional jump opcode (JEQ/JGT/JGE/JSET with K or X). */
export function isConditionalJump(code: number): boolean {
  return condJumps.has(code);
}

function fail(index: number, reason: string, rule: string): never {
  throw new SeccompVerifyError(index, reason, rule);
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

/** Checks instruction fields' ranges (a caller-built array may hold anything). */
function checkShape(insns: readonly SockFilter[]): void {
  insns.forEach((ins, i) => {
    const ok = ins !== null && typeof ins === 'object' &&
      Number.isInteger(ins.code) && ins.code >= 0 && ins.code <= 0xffff &&
      Number.isInteger(ins.jt) && ins.jt >= 0 && ins.jt <= 0xff &&
      Number.isInteger(ins.jf) && ins.jf >= 0 && ins.jf <= 0xff &&
      Number.isInteger(ins.k) && ins.k >= -0x80000000 && ins.k <= 0xffffffff;
    if (!ok) {
      fail(i, 'is not a struct sock_filter (code u16, jt u8, jf u8, k u32)', 'struct sock_filter');
    }
  });
}

/**
 * Checks a program as Linux does for SECCOMP_SET_MODE_FILTER and returns it
 * verified. Throws {@link SeccompVerifyError} naming the first instruction Linux
 * would fault (in Linux's order of checks) and why.
 */
export function verify(program: readonly SockFilter[], notes?: readonly (string | undefined)[]): VerifiedProgram {
  const flen = program.length;
  // kernel/seccomp.c seccomp_prepare_filter (and bpf_check_basics_ok).
  if (flen === 0 || flen > BPF_MAXINSNS) {
    fail(-1, `has ${flen} instructions; seccomp takes 1 to ${BPF_MAXINSNS}`, 'seccomp_prepare_filter');
  }
  checkShape(program);
  const insns = program.map((p) => Object.freeze({ code: p.code, jt: p.jt, jf: p.jf, k: p.k >>> 0 }));

  // net/core/filter.c bpf_check_classic.
  for (let pc = 0; pc < flen; pc++) {
    const { code, jt, jf, k } = insns[pc]!;
    if (!classicCodes.has(code)) fail(pc, `opcode ${hex(code)} is not a classic BPF instruction`, 'bpf_check_classic (chk_code_allowed)');
    switch (code) {
      case BPF_ALU | BPF_DIV | BPF_K:
      case BPF_ALU | BPF_MOD | BPF_K:
        if (k === 0) fail(pc, 'divides by the constant 0', 'bpf_check_classic');
        break;
      case BPF_ALU | BPF_LSH | BPF_K:
      case BPF_ALU | BPF_RSH | BPF_K:
        if (k >= 32) fail(pc, `shifts by the constant ${k} (must be below 32)`, 'bpf_check_classic');
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
      case BPF_ST:
      case BPF_STX:
        if (k >= BPF_MEMWORDS) fail(pc, `scratch index ${k} is not below ${BPF_MEMWORDS}`, 'bpf_check_classic');
        break;
      case BPF_JMP | BPF_JA:
        if (k >= flen - pc - 1) fail(pc, `jump of ${k} leaves the program (${flen} instructions)`, 'bpf_check_classic');
        break;
      case BPF_LD | BPF_W | BPF_ABS:
      case BPF_LD | BPF_H | BPF_ABS:
      case BPF_LD | BPF_B | BPF_ABS:
        // bpf_anc_helper: k = SKF_AD_OFF + one of the 16 ancillary codes (multiples of 4 below 64).
        if (k >= SKF_AD_OFF && !((k - SKF_AD_OFF) < SKF_AD_MAX && (k - SKF_AD_OFF) % 4 === 0)) {
          fail(pc, `load of unknown ancillary data ${hex(k)}`, 'bpf_check_classic');
        }
        break;
      default:
        if (condJumps.has(code) && (pc + jt + 1 >= flen || pc + jf + 1 >= flen)) {
          fail(pc, `conditional jump (jt ${jt}, jf ${jf}) leaves the program (${flen} instructions)`, 'bpf_check_classic');
        }
    }
  }
  const last = insns[flen - 1]!.code;
  if (last !== (BPF_RET | BPF_K) && last !== (BPF_RET | BPF_A)) {
    fail(flen - 1, 'the last instruction is not RET', 'bpf_check_classic');
  }
  checkLoadAndStores(insns);

  // kernel/seccomp.c seccomp_check_filter.
  for (let pc = 0; pc < flen; pc++) {
    const { code, k } = insns[pc]!;
    if (!seccompCodes.has(code)) fail(pc, `opcode ${hex(code)} is not allowed in seccomp filters`, 'seccomp_check_filter');
    if (code === (BPF_LD | BPF_W | BPF_ABS) && (k >= SECCOMP_DATA_SIZE || (k & 3) !== 0)) {
      fail(pc, `load at offset ${k} is outside seccomp_data (64 bytes) or not 4-byte aligned`, 'seccomp_check_filter');
    }
  }
  return new VerifiedProgram(Object.freeze(insns), notes ? Object.freeze(notes.slice()) : []);
}

/**
 * net/core/filter.c check_load_and_stores, exactly: a linear pass carrying the
 * set of stored words; a jump intersects its targets' masks with it and resets
 * it to "all" (what follows a jump is reached only through masks). Note Linux
 * does not reset the set after RET.
 */
function checkLoadAndStores(insns: readonly SockFilter[]): void {
  const flen = insns.length;
  const masks = new Uint16Array(flen).fill(0xffff);
  let memvalid = 0;
  for (let pc = 0; pc < flen; pc++) {
    memvalid &= masks[pc]!;
    const { code, jt, jf, k } = insns[pc]!;
    switch (code) {
      case BPF_ST:
      case BPF_STX:
        memvalid |= 1 << k;
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
        if (!(memvalid & (1 << k))) fail(pc, `reads scratch word M[${k}] that is not stored on every path here`, 'check_load_and_stores');
        break;
      case BPF_JMP | BPF_JA:
        masks[pc + 1 + k] = masks[pc + 1 + k]! & memvalid;
        memvalid = 0xffff;
        break;
      default:
        if (condJumps.has(code)) {
          masks[pc + 1 + jt] = masks[pc + 1 + jt]! & memvalid;
          masks[pc + 1 + jf] = masks[pc + 1 + jf]! & memvalid;
          memvalid = 0xffff;
        }
    }
  }
}

