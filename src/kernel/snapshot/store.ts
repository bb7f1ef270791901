import { SnapshotError } from './capture.js';

/**
 * Where snapshots live: a content-addressed chunk store plus an index of named
 * snapshots (docs/ARCHITECTURE.md, "Stored snapshots"). Platform-free; the
 * adapters are src/platform/node/snapshot-store.ts (files under a directory)
 * and src/platform/browser/snapshot-store.ts (IndexedDB), and
 * {@link MemorySnapshotStore} here (tests, and the CLI's one-file snapshots).
 *
 * A chunk is stored under the lowercase hex SHA-256 of its raw bytes; its
 * stored value is one encoding byte (0 raw, 1 gzip) then the payload, so every
 * read is checked against its name. A snapshot is a root chunk (the session
 * document, JSON) plus the chunks it names, listed in its index entry.
 *
 * Writes are atomic by order: every chunk of a snapshot is written before its
 * index entry, and a snapshot exists only once its entry does. A store keeps no
 * reference counts: an entry lists the chunks it references, a chunk is live
 * while some entry lists it, and removing an entry frees the chunks no other
 * entry lists. The store assumes one writer at a time (one page or one CLI).
 */
export interface SnapshotStore {
  /** Stores a chunk (the stored form: encoding byte + payload). Replaces one of that name. */
  putChunk(hash: string, stored: Uint8Array): Promise<void>;
  /**
   * Stores many chunks, in one transaction where the backend has them (IndexedDB).
   * Optional: without it {@link putChunk} is called for each.
   */
  putChunks?(chunks: Array<[hash: string, stored: Uint8Array]>): Promise<void>;
  /** The stored form of a chunk, or undefined if there is none. */
  getChunk(hash: string): Promise<Uint8Array | undefined>;
  hasChunk(hash: string): Promise<boolean>;
  deleteChunks(hashes: string[]): Promise<void>;
  /** Every chunk name in the store (for sweeping what no entry lists). */
  chunkNames(): Promise<string[]>;
  /** Writes the index entry of a snapshot, atomically: the old entry of that name or the new one, never neither. */
  putIndex(name: string, entry: SnapshotIndexEntry): Promise<void>;
  getIndex(name: string): Promise<SnapshotIndexEntry | undefined>;
  listIndex(): Promise<SnapshotIndexEntry[]>;
  deleteIndex(name: string): Promise<void>;
  /** Bytes the store holds, and the backend's quota where it knows one. */
  usage(): Promise<{ bytes: number; quota?: number }>;
}

/** One named snapshot: what it references and what it holds. Plain JSON. */
export interface SnapshotIndexEntry {
  name: string;
  /** Unix ms when it was taken. */
  date: number;
  /** wVisor version that wrote it. */
  writer: string;
  /** Interchange format version of its root document (3). */
  format: number;
  /** Hash of the root chunk (the session document). */
  root: string;
  /** Tasks in the snapshot (zombies included). */
  tasks: number;
  /** Memory pages that are not zero, over all tasks. */
  pages: number;
  /** Stored bytes of every chunk it references (shared ones counted in full). */
  bytes: number;
  /** Every chunk it references, root included, and each one's stored size (same order). */
  chunks: string[];
  sizes: number[];
}

/** A store refused a write for lack of space. `needed` is the stored bytes the save wanted to write in all. */
export class SnapshotQuotaError extends SnapshotError {
  constructor(message: string, readonly needed: number, readonly available?: number) {
    super(message);
    this.name = 'SnapshotQuotaError';
  }
}

/** The snapshots of a store, newest first: what a list shows. */
export interface SnapshotListItem {
  name: string;
  date: number;
  bytes: number;
  tasks: number;
  pages: number;
}

export interface MemoryStoreOptions {
  /** Fault injection: the Nth write (1-based, chunks and index entries counted alike) and every later one fails with a quota error. */
  failAtWrite?: number;
  /** Fault injection: writes that would take the store past this many stored bytes fail with a quota error. */
  quotaBytes?: number;
}

/** A store in memory: the tests' store (with quota failures injected on demand) and the CLI's one-file snapshots. */
export class MemorySnapshotStore implements SnapshotStore {
  readonly chunks = new Map<string, Uint8Array>();
  readonly index = new Map<string, string>();
  /** Writes attempted so far (successful or not). */
  writes = 0;

  /** Faults to inject; may be changed between writes. */
  readonly faults: MemoryStoreOptions;

  constructor(faults: MemoryStoreOptions = {}) {
    this.faults = { ...faults };
  }

  private admit(bytes: number, replaced: number): void {
    this.writes++;
    const { failAtWrite, quotaBytes } = this.faults;
    if (failAtWrite !== undefined && this.writes >= failAtWrite) {
      throw new SnapshotQuotaError(`storage quota exceeded at write ${this.writes} (injected)`, bytes);
    }
    if (quotaBytes !== undefined) {
      const used = this.usedBytes();
      if (used - replaced + bytes > quotaBytes) {
        throw new SnapshotQuotaError('storage quota exceeded', bytes, Math.max(0, quotaBytes - used));
      }
    }
  }

  private usedBytes(): number {
    let n = 0;
    for (const c of this.chunks.values()) n += c.length;
    for (const e of this.index.values()) n += e.length;
    return n;
  }

  async putChunk(hash: string, stored: Uint8Array): Promise<void> {
    this.admit(stored.length, this.chunks.get(hash)?.length ?? 0);
    this.chunks.set(hash, stored.slice());
  }

  async getChunk(hash: string): Promise<Uint8Array | undefined> {
    return this.chunks.get(hash);
  }

  async hasChunk(hash: string): Promise<boolean> {
    return this.chunks.has(hash);
  }

  async deleteChunks(hashes: string[]): Promise<void> {
    for (const h of hashes) this.chunks.delete(h);
  }

  async chunkNames(): Promise<string[]> {
    return [...this.chunks.keys()];
  }

  async putIndex(name: string, entry: SnapshotIndexEntry): Promise<void> {
    const json = JSON.stringify(entry);
    this.admit(json.length, this.index.get(name)?.length ?? 0);
    this.index.set(name, json);
  }

  async getIndex(name: string): Promise<SnapshotIndexEntry | undefined> {
    const json = this.index.get(name);
    return json === undefined ? undefined : JSON.parse(json) as SnapshotIndexEntry;
  }

  async listIndex(): Promise<SnapshotIndexEntry[]> {
    return [...this.index.values()].map((j) => JSON.parse(j) as SnapshotIndexEntry);
  }

  async deleteIndex(name: string): Promise<void> {
    this.index.delete(name);
  }

  async usage(): Promise<{ bytes: number; quota?: number }> {
    return this.faults.quotaBytes !== undefined ? { bytes: this.usedBytes(), quota: this.faults.quotaBytes }
      : { bytes: this.usedBytes() };
  }
}

/** Checks a snapshot name: 1..128 characters, no control characters, no `/` or `\` (it names a file in the Node store). */
export function checkSnapshotName(name: string): void {
  // eslint-disable-next-line no-control-regex
  if (typeof name !== 'string' || name.length === 0 || name.length > 128 || /[\u0000-\u001f\u007f/\\]/.test(name)
    || name === '.' || name === '..') {
    throw new SnapshotError(`bad snapshot name ${JSON.stringify(name)}: use 1 to 128 characters without "/", "\\" or control characters`);
  }
}
