// Row 6 of `npm run bench`: save and restore time and size for a task holding
// 64 MiB of (non-repeating) memory, blocked in fd_read. Measured, nothing fixed:
// the restored task must print the same checksum over its memory as before.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, fmt } from './table.mjs';
import { buildBenchGuests, benchWasmDir } from './build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const RUNS = 3;
const MIB = 64;

export async function run() {
  await buildBenchGuests({ onlyMissing: true });
  const { createNodeSandbox } = await import(join(dist, 'platform/node/node-sandbox.js'));
  const { NodePlatform } = await import(join(dist, 'platform/node/node-platform.js'));
  const { Sandbox } = await import(join(dist, 'kernel/sandbox.js'));
  const { captureKernel } = await import(join(dist, 'kernel/snapshot/capture.js'));
  const { encodeSnapshot, decodeSnapshot } = await import(join(dist, 'kernel/snapshot/format.js'));
  const { restoreKernel } = await import(join(dist, 'kernel/snapshot/restore.js'));
  const { nodeCodec } = await import(join(dist, 'cli/snapshot.js'));
  const { rewriteModule } = await import(join(dist, 'instrument/index.js'));
  const bytes = (await rewriteModule(readFileSync(join(benchWasmDir, 'bigmem.wasm')))).bytes;

  const saveMs = [], restoreMs = [], sizes = [];
  for (let i = 0; i < RUNS; i++) {
    const sb = createNodeSandbox();
    let out = '';
    const p = await sb.spawn({ bytes, program: 'host:bigmem', argv: ['bigmem', String(MIB)], keepStdinOpen: true,
      onStdout: (b) => { out += new TextDecoder().decode(b); } });
    while (!out.includes('\n')) await new Promise((r) => setTimeout(r, 5));
    const before = out.split(' ')[1].trim();
    await new Promise((r) => setTimeout(r, 50)); // let it block in its read
    const module = (await sb.kernel.modules.load(bytes)).module;

    const t0 = performance.now();
    const state = await captureKernel(sb.kernel);
    const file = await encodeSnapshot({ writer: 'bench', takenAt: Date.now(), state, modules: {}, host: { main: p.pid } }, nodeCodec);
    saveMs.push(performance.now() - t0);
    sizes.push(file.length);
    sb.shutdown();

    const t1 = performance.now();
    const decoded = await decodeSnapshot(file, nodeCodec);
    const k = await restoreKernel(new NodePlatform(), decoded.state, async () => module);
    restoreMs.push(performance.now() - t1);
    const restored = new Sandbox(k);
    let rest = '';
    const q = restored.attach(p.pid, { onStdout: (b) => { rest += new TextDecoder().decode(b); } });
    await q.write('go\n');
    q.closeStdin();
    await q.exited;
    restored.shutdown();
    const after = rest.trim().split(' ')[1];
    if (after !== before) throw new Error(`restored task's memory differs: checksum ${after}, expected ${before}`);
  }
  const note = `${MIB} MiB task blocked in fd_read; capture + encode (gzip level 1) / decode + restore until the worker rewinds`;
  return [
    { name: `save: ${note}`, value: fmt(median(saveMs)), unit: 'ms', runtime: 'wVisor' },
    { name: 'restore: decode + rebuild kernel + start the worker', value: fmt(median(restoreMs)), unit: 'ms', runtime: 'wVisor' },
    { name: `snapshot size for ${MIB} MiB of non-repeating memory`, value: fmt(median(sizes) / 1048576), unit: 'MiB', runtime: 'wVisor' },
  ];
}
