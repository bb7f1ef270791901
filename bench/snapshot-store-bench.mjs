// Rows "6 stored snapshots" of `npm run bench`: saveSession/restoreSession into the Node file store
// (src/platform/node/snapshot-store.ts) for a task of 16 and 256 MiB, its memory non-repeating ("random")
// or zero but for one word per MiB ("mostly zero"); the incremental save after the task rewrote 1 MiB;
// page hashing per GiB. Measured, nothing fixed: every restored task must print the checksum over its
// memory it printed before the save.
//
//   node bench/snapshot-store-bench.mjs     these rows alone (needs dist/: npm run build:node)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWasmDir, buildBenchGuests } from './build.mjs';
import { fmt, median } from './table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const MAX_PAGES = 8192; // 512 MiB per task: room for a 256 MiB heap (the default limit is 256 MiB in all)
const TARGET_ZERO_BYTES = 1_000_000;
const TARGET_ZERO_MS = 300;

async function until(cond, what, ms = 120_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function run() {
  await buildBenchGuests({ onlyMissing: true });
  const { createNodeSandbox } = await import(join(dist, 'platform/node/node-sandbox.js'));
  const { NodePlatform } = await import(join(dist, 'platform/node/node-platform.js'));
  const { Sandbox } = await import(join(dist, 'kernel/sandbox.js'));
  const { saveSession, restoreSession } = await import(join(dist, 'kernel/snapshot/session.js'));
  const { resumeFromImages } = await import(join(dist, 'kernel/snapshot/capture.js'));
  const { NodeSnapshotStore, nodeSnapshotCodec } = await import(join(dist, 'platform/node/snapshot-store.js'));
  const codec = nodeSnapshotCodec();
  const path = join(benchWasmDir, 'memtouch.wasm');
  const program = `host:${path}`;
  const bytes = readFileSync(path);
  const opts = { programBytes: (p) => (p === program ? readFileSync(path) : undefined) };
  const rows = [];
  let hashMsPerGiB;

  const start = async (sb, mib, mode) => {
    let out = '';
    const p = await sb.spawn({ bytes, program, argv: ['memtouch', String(mib), mode], keepStdinOpen: true,
      onStdout: (b) => { out += new TextDecoder().decode(b); } });
    await until(() => out.includes('\n'), 'memtouch to be ready');
    const blocked = () => [...sb.kernel.tasks.values()].every((t) => t === sb.kernel.init || !t.alive || t.shownState() === 'blocked');
    await until(blocked, 'memtouch to block');
    const lines = (w) => out.split('\n').filter((l) => l.startsWith(`${w} `));
    const ask = async (cmd, w) => {
      const n = lines(w).length;
      await p.write(`${cmd}\n`);
      await until(() => lines(w).length > n, `memtouch's ${w}`);
      await until(blocked, 'memtouch to block');
      return lines(w).pop().split(' ')[1];
    };
    return { p, ready: out.split('\n')[0].split(' ')[1], ask };
  };

  for (const [mib, mode, runs] of [[16, 'random', 3], [16, 'zero', 3], [256, 'random', 1], [256, 'zero', 3]]) {
    const saves = [], restores = [], stored = [];
    let incremental;
    for (let i = 0; i < runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'wvisor-store-bench-'));
      const store = new NodeSnapshotStore(dir);
      const sb = createNodeSandbox({ maxMemoryPages: MAX_PAGES });
      try {
        const m = await start(sb, mib, mode);
        const a = await saveSession(sb.kernel, store, 'a', codec, { ...opts, resume: false });
        saves.push(a.ms);
        stored.push(a.bytes);
        if (mode === 'random' && mib === 256) hashMsPerGiB = (a.hashMs / a.memoryBytes) * 2 ** 30;
        if (i === 0) {
          // The same task, continued, after it rewrote 1 MiB: only the changed pages are new.
          await resumeFromImages(sb.kernel, async (h) => sb.kernel.modules.compiled(h));
          const touched = await m.ask('touch 1', 'touched');
          const b = await saveSession(sb.kernel, store, 'b', codec, { ...opts, resume: false });
          incremental = { b, touched };
        }
        sb.shutdown();
        const t0 = performance.now();
        const { kernel } = await restoreSession(store, i === 0 ? 'b' : 'a', new NodePlatform(), codec);
        restores.push(performance.now() - t0);
        const restored = new Sandbox(kernel);
        let rest = '';
        const q = restored.attach(m.p.pid, { onStdout: (b) => { rest += new TextDecoder().decode(b); } });
        q.closeStdin();
        await q.exited;
        restored.shutdown();
        const want = i === 0 ? incremental.touched : m.ready;
        const got = rest.trim().split(' ')[1];
        if (got !== want) throw new Error(`restored ${mib} MiB task's memory differs: checksum ${got}, expected ${want}`);
      } finally {
        sb.shutdown();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const what = `${mib} MiB task, ${mode === 'zero' ? 'mostly zero' : 'random'} memory`;
    const s = median(saves), r = median(restores), bytesStored = median(stored);
    const zeroTarget = mib === 256 && mode === 'zero';
    rows.push({ name: `save (capture, hash, compress, write files): ${what}`, value: fmt(s), unit: 'ms', runtime: 'wVisor' });
    rows.push({ name: `restore (read, check, rebuild kernel, start worker): ${what}`, value: fmt(r), unit: 'ms', runtime: 'wVisor',
      target: zeroTarget ? `save + restore ${fmt(s + r)} ms ${s + r <= TARGET_ZERO_MS ? '✓' : '✗'} (≤ ${TARGET_ZERO_MS} ms)` : '' });
    rows.push({ name: `stored bytes: ${what}`, value: fmt(bytesStored / 1024), unit: 'KiB', runtime: 'wVisor',
      target: zeroTarget ? `${bytesStored <= TARGET_ZERO_BYTES ? '✓' : '✗'} ≤ 1 MB` : '' });
    if (incremental) {
      const { b } = incremental;
      rows.push({ name: `incremental save after rewriting 1 MiB: ${what} (${b.newPages} of ${b.pages} pages new)`,
        value: fmt(b.bytes / 1024), unit: 'KiB', runtime: 'wVisor',
        target: `${fmt(b.bytes / (b.newPages * 65536))}× the new pages' size; ${fmt(b.ms)} ms` });
    }
  }
  rows.push({ name: 'page hashing (zero check + SHA-256 of each non-zero 64 KiB page, node:crypto)', value: fmt(hashMsPerGiB),
    unit: 'ms/GiB', runtime: 'wVisor' });
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}${r.target ? `  [${r.target}]` : ''}`);
}
