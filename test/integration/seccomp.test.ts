import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compileProfile, FilterStack } from '../../src/kernel/seccomp/index.js';
import type { Sandbox } from '../../src/kernel/sandbox.js';
import { createNodeSandbox } from '../../src/platform/node/node-sandbox.js';

const root = join(__dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const native = join(root, 'guests/build/native');
const sandboxes: Sandbox[] = [];
afterEach(() => { for (const sb of sandboxes.splice(0)) sb.shutdown(); });

function sandbox(): Sandbox {
  const sb = createNodeSandbox();
  sandboxes.push(sb);
  return sb;
}

function filterFrom(profile: unknown): FilterStack {
  const stack = new FilterStack();
  stack.install(compileProfile(profile).program);
  return stack;
}

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/build-guests.mjs'), '--native-only'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`native build failed: ${r.stderr}`);
}, 120_000);

describe('seccomp filters a guest installs (same program natively under Linux seccomp)', () => {
  it('t_seccomp prints what it prints under Linux', async () => {
    // Linux is the reference. Run natively without privileges (a guest holds no capabilities;
    // as root, Linux would let a filter in without no_new_privs).
    const dir = mkdtempSync(join(tmpdir(), 'wvisor-seccomp-'));
    chmodSync(dir, 0o777);
    const nat = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all',
      join(native, 't_seccomp')], { cwd: dir, encoding: 'utf8' });
    expect(nat.status).toBe(0);
    const r = await sandbox().run({ argv: ['t_seccomp'] });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(nat.stdout);
    expect(r.code).toBe(0);
  });
});

describe('profiles on tasks', () => {
  it('an ERRNO rule returns the errno translated to WASI numbering (EACCES 13 → guest sees EACCES)', async () => {
    const sb = sandbox();
    const profile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['openat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
    const r = await sb.run({ argv: ['cat', '/bin/true'], seccomp: filterFrom(profile) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cat: /bin/true: Permission denied\n');
  });

  it('a KILL rule ends the task with SIGSYS; children inherit the filter', async () => {
    const sb = sandbox();
    const profile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['openat'], action: 'SCMP_ACT_KILL_PROCESS' }] };
    const r = await sb.run({ argv: ['cat', '/bin/true'], seccomp: filterFrom(profile) });
    expect(r.signal).toBe(31);
    // spawntest's children run programs that open files (the pipeline's cat reads stdin: no open);
    // `ls /` opens a directory: inherited through spawn, it dies of SIGSYS too.
    const r2 = await sb.run({ argv: ['ls', '/'], seccomp: filterFrom(profile) });
    expect(r2.signal).toBe(31);
  });

  it('USER_NOTIF asks the host supervisor, which may fail the call or let it run', async () => {
    const sb = sandbox();
    const seen: string[] = [];
    let allow = false;
    sb.kernel.seccompSupervisor = async (n) => {
      seen.push(n.name);
      return allow ? { continue: true } : { errno: 2 /* WASI EACCES */ };
    };
    const profile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['openat'], action: 'SCMP_ACT_NOTIFY' }] };
    const denied = await sb.run({ argv: ['cat', '/bin/true'], seccomp: filterFrom(profile) });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/Permission denied/);
    expect(seen).toContain('path_open');
    allow = true;
    const allowed = await sb.run({ argv: ['wc', '-c', '/bin/true'], seccomp: filterFrom(profile) });
    expect(allowed.code).toBe(0);
  });

  it('without a supervisor, USER_NOTIF gives ENOSYS as Linux does without a listener', async () => {
    const sb = sandbox();
    const profile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['openat'], action: 'SCMP_ACT_NOTIFY' }] };
    const r = await sb.run({ argv: ['cat', '/bin/true'], seccomp: filterFrom(profile) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not implemented|Function not implemented/i);
  });
});

describe('wvisor run --seccomp', () => {
  it('runs programs under the Docker default profile', () => {
    const r = spawnSync(process.execPath, [cli, 'run', '--seccomp', join(root, 'profiles/seccomp/docker-default.json'),
      join(root, 'public/bin/wc.wasm'), '-c'], { input: 'hello\n', encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('6');
  });

  it('names the field at fault in a malformed profile', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'wvisor-prof-')), 'bad.json');
    writeFileSync(bad, JSON.stringify({ defaultAction: 'SCMP_ACT_FROBNICATE' }));
    const r = spawnSync(process.execPath, [cli, 'run', '--seccomp', bad, join(root, 'public/bin/true.wasm')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/defaultAction/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
