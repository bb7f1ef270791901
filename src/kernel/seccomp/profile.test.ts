import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { oracle, type OracleEnv } from '../../../test/fixtures/seccomp/oracle.js';
import { linuxToWasiErrno } from '../abi/errno.js';
import { AUDIT_ARCH_WVISOR, syscallByName, syscalls } from '../syscall-table.js';
import { linuxAliases, linuxAliasNames } from './aliases.js';
import { exec } from './interpreter.js';
import { jit } from './jit.js';
import { compileProfile, ProfileError, WVISOR_PROFILE_ARCH } from './profile.js';
import { makeSeccompData } from './seccomp-data.js';
import { dockerProfilePath, podmanProfilePath } from '../../../test/fixtures/seccomp/profiles.js';

const docker = JSON.parse(readFileSync(dockerProfilePath, 'utf8'));
const podman = JSON.parse(readFileSync(podmanProfilePath, 'utf8'));

const wvisorEnv: OracleEnv = {
  arch: WVISOR_PROFILE_ARCH,
  kernel: [6, 1],
  // A name means the wVisor call of that name (argument for argument) and the calls doing the Linux call's job.
  resolve: (name) => {
    const s = syscallByName(name);
    const out: Array<{ call: string; args: Record<number, number> }> =
      s ? [{ call: s.name, args: { 0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 } }] : [];
    for (const a of linuxAliases(name)) if (!out.some((o) => o.call === a.call)) out.push({ call: a.call, args: { ...a.args } });
    return out;
  },
  errno: (n) => (n === 0 ? 0 : linuxToWasiErrno(n)!),
  // Written out by hand (the spec), not derived from the alias table the compiler uses.
  unnameable: ['args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'fd_fdstat_set_rights',
    'fd_prestat_get', 'fd_prestat_dir_name'],
};

/** Deterministic PRNG (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x;
  };
}

/** Argument vectors worth trying for a profile: boundary values around every condition value. */
function argVectors(profile: { syscalls?: Array<{ args?: Array<{ value?: number; valueTwo?: number }> }> }, seed: number, randomVectors: number): bigint[][] {
  const interesting = new Set<bigint>([0n, 1n, 0xffffffffn, 0x100000000n, 0xffffffffffffffffn]);
  for (const r of profile.syscalls ?? []) {
    for (const a of r.args ?? []) {
      for (const v of [BigInt(a.value ?? 0), BigInt(a.valueTwo ?? 0)]) {
        for (const d of [-1n, 0n, 1n, 0x100000000n, -0x100000000n]) {
          interesting.add(BigInt.asUintN(64, v + d));
        }
        interesting.add(v | (1n << 40n));
      }
    }
  }
  const pool = [...interesting];
  const r = rng(seed);
  const out: bigint[][] = [[0n, 0n, 0n, 0n, 0n, 0n]];
  for (const v of pool) for (let i = 0; i < 6; i++) {
    const args = [0n, 0n, 0n, 0n, 0n, 0n];
    args[i] = v;
    out.push(args);
  }
  for (let n = 0; n < randomVectors; n++) out.push(Array.from({ length: 6 }, () => pool[r() % pool.length]!));
  return out;
}

function checkProfile(profile: unknown, seed = 1, calls = syscalls, randomVectors = 200): number {
  const compiled = compileProfile(profile);
  const fn = jit(compiled.program);
  const vectors = argVectors(profile as never, seed, randomVectors);
  const d = makeSeccompData({ nr: 0, arch: AUDIT_ARCH_WVISOR });
  let checked = 0;
  for (const s of calls) {
    for (const args of vectors) {
      makeSeccompData({ nr: s.nr, arch: AUDIT_ARCH_WVISOR, args }, d);
      const want = oracle(profile, s.name, args, wvisorEnv);
      const got = exec(compiled.program, d);
      if (got !== want) {
        throw new Error(`${s.name}(${args.join(', ')}): compiled filter says 0x${got.toString(16)}, the profile's rules say 0x${want.toString(16)}`);
      }
      if (fn(d) !== want) throw new Error(`${s.name}(${args.join(', ')}): JIT says 0x${fn(d).toString(16)}, want 0x${want.toString(16)}`);
      checked++;
    }
  }
  return checked;
}

describe('real profiles compile and decide as their rules say', () => {
  test.each([['docker-default.json', docker], ['podman-default.json', podman]])('%s', (_name, profile) => {
    expect(checkProfile(profile)).toBeGreaterThan(1000);
  });

  test('docker: examples written out', () => {
    const p = compileProfile(docker);
    const run = (name: string, args: bigint[] = [], arch = AUDIT_ARCH_WVISOR): number =>
      exec(p.program, makeSeccompData({ nr: syscallByName(name)!.nr, arch, args }));
    expect(run('fd_write')).toBe(0x7fff0000);
    expect(run('fd_renumber')).toBe(0x7fff0000); // Docker allows dup2/dup3; fd_renumber is dup2 + close
    expect(run('args_get')).toBe(0x7fff0000); // no Linux name reaches it: allowed (wasi-libc's start-up needs it)
    expect(run('ptrace')).toBe(0x7fff0000); // includes minKernel 4.8 <= 6.1
    expect(run('fd_write', [], 0xc000003e)).toBe(0x80000000); // other arch → KILL_PROCESS
    expect(p.warnings.some((w) => w.includes('"clone"'))).toBe(true);
    expect(p.warnings.some((w) => w.startsWith('skipped') && w.includes('socket'))).toBe(true);
  });
});

// Random profiles over a few calls, exercising every op, every action, aliases
// with partial argument maps (maybe rules), includes/excludes.
const names = ['kill', 'tgkill', 'fd_write', 'write', 'lseek', 'ioctl', 'wait4', 'clone', 'dup3', 'setpgid', 'socket', 'unlinkat'];
const ops = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'];
const acts = ['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_TRAP', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE', 'SCMP_ACT_NOTIFY'];
const vals = [0, 1, 2, 9, 0xffffffff, 0x100000000, 0x100000009, 0x1ffffffff, 2 ** 53 - 1];
const errnos = [1, 2, 13, 22, 38];

function randomProfile(seed: number): unknown {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[r() % a.length]!;
  const nrules = 1 + (r() % 8);
  const syscalls = Array.from({ length: nrules }, () => {
    const rule: Record<string, unknown> = {
      names: Array.from({ length: 1 + (r() % 2) }, () => pick(names)),
      action: pick(acts),
    };
    if (r() % 2) rule.errnoRet = pick(errnos);
    const nargs = r() % 4 === 0 ? 0 : r() % 3;
    if (nargs) {
      rule.args = Array.from({ length: nargs }, () => ({ index: r() % 4, value: pick(vals), valueTwo: pick(vals), op: pick(ops) }));
    }
    if (r() % 8 === 0) rule.includes = pick([{ caps: ['CAP_SYS_ADMIN'] }, { minKernel: '7.0' }, { minKernel: '5.4' }, { arches: ['amd64'] }]);
    if (r() % 8 === 0) rule.excludes = pick([{ caps: ['CAP_SYS_ADMIN'] }, { minKernel: '7.0' }, { minKernel: '5.4' }, { arches: [WVISOR_PROFILE_ARCH] }]);
    return rule;
  });
  return { defaultAction: pick(acts), defaultErrnoRet: pick(errnos), syscalls };
}

describe('random profiles: compiled filter equals the rule oracle', () => {
  test('300 profiles', () => {
    let checked = 0;
    // Every call the names can reach, plus two no rule names.
    const reach = new Set(names.flatMap((n) => wvisorEnv.resolve(n).map((t) => t.call)));
    const calls = syscalls.filter((s) => reach.has(s.name) || s.name === 'fd_read' || s.name === 'prctl');
    for (let seed = 1; seed <= 300; seed++) checked += checkProfile(randomProfile(seed * 7919), seed, calls, 40);
    expect(checked).toBeGreaterThan(100000);
  });
});

describe('long jumps', () => {
  test('a profile big enough to need JA trampolines compiles and decides right', () => {
    // 60 rules with 3 conditions each on one call makes chains longer than 255 instructions.
    const rules = Array.from({ length: 60 }, (_, i) => ({
      names: ['fd_write'], action: i % 2 ? 'SCMP_ACT_ALLOW' : 'SCMP_ACT_TRAP',
      args: [{ index: 0, value: i, op: 'SCMP_CMP_EQ' }, { index: 1, value: 0x100000000 + i, op: 'SCMP_CMP_GE' }, { index: 2, value: 0xff, valueTwo: i, op: 'SCMP_CMP_MASKED_EQ' }],
    }));
    const profile = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [...rules, { names: linuxAliasNames.filter((n) => !linuxAliases(n).some((a) => a.call === 'fd_write')).slice(0, 40), action: 'SCMP_ACT_LOG' }] };
    const p = compileProfile(profile);
    expect(p.program.length).toBeGreaterThan(600);
    expect(p.program.insns.some((i) => i.code === 0x05 && i.k > 255)).toBe(true);
    checkProfile(profile, 3, syscalls, 20);
  });
});

describe('malformed profiles name the field at fault', () => {
  const cases: Array<[string, unknown, string]> = [
    ['not an object', [], '(top level)'],
    ['unknown default action', { defaultAction: 'SCMP_ACT_NOPE' }, 'defaultAction'],
    ['bad errno', { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 'x' }, 'defaultErrnoRet'],
    ['errno without WASI counterpart', { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 15 }, 'defaultErrnoRet'],
    ['syscalls not array', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: {} }, 'syscalls'],
    ['names missing', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ action: 'SCMP_ACT_ERRNO' }] }, 'syscalls[0].names'],
    ['bad op', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'EQ' }] }] }, 'syscalls[0].args[0].op'],
    ['bad index', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] }, 'syscalls[0].args[0].index'],
    ['value too big for JSON numbers', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 2 ** 60, op: 'SCMP_CMP_EQ' }] }] }, 'syscalls[0].args[0].value'],
    ['bad minKernel', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', includes: { minKernel: 'six' } }] }, 'syscalls[0].includes.minKernel'],
    ['bad archMap', { defaultAction: 'SCMP_ACT_ALLOW', archMap: [{}] }, 'archMap[0].architecture'],
    ['bad rule action', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kill'], action: 3 }] }, 'syscalls[0].action'],
  ];
  test.each(cases)('%s', (_what, profile, field) => {
    let err: unknown;
    try { compileProfile(profile); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ProfileError);
    expect((err as ProfileError).field).toBe(field);
    expect((err as Error).message).toContain(field);
  });
});
