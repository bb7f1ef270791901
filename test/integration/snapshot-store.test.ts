/**
 * Stored snapshots (src/kernel/snapshot/store.ts, session.ts) and the exported file (format.ts, version 3):
 * restores that continue as uninterrupted runs, incremental saves that store only the pages that changed,
 * bundled programs stored by hash, quota failures injected at every write of a save, corrupted and
 * truncated files refused with their reason, version 2 files, export → import, and the Node file store.
 * The guest is bench/guests/memtouch.c (N MiB of memory, rewritten on command, checksummed), compiled here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { REWRITE_VERSION } from '../../src/instrument/contract.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { TaskState } from '../../src/kernel/task.js';
import { type HostProcess, Sandbox } from '../../src/kernel/sandbox.js';
import { captureKernel } from '../../src/kernel/snapshot/capture.js';
import { encodeSnapshotV2 } from '../../src/kernel/snapshot/format-v2.js';
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_VERSION } from '../../src/kernel/snapshot/format.js';
import type { SnapshotCodec } from '../../src/kernel/snapshot/pack.js';
import {
  exportSnapshot, importSnapshot, listSessions, loadSession, removeSession, restoreSession, restoreSnapshotFile, saveSession,
  sweepStore,
  type SaveOptions,
} from '../../src/kernel/snapshot/session.js';
import { MemorySnapshotStore, SnapshotQuotaError, type SnapshotStore } from '../../src/kernel/snapshot/store.js';
import { NodePlatform } from '../../src/platform/node/node-platform.js';
import { createNodeSandbox } from '../../src/platform/node/node-sandbox.js';
import { NodeSnapshotStore, nodeBundle, nodeSnapshotCodec } from '../../src/platform/node/snapshot-store.js';
import {
  browserSnapshotCodec, createBrowserSnapshots, IdbSnapshotStore, type KvBackend, pageBundle,
} from '../../src/platform/browser/snapshot-store.js';
import { requireWasiToolchain } from '../fixtures/toolchain.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
const bin = join(root, 'public/bin');
const work = mkdtempSync(join(tmpdir(), 'wvisor-store-'));
const guestPath = join(work, 'memtouch.wasm');
const program = `host:${guestPath}`;
let guest: Uint8Array;
const codec = nodeSnapshotCodec();
const PAGE = 65536;

beforeAll(() => {
  requireWasiToolchain();
  // A sysroot of wasi-libc alone and a PATH without npm's wasm-opt, as scripts/wasi-toolchain.mjs makes them.
  const sysroot = join(work, 'sysroot');
  for (const kind of ['include', 'lib']) {
    mkdirSync(join(sysroot, kind), { recursive: true });
    symlinkSync(`/usr/${kind}/wasm32-wasi`, join(sysroot, kind, 'wasm32-wasi'));
  }
  spawnSyncOk('clang', ['--target=wasm32-wasi', `--sysroot=${sysroot}`, '-O2', '-g0',
    join(root, 'bench/guests/memtouch.c'), '-o', guestPath]);
  guest = new Uint8Array(readFileSync(guestPath));
}, 120_000);

const toolEnv = { ...process.env, PATH: (process.env.PATH ?? '').split(':').filter((d) => !d.includes('node_modules')).join(':') };

function spawnSyncOk(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: toolEnv });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}${r.stdout}`);
}

const sandboxes: Sandbox[] = [];
function track(sb: Sandbox): Sandbox { sandboxes.push(sb); return sb; }
afterEach(() => { for (const sb of sandboxes.splice(0)) sb.shutdown(); });

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** memtouch attached to the host: its output, and a way to send a command and get its answer line. */
interface Mem { p: HostProcess; out: () => string; ask: (cmd: string, word: string) => Promise<string> }

function driver(p: HostProcess, text: { s: string }): Mem {
  const out = () => text.s;
  return {
    p, out,
    ask: async (cmd, word) => {
      const before = out().split('\n').filter((l) => l.startsWith(`${word} `)).length;
      await p.write(`${cmd}\n`);
      await until(() => out().split('\n').filter((l) => l.startsWith(`${word} `)).length > before, `"${word}" from memtouch`);
      return out().split('\n').filter((l) => l.startsWith(`${word} `)).pop()!.split(' ')[1];
    },
  };
}

async function startMem(sb: Sandbox, mib: number, mode: 'random' | 'zero' = 'random'): Promise<Mem & { ready: string }> {
  const text = { s: '' };
  const p = await sb.spawn({ bytes: guest, program, argv: ['memtouch', String(mib), mode], keepStdinOpen: true,
    onStdout: (b) => { text.s += new TextDecoder().decode(b); } });
  await until(() => text.s.includes('\n'), 'memtouch to be ready');
  const d = driver(p, text);
  return { ...d, ready: text.s.split('\n')[0].split(' ')[1] };
}

/** Waits until every live task is blocked in a call (so a snapshot meets them at a read). */
async function settle(k: Kernel): Promise<void> {
  await until(() => [...k.tasks.values()].every((t) => t === k.init || !t.alive || t.shownState() === TaskState.Blocked), 'tasks to block');
}

const withProgram: SaveOptions = { programBytes: (p) => (p === program ? readFileSync(guestPath) : undefined) };

/** Restores `name` and attaches to memtouch's pid: the restored driver. */
async function restoreMem(store: SnapshotStore, name: string, pid: number, c: SnapshotCodec = codec): Promise<Mem> {
  const { kernel } = await restoreSession(store, name, new NodePlatform(), c);
  const sb = track(new Sandbox(kernel));
  const text = { s: '' };
  const p = sb.attach(pid, { onStdout: (b) => { text.s += new TextDecoder().decode(b); } });
  return driver(p, text);
}

describe('saveSession / restoreSession', () => {
  it('a saved session goes on in place, and restores from the store with every byte of its memory', async () => {
    const sb = track(createNodeSandbox());
    const m = await startMem(sb, 4);
    await settle(sb.kernel);
    const store = new MemorySnapshotStore();
    const r = await saveSession(sb.kernel, store, 'a', codec, withProgram);
    expect(r.name).toBe('a');
    expect(r.pages).toBeGreaterThanOrEqual(64);
    expect(r.newPages).toBe(r.pages);
    expect(r.bytes).toBeGreaterThan(4 << 20); // non-repeating memory does not compress
    expect(r.bytes).toBeLessThan((r.pages + 8) * (PAGE + 1) + (64 << 10));
    // The page keeps running after a save.
    expect(await m.ask('sum', 'sum')).toBe(m.ready);
    const list = await listSessions(store);
    expect(list).toEqual([{ name: 'a', date: expect.any(Number), bytes: r.totalBytes, tasks: 1, pages: r.pages }]);
    const q = await restoreMem(store, 'a', m.p.pid);
    expect(await q.ask('sum', 'sum')).toBe(m.ready);
    q.p.closeStdin();
    expect((await q.p.exited).code).toBe(0);
    expect(q.out()).toContain(`end ${m.ready}`);
  });

  it('a second save after rewriting 1 MiB stores only the changed pages; removing the first frees only its own', async () => {
    const sb = track(createNodeSandbox());
    const m = await startMem(sb, 8);
    await settle(sb.kernel);
    const store = new MemorySnapshotStore();
    const a = await saveSession(sb.kernel, store, 'a', codec, withProgram);
    const touched = await m.ask('touch 1', 'touched');
    await settle(sb.kernel);
    const b = await saveSession(sb.kernel, store, 'b', codec, withProgram);
    expect(b.pages).toBe(a.pages);
    // 16 pages of the MiB, plus the few the guest's stack and stdio buffers touched.
    expect(b.newPages).toBeGreaterThanOrEqual(16);
    expect(b.newPages).toBeLessThanOrEqual(16 + 4);
    expect(b.bytes).toBeGreaterThanOrEqual(16 * PAGE);
    expect(b.bytes).toBeLessThanOrEqual((b.newPages + 1) * (PAGE + 1) + (16 << 10));
    expect(a.bytes / b.bytes).toBeGreaterThan(6);
    expect(b.totalBytes).toBeGreaterThan(8 << 20);
    expect(b.memoryBytes).toBeGreaterThanOrEqual(8 << 20);

    const before = (await store.chunkNames()).length;
    const freed = await removeSession(store, 'a');
    const after = await store.chunkNames();
    // a's old first MiB (and its other changed pages and document) are freed; b's chunks all stay.
    expect(before - after.length).toBe(b.newPages + 1);
    expect(freed.freed).toBeGreaterThanOrEqual(16 * PAGE);
    expect(new Set(after)).toEqual(new Set((await store.getIndex('b'))!.chunks));
    sb.shutdown();
    const q = await restoreMem(store, 'b', m.p.pid);
    expect(await q.ask('sum', 'sum')).toBe(touched);
    expect(touched).not.toBe(m.ready);
  });

  it('a quota failure at any write of a save leaves the previous snapshot restorable, writes nothing, and says how much was needed', async () => {
    const sb = track(createNodeSandbox());
    const m = await startMem(sb, 2);
    await settle(sb.kernel);
    const store = new MemorySnapshotStore();
    await saveSession(sb.kernel, store, 'a', codec, withProgram);
    const chunksOfA = new Set(await store.chunkNames());
    const touched = await m.ask('touch 1', 'touched');
    await settle(sb.kernel);
    // How many writes a save of the touched session makes: each chunk it adds, then its index entry.
    const probe = new MemorySnapshotStore();
    for (const [h, s] of store.chunks) probe.chunks.set(h, s);
    for (const [n, e] of store.index) probe.index.set(n, e);
    const w0 = probe.writes;
    const full = await saveSession(sb.kernel, probe, 'a', codec, withProgram);
    const writes = probe.writes - w0;
    expect(writes).toBeGreaterThanOrEqual(full.newPages + 2 /* the document, the index entry */);
    for (let n = 1; n <= writes; n++) {
      store.faults.failAtWrite = store.writes + n;
      const e = await saveSession(sb.kernel, store, 'a', codec, withProgram).catch((x: unknown) => x);
      expect(e, `failure injected at write ${n} of ${writes}`).toBeInstanceOf(SnapshotQuotaError);
      expect((e as SnapshotQuotaError).needed).toBeGreaterThan(16 * PAGE);
      expect((e as Error).message).toMatch(/^not enough storage for snapshot "a": it needs \d+ bytes; remove a snapshot/);
      expect(new Set(await store.chunkNames())).toEqual(chunksOfA);
    }
    store.faults.failAtWrite = undefined;
    // A store that knows its quota refuses before writing anything, saying what is free.
    store.faults.quotaBytes = (await store.usage()).bytes + 1000;
    const e = await saveSession(sb.kernel, store, 'b', codec, withProgram).catch((x: unknown) => x) as SnapshotQuotaError;
    expect(e).toBeInstanceOf(SnapshotQuotaError);
    expect(e.message).toMatch(/needs \d+ bytes and 1000 are free/);
    expect(e.available).toBe(1000);
    expect(new Set(await store.chunkNames())).toEqual(chunksOfA);
    expect((await listSessions(store)).map((s) => s.name)).toEqual(['a']);
    store.faults.quotaBytes = undefined;
    sb.shutdown();
    const q = await restoreMem(store, 'a', m.p.pid);
    expect(await q.ask('sum', 'sum')).toBe(m.ready);
    expect(touched).not.toBe(m.ready);
  }, 60_000);

  it('a save a task cannot join (its module has no Asyncify) fails saying why, and the tasks already parked go on', async () => {
    const sb = track(createNodeSandbox());
    let out = '';
    const reader = await sb.spawn({ argv: ['readline'], keepStdinOpen: true, onStdout: (b) => { out += new TextDecoder().decode(b); } });
    await settle(sb.kernel);
    // The fast form (fuel checks and the memory limit, no Asyncify): such a task cannot be saved.
    sb.kernel.modules.mode = 'fast';
    const m = await startMem(sb, 1);
    await settle(sb.kernel);
    const store = new MemorySnapshotStore();
    const e = await saveSession(sb.kernel, store, 'x', codec, withProgram).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(new RegExp(`^memtouch \\(pid ${m.p.pid}, host:.*\\) cannot be saved in a snapshot: `));
    expect(await listSessions(store)).toEqual([]);
    expect(store.chunks.size).toBe(0);
    await reader.write('still here\n');
    await until(() => out.includes('line 1: still here'), 'readline to answer after the failed save');
    expect(await m.ask('sum', 'sum')).toBe(m.ready);
    reader.closeStdin();
    expect((await reader.exited).code).toBe(0);
  });

  it('records each module\'s original hash and rewrite, keeps a host module in the snapshot, and names one that cannot be found', async () => {
    const sb = track(createNodeSandbox());
    const m = await startMem(sb, 1);
    await settle(sb.kernel);
    const store = new MemorySnapshotStore();
    await saveSession(sb.kernel, store, 'kept', codec, withProgram);
    await saveSession(sb.kernel, store, 'named', codec, {});
    sb.shutdown();
    const file = await loadSession(store, 'kept', codec);
    const [hash, rec] = Object.entries(file.modules)[0];
    expect(rec.path).toBe(program);
    expect(rec.original).toBe(await codec.sha256(guest));
    expect(rec.rewrite).toEqual({ version: REWRITE_VERSION, options: expect.objectContaining({ maxMemoryPages: 4096 }) });
    expect(hash).not.toBe(rec.original);
    expect(await codec.sha256(rec.source!)).toBe(await codec.sha256(guest));
    // The kept module restores with the host file gone (the snapshot holds the original; the rewrite is re-derived).
    rmSync(guestPath);
    try {
      const q = await restoreMem(store, 'kept', m.p.pid);
      expect(await q.ask('sum', 'sum')).toBe(m.ready);
      await expect(restoreSession(store, 'named', new NodePlatform(), codec))
        .rejects.toThrow(`module ${guestPath} is missing; put the same file back there to restore`);
      // Another memory limit rewrites the original into another module: named, with the rewrite that made the saved one.
      await expect(restoreSession(store, 'kept', new NodePlatform(), codec, { limits: { maxMemoryPages: 2048 } }))
        .rejects.toThrow(new RegExp(`module ${guestPath} \\(sha256 [0-9a-f]{12}… before the rewrite\\) was rewritten by rewrite `
          + `version ${REWRITE_VERSION} with .*"maxMemoryPages":4096.*; this wVisor's rewrite \\(version ${REWRITE_VERSION}, `
          + 'maxMemoryPages 2048\\) makes a different module'));
    } finally {
      writeFileSync(guestPath, guest);
    }
  }, 60_000);
});

describe('bundled programs are stored by hash', () => {
  it('a --snapshot of hello.wasm is at most 64 KiB, names /bin by manifest sha256, and restores', () => {
    const snap = join(work, 'hello.snap');
    const r = spawnSync(process.execPath, [cli, 'run', '--snapshot', snap, '--snapshot-at-syscall', '1', join(bin, 'hello.wasm')],
      { encoding: 'utf8', input: '' });
    expect(r.status).toBe(0);
    const size = statSync(snap).size;
    expect(size).toBeLessThanOrEqual(64 << 10);
    expect(r.stderr).toBe(`wvisor: saved ${size} bytes to ${snap}; continue with: wvisor restore ${snap}\n`);
    const rest = spawnSync(process.execPath, [cli, 'restore', snap], { encoding: 'utf8', input: '' });
    expect(rest.status).toBe(0);
    expect(rest.stdout).toBe('hello, world\n');
  });

  it('a --snapshot that cannot be written is one line, exit code 2, and leaves no file behind', () => {
    const dir = mkdtempSync(join(work, 'nowrite-'));
    const snap = join(dir, 'missing', 'x.snap');
    const r = spawnSync(process.execPath, [cli, 'run', '--snapshot', snap, '--snapshot-at-syscall', '1', join(bin, 'hello.wasm')],
      { encoding: 'utf8', input: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`wvisor: cannot write the snapshot to ${snap}: its directory does not exist\n`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the document refers to each bundled file by its manifest sha256; a restore without the bundle names what is missing', async () => {
    const sb = track(createNodeSandbox());
    const p = await sb.spawn({ argv: ['readline'], keepStdinOpen: true });
    await settle(sb.kernel);
    const bytes = await encodeSnapshot({ writer: 't', takenAt: 0, state: await captureKernel(sb.kernel), modules: {}, host: {} },
      codec);
    const manifest = JSON.parse(readFileSync(join(bin, 'manifest.json'), 'utf8')) as Array<{ name: string; sha256: string }>;
    const cat = manifest.find((e) => e.name === 'cat')!;
    const file = await decodeSnapshot(bytes, codec);
    const restored = track(new Sandbox(await restoreSnapshotFile(new NodePlatform(), file, codec)));
    expect(await codec.sha256(restored.kernel.readFile('/bin/cat') as Uint8Array)).toBe(cat.sha256);
    expect(bytes.length).toBeLessThan(64 << 10);
    const noBundle: SnapshotCodec = { ...codec, bundle: undefined };
    await expect(decodeSnapshot(bytes, noBundle)).rejects.toThrow(
      /the snapshot refers to bundled file \(sha256 [0-9a-f]{12}…\), which this wVisor's bundle \(public\/bin\) does not have/);
    const other: SnapshotCodec = { ...codec, bundle: { has: () => false, get: async () => new Uint8Array([1, 2, 3]),
      describe: (h) => (h === cat.sha256 ? '/bin/cat' : undefined) } };
    await expect(decodeSnapshot(bytes, other)).rejects.toThrow(/copy of bundled file (\/bin\/\w+ )?\(sha256 [0-9a-f]{12}…\) differs/);
    p.closeStdin();
  });
});

describe('corrupted and truncated snapshots', () => {
  async function twoSnapshots(store: SnapshotStore): Promise<{ pid: number; ready: string }> {
    const sb = track(createNodeSandbox());
    const m = await startMem(sb, 1);
    await settle(sb.kernel);
    await saveSession(sb.kernel, store, 'a', codec, withProgram);
    await m.ask('touch 1', 'touched');
    await settle(sb.kernel);
    await saveSession(sb.kernel, store, 'b', codec, withProgram);
    sb.shutdown();
    return { pid: m.p.pid, ready: m.ready };
  }

  async function storeState(store: SnapshotStore): Promise<string> {
    const chunks = (await store.chunkNames()).sort();
    const entries = (await store.listIndex()).map((e) => JSON.stringify(e)).sort();
    return JSON.stringify({ chunks, entries });
  }

  it('an exported file cut short or changed is refused with the reason, and the store it is imported into is untouched', async () => {
    const src = new MemorySnapshotStore();
    await twoSnapshots(src);
    const file = await exportSnapshot(src, 'b', codec);
    const dst = new NodeSnapshotStore(mkdtempSync(join(work, 'dst-')));
    await twoSnapshots(dst);
    const state = await storeState(dst);
    const dv = new DataView(file.buffer, file.byteOffset);
    const rootLen = dv.getUint32(56 + 32, true);
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['empty', new Uint8Array(0), /not a wVisor snapshot/],
      ['header only', file.subarray(0, 40), /truncated \(it ends inside its header\)/],
      ['inside the document', file.subarray(0, 56 + 36 + 10), /truncated \(it ends inside chunk 1 of \d+\)/],
      ['between chunks', file.subarray(0, 56 + 36 + rootLen), /truncated \(it ends before chunk 2 of \d+\)/],
      ['inside the last chunk', file.subarray(0, file.length - 1), /truncated \(it ends inside chunk (\d+) of \1\)/],
      ['a flipped byte in the last chunk', flip(file, file.length - 3),
        /corrupt \(chunk [0-9a-f]{12}… (does not match its checksum|does not decompress)\)/],
      ['a flipped byte in the document', flip(file, 56 + 36 + 20), /corrupt \(chunk [0-9a-f]{12}… (does not match its checksum|does not decompress)\)/],
      ['bytes after the last chunk', concat(file, new Uint8Array(3)), /corrupt \(3 bytes follow its last chunk\)/],
      ['another version', withVersion(file, 7), /format version 7 is not supported \(this wVisor reads versions 2 and 3\)/],
      ['a chunk left out', dropLastChunk(file), /corrupt \(it lacks chunk [0-9a-f]{12}…, which it refers to\)/],
    ];
    for (const [what, bytes, reason] of cases) {
      await expect(importSnapshot(dst, bytes, codec, { name: 'c' }), what).rejects.toThrow(reason);
      await expect(decodeSnapshot(bytes, codec), what).rejects.toThrow(reason);
      expect(await storeState(dst), what).toBe(state);
    }
    expect(readdirSync(join(dst.dir, 'tmp')).length).toBe(0);
  });

  it('a stored chunk that is changed or gone refuses that snapshot with the reason; the others still restore', async () => {
    const dir = mkdtempSync(join(work, 'store-'));
    const store = new NodeSnapshotStore(dir);
    const { pid, ready } = await twoSnapshots(store);
    const a = (await store.getIndex('a'))!;
    const b = (await store.getIndex('b'))!;
    // A page of the rewritten MiB: stored raw (random data does not compress), so a flipped byte fails its checksum.
    const chunkPath = (h: string) => join(dir, 'chunks', h);
    const onlyB = b.chunks.filter((h) => !a.chunks.includes(h) && h !== b.root && readFileSync(chunkPath(h))[0] === 0);
    expect(onlyB.length).toBeGreaterThan(0);
    const path = chunkPath(onlyB[0]);
    const good = readFileSync(path);
    writeFileSync(path, flip(good, good.length - 5));
    await expect(restoreSession(store, 'b', new NodePlatform(), codec))
      .rejects.toThrow(new RegExp(`^snapshot "b": the snapshot is corrupt \\(chunk ${onlyB[0].slice(0, 12)}… does not match its checksum\\)`));
    await expect(exportSnapshot(store, 'b', codec)).rejects.toThrow(/snapshot "b": .*does not match its checksum/);
    rmSync(path);
    await expect(restoreSession(store, 'b', new NodePlatform(), codec))
      .rejects.toThrow(`snapshot "b" is corrupt (chunk ${onlyB[0].slice(0, 12)}… is missing from the store); it cannot be restored`);
    const q = await restoreMem(store, 'a', pid);
    expect(await q.ask('sum', 'sum')).toBe(ready);
  });
});

describe('format versions', () => {
  it('writes version 3; a version 2 file (wVisor before this format) still restores, in the CLI and into a store', async () => {
    const sb = track(createNodeSandbox());
    const m = await startMem(sb, 1);
    await settle(sb.kernel);
    const state = await captureKernel(sb.kernel);
    const hash = state.tasks[0].moduleHash;
    const v2 = await encodeSnapshotV2({ writer: 'wvisor 0.1.0', takenAt: 1, state,
      modules: { [hash]: { path: program, where: 'host' } }, host: { main: m.p.pid, dirs: [] } }, codec);
    const v3 = await encodeSnapshot({ writer: 't', takenAt: 1, state, modules: {}, host: {} }, codec);
    sb.shutdown();
    expect(new DataView(v2.buffer, v2.byteOffset).getUint32(8, true)).toBe(2);
    expect(new DataView(v3.buffer, v3.byteOffset).getUint32(8, true)).toBe(SNAPSHOT_VERSION);
    expect(SNAPSHOT_VERSION).toBe(3);
    // The CLI restores it (the module from its host path, as version 2 recorded it).
    const f = join(work, 'v2.snap');
    writeFileSync(f, v2);
    const r = spawnSync(process.execPath, [cli, 'restore', f], { encoding: 'utf8', input: 'sum\n' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`sum ${m.ready}\nend ${m.ready}\n`);
    // Imported into a store, it is stored in format 3 and restores from there.
    const store = new MemorySnapshotStore();
    const imp = await importSnapshot(store, v2, codec, { name: 'old' });
    expect(imp.pages).toBeGreaterThanOrEqual(16);
    const q = await restoreSessionWithHost(store, 'old', m.p.pid);
    expect(await q.ask('sum', 'sum')).toBe(m.ready);
  });

  async function restoreSessionWithHost(store: SnapshotStore, name: string, pid: number): Promise<Mem> {
    const { kernel } = await restoreSession(store, name, new NodePlatform(), codec,
      { hostModule: (p) => (p === guestPath ? readFileSync(p) : undefined) });
    const sb = track(new Sandbox(kernel));
    const text = { s: '' };
    return driver(sb.attach(pid, { onStdout: (b) => { text.s += new TextDecoder().decode(b); } }), text);
  }
});

describe('export and import', () => {
  it('a stored snapshot exports to a file that imports into another store and restores there', async () => {
    const sb = track(createNodeSandbox());
    const m = await startMem(sb, 2);
    await settle(sb.kernel);
    const a = new NodeSnapshotStore(mkdtempSync(join(work, 'exp-')));
    await saveSession(sb.kernel, a, 'mine', codec, withProgram);
    sb.shutdown();
    const file = await exportSnapshot(a, 'mine', codec);
    const b = new MemorySnapshotStore();
    const imp = await importSnapshot(b, file, codec);
    expect(imp.name).toBe('mine');
    expect(new Set(await b.chunkNames())).toEqual(new Set((await a.getIndex('mine'))!.chunks));
    // Imported again under another name: the document is new, every other chunk is shared.
    const again = await importSnapshot(b, file, codec, { name: 'copy' });
    expect(again.newPages).toBe(0);
    expect(again.bytes).toBeLessThan(8 << 10);
    const q = await restoreMem(b, 'copy', m.p.pid);
    expect(await q.ask('sum', 'sum')).toBe(m.ready);
    // Exported from the second store, the same snapshot is the same file.
    const back = await exportSnapshot(b, 'mine', codec);
    expect(back.length).toBe(file.length);
    expect(Buffer.compare(back, file)).toBe(0);
  });

  it('a file written by wvisor run --snapshot imports into a store and restores from it', async () => {
    const snap = join(work, 'counter.snap');
    const first = spawnSync(process.execPath, [cli, 'run', '--snapshot', snap, '--snapshot-at-syscall', '5',
      join(bin, 'counter.wasm'), '4', '10'], { encoding: 'utf8', input: '' });
    expect(first.status).toBe(0);
    const whole = spawnSync(process.execPath, [cli, 'run', join(bin, 'counter.wasm'), '4', '10'], { encoding: 'utf8', input: '' });
    const store = new MemorySnapshotStore();
    const bytes = new Uint8Array(readFileSync(snap));
    const r = await importSnapshot(store, bytes, codec, { name: 'from-cli' });
    expect(r.tasks).toBe(1);
    const { kernel, file } = await restoreSession(store, 'from-cli', new NodePlatform(), codec);
    const sb = track(new Sandbox(kernel));
    let rest = '';
    const p = sb.attach(Number(file.host.main), { onStdout: (b) => { rest += new TextDecoder().decode(b); } });
    expect((await p.exited).code).toBe(0);
    expect(first.stdout + rest).toBe(whole.stdout);
  });
});

describe('the Node file store', () => {
  it('keeps chunks by hash and entries as JSON renamed into place, lists newest first, counts its bytes, and sweeps leftovers', async () => {
    const dir = mkdtempSync(join(work, 'node-'));
    const store = new NodeSnapshotStore(dir);
    const sb = track(createNodeSandbox());
    const m = await startMem(sb, 1, 'zero');
    await settle(sb.kernel);
    const one = await saveSession(sb.kernel, store, 'one', codec, withProgram);
    await new Promise((r) => setTimeout(r, 5));
    const two = await saveSession(sb.kernel, store, 'two / bad', codec, withProgram).catch((e: Error) => e);
    expect((two as Error).message).toMatch(/bad snapshot name "two \/ bad"/);
    await saveSession(sb.kernel, store, 'two: ok', codec, withProgram);
    expect((await listSessions(store)).map((s) => s.name)).toEqual(['two: ok', 'one']);
    expect(readdirSync(join(dir, 'index')).sort()).toEqual([`${encodeURIComponent('one')}.json`, `${encodeURIComponent('two: ok')}.json`]);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    const entry = JSON.parse(readFileSync(join(dir, 'index', 'one.json'), 'utf8'));
    expect(entry.chunks.length).toBe(entry.sizes.length);
    for (const [i, h] of (entry.chunks as string[]).entries()) {
      expect(statSync(join(dir, 'chunks', h)).size).toBe(entry.sizes[i]);
    }
    // One distinct word per MiB: a mostly zero task stores a few small pages (and its module, kept from the host).
    expect(one.pages).toBeLessThan(16);
    expect(one.totalBytes).toBeLessThan(128 << 10);
    const u = await store.usage();
    let sum = 0;
    for (const f of readdirSync(join(dir, 'chunks'))) sum += statSync(join(dir, 'chunks', f)).size;
    for (const f of readdirSync(join(dir, 'index'))) sum += statSync(join(dir, 'index', f)).size;
    expect(u.bytes).toBe(sum);
    expect(u.quota).toBeGreaterThan(u.bytes);
    // A chunk no entry lists (a save cut off before its entry) is swept.
    await store.putChunk('f'.repeat(64), new Uint8Array([0, 1]));
    expect(await sweepStore(store)).toBe(1);
    expect(await store.hasChunk('f'.repeat(64))).toBe(false);
    await removeSession(store, 'one');
    await removeSession(store, 'two: ok');
    expect(await store.chunkNames()).toEqual([]);
    await expect(removeSession(store, 'one')).rejects.toThrow('there is no snapshot named "one"');
    await expect(restoreSession(store, 'one', new NodePlatform(), codec)).rejects.toThrow('there is no snapshot named "one"');
    void m;
  });
});

describe('the browser store (IndexedDB through idb-keyval; here over a Map with the same transactions)', () => {
  /** A KvBackend whose setMany is one all-or-nothing transaction, failing as IndexedDB does when `failAt` is reached. */
  function mapKv(): KvBackend & { map: Map<string, unknown>; txns: number; failAt?: number } {
    const map = new Map<string, unknown>();
    const kv = {
      map, txns: 0, failAt: undefined as number | undefined,
      get: async (k: string) => map.get(k),
      setMany: async (e: Array<[string, unknown]>) => {
        kv.txns++;
        if (kv.failAt !== undefined && kv.txns >= kv.failAt) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        // IndexedDB stores a structured clone: of a view, its whole buffer.
        for (const [k, v] of e) {
          map.set(k, v instanceof Uint8Array ? new Uint8Array((v.buffer as ArrayBuffer).slice(0), v.byteOffset, v.length) : v);
        }
      },
      delMany: async (ks: string[]) => { for (const k of ks) map.delete(k); },
      keys: async () => [...map.keys()],
    };
    return kv;
  }

  it('saves with Web Crypto and CompressionStream, exports a file wvisor restore runs, and keeps the older snapshot on a quota error', async () => {
    const kv = mapKv();
    const store = new IdbSnapshotStore(kv, async () => ({ usage: 5_000_000, quota: 1_000_000_000 }));
    expect(await browserSnapshotCodec().sha256(new TextEncoder().encode('abc')))
      .toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'); // FIPS 180-2's example
    const snaps = createBrowserSnapshots(new NodePlatform(), nodeBundle(), store);
    const sb = track(createNodeSandbox());
    const m = await startMem(sb, 2);
    await settle(sb.kernel);
    const a = await snaps.saveSession(sb.kernel, 'a', withProgram);
    expect(a.newPages).toBe(a.pages);
    expect([...kv.map.keys()].filter((k) => k.startsWith('i/'))).toEqual(['i/a']);
    const touched = await m.ask('touch 1', 'touched');
    await settle(sb.kernel);
    // The index entry is written in a transaction after the chunks': failing either keeps "a" as it was.
    for (const at of [1, 2]) {
      kv.failAt = kv.txns + at;
      const e = await snaps.saveSession(sb.kernel, 'a', withProgram).catch((x: unknown) => x) as SnapshotQuotaError;
      expect(e).toBeInstanceOf(SnapshotQuotaError);
      expect(e.message).toMatch(/^not enough storage for snapshot "a": it needs \d+ bytes; remove a snapshot or free space/);
      expect(e.needed).toBeGreaterThan(16 * PAGE);
      expect(new Set(await store.chunkNames())).toEqual(new Set((await store.getIndex('a'))!.chunks));
    }
    kv.failAt = undefined;
    expect(await snaps.listSessions()).toEqual([{ name: 'a', date: expect.any(Number), bytes: a.totalBytes, tasks: 1, pages: a.pages }]);
    const u = await snaps.usage();
    expect(u.bytes).toBeGreaterThanOrEqual(a.totalBytes);
    expect(u.quota).toBe(u.bytes + 995_000_000);
    // Exported from the page's store, it restores in the CLI (CompressionStream's gzip is zlib's format).
    const file = await snaps.exportSession('a');
    const f = join(work, 'from-page.snap');
    writeFileSync(f, file);
    const r = spawnSync(process.execPath, [cli, 'restore', f], { encoding: 'utf8', input: 'sum\n' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`sum ${m.ready}\nend ${m.ready}\n`);
    // And a file made with Node's zlib imports into the page's store.
    const nodeFile = await exportSnapshot(await (async () => {
      const ns = new MemorySnapshotStore();
      await saveSession(sb.kernel, ns, 'n', codec, withProgram);
      return ns;
    })(), 'n', codec);
    const imp = await snaps.importSession(nodeFile);
    expect(imp.name).toBe('n');
    // Each stored chunk holds only its own bytes (not the imported file it was cut from).
    for (const [k, v] of kv.map) if (k.startsWith('c/')) expect((v as Uint8Array).buffer.byteLength, k).toBe((v as Uint8Array).length);
    const q = await (async () => {
      const { kernel } = await snaps.restoreSession('n');
      const rs = track(new Sandbox(kernel));
      const text = { s: '' };
      return driver(rs.attach(m.p.pid, { onStdout: (b) => { text.s += new TextDecoder().decode(b); } }), text);
    })();
    expect(await q.ask('sum', 'sum')).toBe(touched);
    expect((await snaps.removeSession('a')).freed).toBeGreaterThan(0);
  }, 60_000);

  it('a page session on a terminal, exported, continues in wvisor restore on that terminal', async () => {
    const snaps = createBrowserSnapshots(new NodePlatform(), nodeBundle(), new IdbSnapshotStore(mapKv(), async () => undefined));
    const sb = track(createNodeSandbox());
    const tty = sb.openTerminal({ cols: 80, rows: 24 });
    let screen = '';
    tty.attach((b) => { screen += new TextDecoder().decode(b); });
    await sb.spawn({ argv: ['sh'], terminal: tty });
    tty.input('echo before\r');
    // The shell's output line (the terminal's echo of what was typed is "echo before\r\n").
    await until(() => /\nbefore\r\n\$ $/.test(screen), 'the shell to run echo and prompt again');
    await settle(sb.kernel);
    const r = await snaps.saveSession(sb.kernel, 'shell');
    expect(r.tasks).toBeGreaterThanOrEqual(1);
    const f = join(work, 'shell.snap');
    writeFileSync(f, await snaps.exportSession('shell'));
    const rest = spawnSync(process.execPath, [cli, 'restore', f], { encoding: 'utf8', input: 'echo after\nexit 3\n', timeout: 30_000 });
    expect(rest.stderr).toBe('');
    // What was typed, echoed by the terminal; then the shell's own output (its line editor redraws the line).
    expect(rest.stdout).toMatch(/echo after\r*\nafter\r\n\$ exit 3\r*\n$/);
    expect(rest.stdout).not.toContain('before');
    expect(rest.status).toBe(3);
  });

  it('runs its writes one after another: a removal asked for while a save writes waits, so the new snapshot stays whole', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let blocked!: () => void;
    const atIndex = new Promise<void>((r) => { blocked = r; });
    // A store whose index writes wait at a gate while `gated`: the save is held after its chunks, before its entry.
    class Gated extends MemorySnapshotStore {
      gated = false;
      override async putIndex(name: string, entry: Parameters<MemorySnapshotStore['putIndex']>[1]): Promise<void> {
        if (this.gated) { blocked(); await gate; }
        return super.putIndex(name, entry);
      }
    }
    const store = new Gated();
    const snaps = createBrowserSnapshots(new NodePlatform(), nodeBundle(), store);
    const sb = track(createNodeSandbox());
    const m = await startMem(sb, 2);
    await settle(sb.kernel);
    await snaps.saveSession(sb.kernel, 'a', withProgram);
    store.gated = true;
    // b shares a's pages, so it writes none of them: it counts on a's chunks staying.
    const saving = snaps.saveSession(sb.kernel, 'b', withProgram);
    await atIndex;
    const removing = snaps.removeSession('a');
    await new Promise((r) => setTimeout(r, 50));
    release();
    const [saved, removed] = await Promise.all([saving, removing]);
    expect(saved.newPages).toBeLessThan(saved.pages);
    expect(removed.freed).toBeLessThan(64 << 10); // only a's own document: every page is b's too
    expect(new Set(await store.chunkNames())).toEqual(new Set((await store.getIndex('b'))!.chunks));
    const { kernel } = await snaps.restoreSession('b');
    const rs = track(new Sandbox(kernel));
    const text = { s: '' };
    const q = driver(rs.attach(m.p.pid, { onStdout: (b) => { text.s += new TextDecoder().decode(b); } }), text);
    expect(await q.ask('sum', 'sum')).toBe(m.ready);
  });

  it('pageBundle finds the bundled programs by manifest sha256 through fetch', async () => {
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      try {
        return new Response(readFileSync(join(bin, url.replace(/^bin\//, ''))));
      } catch {
        return new Response('', { status: 404 });
      }
    });
    try {
      const b = await pageBundle('bin/');
      const manifest = JSON.parse(readFileSync(join(bin, 'manifest.json'), 'utf8')) as Array<{ name: string; sha256: string }>;
      const cat = manifest.find((e) => e.name === 'cat')!;
      expect(b.has(cat.sha256)).toBe(true);
      expect(b.has('0'.repeat(64))).toBe(false);
      expect(b.describe!(cat.sha256)).toBe('/bin/cat');
      expect(await codec.sha256((await b.get(cat.sha256))!)).toBe(cat.sha256);
      expect(fetched).toEqual(['bin/manifest.json', 'bin/cat.wasm']);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

function flip(b: Uint8Array, at: number): Uint8Array {
  const c = b.slice();
  c[at] ^= 0xff;
  return c;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const c = new Uint8Array(a.length + b.length);
  c.set(a);
  c.set(b, a.length);
  return c;
}

function withVersion(b: Uint8Array, v: number): Uint8Array {
  const c = b.slice();
  new DataView(c.buffer).setUint32(8, v, true);
  return c;
}

/** The file without its last chunk record, with the record count fixed (a well-formed file missing a chunk). */
function dropLastChunk(b: Uint8Array): Uint8Array {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const count = dv.getUint32(48, true);
  let at = 56;
  for (let i = 0; i < count - 1; i++) at += 36 + dv.getUint32(at + 32, true);
  const c = b.slice(0, at);
  new DataView(c.buffer).setUint32(48, count - 1, true);
  return c;
}
