/**
 * Says why a call gets the verdict it gets: which filter of a stack decided
 * (seccomp_run_filters' *match), the instruction path through it, and the RET
 * instruction (with the profile rule it implements when the program carries
 * notes from the profile compiler).
 */
import { actionOnly, describeRet, SECCOMP_RET_ALLOW } from './actions.js';
import { disasmInsn } from './disasm.js';
import { exec } from './interpreter.js';
import type { SeccompData } from './seccomp-data.js';
import type { VerifiedProgram } from './verifier.js';

export interface FilterTrace {
  /** Install index of the filter (0 = oldest). */
  filterIndex: number;
  /** Its return value. */
  ret: number;
  /** Instructions executed, in order. */
  path: number[];
  /** The RET (or DIV by zero) instruction that ended the run. */
  decidingInsn: number;
  /** The note on that instruction (profile rule), if any. */
  rule: string | undefined;
}

export interface Explanation {
  /** Winning return value (after stacking). */
  ret: number;
  /** The winning filter, or -1 when all allowed. */
  filterIndex: number;
  /** Every filter's trace, newest first (evaluation order). */
  traces: FilterTrace[];
  /** A readable account. */
  text: string;
}

/** Traces one program. */
export function traceProgram(prog: VerifiedProgram, data: SeccompData, filterIndex = 0): FilterTrace {
  const path: number[] = [];
  const ret = exec(prog, data, path);
  const decidingInsn = path[path.length - 1]!;
  return { filterIndex, ret, path, decidingInsn, rule: prog.notes[decidingInsn] };
}

/**
 * Explains the verdict of a stack of programs (oldest first, as installed) on
 * one call, choosing the winner as seccomp_run_filters does.
 */
export function explain(programs: readonly VerifiedProgram[], data: SeccompData, callName?: string): Explanation {
  const traces: FilterTrace[] = [];
  let ret = SECCOMP_RET_ALLOW, filterIndex = -1;
  for (let i = programs.length - 1; i >= 0; i--) {
    const t = traceProgram(programs[i]!, data, i);
    traces.push(t);
    if (actionOnly(t.ret) < actionOnly(ret)) {
      ret = t.ret;
      filterIndex = i;
    }
  }
  const who = callName ?? `call ${data[0]}`;
  const lines: string[] = [];
  if (filterIndex < 0) {
    lines.push(`${who}: ALLOW (every filter allowed it)`);
  } else {
    const t = traces.find((x) => x.filterIndex === filterIndex)!;
    const prog = programs[filterIndex]!;
    lines.push(`${who}: ${describeRet(ret)}, decided by filter ${filterIndex} (of ${programs.length}, 0 = oldest) at instruction ${t.decidingInsn}: ${disasmInsn(prog.insns[t.decidingInsn]!, t.decidingInsn)}`);
    if (t.rule) lines.push(`  rule: ${t.rule}`);
  }
  for (const t of traces) {
    lines.push(`  filter ${t.filterIndex}: ${describeRet(t.ret)} via instructions ${t.path.join(' → ')}`);
  }
  return { ret: ret >>> 0, filterIndex, traces, text: lines.join('\n') };
}
