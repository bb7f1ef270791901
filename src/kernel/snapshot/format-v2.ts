import { SnapshotError } from './capture.js';
import type { SnapshotCodec, SnapshotFile } from './pack.js';

/**
 * Format version 2, the file wVisor wrote before the content-addressed format 3: read so such files
 * still restore (they hold each task's seccomp filters, so nothing is lost), and written only by tests.
 *
 *   0   "WVISNAP\n"            magic
 *   8   u32 format version (2)
 *   12  u32 flags (reserved, 0)
 *   16  32 bytes SHA-256 of the uncompressed payload
 *   48  chunks: u32 raw length, u32 stored length, u32 1 if gzip else 0, stored bytes
 *   the payload: u32 JSON length, JSON, then the attachments (u32 length, bytes) back to back
 * Memory is cut into 64 KiB pages; zero pages are elided and equal pages stored once.
 */
const PAGE = 65536;
const CHUNK = 1 << 20;

/** Serialises a snapshot: Uint8Arrays become attachments (memories paged and deduplicated), bigints strings. */
export async function encodeSnapshotV2(file: SnapshotFile, codec: SnapshotCodec): Promise<Uint8Array> {
  const blobs: Uint8Array[] = [];
  const pages = new Map<string, number[]>();
  const pageIndex = (p: Uint8Array): number => {
    const key = quickHash(p);
    const bucket = pages.get(key) ?? [];
    for (const i of bucket) if (equal(blobs[i], p)) return i;
    blobs.push(p);
    bucket.push(blobs.length - 1);
    pages.set(key, bucket);
    return blobs.length - 1;
  };
  const json = JSON.stringify(file, function (this: Record<string, unknown>, key: string, value: unknown) {
    if (typeof value === 'bigint') return { $big: value.toString() };
    const raw = this[key];
    if (raw instanceof Uint8Array) {
      if (key === 'memory') {
        const list: number[] = [];
        for (let off = 0; off < raw.length; off += PAGE) {
          const p = raw.subarray(off, Math.min(raw.length, off + PAGE));
          list.push(isZero(p) ? -1 : pageIndex(p));
        }
        return { $pages: list, length: raw.length };
      }
      blobs.push(raw);
      return { $bin: blobs.length - 1 };
    }
    return value;
  });
  const jsonBytes = new TextEncoder().encode(json);
  let total = 4 + jsonBytes.length;
  for (const b of blobs) total += 4 + b.length;
  const payload = new Uint8Array(total);
  const dv = new DataView(payload.buffer);
  dv.setUint32(0, jsonBytes.length, true);
  payload.set(jsonBytes, 4);
  let at = 4 + jsonBytes.length;
  for (const b of blobs) {
    dv.setUint32(at, b.length, true);
    payload.set(b, at + 4);
    at += 4 + b.length;
  }
  const sum = hexToBytes(await codec.sha256(payload));
  const chunks: Array<{ raw: number; gz: boolean; bytes: Uint8Array }> = [];
  for (let off = 0; off < payload.length; off += CHUNK) {
    const raw = payload.subarray(off, Math.min(payload.length, off + CHUNK));
    let stored: Uint8Array = raw;
    let gz = false;
    if (codec.gzip) {
      const probe = raw.subarray(0, Math.min(raw.length, PAGE));
      if ((await codec.gzip(probe)).length < probe.length * 0.9) {
        const packed = await codec.gzip(raw);
        if (packed.length < raw.length) { stored = packed; gz = true; }
      }
    }
    chunks.push({ raw: raw.length, gz, bytes: stored });
  }
  let size = 48;
  for (const c of chunks) size += 12 + c.bytes.length;
  const out = new Uint8Array(size);
  out.set(new TextEncoder().encode('WVISNAP\n'), 0);
  const odv = new DataView(out.buffer);
  odv.setUint32(8, 2, true);
  odv.setUint32(12, 0, true);
  out.set(sum, 16);
  let pos = 48;
  for (const c of chunks) {
    odv.setUint32(pos, c.raw, true);
    odv.setUint32(pos + 4, c.bytes.length, true);
    odv.setUint32(pos + 8, c.gz ? 1 : 0, true);
    out.set(c.bytes, pos + 12);
    pos += 12 + c.bytes.length;
  }
  return out;
}

/** Reads a version 2 file (magic and version already checked by format.ts). */
export async function decodeSnapshotV2(bytes: Uint8Array, codec: SnapshotCodec): Promise<SnapshotFile> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (let at = 48; at < bytes.length;) {
      if (at + 12 > bytes.length) throw new Error('truncated');
      const raw = dv.getUint32(at, true);
      const stored = dv.getUint32(at + 4, true);
      const gz = dv.getUint32(at + 8, true) === 1;
      if (at + 12 + stored > bytes.length || raw > CHUNK) throw new Error('truncated');
      const body = bytes.subarray(at + 12, at + 12 + stored);
      const part = gz ? await codec.gunzip!(body) : body;
      if (part.length !== raw) throw new Error('bad chunk');
      parts.push(part);
      total += raw;
      at += 12 + stored;
    }
  } catch {
    throw new SnapshotError('the snapshot is corrupt (its chunks do not decode); it cannot be restored');
  }
  const payload = new Uint8Array(total);
  let off = 0;
  for (const p of parts) { payload.set(p, off); off += p.length; }
  const sum = await codec.sha256(payload);
  if (sum !== bytesToHex(bytes.subarray(16, 48))) {
    throw new SnapshotError('the snapshot is corrupt (checksum mismatch); it cannot be restored');
  }
  try {
    const pdv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const jsonLen = pdv.getUint32(0, true);
    const json = new TextDecoder().decode(payload.subarray(4, 4 + jsonLen));
    const blobs: Uint8Array[] = [];
    let at = 4 + jsonLen;
    while (at < payload.length) {
      const n = pdv.getUint32(at, true);
      blobs.push(payload.slice(at + 4, at + 4 + n));
      at += 4 + n;
    }
    return JSON.parse(json, (_key, value: unknown) => {
      if (value && typeof value === 'object') {
        const v = value as Record<string, unknown>;
        if (typeof v.$big === 'string') return BigInt(v.$big);
        if (typeof v.$bin === 'number') return blobs[v.$bin];
        if (Array.isArray(v.$pages) && typeof v.length === 'number') {
          const mem = new Uint8Array(v.length);
          (v.$pages as number[]).forEach((p, i) => { if (p >= 0) mem.set(blobs[p], i * PAGE); });
          return mem;
        }
      }
      return value;
    }) as SnapshotFile;
  } catch {
    throw new SnapshotError('the snapshot is corrupt (its contents do not parse); it cannot be restored');
  }
}

function isZero(p: Uint8Array): boolean {
  const w = new Uint32Array(p.buffer, p.byteOffset, p.length >> 2);
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
  for (let i = w.length << 2; i < p.length; i++) if (p[i] !== 0) return false;
  return true;
}

function quickHash(p: Uint8Array): string {
  // FNV-1a over every 64th byte plus the length: a bucket key; equality is checked byte by byte.
  let h = 0x811c9dc5 ^ p.length;
  for (let i = 0; i < p.length; i += 61) { h ^= p[i]; h = Math.imul(h, 0x01000193); }
  return (h >>> 0).toString(16);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
