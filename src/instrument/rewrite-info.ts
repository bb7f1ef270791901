/**
 * The `wvisor.rewrite` custom section: encoding it, and finding and parsing it
 * in a module's bytes or in a compiled WebAssembly.Module. No binaryen here.
 */
import { REWRITE_SECTION, type RewriteInfo } from './contract.js';
import { CorruptRewriteInfoError, InvalidModuleError } from './errors.js';

/** The section's payload: JSON with a fixed key order, so output is deterministic. */
export function encodeRewriteInfo(info: RewriteInfo): Uint8Array {
  const ordered = {
    version: info.version,
    originalSha256: info.originalSha256,
    options: { preemptUnwind: info.options.preemptUnwind, optimizeLevel: info.options.optimizeLevel,
      maxMemoryPages: info.options.maxMemoryPages },
    // Only when set: the section of a module that unwinds is what it was before this field existed.
    ...(info.noUnwind !== undefined ? { noUnwind: info.noUnwind } : {}),
  };
  return new TextEncoder().encode(JSON.stringify(ordered));
}

/** Parses and checks a section payload. Throws CorruptRewriteInfoError. */
export function decodeRewriteInfo(payload: Uint8Array): RewriteInfo {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (e) {
    throw new CorruptRewriteInfoError(`not UTF-8 JSON: ${(e as Error).message}`);
  }
  const o = v as Record<string, unknown> | null;
  const opts = (o && typeof o === 'object' ? o.options : undefined) as Record<string, unknown> | undefined;
  if (!o || typeof o !== 'object' || !Number.isInteger(o.version)
    || typeof o.originalSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.originalSha256)
    || !opts || typeof opts !== 'object' || typeof opts.preemptUnwind !== 'boolean'
    || !Number.isInteger(opts.optimizeLevel) || !Number.isInteger(opts.maxMemoryPages)
    || (o.noUnwind !== undefined && (typeof o.noUnwind !== 'string' || o.noUnwind === ''))) {
    throw new CorruptRewriteInfoError(`unexpected shape ${JSON.stringify(v).slice(0, 200)}`);
  }
  const info: RewriteInfo = {
    version: o.version as number,
    originalSha256: o.originalSha256,
    options: { preemptUnwind: opts.preemptUnwind, optimizeLevel: opts.optimizeLevel as number,
      maxMemoryPages: opts.maxMemoryPages as number },
  };
  if (typeof o.noUnwind === 'string') info.noUnwind = o.noUnwind;
  return info;
}

/**
 * The rewrite record of a module, or null if it was not rewritten by wVisor.
 * Accepts the bytes or a compiled module. Throws InvalidModuleError for bytes
 * that are not a module, CorruptRewriteInfoError for a bad section.
 */
export function readRewriteInfo(module: Uint8Array | WebAssembly.Module): RewriteInfo | null {
  let payloads: Uint8Array[];
  if (module instanceof Uint8Array) {
    payloads = customSections(module, REWRITE_SECTION);
  } else {
    payloads = WebAssembly.Module.customSections(module, REWRITE_SECTION).map((b) => new Uint8Array(b));
  }
  if (payloads.length === 0) return null;
  if (payloads.length > 1) throw new CorruptRewriteInfoError(`${payloads.length} sections named ${REWRITE_SECTION}`);
  return decodeRewriteInfo(payloads[0]!);
}

/** Payloads of the custom sections called `name`, walking the binary's section headers. */
export function customSections(bytes: Uint8Array, name: string): Uint8Array[] {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new InvalidModuleError('it does not start with \\0asm');
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new InvalidModuleError('binary format version is not 1');
  }
  const found: Uint8Array[] = [];
  const decoder = new TextDecoder();
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const [size, afterSize] = readU32(bytes, pos);
    const end = afterSize + size;
    if (end > bytes.length) throw new InvalidModuleError(`section ${id} at byte ${pos - 1} runs past the end`);
    if (id === 0) {
      const [nameLen, afterNameLen] = readU32(bytes, afterSize);
      if (afterNameLen + nameLen > end) throw new InvalidModuleError(`custom section name at byte ${afterSize} runs past its section`);
      if (decoder.decode(bytes.subarray(afterNameLen, afterNameLen + nameLen)) === name) {
        found.push(bytes.slice(afterNameLen + nameLen, end));
      }
    }
    pos = end;
  }
  return found;
}

/** Unsigned LEB128 (at most 5 bytes): [value, position after it]. */
function readU32(bytes: Uint8Array, pos: number): [number, number] {
  let result = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= bytes.length) throw new InvalidModuleError('truncated LEB128 number');
    const b = bytes[pos++]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
  }
  throw new InvalidModuleError('LEB128 number longer than 5 bytes');
}
