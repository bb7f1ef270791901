/**
 * A small assembler for generated filters: instructions with symbolic jump
 * targets, laid out with every conditional jump within jt/jf's 8-bit range by
 * inserting `JA` trampolines (JA takes a 32-bit offset), as libseccomp does
 * for long jumps.
 */
import { BPF_JA, BPF_JMP, type SockFilter } from './bpf.js';

export type Label = number;

interface Item {
  code: number;
  k: number;
  /** Targets: a label, or undefined = the next instruction. */
  jt?: Label;
  jf?: Label;
  /** For JA: the target label. */
  ja?: Label;
  note?: string;
}

export class Assembler {
  private items: Item[] = [];
  /** label → index of the item it precedes. */
  private labelAt: number[] = [];

  /** A new label, not yet placed. */
  label(): Label {
    this.labelAt.push(-1);
    return this.labelAt.length - 1;
  }

  /** Places `l` before the next emitted instruction. */
  place(l: Label): void {
    this.labelAt[l] = this.items.length;
  }

  /** A non-jump instruction. */
  stmt(code: number, k: number, note?: string): void {
    this.items.push({ code, k: k >>> 0, note });
  }

  /** A conditional jump; undefined targets mean "the next instruction". */
  jump(code: number, k: number, jt: Label | undefined, jf: Label | undefined, note?: string): void {
    this.items.push({ code, k: k >>> 0, jt, jf, note });
  }

  /** An unconditional jump. */
  ja(target: Label, note?: string): void {
    this.items.push({ code: BPF_JMP | BPF_JA, k: 0, ja: target, note });
  }

  /** Lays the program out; returns instructions and per-instruction notes. */
  assemble(): { insns: SockFilter[]; notes: (string | undefined)[] } {
    const items = this.items.slice();
    const labelAt = this.labelAt.slice();
    for (const [l, at] of labelAt.entries()) {
      if (at < 0) throw new Error(`assembler: label ${l} never placed`);
    }
    // Insert trampolines until every conditional offset fits in 8 bits.
    for (;;) {
      let fixed = false;
      for (let i = 0; i < items.length && !fixed; i++) {
        const it = items[i]!;
        for (const side of ['jt', 'jf'] as const) {
          const l = it[side];
          if (l === undefined) continue;
          const off = labelAt[l]! - i - 1;
          if (off < 0) throw new Error('assembler: backward jump');
          if (off <= 255) continue;
          // Insert `JA l` right after item i; labels at or after i+1 shift by one,
          // except the new trampoline label which points at the JA itself.
          items.splice(i + 1, 0, { code: BPF_JMP | BPF_JA, k: 0, ja: l, note: 'long jump' });
          for (let j = 0; j < labelAt.length; j++) if (labelAt[j]! > i) labelAt[j] = labelAt[j]! + 1;
          labelAt.push(i + 1);
          it[side] = labelAt.length - 1;
          // The other side, if it meant "next instruction", must skip the trampoline.
          const other = side === 'jt' ? 'jf' : 'jt';
          if (it[other] === undefined) {
            labelAt.push(i + 2);
            it[other] = labelAt.length - 1;
          }
          fixed = true;
          break;
        }
      }
      if (!fixed) break;
    }
    const insns: SockFilter[] = items.map((it, i) => {
      if (it.ja !== undefined) return { code: it.code, jt: 0, jf: 0, k: labelAt[it.ja]! - i - 1 };
      if (it.jt === undefined && it.jf === undefined && (it.code & 0x07) !== BPF_JMP) {
        return { code: it.code, jt: 0, jf: 0, k: it.k };
      }
      const jt = it.jt === undefined ? 0 : labelAt[it.jt]! - i - 1;
      const jf = it.jf === undefined ? 0 : labelAt[it.jf]! - i - 1;
      return { code: it.code, jt, jf, k: it.k };
    });
    return { insns, notes: items.map((it) => it.note) };
  }
}
