import { REWRITE_VERSION } from '../../instrument/contract.js';
import { readRewriteInfo } from '../../instrument/rewrite-info.js';
import type { Kernel, KernelLimits } from '../kernel.js';
import type { Platform } from '../platform.js';
import { captureKernel, resumeFromImages, SnapshotError } from './capture.js';
import { decodeSnapshotV2 } from './format-v2.js';
import { readArchive, snapshotVersion, writeArchive } from './format.js';
import {
  decodeChunk, DOCUMENT_FORMAT, encodeChunk, type Packed, packSnapshot, unpackSnapshot,
  type ModuleRecord, type SnapshotCodec, type SnapshotFile,
} from './pack.js';
import { restoreKernel } from './restore.js';
import { movableImages } from './task-image.js';
import {
  checkSnapshotName, SnapshotQuotaError, type SnapshotIndexEntry, type SnapshotListItem, type SnapshotStore,
} from './store.js';

/**
 * Named snapshots of whole sessions in a {@link SnapshotStore} (docs/ARCHITECTURE.md, "Stored snapshots"):
 * save, list, restore, remove, export to the interchange file and import from it. Platform-free: the caller
 * gives the store, the codec (hashing, gzip, the bundled files) and, to restore, the platform.
 *
 * Results: a save or an import gives {@link SaveResult} `{name, bytes, pages, newPages, ms, ...}`, a list
 * {@link SnapshotListItem}s `{name, date, bytes, tasks, pages}` newest first.
 */
export interface SaveResult {
  name: string;
  /** Stored bytes this save wrote: its new chunks and its document (a second save after a small change writes little). */
  bytes: number;
  /** Stored bytes of everything the snapshot references (shared chunks counted in full): its size on its own. */
  totalBytes: number;
  /** Memory pages that are not zero, over all tasks, and how many of those this save stored (the rest were there). */
  pages: number;
  newPages: number;
  tasks: number;
  /** Wall time of the whole save (capture, hashing, compression, writes), ms. */
  ms: number;
  /** Of which finding zero pages and hashing memory, ms (it reads all memory, whatever changed). */
  hashMs: number;
  /** Bytes of memory read. */
  memoryBytes: number;
}

export interface SaveOptions {
  /** wVisor version written into the document (for messages). */
  writer?: string;
  /** Free-form host data kept in the document (the CLI: its main pid and host directories). */
  host?: Record<string, unknown>;
  /**
   * The bytes of a program that is not in the VFS (Task.program `host:PATH`, or '' for bytes given to spawn):
   * kept in the snapshot (stored by hash; a bundled one referenced) so it restores anywhere. Absent or
   * undefined: the snapshot names the program and the restoring side must find it (RestoreOptions.hostModule).
   */
  programBytes?(program: string): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** Continue the tasks once the snapshot is taken (default true: the page keeps running; the CLI ends the kernel). */
  resume?: boolean;
  /** How long a task may take to reach a safe point, ms (captureKernel). */
  timeoutMs?: number;
  /** Runs once every task is parked, before anything is recorded (the CLI takes what the tasks wrote). */
  onParked?: () => void;
  now?: () => number;
}

export interface RestoreOptions {
  /** A program named `host:PATH` that the snapshot does not hold: its bytes, or undefined when gone. */
  hostModule?(path: string): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** Runs once the filesystem is loaded, before any module is looked up or task started (re-mount host dirs here). */
  beforeModules?(k: Kernel): void;
  /** Limits of the restored kernel; default: the saved kernel's. */
  limits?: Partial<KernelLimits>;
}

/** Saves every task of `k` and the kernel under `name`, replacing a snapshot of that name only once the new one is complete. */
export async function saveSession(k: Kernel, store: SnapshotStore, name: string, codec: SnapshotCodec,
  opts: SaveOptions = {}): Promise<SaveResult> {
  checkSnapshotName(name);
  const now = opts.now ?? (() => Date.now());
  const t0 = now();
  let state;
  try {
    state = await captureKernel(k, opts.timeoutMs, opts.onParked);
  } catch (e) {
    // A task that cannot be saved (or did not reach a safe point) fails the save: the tasks already
    // parked go on, and those asked to park that have not yet go on as soon as they do.
    if (opts.resume ?? true) {
      await resumeTasks(k);
      for (const t of k.tasks.values()) {
        if (t !== k.init && t.alive && t.snapshotRequested && !t.image) t.onImage = () => { void resumeTasks(k).catch(() => {}); };
      }
    }
    throw e;
  }
  let file: SnapshotFile;
  let encoded: Encoded;
  let entries: SnapshotIndexEntry[];
  let known: Map<string, number>;
  try {
    entries = await store.listIndex();
    known = knownChunks(entries);
    file = {
      writer: opts.writer ?? 'wvisor', takenAt: Date.now(), name, state,
      modules: await describeModules(k, codec, opts.programBytes), limits: { ...k.limits }, host: opts.host ?? {},
    };
    // Everything is hashed and encoded before the tasks go on: their images are not read after this.
    encoded = await encode(file, codec, (h) => known!.has(h), now);
  } finally {
    if (opts.resume ?? true) await resumeTasks(k);
  }
  return commit(store, name, entries, known, encoded, {
    date: file.takenAt, writer: file.writer, tasks: state.tasks.length,
  }, t0, now);
}

/** The snapshots in a store, newest first. */
export async function listSessions(store: SnapshotStore): Promise<SnapshotListItem[]> {
  return (await store.listIndex())
    .map((e) => ({ name: e.name, date: e.date, bytes: e.bytes, tasks: e.tasks, pages: e.pages }))
    .sort((a, b) => b.date - a.date || (a.name < b.name ? -1 : 1));
}

/** Reads a stored snapshot back as data (every chunk checked); SnapshotError naming what is wrong. Touches nothing. */
export async function loadSession(store: SnapshotStore, name: string, codec: SnapshotCodec): Promise<SnapshotFile> {
  const entry = await store.getIndex(name);
  if (!entry) throw new SnapshotError(`there is no snapshot named ${JSON.stringify(name)}`);
  const get = storeChunks(store, name, codec);
  try {
    return await unpackSnapshot(await get(entry.root), codec, get);
  } catch (e) {
    if (e instanceof SnapshotError && !e.message.startsWith('snapshot ')) throw new SnapshotError(`snapshot ${JSON.stringify(name)}: ${e.message}`);
    throw e;
  }
}

/** Restores a stored snapshot into a new kernel whose tasks are running again. */
export async function restoreSession(store: SnapshotStore, name: string, platform: Platform, codec: SnapshotCodec,
  opts: RestoreOptions = {}): Promise<{ kernel: Kernel; file: SnapshotFile }> {
  const file = await loadSession(store, name, codec);
  return { kernel: await restoreSnapshotFile(platform, file, codec, opts), file };
}

/** Removes a snapshot and frees the chunks no other snapshot references; resolves with the stored bytes freed. */
export async function removeSession(store: SnapshotStore, name: string): Promise<{ name: string; freed: number }> {
  const entry = await store.getIndex(name);
  if (!entry) throw new SnapshotError(`there is no snapshot named ${JSON.stringify(name)}`);
  await store.deleteIndex(name);
  const live = knownChunks(await store.listIndex());
  const dead: string[] = [];
  let freed = 0;
  entry.chunks.forEach((h, i) => { if (!live.has(h)) { dead.push(h); freed += entry.sizes[i] ?? 0; } });
  await store.deleteChunks(dead);
  return { name, freed };
}

/** Deletes chunks that no snapshot references (left by a save that was cut off); resolves with how many. */
export async function sweepStore(store: SnapshotStore): Promise<number> {
  const live = knownChunks(await store.listIndex());
  const dead = (await store.chunkNames()).filter((h) => !live.has(h));
  await store.deleteChunks(dead);
  return dead.length;
}

/** A stored snapshot as a self-contained version 3 file (format.ts); every chunk is checked on the way out unless `verify: false` (a store just written). */
export async function exportSnapshot(store: SnapshotStore, name: string, codec: SnapshotCodec,
  opts: { verify?: boolean } = {}): Promise<Uint8Array> {
  const entry = await store.getIndex(name);
  if (!entry) throw new SnapshotError(`there is no snapshot named ${JSON.stringify(name)}`);
  const chunks: Array<[string, Uint8Array]> = [];
  for (const h of entry.chunks) {
    const s = await store.getChunk(h);
    if (!s) throw new SnapshotError(`snapshot ${JSON.stringify(name)} is corrupt (chunk ${h.slice(0, 12)}… is missing from the store)`);
    if (opts.verify ?? true) {
      try {
        await decodeChunk(h, s, codec);
      } catch (e) {
        throw new SnapshotError(`snapshot ${JSON.stringify(name)}: ${(e as Error).message}`);
      }
    }
    chunks.push([h, s]);
  }
  return writeArchive(entry.root, chunks);
}

/**
 * Stores an exported file (version 3, or 2) as a snapshot, under `name` or the name it was saved under.
 * The whole file is checked first (every chunk's hash, every reference present): a corrupt or truncated
 * file is refused with the reason and the store is not touched.
 */
export async function importSnapshot(store: SnapshotStore, bytes: Uint8Array, codec: SnapshotCodec,
  opts: { name?: string; now?: () => number } = {}): Promise<SaveResult> {
  const now = opts.now ?? (() => Date.now());
  const t0 = now();
  const entries = await store.listIndex();
  const known = knownChunks(entries);
  let file: SnapshotFile;
  let stored: Map<string, Uint8Array> | undefined;
  if (snapshotVersion(bytes) === 2) {
    file = await decodeSnapshotV2(bytes, codec);
  } else {
    const a = readArchive(bytes);
    const raw = new Map<string, Uint8Array>();
    for (const [h, s] of a.chunks) raw.set(h, await decodeChunk(h, s, codec));
    // Unpacking checks that every referenced chunk is there and every bundled file is found on this side.
    file = await unpackSnapshot(raw.get(a.root)!, codec, async (h) => {
      const b = raw.get(h);
      if (!b) throw new SnapshotError(`the snapshot is corrupt (it lacks chunk ${h.slice(0, 12)}…, which it refers to); it cannot be restored`);
      return b;
    });
    stored = a.chunks;
  }
  const name = opts.name ?? file.name ?? `imported-${new Date(file.takenAt).toISOString().replace(/:/g, '-')}`;
  checkSnapshotName(name);
  file.name = name;
  // The file's stored forms are kept (compressed where it paid); only the document is written anew (it holds the name).
  const encoded = await encode(file, codec, (h) => known.has(h), now, (h) => stored?.get(h));
  return commit(store, name, entries, known, encoded,
    { date: file.takenAt, writer: file.writer, tasks: file.state.tasks.length }, t0, now);
}

/**
 * Restores a snapshot's data into a new kernel, finding each module (RestoreOptions); never half-applies.
 * The tasks' memory images are handed to the new workers (moved, not copied): `file` holds none afterwards.
 */
export async function restoreSnapshotFile(platform: Platform, file: SnapshotFile, codec: SnapshotCodec,
  opts: RestoreOptions = {}): Promise<Kernel> {
  const saved: Partial<KernelLimits> = {};
  for (const key of ['maxTasks', 'maxFds', 'maxPipes', 'maxMemoryPages', 'vfsBytes'] as const) {
    const v = file.limits?.[key];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) saved[key] = v;
  }
  // The images were decoded for this restore: their buffers move to the workers (the file's arrays are empty after).
  for (const t of file.state.tasks) if (t.image) movableImages.add(t.image);
  let prepared = false;
  return restoreKernel(platform, file.state, async (hash, k) => {
    if (!prepared) { prepared = true; opts.beforeModules?.(k); }
    return findModule(k, hash, file, codec, opts);
  }, { ...saved, ...opts.limits });
}

// ---- internals -------------------------------------------------------------------------

/** What packSnapshot gives, with `fresh` holding the stored (compressed) forms of the chunks to write, the root included. */
type Encoded = Packed;

async function encode(file: SnapshotFile, codec: SnapshotCodec, known: (h: string) => boolean, now: () => number,
  storedForm: (h: string) => Uint8Array | undefined = () => undefined): Promise<Encoded> {
  const p = await packSnapshot(file, codec, known, now);
  const fresh = new Map<string, Uint8Array>();
  for (const [h, raw] of p.fresh) fresh.set(h, storedForm(h) ?? await encodeChunk(raw, codec));
  fresh.set(p.rootHash, await encodeChunk(p.root, codec));
  return { ...p, fresh };
}

/** Stored size of every chunk the entries reference. */
function knownChunks(entries: SnapshotIndexEntry[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of entries) e.chunks.forEach((h, i) => m.set(h, e.sizes[i] ?? 0));
  return m;
}

/** Writes the new chunks, then the index entry; on a failure removes what it wrote and leaves every older snapshot as it was. */
async function commit(store: SnapshotStore, name: string, entries: SnapshotIndexEntry[],
  known: Map<string, number>, enc: Encoded, meta: { date: number; writer: string; tasks: number }, t0: number,
  now: () => number): Promise<SaveResult> {
  const chunks = [enc.rootHash, ...enc.refs.filter((h) => h !== enc.rootHash)];
  const sizes = chunks.map((h) => enc.fresh.get(h)?.length ?? known.get(h) ?? 0);
  const toWrite = [...enc.fresh].filter(([h]) => !known.has(h));
  const entry: SnapshotIndexEntry = {
    name, date: meta.date, writer: meta.writer, format: DOCUMENT_FORMAT, root: enc.rootHash, tasks: meta.tasks,
    pages: enc.pages, bytes: sizes.reduce((a, b) => a + b, 0), chunks, sizes,
  };
  let needed = 0;
  for (const [, s] of toWrite) needed += s.length;
  const indexBytes = JSON.stringify(entry).length;
  needed += indexBytes;
  const usage = await store.usage().catch(() => undefined);
  const quotaFail = (available?: number): SnapshotQuotaError => new SnapshotQuotaError(
    `not enough storage for snapshot ${JSON.stringify(name)}: it needs ${needed} bytes`
      + `${available !== undefined ? ` and ${available} are free` : ''}; remove a snapshot or free space and save again `
      + '(the other snapshots are untouched)', needed, available);
  if (usage?.quota !== undefined && usage.bytes + needed > usage.quota) throw quotaFail(Math.max(0, usage.quota - usage.bytes));
  const written: string[] = [];
  try {
    if (store.putChunks) {
      // Any of them may have been written before a failure.
      written.push(...toWrite.map(([h]) => h));
      await store.putChunks(toWrite);
    } else {
      for (const [h, s] of toWrite) { written.push(h); await store.putChunk(h, s); }
    }
    await store.putIndex(name, entry);
  } catch (e) {
    // Nothing references what this save wrote: take it back (best effort), so a failed save costs no space.
    await store.deleteChunks(written.filter((h) => !known.has(h))).catch(() => {});
    if (e instanceof SnapshotQuotaError) throw quotaFail(e.available);
    throw e;
  }
  const old = entries.find((e) => e.name === name);
  if (old) {
    // The name now points at the new snapshot: free what only the old one used.
    const live = knownChunks([entry, ...entries.filter((e) => e.name !== name)]);
    await store.deleteChunks(old.chunks.filter((h) => !live.has(h)));
  }
  let bytes = 0;
  for (const [, s] of toWrite) bytes += s.length;
  return {
    name, bytes, totalBytes: entry.bytes, pages: enc.pages, newPages: enc.newPages, tasks: meta.tasks, ms: now() - t0,
    hashMs: enc.hashMs, memoryBytes: enc.memoryBytes,
  };
}

function storeChunks(store: SnapshotStore, name: string, codec: SnapshotCodec): (hash: string) => Promise<Uint8Array> {
  return async (h) => {
    const s = await store.getChunk(h);
    if (!s) throw new SnapshotError(`snapshot ${JSON.stringify(name)} is corrupt (chunk ${h.slice(0, 12)}… is missing from the store); it cannot be restored`);
    try {
      return await decodeChunk(h, s, codec);
    } catch (e) {
      throw new SnapshotError(`snapshot ${JSON.stringify(name)}: ${(e as Error).message}`);
    }
  };
}

/** Continues every parked task with the module it ran (its image, already encoded, is moved to the new worker). */
async function resumeTasks(k: Kernel): Promise<void> {
  for (const t of k.tasks.values()) if (t.image) movableImages.add(t.image);
  await resumeFromImages(k, async (hash) => {
    const m = k.modules.compiled(hash);
    if (!m) throw new SnapshotError(`module ${hash.slice(0, 12)}… is no longer loaded; the tasks running it cannot continue`);
    return m;
  });
}

/** How each module the live tasks run is found again: where it came from, what it was before the rewrite, its bytes when not in the VFS. */
async function describeModules(k: Kernel, codec: SnapshotCodec,
  programBytes: SaveOptions['programBytes']): Promise<Record<string, ModuleRecord>> {
  const out: Record<string, ModuleRecord> = {};
  for (const t of k.tasks.values()) {
    if (t === k.init || !t.moduleHash || out[t.moduleHash]) continue;
    const where = t.program === '' || t.program.startsWith('host:') ? 'host' : 'vfs';
    const rec: ModuleRecord = { path: t.program, where };
    const m = k.modules.compiled(t.moduleHash);
    let info = null;
    try {
      info = m ? readRewriteInfo(m) : null;
    } catch {
      info = null;
    }
    if (info) {
      rec.original = info.originalSha256;
      rec.rewrite = { version: info.version, options: { ...info.options } };
    }
    if (where === 'host' && t.image && programBytes) {
      const b = await programBytes(t.program);
      if (b) {
        const h = await codec.sha256(b);
        if (h !== t.moduleHash && h !== info?.originalSha256) {
          throw new SnapshotError(`module ${t.program.replace(/^host:/, '')} has changed since task ${t.pid} started it `
            + '(its hash differs), so the snapshot cannot hold the module that runs; put the file back and save again');
        }
        rec.source = b;
      }
    }
    out[t.moduleHash] = rec;
  }
  return out;
}

/** The compiled module a restored task runs: from the snapshot, the bundle, the restored VFS or the host. */
async function findModule(k: Kernel, hash: string, file: SnapshotFile, codec: SnapshotCodec,
  opts: RestoreOptions): Promise<WebAssembly.Module> {
  const rec = file.modules[hash] as ModuleRecord | undefined;
  const task = file.state.tasks.find((t) => t.moduleHash === hash);
  const path = rec?.path ?? task?.program ?? '';
  const shown = path === '' ? `module ${hash.slice(0, 12)}…` : `module ${path.replace(/^host:/, '')}`;
  let bytes: Uint8Array | undefined = rec?.source;
  if (!bytes) {
    if (path !== '' && !path.startsWith('host:')) {
      const r = k.readFile(path);
      if (typeof r === 'number') throw new SnapshotError(`${shown} is missing from the snapshot's filesystem`);
      bytes = r;
    } else if (path.startsWith('host:')) {
      bytes = await opts.hostModule?.(path.slice('host:'.length));
      if (!bytes) throw new SnapshotError(`${shown} is missing; put the same file back there to restore`);
    } else {
      throw new SnapshotError(`${shown} is not in the snapshot and it does not say where it came from`);
    }
  }
  let loaded;
  try {
    loaded = await k.modules.load(bytes);
  } catch (e) {
    throw new SnapshotError(`${shown} cannot be loaded: ${(e as Error).message}`);
  }
  if (loaded.hash !== hash) {
    const given = await codec.sha256(bytes);
    if (rec?.rewrite && rec.original === given) {
      throw new SnapshotError(`${shown} (sha256 ${given.slice(0, 12)}… before the rewrite) was rewritten by rewrite version `
        + `${rec.rewrite.version} with ${JSON.stringify(rec.rewrite.options)}; this wVisor's rewrite (version ${REWRITE_VERSION}, `
        + `maxMemoryPages ${k.limits.maxMemoryPages}) makes a different module; restore it with the wVisor version that wrote it`);
    }
    throw new SnapshotError(`${shown} has changed since the snapshot was taken (its hash differs); restore needs the exact module it ran`);
  }
  return loaded.module;
}

/**
 * The small API the page (window.wvisor.snapshots, the shell's `snapshot`) and tools build on: one store,
 * one codec, one platform. Results: {@link SaveResult} `{name, bytes, pages, newPages, ms, ...}` for a save
 * or an import, {@link SnapshotListItem} `{name, date, bytes, tasks, pages}` for a list (newest first).
 * Every failure is a SnapshotError (SnapshotQuotaError for lack of space) with a message for a person.
 */
export class SnapshotSessions {
  /** Writes (save, import, remove, sweep) run one after another: a store assumes one writer. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly store: SnapshotStore, readonly codec: SnapshotCodec, readonly platform: Platform) {}

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Saves every task of `k` under `name` (replacing a snapshot of that name once the new one is complete); the tasks go on. */
  saveSession(k: Kernel, name: string, opts: SaveOptions = {}): Promise<SaveResult> {
    return this.serial(() => saveSession(k, this.store, name, this.codec, opts));
  }

  listSessions(): Promise<SnapshotListItem[]> {
    return listSessions(this.store);
  }

  /** A new kernel running the snapshot's tasks (attach to them with `new Sandbox(kernel).attach(pid, ...)` or its terminals). */
  restoreSession(name: string, opts: RestoreOptions = {}): Promise<{ kernel: Kernel; file: SnapshotFile }> {
    return restoreSession(this.store, name, this.platform, this.codec, opts);
  }

  removeSession(name: string): Promise<{ name: string; freed: number }> {
    return this.serial(() => removeSession(this.store, name));
  }

  /** The interchange file (format 3): restores with `wvisor restore FILE` and imports into another store. */
  exportSession(name: string): Promise<Uint8Array> {
    return exportSnapshot(this.store, name, this.codec);
  }

  /** Stores an exported file (format 3 or 2) under `name` or its own; the file is checked whole first. */
  importSession(bytes: Uint8Array, name?: string): Promise<SaveResult> {
    return this.serial(() => importSnapshot(this.store, bytes, this.codec, name !== undefined ? { name } : {}));
  }

  /** Deletes chunks no snapshot references (left by a save cut off by a closed tab or a crash); resolves with how many. */
  sweep(): Promise<number> {
    return this.serial(() => sweepStore(this.store));
  }

  /** Bytes the store holds and its quota where known. */
  usage(): Promise<{ bytes: number; quota?: number }> {
    return this.store.usage();
  }
}
