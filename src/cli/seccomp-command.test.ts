import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { decodeProgram, verify } from '../kernel/seccomp/index.js';
import { seccompCommand } from './seccomp-command.js';
import { dockerProfilePath, podmanProfilePath } from '../../test/fixtures/seccomp/profiles.js';

const DOCKER = dockerProfilePath;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await seccompCommand(args, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

test('compile -o writes a filter the verifier accepts; disasm reads it back', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'wv-')), 'docker.bpf');
  const c = await run(['compile', DOCKER, '-o', file]);
  expect(c.code).toBe(0);
  expect(c.err).toMatch(/wrote \d+ instructions/);
  const prog = verify(decodeProgram(readFileSync(file)));
  const d = await run(['disasm', file]);
  expect(d.code).toBe(0);
  expect(d.out.split('\n').filter((l) => /^ \d{4}:/.test(l))).toHaveLength(prog.length);
});

test('explain names the deciding filter, instruction and rule', async () => {
  // Docker's profile allows every wVisor call; a small profile that denies by default shows a denial.
  const strict = join(mkdtempSync(join(tmpdir(), 'wv-')), 'strict.json');
  writeFileSync(strict, JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1,
    syscalls: [{ names: ['write'], action: 'SCMP_ACT_ALLOW' }] }));
  const denied = await run(['explain', strict, 'fd_renumber', '1', '2']);
  expect(denied.code).toBe(0);
  expect(denied.out).toMatch(/fd_renumber: ERRNO\(63\), decided by filter 0 .* at instruction \d+/);
  expect(denied.out).toMatch(/rule: default action/);
  const allowed = await run(['explain', DOCKER, 'write']);
  expect(allowed.out).toMatch(/Linux's name for fd_write/);
  expect(allowed.out).toMatch(/fd_write: ALLOW/);
});

test('errors: usage, unknown call, malformed profile', async () => {
  expect((await run([])).code).toBe(2);
  expect((await run(['explain', DOCKER, 'nosuchcall'])).err).toMatch(/unknown call/);
  const dir = mkdtempSync(join(tmpdir(), 'wv-'));
  const bad = join(dir, 'bad.json');
  (await import('node:fs')).writeFileSync(bad, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kill'], action: 'NOPE' }] }));
  const r = await run(['compile', bad]);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/syscalls\[0\]\.action/);
});
