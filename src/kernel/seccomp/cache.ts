/**
 * The action cache, as Linux's (kernel/seccomp.c, seccomp_cache_prepare and
 * seccomp_is_const_allow, since 5.11): for each call number, whether a filter
 * returns SECCOMP_RET_ALLOW whatever the call's arguments and instruction
 * pointer. It is found by running the filter with only `nr` and `arch` known:
 * any load of another word of seccomp_data, any instruction but a load of
 * those two, an AND with a constant, a jump on a constant or a return, and the
 * answer is "not known", so the filter runs for that call. A cached call then
 * skips the filters entirely, with the result the filters would have given.
 */
import { BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W } from './bpf.js';
import { SECCOMP_RET_ALLOW } from './actions.js';
import { OFF_ARCH, OFF_NR } from './seccomp-data.js';
import type { VerifiedProgram } from './verifier.js';

const LD_ABS = BPF_LD | BPF_W | BPF_ABS;
const RET_K = BPF_RET | BPF_K;
const JA = BPF_JMP | BPF_JA;
const JEQ_K = BPF_JMP | BPF_JEQ | BPF_K;
const JGE_K = BPF_JMP | BPF_JGE | BPF_K;
const JGT_K = BPF_JMP | BPF_JGT | BPF_K;
const JSET_K = BPF_JMP | BPF_JSET | BPF_K;
const AND_K = BPF_ALU | BPF_AND | BPF_K;

/** Whether `prog` allows call `nr` on `arch` for every argument vector (seccomp_is_const_allow). */
export function isConstAllow(prog: VerifiedProgram, nr: number, arch: number): boolean {
  const { codes, ks, jts, jfs } = prog;
  let a = 0;
  for (let pc = 0; pc < codes.length; pc++) {
    const k = ks[pc]!;
    switch (codes[pc]) {
      case LD_ABS:
        if (k === OFF_NR) a = nr >>> 0;
        else if (k === OFF_ARCH) a = arch >>> 0;
        else return false; // an argument or the instruction pointer: not constant
        break;
      case RET_K: return k >>> 0 === SECCOMP_RET_ALLOW;
      case JA: pc += k; break;
      case JEQ_K: pc += a === k ? jts[pc]! : jfs[pc]!; break;
      case JGE_K: pc += a >= k ? jts[pc]! : jfs[pc]!; break;
      case JGT_K: pc += a > k ? jts[pc]! : jfs[pc]!; break;
      case JSET_K: pc += (a & k) !== 0 ? jts[pc]! : jfs[pc]!; break;
      case AND_K: a = (a & k) >>> 0; break;
      default: return false;
    }
  }
  return false; // the verifier proved a RET ends every path: not reached
}

/**
 * The calls (numbers 0..size-1) a filter allows whatever their arguments: 1 per allowed number. Stacked filters
 * AND their caches, as Linux ANDs a filter's bitmap with its parent's.
 */
export function allowCache(prog: VerifiedProgram, arch: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let nr = 0; nr < size; nr++) out[nr] = isConstAllow(prog, nr, arch) ? 1 : 0;
  return out;
}
