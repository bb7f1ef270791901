/**
 * Compiles a verified filter to a JavaScript function that returns what
 * {@link exec} returns for every seccomp_data.
 *
 * Classic BPF jumps only forward, so control flow is a DAG and maps onto
 * nested labelled blocks with no loop or dispatch variable: every jump target t
 * gets a block `Lt: { ... }` that opens at the top of the function and closes
 * just before instruction t, so `break Lt` continues at t. Blocks close in
 * target order, hence nest properly. Registers and scratch words are locals;
 * constants are literals. Semantics (u32 arithmetic, DIV by X == 0 returns 0,
 * shift counts modulo 32) are those of interpreter.ts.
 *
 * `new Function` is unavailable under a Content-Security-Policy without
 * 'unsafe-eval'; {@link tryJit} then returns undefined and callers use exec().
 */
import { OPC as C } from './interpreter.js';
import type { SeccompData } from './seccomp-data.js';
import { isConditionalJump, type VerifiedProgram } from './verifier.js';

/** A compiled filter: seccomp_data → the filter's u32 result. */
export type JitFilter = (data: SeccompData) => number;

/** The JavaScript source the JIT generates for `prog` (for tests and debugging). */
export function jitSource(prog: VerifiedProgram): string {
  const n = prog.length;
  const codes = prog.codes, jts = prog.jts, jfs = prog.jfs, ks = prog.ks;
  // Jump targets other than the next instruction.
  const targets = new Set<number>();
  const usedM = new Set<number>();
  for (let pc = 0; pc < n; pc++) {
    const code = codes[pc]!;
    if (code === C.JA) {
      if (ks[pc]! !== 0) targets.add(pc + 1 + ks[pc]!);
    } else if (isConditionalJump(code)) {
      if (jts[pc]! !== 0) targets.add(pc + 1 + jts[pc]!);
      if (jfs[pc]! !== 0) targets.add(pc + 1 + jfs[pc]!);
    } else if (code === C.LD_MEM || code === C.LDX_MEM || code === C.ST || code === C.STX) {
      usedM.add(ks[pc]!);
    }
  }
  const sorted = [...targets].sort((a, b) => b - a); // outermost (furthest) first
  const out: string[] = [];
  out.push('"use strict";');
  let decl = 'let A = 0, X = 0';
  for (const m of [...usedM].sort((a, b) => a - b)) decl += `, m${m} = 0`;
  out.push(decl + ';');
  for (const t of sorted) out.push(`L${t}: {`);
  const go = (pc: number, off: number): string => (off === 0 ? '' : `break L${pc + 1 + off};`);
  const cond = (pc: number, test: string): string => {
    const jt = jts[pc]!, jf = jfs[pc]!;
    if (jt === jf) return go(pc, jt);
    if (jt === 0) return `if (!(${test})) ${go(pc, jf)}`;
    if (jf === 0) return `if (${test}) ${go(pc, jt)}`;
    return `if (${test}) ${go(pc, jt)} else ${go(pc, jf)}`;
  };
  for (let pc = 0; pc < n; pc++) {
    if (targets.has(pc)) out.push('}');
    const k = ks[pc]!;
    let s: string;
    switch (codes[pc]!) {
      case C.LD_ABS: s = `A = d[${k >>> 2}];`; break;
      case C.LD_LEN: s = 'A = 64;'; break;
      case C.LDX_LEN: s = 'X = 64;'; break;
      case C.LD_IMM: s = `A = ${k};`; break;
      case C.LDX_IMM: s = `X = ${k};`; break;
      case C.LD_MEM: s = `A = m${k};`; break;
      case C.LDX_MEM: s = `X = m${k};`; break;
      case C.ST: s = `m${k} = A;`; break;
      case C.STX: s = `m${k} = X;`; break;
      case C.ADD_K: s = `A = (A + ${k}) >>> 0;`; break;
      case C.ADD_X: s = 'A = (A + X) >>> 0;'; break;
      case C.SUB_K: s = `A = (A - ${k}) >>> 0;`; break;
      case C.SUB_X: s = 'A = (A - X) >>> 0;'; break;
      case C.MUL_K: s = `A = Math.imul(A, ${k}) >>> 0;`; break;
      case C.MUL_X: s = 'A = Math.imul(A, X) >>> 0;'; break;
      case C.DIV_K: s = `A = (A / ${k}) >>> 0;`; break;
      case C.DIV_X: s = 'if (X === 0) return 0; A = (A / X) >>> 0;'; break;
      case C.AND_K: s = `A = (A & ${k}) >>> 0;`; break;
      case C.AND_X: s = 'A = (A & X) >>> 0;'; break;
      case C.OR_K: s = `A = (A | ${k}) >>> 0;`; break;
      case C.OR_X: s = 'A = (A | X) >>> 0;'; break;
      case C.XOR_K: s = `A = (A ^ ${k}) >>> 0;`; break;
      case C.XOR_X: s = 'A = (A ^ X) >>> 0;'; break;
      case C.LSH_K: s = `A = (A << ${k}) >>> 0;`; break;
      case C.LSH_X: s = 'A = (A << X) >>> 0;'; break;
      case C.RSH_K: s = `A = A >>> ${k};`; break;
      case C.RSH_X: s = 'A = A >>> X;'; break;
      case C.NEG: s = 'A = -A >>> 0;'; break;
      case C.TAX: s = 'X = A;'; break;
      case C.TXA: s = 'A = X;'; break;
      case C.JA: s = go(pc, k); break;
      case C.JEQ_K: s = cond(pc, `A === ${k}`); break;
      case C.JEQ_X: s = cond(pc, 'A === X'); break;
      case C.JGT_K: s = cond(pc, `A > ${k}`); break;
      case C.JGT_X: s = cond(pc, 'A > X'); break;
      case C.JGE_K: s = cond(pc, `A >= ${k}`); break;
      case C.JGE_X: s = cond(pc, 'A >= X'); break;
      case C.JSET_K: s = cond(pc, `(A & ${k}) !== 0`); break;
      case C.JSET_X: s = cond(pc, '(A & X) !== 0'); break;
      case C.RET_K: s = `return ${k};`; break;
      case C.RET_A: s = 'return A;'; break;
      default:
        throw new Error(`seccomp JIT: opcode ${codes[pc]} at ${pc} was not verified`);
    }
    out.push(s);
  }
  return out.join('\n');
}

/** Thrown when the platform forbids generating code (CSP without 'unsafe-eval'). */
export class JitUnavailableError extends Error {
  override name = 'JitUnavailableError';
}

/** Compiles `prog`; throws {@link JitUnavailableError} when code generation is forbidden. */
export function jit(prog: VerifiedProgram): JitFilter {
  const src = jitSource(prog);
  try {
    return new Function('d', src) as JitFilter;
  } catch (e) {
    throw new JitUnavailableError(
      `cannot compile a seccomp filter to JavaScript (${String(e)}); use the interpreter (exec) instead`,
      { cause: e },
    );
  }
}

/** Compiles `prog`, or returns undefined where code generation is forbidden. */
export function tryJit(prog: VerifiedProgram): JitFilter | undefined {
  try {
    return jit(prog);
  } catch (e) {
    if (e instanceof JitUnavailableError) return undefined;
    throw e;
  }
}
