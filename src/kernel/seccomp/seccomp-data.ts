/**
 * struct seccomp_data (include/uapi/linux/seccomp.h), as the filter sees it:
 *
 *   offset 0   int   nr                    call number (src/kernel/syscall-table.ts)
 *   offset 4   u32   arch                  AUDIT_ARCH_* value (AUDIT_ARCH_WVISOR for guests)
 *   offset 8   u64   instruction_pointer   wVisor: function index << 32 | code offset, or 0
 *   offset 16  u64   args[6]               the call's first six arguments
 *
 * Little-endian, 64 bytes. The engine keeps it as 16 unsigned 32-bit words
 * (word i = bytes 4i..4i+3, little-endian), so `BPF_LD|BPF_W|BPF_ABS k` reads
 * word k/4 and a u64 is two words, low word first. A worker keeps one
 * Uint32Array per task and refills it per call (no allocation per call).
 */
export type SeccompData = Uint32Array;

/** sizeof(struct seccomp_data). */
export const SECCOMP_DATA_SIZE = 64;
/** Word index of nr, arch, instruction_pointer (low word), args[i] (low word). */
export const WORD_NR = 0;
export const WORD_ARCH = 1;
export const WORD_IP = 2;
export const wordArgLo = (i: number): number => 4 + 2 * i;
export const wordArgHi = (i: number): number => 5 + 2 * i;
/** Byte offsets, for programs: offsetof(struct seccomp_data, ...). */
export const OFF_NR = 0;
export const OFF_ARCH = 4;
export const OFF_IP = 8;
export const offArgLo = (i: number): number => 16 + 8 * i;
export const offArgHi = (i: number): number => 20 + 8 * i;

/** What a caller describes; args are u64 as bigint or non-negative numbers. */
export interface SeccompDataInit {
  nr: number;
  arch: number;
  instructionPointer?: bigint | number;
  args?: ReadonlyArray<bigint | number>;
}

/** Allocates a zeroed seccomp_data. */
export function newSeccompData(): SeccompData {
  return new Uint32Array(SECCOMP_DATA_SIZE / 4);
}

function setU64(d: SeccompData, word: number, v: bigint | number): void {
  if (typeof v === 'number') {
    // Numbers: i32 values (negative too) are taken as the guest's 32-bit
    // pattern zero-extended; larger values must be exact integers below 2^64.
    if (v < 0 && v >= -0x80000000) {
      d[word] = v >>> 0;
      d[word + 1] = 0;
      return;
    }
    v = BigInt(v);
  }
  const u = BigInt.asUintN(64, v);
  d[word] = Number(u & 0xffffffffn);
  d[word + 1] = Number(u >> 32n);
}

/** Fills `d` (or a new one) from a description. */
export function makeSeccompData(init: SeccompDataInit, d: SeccompData = newSeccompData()): SeccompData {
  d[WORD_NR] = init.nr >>> 0;
  d[WORD_ARCH] = init.arch >>> 0;
  setU64(d, WORD_IP, init.instructionPointer ?? 0);
  for (let i = 0; i < 6; i++) setU64(d, wordArgLo(i), init.args?.[i] ?? 0);
  return d;
}

/** Reads args[i] as a u64. */
export function argOf(d: SeccompData, i: number): bigint {
  return (BigInt(d[wordArgHi(i)]!) << 32n) | BigInt(d[wordArgLo(i)]!);
}

/** The 64 bytes of the kernel layout (little-endian), e.g. for a tracer. */
export function seccompDataBytes(d: SeccompData): Uint8Array {
  const out = new Uint8Array(SECCOMP_DATA_SIZE);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 16; i++) view.setUint32(i * 4, d[i]!, true);
  return out;
}
