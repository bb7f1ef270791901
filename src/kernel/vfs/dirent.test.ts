/**
 * encodeDirents against browser_wasi_shim's Dirent encoder (an independent
 * implementation of WASI's `dirent` layout), for every buffer length from 0
 * to past the end. Truncation follows wasmtime (the stream's prefix of
 * `bufLen` bytes); browser_wasi_shim leaves a cut entry's bytes unwritten
 * instead, which guests cannot tell apart (bufused == buf_len makes
 * wasi-libc retry with a bigger buffer), so the reference here is its full
 * stream cut at `bufLen`.
 */
import { wasi as shim } from '@bjorn3/browser_wasi_shim';
import { describe, expect, it } from 'vitest';
import { encodeDirents } from './dirent.js';
import { FileType, type Dirent } from './types.js';

/** What browser_wasi_shim's fd_readdir writes: header then name per entry, cut at bufLen. */
function shimStream(entries: readonly Dirent[], bufLen: number, cookie: bigint): Uint8Array {
  const big = new Uint8Array(4096);
  const view = new DataView(big.buffer);
  let at = 0;
  for (const e of entries) {
    if (e.next <= cookie) continue;
    const d = new shim.Dirent(e.next, e.ino, e.name, e.type);
    d.write_head_bytes(view, at);
    d.write_name_bytes(big, at + d.head_length(), 4096);
    at += d.head_length() + d.name_length();
  }
  return big.slice(0, Math.min(at, bufLen));
}

describe('encodeDirents', () => {
  const entries: Dirent[] = [
    { next: 1n, ino: 10n, type: FileType.DIRECTORY, name: '.' },
    { next: 2n, ino: 1n, type: FileType.DIRECTORY, name: '..' },
    { next: 7n, ino: 0x1_0000_0001n, type: FileType.REGULAR_FILE, name: 'héllo.txt' },
    { next: 9n, ino: 12n, type: FileType.SYMBOLIC_LINK, name: 'link' },
  ];
  for (const cookie of [0n, 1n, 2n, 7n, 9n]) {
    it(`matches browser_wasi_shim for every buffer length, cookie ${cookie}`, () => {
      for (let len = 0; len <= 160; len++) {
        expect(encodeDirents(entries, len, cookie), `len ${len}`).toEqual(shimStream(entries, len, cookie));
      }
    });
  }
  it('puts d_namlen in UTF-8 bytes', () => {
    const out = encodeDirents([entries[2]!], 100);
    expect(new DataView(out.buffer).getUint32(16, true)).toBe(10);
    expect(out.length).toBe(34);
  });
});
