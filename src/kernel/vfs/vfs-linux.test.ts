/**
 * Differential tests: each case of linux-cases.ts runs natively on Linux (the
 * generated C program, built with gcc, one fresh temp directory per case) and
 * on the VFS; the result (errno name or what was found) and the resulting
 * tree must be the same.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cProgram, linuxCases, runOnVfs, type Case } from './linux-cases.js';
import { OFlags } from './types.js';
import { Vfs } from './vfs.js';

/** Builds and runs the C program for `cases`; returns each case's output block by name. */
function runNatively(cases: readonly Case[]): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'wvisor-vfs-'));
  try {
    writeFileSync(join(dir, 'cases.c'), cProgram(cases));
    execFileSync('/usr/bin/gcc', ['-O0', '-Wall', '-o', join(dir, 'cases'), join(dir, 'cases.c')]);
    mkdirSync(join(dir, 'work'));
    const out = execFileSync(join(dir, 'cases'), [join(dir, 'work')], { encoding: 'utf8' });
    // VFS_LINUX_OUT=file keeps Linux's answers for reading.
    if (process.env['VFS_LINUX_OUT']) writeFileSync(process.env['VFS_LINUX_OUT'], out);
    const blocks = new Map<string, string>();
    for (const block of out.split(/^(?===)/m)) {
      if (block.trim() !== '') blocks.set(block.split('\n', 1)[0]!.slice(3), block.trimEnd());
    }
    return blocks;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('VFS against Linux (native C, gcc)', () => {
  let native = new Map<string, string>();
  beforeAll(() => { native = runNatively(linuxCases); });

  it('runs every case natively with a clean setup', () => {
    expect(native.size).toBe(linuxCases.length);
    for (const [name, block] of native) expect(block, name).not.toContain('setup failed');
  });

  it.each(linuxCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    let t = 1_000_000_000n;
    const vfs = Vfs.create({ clock: () => (t += 1000n), random: (b) => b.fill(7) });
    expect(vfs.mkdir(vfs.root, 'base')).toBe(0);
    const d = vfs.open(vfs.root, '/base', { oflags: OFlags.DIRECTORY });
    if (typeof d === 'number') throw new Error('open /base failed');
    expect(runOnVfs(vfs, d, c)).toBe(native.get(c.name));
  });
});
