import { SnapshotError } from './capture.js';
import { decodeSnapshotV2 } from './format-v2.js';
import { decodeChunk, encodeChunk, packSnapshot, unpackSnapshot, type SnapshotCodec, type SnapshotFile } from './pack.js';

export type { ContentSource, ModuleRecord, SnapshotCodec, SnapshotFile } from './pack.js';

/**
 * The exported snapshot file, the interchange format between stores (a page's IndexedDB, a directory, the
 * CLI's `--snapshot FILE`): self-contained, one snapshot's document and every chunk it references.
 *
 *   0   "WVISNAP\n"        magic
 *   8   u32 format version (3)
 *   12  u32 flags (reserved, 0)
 *   16  32 bytes: SHA-256 of the document (the root chunk's raw bytes)
 *   48  u32 number of chunk records, u32 reserved (0)
 *   56  records, the root first: 32 bytes SHA-256 of the chunk's raw bytes, u32 stored length, stored bytes
 *       (one encoding byte, 0 raw or 1 gzip, then the payload; see pack.ts)
 * All integers little-endian. Every chunk is checked against its hash when read, so a flipped bit names
 * the chunk it is in; a file cut short says so; bundled programs are referenced by their manifest sha256
 * (pack.ts), so they are the one thing the file relies on the other side for.
 *
 * Version 2 files (one gzip-chunked payload, wVisor before this format) are still read: they hold the
 * seccomp filters too (format-v2.ts). Version 1 files, which lacked them, are refused with a message.
 */
export const SNAPSHOT_MAGIC = 'WVISNAP\n';
export const SNAPSHOT_VERSION = 3;
const HEADER = 56;
const RECORD = 36;

/** A parsed exported file: its root and its chunks in stored form. */
export interface SnapshotArchive {
  root: string;
  chunks: Map<string, Uint8Array>;
}

/** Writes an exported file from a root hash and chunks in stored form (the root among them). */
export function writeArchive(root: string, chunks: Array<[string, Uint8Array]>): Uint8Array {
  const ordered = [...chunks].sort((a, b) => (a[0] === root ? -1 : b[0] === root ? 1 : 0));
  if (ordered[0]?.[0] !== root) throw new Error('writeArchive: the root chunk is missing');
  let size = HEADER;
  for (const [, s] of ordered) size += RECORD + s.length;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set(new TextEncoder().encode(SNAPSHOT_MAGIC), 0);
  dv.setUint32(8, SNAPSHOT_VERSION, true);
  dv.setUint32(12, 0, true);
  out.set(hexToBytes(root), 16);
  dv.setUint32(48, ordered.length, true);
  dv.setUint32(52, 0, true);
  let at = HEADER;
  for (const [h, s] of ordered) {
    out.set(hexToBytes(h), at);
    dv.setUint32(at + 32, s.length, true);
    out.set(s, at + RECORD);
    at += RECORD + s.length;
  }
  return out;
}

/** The format version of a file, after checking the magic (SnapshotError for a file that is not a snapshot). */
export function snapshotVersion(bytes: Uint8Array): number {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== SNAPSHOT_MAGIC) {
    throw new SnapshotError('not a wVisor snapshot (the magic bytes are missing); give a file written by wvisor run --snapshot '
      + 'or exported from the page');
  }
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (version === 1) {
    throw new SnapshotError('snapshot format version 1 was written by an earlier wVisor that did not save seccomp filters, '
      + 'so restoring it could run a filtered program unfiltered; take the snapshot again with this version');
  }
  if (version !== 2 && version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(`snapshot format version ${version} is not supported (this wVisor reads versions 2 and ${SNAPSHOT_VERSION}); `
      + 'restore it with the wVisor version that wrote it');
  }
  return version;
}

/**
 * Splits a version 3 file into its records, checking its structure (not yet the chunks' hashes: they are
 * checked when decoded). SnapshotError for a truncated or malformed file.
 */
export function readArchive(bytes: Uint8Array): SnapshotArchive {
  snapshotVersion(bytes);
  if (bytes.length < HEADER) throw new SnapshotError('the snapshot is truncated (it ends inside its header); it cannot be restored');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const root = bytesToHex(bytes.subarray(16, 48));
  const count = dv.getUint32(48, true);
  const chunks = new Map<string, Uint8Array>();
  let at = HEADER;
  for (let i = 0; i < count; i++) {
    if (at + RECORD > bytes.length) {
      throw new SnapshotError(`the snapshot is truncated (it ends before chunk ${i + 1} of ${count}); it cannot be restored`);
    }
    const h = bytesToHex(bytes.subarray(at, at + 32));
    const n = dv.getUint32(at + 32, true);
    if (at + RECORD + n > bytes.length) {
      throw new SnapshotError(`the snapshot is truncated (it ends inside chunk ${i + 1} of ${count}); it cannot be restored`);
    }
    if (i === 0 && h !== root) throw new SnapshotError('the snapshot is corrupt (its first chunk is not its document); it cannot be restored');
    chunks.set(h, bytes.subarray(at + RECORD, at + RECORD + n));
    at += RECORD + n;
  }
  if (at !== bytes.length) {
    throw new SnapshotError(`the snapshot is corrupt (${bytes.length - at} bytes follow its last chunk); it cannot be restored`);
  }
  return { root, chunks };
}

/** A chunk source over a parsed file: each chunk decoded and checked; a missing one is named. */
export function archiveChunks(a: SnapshotArchive, codec: SnapshotCodec): (hash: string) => Promise<Uint8Array> {
  return async (h) => {
    const s = a.chunks.get(h);
    if (!s) throw new SnapshotError(`the snapshot is corrupt (it lacks chunk ${h.slice(0, 12)}…, which it refers to); it cannot be restored`);
    return decodeChunk(h, s, codec);
  };
}

/** Serialises a snapshot as a self-contained version 3 file. */
export async function encodeSnapshot(file: SnapshotFile, codec: SnapshotCodec): Promise<Uint8Array> {
  const packed = await packSnapshot(file, codec);
  const chunks: Array<[string, Uint8Array]> = [[packed.rootHash, await encodeChunk(packed.root, codec)]];
  for (const [h, raw] of packed.fresh) chunks.push([h, await encodeChunk(raw, codec)]);
  return writeArchive(packed.rootHash, chunks);
}

/** Reads a snapshot file (version 3, or 2); refuses (SnapshotError) a file that is not one, of another version, or corrupt. */
export async function decodeSnapshot(bytes: Uint8Array, codec: SnapshotCodec): Promise<SnapshotFile> {
  if (snapshotVersion(bytes) === 2) return decodeSnapshotV2(bytes, codec);
  const a = readArchive(bytes);
  const get = archiveChunks(a, codec);
  return unpackSnapshot(await get(a.root), codec, get);
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}
