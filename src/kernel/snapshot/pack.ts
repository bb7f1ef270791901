import { fromBase64, toBase64 } from '../seccomp/filter-stack.js';
import { SnapshotError } from './capture.js';
import type { KernelState } from './kernel-state.js';

/**
 * The session document and its chunks (format version 3): how a snapshot is cut
 * into content-addressed pieces, and put together again.
 *
 * The document is JSON with named fields only (never positional). Every byte
 * array in it is replaced by a reference:
 *   {"$b64": "..."}                       up to 512 bytes, inline
 *   {"$bundled": SHA256, "length": N}     a file the other side has without the snapshot (a bundled
 *                                         program of public/bin, by its manifest sha256), found again on restore
 *   {"$pages": [SHA256 | null, ...], "length": N}
 *                                         64 KiB pages, each a chunk named by its SHA-256; null is a zero page
 *                                         (not stored). Equal pages, in one snapshot or across the snapshots of a
 *                                         store, are one chunk.
 * and bigints by {"$big": "decimal"}. A chunk's stored form is one byte (0 raw, 1 gzip) then the payload;
 * gzip is used where a sample of the chunk says it may pay and the result is at most 7/8 of the raw size.
 */
export const PAGE = 65536;
/** Byte arrays up to this size go inline in the document. */
const INLINE_MAX = 512;
/** Interchange format version of the document and the exported file. */
export const DOCUMENT_FORMAT = 3;

/** Files the restoring side has without the snapshot (the bundled programs): stored by hash, found again by hash. */
export interface ContentSource {
  /** Whether the content with this SHA-256 is one of them. */
  has(sha256: string): boolean;
  /** Its bytes (checked against the hash by the caller), or undefined when this side lacks it. */
  get(sha256: string): Promise<Uint8Array | undefined>;
  /** A name for messages ("/bin/cat"), when it has one. */
  describe?(sha256: string): string | undefined;
}

/** The byte services a snapshot needs from the platform. */
export interface SnapshotCodec {
  /** Lowercase hex SHA-256. */
  sha256(bytes: Uint8Array): Promise<string>;
  gzip?(bytes: Uint8Array): Promise<Uint8Array>;
  gunzip?(bytes: Uint8Array): Promise<Uint8Array>;
  /** The bundled files (public/bin): VFS files and modules with one of these hashes are referenced, not stored. */
  bundle?: ContentSource;
  /** A faster zero-page test than {@link isZero} (Node: memcmp through Buffer.compare). */
  isZero?(bytes: Uint8Array): boolean;
}

/** How a module the tasks run is found again. */
export interface ModuleRecord {
  /** Task.program: a VFS path, or `host:PATH`. */
  path: string;
  where: 'host' | 'vfs';
  /** SHA-256 of the module before wVisor's rewrite (its wvisor.rewrite section's originalSha256). */
  original?: string;
  /** The rewrite that made the module that runs: its version and options, so the other side can re-derive it. */
  rewrite?: { version: number; options: Record<string, unknown> };
  /**
   * The module's bytes as the host gave them (the original, or the rewritten module), kept when they are not
   * in the snapshot's filesystem: a host file (`where: 'host'`). Stored by hash like any file (a bundled one is
   * referenced). Absent: found at `path` (in the restored filesystem, or on the host for older files).
   */
  source?: Uint8Array;
}

/** What a snapshot holds. */
export interface SnapshotFile {
  /** wVisor version that wrote it (for messages). */
  writer: string;
  /** Unix ms when it was taken. */
  takenAt: number;
  /** The name it was saved under (stores); absent in files written by older versions. */
  name?: string;
  state: KernelState;
  /** Module hashes the tasks run (Task.moduleHash, the rewritten module) and how to find each again. */
  modules: Record<string, ModuleRecord>;
  /** The kernel's limits when saved (a restore uses them, so a module is rewritten with the same memory limit). */
  limits?: Record<string, number>;
  /** Free-form host data (the CLI records its main pid and the host directories it mounted). */
  host: Record<string, unknown>;
}

export interface Packed {
  /** The document, JSON. */
  root: Uint8Array;
  rootHash: string;
  /** Raw bytes of each referenced chunk that `known` did not have (the root excluded). */
  fresh: Map<string, Uint8Array>;
  /** Every chunk the document references, in order met, each once (the root excluded). */
  refs: string[];
  /** Non-zero memory pages over all tasks, and how many of those were not `known`. */
  pages: number;
  newPages: number;
  /** Time spent finding zero pages and hashing the rest, ms. */
  hashMs: number;
  /** Bytes of memory looked at. */
  memoryBytes: number;
}

type BlobRef = { $b64: string } | { $bundled: string; length: number } | { $pages: Array<string | null>; length: number };

/**
 * Cuts a snapshot into its document and chunks. `known(hash)` says a chunk is already stored (an
 * incremental save): its bytes are not kept in `fresh`. Memory is read whole (every page is checked
 * for zero and hashed), whatever changed.
 */
export async function packSnapshot(file: SnapshotFile, codec: SnapshotCodec, known: (hash: string) => boolean = () => false,
  now: () => number = () => Date.now()): Promise<Packed> {
  const refs = new Map<Uint8Array, BlobRef>();
  const fresh = new Map<string, Uint8Array>();
  const order = new Set<string>();
  let pages = 0;
  let newPages = 0;
  let hashMs = 0;
  let memoryBytes = 0;
  const zero = codec.isZero ?? isZero;
  const pageRefs = async (b: Uint8Array, memory: boolean): Promise<BlobRef> => {
    const t0 = now();
    const list: Array<string | null> = [];
    const hint = hints.get(b);
    for (let off = 0, i = 0; off < b.length; off += PAGE, i++) {
      const p = b.subarray(off, Math.min(b.length, off + PAGE));
      if (hint ? hint[i] === 1 : zero(p)) { list.push(null); continue; }
      const h = await codec.sha256(p);
      list.push(h);
      const isNew = !order.has(h) && !known(h);
      if (isNew && !fresh.has(h)) fresh.set(h, p);
      order.add(h);
      if (memory) { pages++; if (isNew) newPages++; }
    }
    if (memory) { hashMs += now() - t0; memoryBytes += b.length; }
    return { $pages: list, length: b.length };
  };
  // The byte arrays of the snapshot with the key each sits under, found by a synchronous walk.
  const found: Array<[Uint8Array, string]> = [];
  // A task image's zeroPages (TaskImage) spare reading the pages its maker found zero; they are not saved.
  const hints = new Map<Uint8Array, Uint8Array>();
  const walk = (v: unknown, key: string): void => {
    if (v instanceof Uint8Array) { if (key !== 'zeroPages') found.push([v, key]); return; }
    if (Array.isArray(v)) { for (const x of v) walk(x, ''); return; }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.memory instanceof Uint8Array && o.zeroPages instanceof Uint8Array && o.zeroPages.length === Math.ceil(o.memory.length / PAGE)) {
      hints.set(o.memory, o.zeroPages);
    }
    for (const k of Object.keys(o)) walk(o[k], k);
  };
  walk(file, '');
  for (const [v, key] of found) {
    if (refs.has(v)) continue;
    if (v.length <= INLINE_MAX) { refs.set(v, { $b64: toBase64(v) }); continue; }
    if (codec.bundle && (key === 'data' || key === 'source')) {
      const h = await codec.sha256(v);
      if (codec.bundle.has(h)) { refs.set(v, { $bundled: h, length: v.length }); continue; }
    }
    refs.set(v, await pageRefs(v, key === 'memory'));
  }
  const json = JSON.stringify({ format: DOCUMENT_FORMAT, ...file }, function (this: Record<string, unknown>, key: string, value: unknown) {
    if (typeof value === 'bigint') return { $big: value.toString() };
    const raw = this[key];
    if (raw instanceof Uint8Array) return key === 'zeroPages' ? undefined : refs.get(raw);
    return value;
  });
  const root = new TextEncoder().encode(json);
  return { root, rootHash: await codec.sha256(root), fresh, refs: [...order], pages, newPages, hashMs, memoryBytes };
}

/**
 * Puts a snapshot together from its document and a chunk source. `chunk(hash)` gives a chunk's raw bytes
 * (checked) or throws SnapshotError. Bundled references are found through `codec.bundle`; a missing one is
 * named.
 */
export async function unpackSnapshot(root: Uint8Array, codec: SnapshotCodec,
  chunk: (hash: string) => Promise<Uint8Array>): Promise<SnapshotFile> {
  let doc: Record<string, unknown>;
  const pending: Array<{ holder: Record<string, unknown>; key: string; ref: Record<string, unknown> }> = [];
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(root), function (this: Record<string, unknown>, key, value: unknown) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
      const o = value as Record<string, unknown>;
      if (typeof o.$big === 'string') return BigInt(o.$big);
      if (typeof o.$b64 === 'string') return inlineBytes(o.$b64);
      if (typeof o.$bundled === 'string' || (Array.isArray(o.$pages) && typeof o.length === 'number')) {
        pending.push({ holder: this, key, ref: o });
      }
      return value;
    }) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError('the snapshot is corrupt (its document does not parse); it cannot be restored');
  }
  if (!doc || typeof doc !== 'object' || doc.format !== DOCUMENT_FORMAT || !doc.state || typeof doc.state !== 'object') {
    throw new SnapshotError(`the snapshot's document is of format ${JSON.stringify(doc?.format)}, not ${DOCUMENT_FORMAT}; `
      + 'restore it with the wVisor version that wrote it');
  }
  // JSON.parse found the references (with where each goes); fill them in, each chunk fetched once.
  const cache = new Map<string, Promise<Uint8Array>>();
  const page = (h: string) => {
    let p = cache.get(h);
    if (!p) { p = chunk(h); cache.set(h, p); }
    return p;
  };
  // Fetch every page first, a few at a time (a store's reads overlap), then fill the arrays.
  const wanted = new Set<string>();
  for (const { ref } of pending) if (Array.isArray(ref.$pages)) for (const h of ref.$pages) if (typeof h === 'string') wanted.add(h);
  const list = [...wanted];
  let at = 0;
  await Promise.all(Array.from({ length: Math.min(16, list.length) }, async () => {
    while (at < list.length) await page(list[at++]);
  }));
  for (const { holder, key, ref } of pending) {
    if (typeof ref.$bundled === 'string') { holder[key] = await bundled(ref.$bundled, ref.length, codec); continue; }
    const length = ref.length as number;
    const list = ref.$pages as Array<string | null>;
    if (!Number.isInteger(length) || length < 0 || list.length !== Math.ceil(length / PAGE)) {
      throw new SnapshotError('the snapshot is corrupt (a page list does not match its length)');
    }
    const out = new Uint8Array(length);
    // A memory comes with the zero pages it has (TaskImage.zeroPages): its worker need not read them.
    const zeroPages = key === 'memory' ? new Uint8Array(list.length) : undefined;
    for (let i = 0; i < list.length; i++) {
      const h = list[i];
      if (h === null) { if (zeroPages) zeroPages[i] = 1; continue; }
      if (typeof h !== 'string') throw new SnapshotError('the snapshot is corrupt (a page list holds something that is not a hash)');
      const b = await page(h);
      const want = Math.min(PAGE, length - i * PAGE);
      if (b.length !== want) throw new SnapshotError(`the snapshot is corrupt (chunk ${h.slice(0, 12)}… has ${b.length} bytes, not ${want})`);
      out.set(b, i * PAGE);
    }
    holder[key] = out;
    if (zeroPages && length % PAGE === 0) holder.zeroPages = zeroPages;
  }
  delete doc.format;
  return doc as unknown as SnapshotFile;
}

async function bundled(hash: string, length: unknown, codec: SnapshotCodec): Promise<Uint8Array> {
  const what = codec.bundle?.describe?.(hash);
  const name = `bundled file ${what ? `${what} ` : ''}(sha256 ${hash.slice(0, 12)}…)`;
  const b = codec.bundle ? await codec.bundle.get(hash) : undefined;
  if (!b) {
    throw new SnapshotError(`the snapshot refers to ${name}, which this wVisor's bundle (public/bin) does not have; `
      + 'restore it with the wVisor version that wrote it');
  }
  if (b.length !== length || await codec.sha256(b) !== hash) {
    throw new SnapshotError(`this wVisor's copy of ${name} differs from the one the snapshot refers to; restore it with the wVisor version that wrote it`);
  }
  return b;
}

// ---- chunks --------------------------------------------------------------------------

const RAW = 0;
const GZIP = 1;

/** A chunk's stored form: gzip where it pays, else raw. */
export async function encodeChunk(raw: Uint8Array, codec: SnapshotCodec): Promise<Uint8Array> {
  if (codec.gzip && raw.length >= 256 && mayCompress(raw)) {
    const z = await codec.gzip(raw);
    if (z.length <= raw.length * 0.875) {
      const out = new Uint8Array(1 + z.length);
      out[0] = GZIP;
      out.set(z, 1);
      return out;
    }
  }
  const out = new Uint8Array(1 + raw.length);
  out[0] = RAW;
  out.set(raw, 1);
  return out;
}

/** A chunk's raw bytes from its stored form, checked against its name; SnapshotError saying what is wrong. */
export async function decodeChunk(hash: string, stored: Uint8Array, codec: SnapshotCodec): Promise<Uint8Array> {
  const id = `${hash.slice(0, 12)}…`;
  let raw: Uint8Array;
  if (stored.length >= 1 && stored[0] === RAW) raw = stored.subarray(1);
  else if (stored.length >= 1 && stored[0] === GZIP) {
    if (!codec.gunzip) throw new SnapshotError(`chunk ${id} is compressed and this platform has no gzip`);
    try {
      raw = await codec.gunzip(stored.subarray(1));
    } catch {
      throw new SnapshotError(`the snapshot is corrupt (chunk ${id} does not decompress); it cannot be restored`);
    }
  } else {
    throw new SnapshotError(`the snapshot is corrupt (chunk ${id} has an unknown encoding); it cannot be restored`);
  }
  if (await codec.sha256(raw) !== hash) {
    throw new SnapshotError(`the snapshot is corrupt (chunk ${id} does not match its checksum); it cannot be restored`);
  }
  return raw;
}

/** Whether gzip may shrink this: the byte entropy of a sample is below 7.5 bits (random data is near 8). */
function mayCompress(b: Uint8Array): boolean {
  const step = Math.max(1, Math.floor(b.length / 4096));
  const hist = new Uint32Array(256);
  let n = 0;
  for (let i = 0; i < b.length; i += step) { hist[b[i]]++; n++; }
  let h = 0;
  for (let i = 0; i < 256; i++) if (hist[i]) { const p = hist[i] / n; h -= p * Math.log2(p); }
  return h < 7.5;
}

/** Whether every byte is zero (the pure-JS check; a codec may give a faster one, SnapshotCodec.isZero). */
export function isZero(p: Uint8Array): boolean {
  const words = p.length >> 2;
  let i = 0;
  if ((p.byteOffset & 3) === 0 && words > 0) {
    const w = new Int32Array(p.buffer, p.byteOffset, words);
    // Four words a test: fewer branches than one a word, and an early exit on the first non-zero word.
    const n4 = words & ~3;
    for (let j = 0; j < n4; j += 4) if ((w[j] | w[j + 1] | w[j + 2] | w[j + 3]) !== 0) return false;
    for (let j = n4; j < words; j++) if (w[j] !== 0) return false;
    i = words << 2;
  }
  for (; i < p.length; i++) if (p[i] !== 0) return false;
  return true;
}

function inlineBytes(s: string): Uint8Array {
  try {
    return fromBase64(s);
  } catch {
    throw new SnapshotError('the snapshot is corrupt (an inline byte string does not decode)');
  }
}
