/**
 * Prints a program as assembly, in the layout of libseccomp's
 * tools/scmp_bpf_disasm (line, code, jt, jf, k, then the instruction with jump
 * targets as absolute lines), with seccomp_data fields and return actions named.
 */
import { describeRet } from './actions.js';
import { OPC as C } from './interpreter.js';
import type { SockFilter } from './bpf.js';
import { syscallByNr } from '../syscall-table.js';
import { AUDIT_ARCH_WVISOR } from '../syscall-table.js';

const hex = (n: number, w: number): string => '0x' + (n >>> 0).toString(16).padStart(w, '0');
const line = (n: number): string => n.toString().padStart(4, '0');

/** Names a seccomp_data offset: nr, arch, instruction_pointer, args[i] (lo/hi). */
export function seccompDataField(k: number): string {
  if (k === 0) return 'nr';
  if (k === 4) return 'arch';
  if (k === 8) return 'instruction_pointer (lo)';
  if (k === 12) return 'instruction_pointer (hi)';
  if (k >= 16 && k < 64) return `args[${(k - 16) >> 3}] (${k & 4 ? 'hi' : 'lo'})`;
  return `offset ${k}`;
}

/** One instruction's mnemonic and operands (targets absolute). */
export function disasmInsn(ins: SockFilter, pc: number): string {
  const { code, jt, jf } = ins;
  const k = ins.k >>> 0;
  const j = (m: string, operand: string): string =>
    `${m.padEnd(4)} ${operand} true:${line(pc + 1 + jt)} false:${line(pc + 1 + jf)}`;
  switch (code) {
    case C.LD_ABS: return `ld   $data[${k}]`;
    case C.LD_LEN: return 'ld   #len';
    case C.LDX_LEN: return 'ldx  #len';
    case C.LD_IMM: return `ld   #${k}`;
    case C.LDX_IMM: return `ldx  #${k}`;
    case C.LD_MEM: return `ld   M[${k}]`;
    case C.LDX_MEM: return `ldx  M[${k}]`;
    case C.ST: return `st   M[${k}]`;
    case C.STX: return `stx  M[${k}]`;
    case C.ADD_K: return `add  #${k}`;
    case C.ADD_X: return 'add  x';
    case C.SUB_K: return `sub  #${k}`;
    case C.SUB_X: return 'sub  x';
    case C.MUL_K: return `mul  #${k}`;
    case C.MUL_X: return 'mul  x';
    case C.DIV_K: return `div  #${k}`;
    case C.DIV_X: return 'div  x';
    case C.AND_K: return `and  #${hex(k, 8)}`;
    case C.AND_X: return 'and  x';
    case C.OR_K: return `or   #${hex(k, 8)}`;
    case C.OR_X: return 'or   x';
    case C.XOR_K: return `xor  #${hex(k, 8)}`;
    case C.XOR_X: return 'xor  x';
    case C.LSH_K: return `lsh  #${k}`;
    case C.LSH_X: return 'lsh  x';
    case C.RSH_K: return `rsh  #${k}`;
    case C.RSH_X: return 'rsh  x';
    case C.NEG: return 'neg';
    case C.TAX: return 'tax';
    case C.TXA: return 'txa';
    case C.JA: return `jmp  ${line(pc + 1 + k)}`;
    case C.JEQ_K: return j('jeq', String(k));
    case C.JEQ_X: return j('jeq', 'x');
    case C.JGT_K: return j('jgt', String(k));
    case C.JGT_X: return j('jgt', 'x');
    case C.JGE_K: return j('jge', String(k));
    case C.JGE_X: return j('jge', 'x');
    case C.JSET_K: return j('jset', hex(k, 8));
    case C.JSET_X: return j('jset', 'x');
    case C.RET_K: return `ret  #${hex(k, 8)}`;
    case C.RET_A: return 'ret  a';
    default: return `??? (opcode ${hex(code, 4)})`;
  }
}

/** What an instruction means for a seccomp filter (comment column). */
function comment(ins: SockFilter, lastLoad: number | undefined): string {
  const k = ins.k >>> 0;
  if (ins.code === C.LD_ABS) return seccompDataField(k);
  if (ins.code === C.RET_K) return describeRet(k);
  if ((ins.code === C.JEQ_K || ins.code === C.JGE_K || ins.code === C.JGT_K) && lastLoad !== undefined) {
    if (lastLoad === 4 && k === AUDIT_ARCH_WVISOR) return 'AUDIT_ARCH_WVISOR';
    if (lastLoad === 0) {
      const s = syscallByNr(k);
      if (s) return s.name;
    }
  }
  return '';
}

/**
 * Disassembles a program (verified or not). `notes` (per instruction, e.g. from
 * the profile compiler) are printed after the instruction.
 */
export function disassemble(insns: readonly SockFilter[], notes: readonly (string | undefined)[] = []): string {
  const out = [' line  OP   JT   JF   K', '================================='];
  let lastLoad: number | undefined;
  insns.forEach((ins, pc) => {
    const c = comment(ins, lastLoad);
    if (ins.code === C.LD_ABS) lastLoad = ins.k >>> 0;
    else if (ins.code !== C.JEQ_K && ins.code !== C.JGE_K && ins.code !== C.JGT_K && ins.code !== C.JSET_K && ins.code !== C.JA) lastLoad = undefined;
    const note = notes[pc];
    const extra = [c, note].filter((s) => s).join('; ');
    out.push(
      ` ${line(pc)}: ${hex(ins.code, 2)} ${hex(ins.jt, 2)} ${hex(ins.jf, 2)} ${hex(ins.k, 8)}   ` +
        disasmInsn(ins, pc).padEnd(36) + (extra ? ` ; ${extra}` : ''),
    );
  });
  return out.join('\n') + '\n';
}
