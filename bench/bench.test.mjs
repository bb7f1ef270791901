// Checks that the bench measures what it says: the guests make exactly the calls
// they claim (counted by the host: bytes that reach a real file, wc against bash),
// every runtime's runner reads the guest's line, and the statistics are right.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WASI } from 'node:wasi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchWasmDir, buildBenchGuests } from './build.mjs';
import { nodeWasiRunner, shimRunner, wasmerRunner } from './runtimes.mjs';
import { median, ratio, renderTable } from './table.mjs';

buildBenchGuests({ onlyMissing: true });
const callsBytes = readFileSync(join(benchWasmDir, 'calls.wasm'));
const calls = new WebAssembly.Module(callsBytes);
const LINE = /^(\w+) (\d+) (\d+)$/m;

describe('median and ratio', () => {
  it.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, -1, 7, 7, 0], 7],
  ])('median(%j) = %d', (xs, want) => {
    expect(median(xs)).toBe(want);
  });
  it('refuses no samples instead of inventing one', () => {
    expect(() => median([])).toThrow();
  });
  it('ratio is a / b with two decimals, empty when b is missing', () => {
    expect(ratio(3, 2)).toBe('1.50×');
    expect(ratio(3, undefined)).toBe('');
  });
  it('escapes | inside cells so the markdown table keeps its columns', () => {
    const t = renderTable([{ section: 's', what: 'a | b', runtime: 'r', value: 1.5, unit: 'ns' }]);
    const body = t.split('\n')[2];
    expect(body.split(/(?<!\\)\|/).length).toBe(t.split('\n')[0].split('|').length);
  });
});

describe('calls guest (node:wasi, counted by the host)', () => {
  let dir;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'wvisor-bench-test-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  const run = (args, { stdoutFile, preopen } = {}) => {
    const out = openSync(stdoutFile ?? '/dev/null', 'w');
    const errFile = join(dir, 'err');
    const err = openSync(errFile, 'w');
    try {
      const wasi = new WASI({ version: 'preview1', args, env: {}, returnOnExit: true, stdout: out, stderr: err,
        preopens: preopen ? { '/': preopen } : {} });
      const code = wasi.start(new WebAssembly.Instance(calls, wasi.getImportObject()));
      return { code, stderr: readFileSync(errFile, 'utf8') };
    } finally {
      closeSync(out);
      closeSync(err);
    }
  };

  it.each([1, 777, 5000])('write %d 1 puts exactly that many bytes in the file behind fd 1', (n) => {
    const file = join(dir, `out-${n}`);
    const r = run(['calls', 'write', String(n), '1'], { stdoutFile: file });
    expect(r.code).toBe(0);
    expect(statSync(file).size).toBe(n);
    expect(r.stderr).toMatch(new RegExp(`^write ${n} \\d+\\n$`));
  });

  it('write N DIRFD PATH opens PATH under the preopen and writes N bytes there', () => {
    const r = run(['calls', 'write', '321', '3', 'target'], { preopen: dir });
    // path_open without O_CREAT: the file must exist first.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/path_open failed: errno 44/); // WASI ENOENT = 44
    closeSync(openSync(join(dir, 'target'), 'w'));
    expect(run(['calls', 'write', '321', '3', 'target'], { preopen: dir }).code).toBe(0);
    expect(statSync(join(dir, 'target')).size).toBe(321);
  });

  it('stat of a missing path fails with ENOENT instead of timing nothing', () => {
    const r = run(['calls', 'stat', '10', '3', 'no-such-file'], { preopen: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/path_filestat_get failed: errno 44/);
  });

  it('clock and empty report the iteration count they were given and a positive time', () => {
    for (const mode of ['clock', 'empty']) {
      const r = run(['calls', mode, '100000']);
      const m = r.stderr.match(LINE);
      expect(m?.[1]).toBe(mode);
      expect(m?.[2]).toBe('100000');
      expect(Number(m?.[3])).toBeGreaterThan(0);
    }
  });
});

describe('the other runtimes\' runners read the guest\'s line', () => {
  it.each([['@wasmer/wasi', wasmerRunner], ['browser_wasi_shim', shimRunner], ['node:wasi', nodeWasiRunner]])(
    '%s', async (_name, make) => {
      const r = await make();
      try {
        for (const args of [['calls', 'write', '1000', '1'], ['calls', 'clock', '1000']]) {
          const res = r.run(calls, args);
          expect(res.code).toBe(0);
          expect(res.stderr.match(LINE)?.slice(1, 3)).toEqual([args[1], '1000']);
        }
      } finally {
        r.close();
      }
    });
});

const distSandbox = join(import.meta.dirname, '..', 'dist', 'platform', 'node', 'node-sandbox.js');
describe('in wVisor (needs dist/: npm run build:node)', () => {
  let sb;
  let populate;
  beforeAll(async () => {
    if (!existsSync(distSandbox)) throw new Error('dist/ is not built: run `npm run build:node` first');
    const { createNodeSandbox } = await import(pathToFileURL(distSandbox).href);
    ({ populate } = await import(pathToFileURL(join(import.meta.dirname, '..', 'dist', 'kernel', 'vfs', 'index.js')).href));
    sb = createNodeSandbox();
  });
  afterAll(() => { sb?.shutdown(); });

  it('calls write N 3 dev/null opens /dev/null through the "/" preopen and completes N writes', async () => {
    const r = await sb.run({ argv: ['calls', 'write', '5000', '3', 'dev/null'], bytes: callsBytes });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^write 5000 \d+\n$/);
  });

  it('calls write N 3 tmp/f puts exactly N bytes in the VFS file (the host reads it back)', async () => {
    populate(sb.kernel.vfs, '/tmp', [['f', new Uint8Array(0)]]);
    const r = await sb.run({ argv: ['calls', 'write', '4321', '3', 'tmp/f'], bytes: callsBytes });
    expect(r.code).toBe(0);
    expect(sb.kernel.readFile('/tmp/f').length).toBe(4321);
  });

  it('the pipeline guest counts what bash counts for yes | head -c N | wc -c', async () => {
    const n = 300_001;
    const native = spawnSync('bash', ['-c', `yes | head -c ${n} | wc -c`], { encoding: 'utf8' });
    const r = await sb.run({ argv: ['pipeline', String(n)], bytes: readFileSync(join(benchWasmDir, 'pipeline.wasm')) });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(native.stdout.trim());
    expect(r.stderr).toMatch(new RegExp(`^pipeline ${n} \\d+$`, 'm'));
  });
});
