import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync,
} from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type ContentSource, isZero, type SnapshotCodec } from '../../kernel/snapshot/pack.js';
import {
  checkSnapshotName, SnapshotQuotaError, type SnapshotIndexEntry, type SnapshotStore,
} from '../../kernel/snapshot/store.js';
import { SnapshotError } from '../../kernel/snapshot/capture.js';
import { bundledBin } from './node-sandbox.js';

/**
 * The Node adapter of {@link SnapshotStore}: files under a directory.
 *
 *   DIR/chunks/abcd…      a chunk's stored form, named by its SHA-256
 *   DIR/index/NAME.json   a snapshot's index entry (NAME URI-encoded)
 *   DIR/tmp/              files being written
 *
 * An index entry is written under DIR/tmp and renamed into place, after every chunk it lists, so a reader
 * never sees half an entry and a save cut off (a crash, a full disk) leaves the older snapshots as they
 * were (see putChunk for why chunks need no rename). With `fsync: true` each file is flushed before the
 * entry is renamed (durable across power loss, slower).
 * ENOSPC and EDQUOT become {@link SnapshotQuotaError}.
 */
export class NodeSnapshotStore implements SnapshotStore {
  /** Directories made so far (each is made once). */
  private readonly made = new Set<string>();

  constructor(readonly dir: string, private readonly options: { fsync?: boolean } = {}) {}

  private async mkdir(d: string): Promise<void> {
    if (this.made.has(d)) return;
    await fs.mkdir(d, { recursive: true });
    this.made.add(d);
  }

  private chunkPath(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new SnapshotError(`bad chunk name ${JSON.stringify(hash)}`);
    return join(this.dir, 'chunks', hash);
  }

  private indexPath(name: string): string {
    checkSnapshotName(name);
    return join(this.dir, 'index', `${encodeURIComponent(name)}.json`);
  }

  /** Writes `bytes` at `path` atomically (temporary file, rename). */
  private async writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
    const tmpDir = join(this.dir, 'tmp');
    const tmp = join(tmpDir, `${randomBytes(8).toString('hex')}.part`);
    try {
      await this.mkdir(tmpDir);
      await this.mkdir(join(path, '..'));
      const fh = await fs.open(tmp, 'w');
      try {
        await fh.writeFile(bytes);
        if (this.options.fsync) await fh.datasync();
      } finally {
        await fh.close();
      }
      await fs.rename(tmp, path);
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => {});
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw new SnapshotQuotaError(`no space left in ${this.dir} (${code})`, bytes.length);
      }
      throw new SnapshotError(`cannot write the snapshot store ${this.dir}: ${(e as Error).message}`);
    }
  }

  /**
   * Writes a chunk straight under its name, synchronously (a few hundred small files a save: the thread
   * pool's round trips would cost more than the writes). No rename is needed: a chunk is read only through
   * an entry that lists it, entries are written after their chunks, a listed chunk is never written again,
   * and every read is checked against the hash, so a chunk cut short by a crash is unlisted and rewritten
   * whole by the next save that needs it.
   */
  async putChunk(hash: string, stored: Uint8Array): Promise<void> {
    const path = this.chunkPath(hash);
    try {
      const d = join(path, '..');
      if (!this.made.has(d)) { mkdirSync(d, { recursive: true }); this.made.add(d); }
      if (this.options.fsync) {
        const fd = openSync(path, 'w');
        try {
          writeSync(fd, stored);
          fdatasyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } else {
        writeFileSync(path, stored);
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      rmSync(path, { force: true });
      if (code === 'ENOSPC' || code === 'EDQUOT') throw new SnapshotQuotaError(`no space left in ${this.dir} (${code})`, stored.length);
      throw new SnapshotError(`cannot write the snapshot store ${this.dir}: ${(e as Error).message}`);
    }
  }

  async putChunks(chunks: Array<[string, Uint8Array]>): Promise<void> {
    for (const [h, s] of chunks) await this.putChunk(h, s);
  }

  /** Reads a chunk synchronously (as putChunk writes: thousands of small files a restore). */
  async getChunk(hash: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(readFileSync(this.chunkPath(hash)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SnapshotError(`cannot read the snapshot store ${this.dir}: ${(e as Error).message}`);
    }
  }

  async hasChunk(hash: string): Promise<boolean> {
    try {
      await fs.access(this.chunkPath(hash));
      return true;
    } catch {
      return false;
    }
  }

  async deleteChunks(hashes: string[]): Promise<void> {
    for (const h of hashes) await fs.rm(this.chunkPath(h), { force: true });
  }

  async chunkNames(): Promise<string[]> {
    return (await readdirOrEmpty(join(this.dir, 'chunks'))).filter((f) => /^[0-9a-f]{64}$/.test(f));
  }

  async putIndex(name: string, entry: SnapshotIndexEntry): Promise<void> {
    await this.writeAtomic(this.indexPath(name), new TextEncoder().encode(JSON.stringify(entry)));
  }

  async getIndex(name: string): Promise<SnapshotIndexEntry | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.indexPath(name), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SnapshotError(`cannot read the snapshot store ${this.dir}: ${(e as Error).message}`);
    }
    return parseEntry(text, name);
  }

  async listIndex(): Promise<SnapshotIndexEntry[]> {
    const out: SnapshotIndexEntry[] = [];
    for (const f of await readdirOrEmpty(join(this.dir, 'index'))) {
      if (!f.endsWith('.json')) continue;
      const name = decodeURIComponent(f.slice(0, -5));
      out.push(parseEntry(await fs.readFile(join(this.dir, 'index', f), 'utf8'), name));
    }
    return out;
  }

  async deleteIndex(name: string): Promise<void> {
    await fs.rm(this.indexPath(name), { force: true });
  }

  /** Bytes of the snapshots (each chunk once, by the entries' sizes, and the entry files); quota: those plus the disk's free space. */
  async usage(): Promise<{ bytes: number; quota?: number }> {
    const sizes = new Map<string, number>();
    for (const e of await this.listIndex()) e.chunks.forEach((h, i) => sizes.set(h, e.sizes[i] ?? 0));
    let bytes = 0;
    for (const n of sizes.values()) bytes += n;
    for (const f of await readdirOrEmpty(join(this.dir, 'index'))) bytes += (await fs.stat(join(this.dir, 'index', f))).size;
    try {
      const s = await fs.statfs(this.dir);
      return { bytes, quota: bytes + s.bavail * s.bsize };
    } catch {
      return { bytes };
    }
  }
}

function parseEntry(text: string, name: string): SnapshotIndexEntry {
  try {
    const e = JSON.parse(text) as SnapshotIndexEntry;
    if (e && typeof e.root === 'string' && Array.isArray(e.chunks)) return e;
  } catch {
    // fall through
  }
  throw new SnapshotError(`the index entry of snapshot ${JSON.stringify(name)} is corrupt; remove it`);
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * public/bin as a {@link ContentSource}: the bundled programs by their manifest sha256, read from disk when
 * asked for. The manifest is read again whenever it changes (a rebuild of the guests), so the bundle is
 * always the one on disk.
 */
export function nodeBundle(dir: string = bundledBin): ContentSource {
  type Entry = { name: string; file: string; sha256: string };
  let byHash = new Map<string, Entry>();
  let seen = -1;
  const current = (): Map<string, Entry> => {
    const file = join(dir, 'manifest.json');
    let mtime = -2;
    try {
      mtime = statSync(file).mtimeMs;
    } catch {
      // No manifest: no bundle.
    }
    if (mtime !== seen) {
      seen = mtime;
      try {
        const list = JSON.parse(readFileSync(file, 'utf8')) as Entry[];
        byHash = new Map(list.filter((e) => typeof e.sha256 === 'string').map((e) => [e.sha256, e]));
      } catch {
        byHash = new Map();
      }
    }
    return byHash;
  };
  return {
    has: (h) => current().has(h),
    describe: (h) => { const e = current().get(h); return e ? `/bin/${e.name}` : undefined; },
    get: async (h) => {
      const e = current().get(h);
      if (!e) return undefined;
      try {
        return new Uint8Array(await fs.readFile(join(dir, e.file)));
      } catch {
        return undefined;
      }
    },
  };
}

const ZERO = Buffer.alloc(65536);

/** Hashing and gzip for snapshots on Node (node:crypto, node:zlib at level 1), with public/bin as the bundle. */
export function nodeSnapshotCodec(bundle: ContentSource | undefined = nodeBundle()): SnapshotCodec {
  return {
    sha256: async (b) => createHash('sha256').update(b).digest('hex'),
    gzip: async (b) => gzipSync(b, { level: 1 }),
    gunzip: async (b) => gunzipSync(b),
    isZero: (b) => (b.length <= ZERO.length
      ? Buffer.compare(Buffer.from(b.buffer, b.byteOffset, b.length), ZERO.subarray(0, b.length)) === 0 : isZero(b)),
    ...(bundle ? { bundle } : {}),
  };
}
