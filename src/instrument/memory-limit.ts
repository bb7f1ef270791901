/**
 * The per-task memory limit, as the module's own declared maximum: memory.grow
 * past it returns -1, so wasi-libc's malloc returns NULL with errno ENOMEM, as
 * brk/mmap failing would on Linux. Done on the encoded module (the memory
 * section is a few bytes of limits), so binaryen's segment handling is untouched.
 */
import { InvalidModuleError } from './errors.js';

/** Default limit: 4096 pages of 64 KiB = 256 MiB per task. */
export const DEFAULT_MAX_MEMORY_PAGES = 4096;

function readLeb(b: Uint8Array, at: number): [value: number, next: number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    if (at >= b.length) throw new InvalidModuleError('truncated LEB128 in the memory section');
    const byte = b[at++]!;
    v += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [v, at];
    if (shift > 35) throw new InvalidModuleError('LEB128 too long in the memory section');
  }
}

/** Unsigned LEB128 bytes of v (a non-negative integer below 2^53). */
export function leb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return out;
}

/**
 * Returns the module with every defined 32-bit memory's maximum set to at
 * most `maxPages` (a maximum it already has below that is kept). Throws
 * InvalidModuleError when a memory's initial size is already above the limit
 * (the program could never start within it).
 */
export function limitMemory(bytes: Uint8Array, maxPages: number): Uint8Array {
  if (bytes.length < 8) throw new InvalidModuleError('too short to be a module');
  // Only the memory section changes: the bytes before and after it are copied as they are.
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, start] = readLeb(bytes, at + 1);
    const end = start + size;
    if (end > bytes.length) throw new InvalidModuleError('a section runs past the end of the module');
    if (id !== 5) {
      at = end;
      continue;
    }
    const body: number[] = [];
    let p = start;
    const [count, afterCount] = readLeb(bytes, p);
    p = afterCount;
    body.push(...leb(count));
    for (let m = 0; m < count; m++) {
      const flags = bytes[p++]!;
      if (flags & 0x04) throw new InvalidModuleError('64-bit memories are not supported');
      const [min, afterMin] = readLeb(bytes, p);
      p = afterMin;
      let max = maxPages;
      if (flags & 0x01) {
        const [declared, afterMax] = readLeb(bytes, p);
        p = afterMax;
        max = Math.min(declared, maxPages);
      }
      if (min > max) {
        throw new InvalidModuleError(`the module's memory starts at ${min} pages, above the limit of ${max} pages`);
      }
      body.push(flags | 0x01, ...leb(min), ...leb(max));
    }
    if (p !== end) throw new InvalidModuleError('malformed memory section');
    const head = [5, ...leb(body.length), ...body];
    const out = new Uint8Array(at + head.length + bytes.length - end);
    out.set(bytes.subarray(0, at));
    out.set(head, at);
    out.set(bytes.subarray(end), at + head.length);
    return out;
  }
  // No memory section (the memory is imported, or there is none): nothing to limit here.
  return Uint8Array.from(bytes);
}
