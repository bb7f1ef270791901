/**
 * Classic BPF instructions as Linux's `struct sock_filter` (include/uapi/linux/filter.h)
 * and the opcode constants of include/uapi/linux/bpf_common.h, with Linux's values.
 *
 * The binary form is what libseccomp's `seccomp_export_bpf` writes and what
 * `seccomp(SECCOMP_SET_MODE_FILTER)` reads: 8 bytes per instruction,
 * `u16 code; u8 jt; u8 jf; u32 k;`, little-endian (wVisor's byte order).
 */

/** One instruction, as `struct sock_filter`. */
export interface SockFilter {
  /** Opcode: class | size | mode (loads), class | op | src (ALU, jumps). u16. */
  readonly code: number;
  /** Conditional jumps: forward offset when true. u8. */
  readonly jt: number;
  /** Conditional jumps: forward offset when false. u8. */
  readonly jf: number;
  /** Constant operand (immediate, offset, scratch index, return value). u32. */
  readonly k: number;
}

// Instruction classes.
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;

// ld/ldx sizes.
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
// ld/ldx modes.
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
export const BPF_MSH = 0xa0;

// ALU operations.
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;

// Jump operations.
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;

// Operand source.
export const BPF_K = 0x00;
export const BPF_X = 0x08;
/** RET source: the accumulator. */
export const BPF_A = 0x10;

// MISC operations.
export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

/** Largest program Linux accepts (BPF_MAXINSNS). */
export const BPF_MAXINSNS = 4096;
/** Scratch memory words (BPF_MEMWORDS). */
export const BPF_MEMWORDS = 16;
/** Size of one instruction in the binary form. */
export const SOCK_FILTER_SIZE = 8;

export const bpfClass = (code: number): number => code & 0x07;
export const bpfSize = (code: number): number => code & 0x18;
export const bpfMode = (code: number): number => code & 0xe0;
export const bpfOp = (code: number): number => code & 0xf0;
export const bpfSrc = (code: number): number => code & 0x08;
export const bpfRval = (code: number): number => code & 0x18;
export const bpfMiscOp = (code: number): number => code & 0xf8;

/** BPF_STMT(code, k) as the C macro. */
export function stmt(code: number, k: number): SockFilter {
  return { code, jt: 0, jf: 0, k: k >>> 0 };
}

/** BPF_JUMP(code, k, jt, jf) as the C macro. */
export function jump(code: number, k: number, jt: number, jf: number): SockFilter {
  return { code, jt, jf, k: k >>> 0 };
}

/** Thrown when bytes are not a whole number of instructions. */
export class BpfFormatError extends Error {
  override name = 'BpfFormatError';
}

/**
 * Reads the binary form: 8 bytes per instruction, little-endian.
 * Throws {@link BpfFormatError} when the length is not a multiple of 8.
 */
export function decodeProgram(bytes: Uint8Array): SockFilter[] {
  if (bytes.length % SOCK_FILTER_SIZE !== 0) {
    throw new BpfFormatError(
      `BPF program is ${bytes.length} bytes, not a multiple of ${SOCK_FILTER_SIZE} ` +
        '(struct sock_filter); give the raw output of seccomp_export_bpf or `wvisor seccomp compile`.',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: SockFilter[] = [];
  for (let off = 0; off < bytes.length; off += SOCK_FILTER_SIZE) {
    out.push({
      code: view.getUint16(off, true),
      jt: view.getUint8(off + 2),
      jf: view.getUint8(off + 3),
      k: view.getUint32(off + 4, true),
    });
  }
  return out;
}

/** Writes the binary form (8 bytes per instruction, little-endian). */
export function encodeProgram(insns: readonly SockFilter[]): Uint8Array {
  const bytes = new Uint8Array(insns.length * SOCK_FILTER_SIZE);
  const view = new DataView(bytes.buffer);
  insns.forEach((insn, i) => {
    const off = i * SOCK_FILTER_SIZE;
    view.setUint16(off, insn.code & 0xffff, true);
    view.setUint8(off + 2, insn.jt & 0xff);
    view.setUint8(off + 3, insn.jf & 0xff);
    view.setUint32(off + 4, insn.k >>> 0, true);
  });
  return bytes;
}
