import { createStore, delMany, get, keys, setMany, type UseStore } from 'idb-keyval';
import { SnapshotError } from '../../kernel/snapshot/capture.js';
import type { ContentSource, SnapshotCodec } from '../../kernel/snapshot/pack.js';
import { SnapshotSessions } from '../../kernel/snapshot/session.js';
import {
  checkSnapshotName, SnapshotQuotaError, type SnapshotIndexEntry, type SnapshotStore,
} from '../../kernel/snapshot/store.js';
import type { Platform } from '../../kernel/platform.js';

/**
 * The browser adapter of {@link SnapshotStore}: IndexedDB through idb-keyval, in a database of its own
 * (`wvisor-snapshots`, object store `snapshots`; the module cache is `wvisor-modules`). Keys: `c/HASH` for
 * a chunk's stored form, `i/NAME` for an index entry. A save writes its chunks in transactions of up to
 * 32 MiB each, then its index entry in a transaction of its own: a snapshot exists once its entry does, and
 * a save cut off (a closed tab, a quota) leaves the older ones whole. A QuotaExceededError becomes
 * {@link SnapshotQuotaError}, which says how many bytes the save needed.
 *
 * The page's API (window.wvisor.snapshots, the shell's `snapshot`) sits on {@link createBrowserSnapshots}.
 */

/** What the adapter needs of a key-value store; idb-keyval over one object store ({@link idbBackend}), a Map in tests. */
export interface KvBackend {
  get(key: string): Promise<unknown>;
  /** Writes every entry in one transaction: all or none. */
  setMany(entries: Array<[string, unknown]>): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  keys(): Promise<string[]>;
}

/** idb-keyval over `dbName`/`storeName` (created on first use). */
export function idbBackend(dbName = 'wvisor-snapshots', storeName = 'snapshots'): KvBackend {
  let store: UseStore | undefined;
  const s = () => (store ??= createStore(dbName, storeName));
  return {
    get: (k) => get(k, s()),
    setMany: (e) => setMany(e, s()),
    delMany: (k) => delMany(k, s()),
    keys: async () => (await keys(s())).map(String),
  };
}

const BATCH = 32 << 20;

export class IdbSnapshotStore implements SnapshotStore {
  constructor(
    private readonly kv: KvBackend = idbBackend(),
    /** The origin's storage use and quota (navigator.storage.estimate), for the usage estimate. */
    private readonly estimate: () => Promise<{ usage?: number; quota?: number } | undefined> =
      async () => (typeof navigator !== 'undefined' && navigator.storage?.estimate ? navigator.storage.estimate() : undefined),
  ) {}

  private async write(entries: Array<[string, unknown]>, bytes: number): Promise<void> {
    try {
      await this.kv.setMany(entries);
    } catch (e) {
      if (isQuotaError(e)) throw new SnapshotQuotaError('the browser\'s storage quota is exceeded', bytes);
      throw new SnapshotError(`cannot write to IndexedDB: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  putChunk(hash: string, stored: Uint8Array): Promise<void> {
    return this.putChunks([[hash, stored]]);
  }

  async putChunks(chunks: Array<[string, Uint8Array]>): Promise<void> {
    let batch: Array<[string, unknown]> = [];
    let size = 0;
    for (const [h, s] of chunks) {
      // IndexedDB clones a view's whole buffer: a chunk that is part of a larger one (an imported file) is copied out.
      batch.push([`c/${h}`, s.byteOffset === 0 && s.byteLength === s.buffer.byteLength ? s : s.slice()]);
      size += s.length;
      if (size >= BATCH) { await this.write(batch, size); batch = []; size = 0; }
    }
    if (batch.length > 0) await this.write(batch, size);
  }

  async getChunk(hash: string): Promise<Uint8Array | undefined> {
    const v = await this.kv.get(`c/${hash}`);
    return v instanceof Uint8Array ? v : undefined;
  }

  async hasChunk(hash: string): Promise<boolean> {
    return (await this.getChunk(hash)) !== undefined;
  }

  async deleteChunks(hashes: string[]): Promise<void> {
    if (hashes.length > 0) await this.kv.delMany(hashes.map((h) => `c/${h}`));
  }

  async chunkNames(): Promise<string[]> {
    return (await this.kv.keys()).filter((k) => k.startsWith('c/')).map((k) => k.slice(2));
  }

  async putIndex(name: string, entry: SnapshotIndexEntry): Promise<void> {
    checkSnapshotName(name);
    await this.write([[`i/${name}`, JSON.stringify(entry)]], JSON.stringify(entry).length);
  }

  async getIndex(name: string): Promise<SnapshotIndexEntry | undefined> {
    const v = await this.kv.get(`i/${name}`);
    if (v === undefined) return undefined;
    try {
      return JSON.parse(String(v)) as SnapshotIndexEntry;
    } catch {
      throw new SnapshotError(`the index entry of snapshot ${JSON.stringify(name)} is corrupt; remove it`);
    }
  }

  async listIndex(): Promise<SnapshotIndexEntry[]> {
    const out: SnapshotIndexEntry[] = [];
    for (const k of await this.kv.keys()) {
      if (!k.startsWith('i/')) continue;
      const e = await this.getIndex(k.slice(2));
      if (e) out.push(e);
    }
    return out;
  }

  async deleteIndex(name: string): Promise<void> {
    await this.kv.delMany([`i/${name}`]);
  }

  /** Bytes of the snapshots (each chunk once, and the entries); quota: those plus what the origin has left. */
  async usage(): Promise<{ bytes: number; quota?: number }> {
    const seen = new Map<string, number>();
    let bytes = 0;
    for (const e of await this.listIndex()) {
      bytes += JSON.stringify(e).length;
      e.chunks.forEach((h, i) => seen.set(h, e.sizes[i] ?? 0));
    }
    for (const n of seen.values()) bytes += n;
    const est = await this.estimate().catch(() => undefined);
    if (est?.quota === undefined || est.usage === undefined) return { bytes };
    return { bytes, quota: bytes + Math.max(0, est.quota - est.usage) };
  }
}

/** Whether an IndexedDB failure is the quota (a DOMException named QuotaExceededError, as the transaction's error). */
export function isQuotaError(e: unknown): boolean {
  const err = e as { name?: string; error?: { name?: string }; inner?: { name?: string } } | null;
  return err?.name === 'QuotaExceededError' || err?.error?.name === 'QuotaExceededError' || err?.inner?.name === 'QuotaExceededError';
}

/** Web Crypto's SHA-256 and CompressionStream's gzip; `bundle`: the page's /bin (see {@link pageBundle}). */
export function browserSnapshotCodec(bundle?: ContentSource): SnapshotCodec {
  return {
    sha256: async (b) => {
      const d = new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>));
      let s = '';
      for (const x of d) s += (x < 16 ? '0' : '') + x.toString(16);
      return s;
    },
    gzip: (b) => pipe(b, new CompressionStream('gzip')),
    gunzip: (b) => pipe(b, new DecompressionStream('gzip')),
    ...(bundle ? { bundle } : {}),
  };
}

async function pipe(b: Uint8Array, t: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([b as Uint8Array<ArrayBuffer>]).stream().pipeThrough(t));
  return new Uint8Array(await out.arrayBuffer());
}

/**
 * The bundled programs the page serves (public/bin: `BASE/manifest.json` and its files) as a
 * {@link ContentSource}: a snapshot refers to them by their manifest sha256, and a restore fetches them
 * (from the HTTP cache, usually). `files`: bytes the page already holds, by sha256, used before fetching.
 */
export async function pageBundle(base = 'bin/', files: Map<string, Uint8Array> = new Map()): Promise<ContentSource> {
  const list = await (await fetch(`${base}manifest.json`)).json() as Array<{ name: string; file: string; sha256: string }>;
  const byHash = new Map(list.map((e) => [e.sha256, e]));
  return {
    has: (h) => byHash.has(h),
    describe: (h) => { const e = byHash.get(h); return e ? `/bin/${e.name}` : undefined; },
    get: async (h) => {
      const held = files.get(h);
      if (held) return held;
      const e = byHash.get(h);
      if (!e) return undefined;
      const r = await fetch(`${base}${e.file}`);
      return r.ok ? new Uint8Array(await r.arrayBuffer()) : undefined;
    },
  };
}

/**
 * The page's snapshots: IndexedDB, Web Crypto, CompressionStream and the page's /bin, behind
 * {@link SnapshotSessions} (saveSession, listSessions, restoreSession, removeSession, exportSession, importSession).
 */
export function createBrowserSnapshots(platform: Platform, bundle?: ContentSource, store: SnapshotStore = new IdbSnapshotStore()): SnapshotSessions {
  return new SnapshotSessions(store, browserSnapshotCodec(bundle), platform);
}
