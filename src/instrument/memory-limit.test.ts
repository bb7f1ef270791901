import binaryen from 'binaryen';
import { describe, expect, it } from 'vitest';
import { buildFixture } from '../../test/fixtures/instrument/build.js';
import { InvalidModuleError } from './errors.js';
import { limitMemory } from './memory-limit.js';
import { createNodeSandbox } from '../platform/node/node-sandbox.js';
import { rewriteModule } from './index.js';

/** A module with the given memory declaration that exports grow(delta) -> old size or -1. */
function moduleWith(memory: string): Uint8Array {
  const m = binaryen.parseText(`(module ${memory}
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
  const out = m.emitBinary();
  m.dispose();
  return out;
}

function grow(bytes: Uint8Array, delta: number): number {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
  return (inst.exports.grow as (d: number) => number)(delta);
}

describe('the memory limit is the module\'s declared maximum (memory.grow past it gives -1)', () => {
  const cases: Array<[string, string, number, number, number]> = [
    // name, memory, limit, grow by, expected memory.grow result (old size in pages, or -1)
    ['no maximum: the limit becomes one', '(memory 1)', 5, 4, 1],
    ['no maximum: growing past the limit fails', '(memory 1)', 5, 5, -1],
    ['a lower declared maximum is kept', '(memory 1 3)', 5, 3, -1],
    ['a higher declared maximum is lowered', '(memory 1 100)', 5, 5, -1],
    ['exactly to the limit', '(memory 2 100)', 5, 3, 2],
  ];
  it.each(cases)('%s', (_name, mem, limit, delta, want) => {
    expect(grow(limitMemory(moduleWith(mem), limit), delta)).toBe(want);
  });

  it('refuses a module whose initial memory is already above the limit', () => {
    expect(() => limitMemory(moduleWith('(memory 10)'), 5)).toThrow(InvalidModuleError);
  });

  it('a C guest in wVisor gets ENOMEM from malloc at the limit, and runs on', async () => {
    const { bytes } = await rewriteModule(buildFixture('grow'), { maxMemoryPages: 64 * 16 }); // 64 MiB
    const sb = createNodeSandbox();
    try {
      const r = await sb.run({ bytes, argv: ['grow', '1000'] });
      expect(r.code).toBe(0);
      const m = r.stdout.match(/^malloc failed after (\d+) MiB: ENOMEM$/m);
      expect(m, r.stdout).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThan(56);
      expect(Number(m![1])).toBeLessThan(64);
      const small = await sb.run({ bytes, argv: ['grow', '16'] });
      expect(small.stdout).toBe('allocated 16 MiB\n');
    } finally {
      sb.shutdown();
    }
  });
});
