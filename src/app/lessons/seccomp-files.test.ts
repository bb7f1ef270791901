/**
 * The `seccomp` guest (guests/src/seccomp.c) against the kernel's own seccomp
 * engine: for every wVisor call and every profile the page ships, the guest's
 * `explain` (its own BPF interpreter over the compiled file) must give the
 * verdict, rule and instruction path that src/kernel/seccomp/explain.ts gives;
 * `run` must install the filter so the kernel enforces it on the command.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { AUDIT_ARCH_WVISOR, compileProfile, explain, makeSeccompData, syscalls } from '../../kernel/seccomp/index.js';
import { populate } from '../../kernel/vfs/index.js';
import { createNodeSandbox } from '../../platform/node/node-sandbox.js';
import { seccompFiles } from './seccomp-files.js';

const read = (p: string): unknown => JSON.parse(readFileSync(new URL(p, import.meta.url), 'utf8'));
const profiles: Record<string, unknown> = {
  'docker-default': read('../../../profiles/seccomp/docker-default.json'),
  'read-only': read('./profiles/read-only.json'),
  'no-spawn': read('./profiles/no-spawn.json'),
};

const sb = createNodeSandbox();
populate(sb.kernel.vfs, '/etc', seccompFiles(profiles));
afterAll(() => sb.shutdown());

/** explain()'s text with the first line's disassembly (": ret #0x...") dropped, as the guest prints it. */
function reference(profile: string, call: string, nr: number): string {
  const prog = compileProfile(profiles[profile] as Parameters<typeof compileProfile>[0]).program;
  const e = explain([prog], makeSeccompData({ nr, arch: AUDIT_ARCH_WVISOR, args: [] }), call);
  const [first, ...rest] = e.text.split('\n');
  return [first!.replace(/(at instruction \d+): .*$/, '$1'), ...rest].join('\n') + '\n';
}

describe('seccomp explain matches the kernel', () => {
  for (const profile of Object.keys(profiles)) {
    it(profile, async () => {
      for (const s of syscalls) {
        const r = await sb.run({ argv: ['seccomp', 'explain', profile, s.name] });
        expect(r.stderr).toBe('');
        expect(r.stdout, `${profile} ${s.name}`).toBe(reference(profile, s.name, s.nr));
      }
    }, 120_000);
  }

  it('a Linux name is explained as its wVisor calls; an unknown one is refused', async () => {
    const r = await sb.run({ argv: ['seccomp', 'explain', 'read-only', 'mkdir'] });
    const nr = syscalls.find((s) => s.name === 'path_create_directory')!.nr;
    expect(r.stdout).toBe("mkdir is Linux's name for path_create_directory; arguments are given in wVisor's order\n"
      + reference('read-only', 'path_create_directory', nr));
    const u = await sb.run({ argv: ['seccomp', 'explain', 'docker-default', 'mount'] });
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/^seccomp: unknown call "mount"/);
  });
});

describe('seccomp run: the kernel enforces the installed filter', () => {
  it('docker-default lets echo run', async () => {
    const r = await sb.run({ argv: ['seccomp', 'run', 'docker-default', 'echo', 'hi'] });
    expect(r).toMatchObject({ stdout: 'hi\n', code: 0 });
  });

  it('read-only: mkdir gets EPERM', async () => {
    const r = await sb.run({ argv: ['seccomp', 'run', 'read-only', 'mkdir', '/tmp/lesson'] });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Operation not permitted');
    const ok = await sb.run({ argv: ['mkdir', '/tmp/lesson'] });
    expect(ok.code).toBe(0);
  });

  it('no-spawn: the command itself cannot be started; kill is KILL_PROCESS', async () => {
    const r = await sb.run({ argv: ['seccomp', 'run', 'no-spawn', 'echo', 'hi'] });
    expect(r.code).toBe(126);
    expect(r.stderr).toMatch(/cannot start echo: Operation not permitted/);
  });
});
