import type { Dirent } from './types.js';

/** Size of WASI's `dirent` header: d_next u64, d_ino u64, d_namlen u32, d_type u8, 3 bytes padding. */
export const DIRENT_HEADER_SIZE = 24;

const utf8 = new TextEncoder();

/**
 * The byte stream fd_readdir writes: for each entry whose `next` is past
 * `cookie`, a 24-byte little-endian header then the name (UTF-8, no NUL),
 * cut off at `bufLen` bytes. WASI lets the last entry be truncated; a result
 * exactly `bufLen` long tells the guest to call again (wasi-libc then grows
 * its buffer when even one entry did not fit).
 */
export function encodeDirents(entries: readonly Dirent[], bufLen: number, cookie = 0n): Uint8Array {
  const parts: { e: Dirent; name: Uint8Array }[] = [];
  let total = 0;
  for (const e of entries) {
    if (e.next <= cookie) continue;
    if (total >= bufLen) break;
    const name = utf8.encode(e.name);
    parts.push({ e, name });
    total += DIRENT_HEADER_SIZE + name.length;
  }
  const out = new Uint8Array(Math.max(0, Math.min(total, bufLen)));
  const full = new Uint8Array(total);
  const dv = new DataView(full.buffer);
  let at = 0;
  for (const { e, name } of parts) {
    dv.setBigUint64(at, e.next, true);
    dv.setBigUint64(at + 8, e.ino, true);
    dv.setUint32(at + 16, name.length, true);
    dv.setUint8(at + 20, e.type);
    full.set(name, at + DIRENT_HEADER_SIZE);
    at += DIRENT_HEADER_SIZE + name.length;
  }
  out.set(full.subarray(0, out.length));
  return out;
}
