/**
 * Compiles an OCI/Docker seccomp profile (runtime-spec `LinuxSeccomp`, the JSON
 * of moby/profiles and containers/common) to a seccomp filter for wVisor calls.
 *
 * What a profile means here (the test oracle in profile.test.ts reads the JSON
 * with the same rules, independently of this code):
 * - Rules apply to a guest holding no capabilities (`capabilities` option),
 *   on arch {@link WVISOR_PROFILE_ARCH}, with kernel {@link WVISOR_KERNEL_VERSION}:
 *   `includes.caps` needs every listed cap, `excludes.caps` drops a rule if any
 *   is held; `includes.arches`/`excludes.arches` likewise; `includes.minKernel`
 *   needs kernel >= it, `excludes.minKernel` drops a rule when kernel >= it
 *   (moby's profile semantics).
 * - Names resolve to wVisor calls directly (`fd_write`) or through the Linux
 *   alias table (aliases.ts); names with neither are skipped with a warning, as
 *   runc skips names libseccomp does not know.
 * - A rule whose return value equals the default action's is skipped, as runc
 *   skips it (libseccomp refuses it with EACCES).
 * - Per call, as libseccomp builds it: the first unconditional rule decides and
 *   overrides every conditional rule; otherwise, among conditional rules whose
 *   conditions all hold, the most restrictive action wins (the earliest among
 *   equals); otherwise the default action. (libseccomp orders overlapping
 *   conditional rules by its tree layout; the most restrictive choice is the
 *   safe reading, and equals libseccomp's wherever rules do not overlap.)
 * - A condition on a Linux argument that has no wVisor counterpart (aliases.ts)
 *   cannot be checked. Such a rule becomes a "maybe" rule: its other
 *   conditions are kept, and when they hold, its action joins the outcome
 *   only if it is more restrictive (outcome = the more restrictive of the
 *   above and the maybe rule's action). This is never more permissive than the
 *   profile on any input, whatever the untranslatable condition would have
 *   said. A warning names each such rule.
 * - Conditions compare 64-bit arguments as libseccomp does, as two 32-bit
 *   halves: EQ, NE, LT, LE, GT, GE (unsigned), MASKED_EQ
 *   ((arg & value) == (valueTwo & value), libseccomp masks the datum too).
 * - ERRNO data (errnoRet, defaultErrnoRet; EPERM when absent, as runc) are
 *   Linux numbers, translated to WASI's (EPERM 1 → 63). TRACE data is passed as is.
 * - seccomp_data.arch other than AUDIT_ARCH_WVISOR → KILL_PROCESS (libseccomp's
 *   default bad-arch action); `architectures`/`archMap` only name Linux arches
 *   and are validated, not used.
 * - Dispatch on the call number is a balanced binary tree of JGE, with JEQ
 *   chains of at most 4 calls at the leaves.
 * - Calls that no Linux name reaches (args_*, environ_*, fd_prestat_*,
 *   fd_fdstat_set_rights) are allowed unless the profile names them directly:
 *   a Linux program does that work without a system call, so no Linux profile
 *   can speak of them, and denying them would stop wasi-libc's start-up.
 */
import { AUDIT_ARCH_WVISOR, syscallByName, syscalls } from '../syscall-table.js';
import { linuxToWasiErrno } from '../abi/errno.js';
import {
  actionOnly, describeRet, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG, SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP, SECCOMP_RET_USER_NOTIF,
} from './actions.js';
import { linuxAliases, linuxAliasNames } from './aliases.js';
import { Assembler, type Label } from './assembler.js';
import {
  BPF_ABS, BPF_ALU, BPF_AND, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W,
} from './bpf.js';
import { OFF_ARCH, OFF_NR, offArgHi, offArgLo } from './seccomp-data.js';
import { verify, type VerifiedProgram } from './verifier.js';

/** The kernel version wVisor reports to profiles (`minKernel`) and in uname. */
export const WVISOR_KERNEL_VERSION = '6.1';
/** The arch name wVisor matches against `includes.arches`/`excludes.arches` (Go's GOARCH style). */
export const WVISOR_PROFILE_ARCH = 'wasm32';

/** A profile that cannot be compiled; `field` is a JSON path (`syscalls[3].args[0].op`). */
export class ProfileError extends Error {
  override name = 'ProfileError';
  constructor(readonly field: string, problem: string) {
    super(`seccomp profile: ${field}: ${problem}`);
  }
}

export type CompareOp = 'SCMP_CMP_NE' | 'SCMP_CMP_LT' | 'SCMP_CMP_LE' | 'SCMP_CMP_EQ' | 'SCMP_CMP_GE' | 'SCMP_CMP_GT' | 'SCMP_CMP_MASKED_EQ';
const compareOps: readonly string[] = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'];

/** A condition on a wVisor call's argument. */
export interface ArgCondition {
  /** wVisor argument index, 0..5. */
  index: number;
  op: CompareOp;
  /** u64 operand (MASKED_EQ: the mask). */
  value: bigint;
  /** u64 second operand (MASKED_EQ: the datum). */
  valueTwo: bigint;
}

/** One rule as it applies to one wVisor call. */
export interface CallRule {
  /** Return value when it decides. */
  ret: number;
  /** Conditions that can be checked (all must hold). */
  conditions: ArgCondition[];
  /** True when some Linux condition could not be translated (see the file comment). */
  maybe: boolean;
  /** Where it came from: `syscalls[4] "kill"`. */
  source: string;
  /** Position in the profile (rule index, then name index), for tie-breaking. */
  order: number;
}

/** The policy for one wVisor call. */
export interface CallPolicy {
  nr: number;
  name: string;
  rules: CallRule[];
}

export interface CompileOptions {
  /** Capabilities the guest holds (default none). */
  capabilities?: readonly string[];
  /** Kernel version for minKernel (default {@link WVISOR_KERNEL_VERSION}). */
  kernelVersion?: string;
  /** Arch name for includes/excludes.arches (default {@link WVISOR_PROFILE_ARCH}). */
  arch?: string;
}

export interface CompiledProfile {
  /** The verified filter. */
  program: VerifiedProgram;
  /** Return value for calls no rule matches. */
  defaultRet: number;
  /** Per-call policies (calls with at least one rule), by number. */
  calls: CallPolicy[];
  /** Skipped names, dropped conditions. */
  warnings: string[];
}

const actionNames: Record<string, number> = {
  SCMP_ACT_KILL: SECCOMP_RET_KILL_THREAD,
  SCMP_ACT_KILL_THREAD: SECCOMP_RET_KILL_THREAD,
  SCMP_ACT_KILL_PROCESS: SECCOMP_RET_KILL_PROCESS,
  SCMP_ACT_TRAP: SECCOMP_RET_TRAP,
  SCMP_ACT_ERRNO: SECCOMP_RET_ERRNO,
  SCMP_ACT_TRACE: SECCOMP_RET_TRACE,
  SCMP_ACT_ALLOW: SECCOMP_RET_ALLOW,
  SCMP_ACT_LOG: SECCOMP_RET_LOG,
  SCMP_ACT_NOTIFY: SECCOMP_RET_USER_NOTIF,
};

const LINUX_EPERM = 1;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function stringList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new ProfileError(field, 'must be an array of strings');
  return v as string[];
}

function u64(v: unknown, field: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'bigint') {
    if (v < 0n || v > 0xffffffffffffffffn) throw new ProfileError(field, 'must be an integer from 0 to 2^64-1');
    return v;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ProfileError(field, `must be a non-negative integer, not ${JSON.stringify(v)}`);
  if (!Number.isSafeInteger(v)) {
    throw new ProfileError(field, `${v} is above 2^53 and was rounded by JSON parsing; write values that large as a bigint`);
  }
  return BigInt(v);
}

/** Parses "6.1", "4.8.0": numbers compared component by component. */
function versionParts(v: unknown, field: string): number[] {
  if (typeof v !== 'string' || !/^\d+(\.\d+)*$/.test(v)) throw new ProfileError(field, `must be a kernel version like "4.8", not ${JSON.stringify(v)}`);
  return v.split('.').map(Number);
}

function versionAtLeast(have: number[], want: number[]): boolean {
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const a = have[i] ?? 0, b = want[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

function actionRet(action: unknown, errnoRet: unknown, field: string, errnoField: string): number {
  if (typeof action !== 'string' || !Object.hasOwn(actionNames, action)) {
    throw new ProfileError(field, `unknown action ${JSON.stringify(action)}; use one of ${Object.keys(actionNames).join(', ')}`);
  }
  const base = actionNames[action]!;
  if (base === SECCOMP_RET_ERRNO || base === SECCOMP_RET_TRACE) {
    let data = LINUX_EPERM;
    if (errnoRet !== undefined && errnoRet !== null) {
      if (typeof errnoRet !== 'number' || !Number.isInteger(errnoRet) || errnoRet < 0 || errnoRet > 0xffff) {
        throw new ProfileError(errnoField, `must be an errno number from 0 to 65535, not ${JSON.stringify(errnoRet)}`);
      }
      data = errnoRet;
    }
    if (base === SECCOMP_RET_ERRNO) {
      const wasi = data === 0 ? 0 : linuxToWasiErrno(data);
      if (wasi === undefined) {
        throw new ProfileError(errnoField, `Linux errno ${data} has no WASI counterpart; use another errno`);
      }
      data = wasi;
    }
    return (base | data) >>> 0;
  }
  return base >>> 0;
}

interface Applies { capabilities: ReadonlySet<string>; kernel: number[]; arch: string }

function ruleApplies(rule: Record<string, unknown>, at: string, env: Applies): boolean {
  for (const which of ['includes', 'excludes'] as const) {
    const f = rule[which];
    if (f === undefined || f === null) continue;
    if (!isObject(f)) throw new ProfileError(`${at}.${which}`, 'must be an object');
    const caps = stringList(f.caps, `${at}.${which}.caps`);
    const arches = stringList(f.arches, `${at}.${which}.arches`);
    const minKernel = f.minKernel === undefined || f.minKernel === null || f.minKernel === ''
      ? undefined : versionParts(f.minKernel, `${at}.${which}.minKernel`);
    if (which === 'includes') {
      if (caps.length && !caps.every((c) => env.capabilities.has(c))) return false;
      if (arches.length && !arches.includes(env.arch)) return false;
      if (minKernel && !versionAtLeast(env.kernel, minKernel)) return false;
    } else {
      if (caps.some((c) => env.capabilities.has(c))) return false;
      if (arches.includes(env.arch)) return false;
      if (minKernel && versionAtLeast(env.kernel, minKernel)) return false;
    }
  }
  return true;
}

interface LinuxCond { index: number; op: CompareOp; value: bigint; valueTwo: bigint; field: string }

function parseArgs(v: unknown, at: string): LinuxCond[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ProfileError(`${at}.args`, 'must be an array');
  return v.map((a, i) => {
    const f = `${at}.args[${i}]`;
    if (!isObject(a)) throw new ProfileError(f, 'must be an object with index, value, op');
    if (typeof a.index !== 'number' || !Number.isInteger(a.index) || a.index < 0 || a.index > 5) {
      throw new ProfileError(`${f}.index`, `must be an argument index from 0 to 5, not ${JSON.stringify(a.index)}`);
    }
    if (typeof a.op !== 'string' || !compareOps.includes(a.op)) {
      throw new ProfileError(`${f}.op`, `unknown comparison ${JSON.stringify(a.op)}; use one of ${compareOps.join(', ')}`);
    }
    return { index: a.index, op: a.op as CompareOp, value: u64(a.value, `${f}.value`), valueTwo: u64(a.valueTwo, `${f}.valueTwo`), field: f };
  });
}

/**
 * Validates a profile and resolves it to per-call rules (no code generated).
 * Throws {@link ProfileError} naming the field at fault.
 */
export function resolveProfile(json: unknown, options: CompileOptions = {}): { defaultRet: number; calls: CallPolicy[]; warnings: string[] } {
  if (!isObject(json)) throw new ProfileError('(top level)', 'a seccomp profile must be a JSON object');
  const env: Applies = {
    capabilities: new Set(options.capabilities ?? []),
    kernel: versionParts(options.kernelVersion ?? WVISOR_KERNEL_VERSION, 'kernelVersion option'),
    arch: options.arch ?? WVISOR_PROFILE_ARCH,
  };
  const defaultRet = actionRet(json.defaultAction, json.defaultErrnoRet, 'defaultAction', 'defaultErrnoRet');
  stringList(json.architectures, 'architectures');
  if (json.archMap !== undefined && json.archMap !== null) {
    if (!Array.isArray(json.archMap)) throw new ProfileError('archMap', 'must be an array');
    json.archMap.forEach((m, i) => {
      if (!isObject(m) || typeof m.architecture !== 'string') throw new ProfileError(`archMap[${i}].architecture`, 'must be a string');
      stringList(m.subArchitectures, `archMap[${i}].subArchitectures`);
    });
  }
  const warnings: string[] = [];
  const unknown = new Set<string>();
  const byCall = new Map<string, CallRule[]>();
  const list = json.syscalls ?? [];
  if (!Array.isArray(list)) throw new ProfileError('syscalls', 'must be an array');
  let order = 0;
  list.forEach((rule, ri) => {
    const at = `syscalls[${ri}]`;
    if (!isObject(rule)) throw new ProfileError(at, 'must be an object');
    let names: string[];
    if (rule.names !== undefined && rule.names !== null) names = stringList(rule.names, `${at}.names`);
    else if (typeof rule.name === 'string') names = [rule.name];
    else throw new ProfileError(`${at}.names`, 'is missing: give the calls the rule is for');
    const ret = actionRet(rule.action, rule.errnoRet, `${at}.action`, `${at}.errnoRet`);
    const conds = parseArgs(rule.args, at);
    if (!ruleApplies(rule, at, env)) return;
    if (ret === defaultRet) return; // runc: same as the default action
    names.forEach((name, ni) => {
      // A wVisor call of that name, argument for argument, and the calls doing the Linux call of that name's job
      // (they meet where a wVisor call is named after its Linux counterpart: kill, dup2, dup3, pipe2, chdir).
      const direct = syscallByName(name);
      const targets: Array<{ call: string; args: Readonly<Record<number, number>> }> = direct
        ? [{ call: direct.name, args: { 0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 } }] : [];
      for (const a of linuxAliases(name)) if (!targets.some((t) => t.call === a.call)) targets.push(a);
      if (targets.length === 0) {
        unknown.add(name);
        return;
      }
      for (const t of targets) {
        const kept: ArgCondition[] = [];
        const dropped: LinuxCond[] = [];
        for (const c of conds) {
          const to = t.args[c.index];
          if (to === undefined) dropped.push(c);
          else kept.push({ index: to, op: c.op, value: c.value, valueTwo: c.valueTwo });
        }
        const source = `${at} "${name}"${t.call === name ? '' : ` (as ${t.call})`}`;
        if (dropped.length) {
          warnings.push(
            `${source}: ${dropped.map((c) => `${c.field} (Linux argument ${c.index})`).join(', ')} has no ${t.call} counterpart; ` +
              `the rule's ${describeRet(ret)} is applied whenever its other conditions hold, if that is more restrictive`,
          );
        }
        const rules = byCall.get(t.call) ?? [];
        rules.push({ ret, conditions: kept, maybe: dropped.length > 0, source, order: order * 64 + ni });
        byCall.set(t.call, rules);
      }
    });
    order++;
  });
  if (unknown.size) {
    warnings.push(`skipped ${unknown.size} names with no wVisor call: ${[...unknown].sort().join(', ')}`);
  }
  // Calls no Linux name maps to cannot be named by a Linux profile: a Linux
  // program does their work without a system call (argv and the environment
  // arrive on its stack at execve; it has no preopened directories to list).
  // Denying them would stop every program in wasi-libc's start-up, so they
  // keep the profile's ALLOW unless the profile names them itself.
  for (const name of UNNAMEABLE) {
    if (byCall.has(name) || defaultRet === SECCOMP_RET_ALLOW) continue;
    byCall.set(name, [{ ret: SECCOMP_RET_ALLOW, conditions: [], maybe: false,
      source: `${name} (no Linux counterpart: allowed)`, order: -1 }]);
  }
  const calls: CallPolicy[] = [...byCall.entries()]
    .map(([name, rules]) => ({ nr: syscallByName(name)!.nr, name, rules }))
    .sort((a, b) => a.nr - b.nr);
  return { defaultRet, calls, warnings };
}

/** wVisor calls that no Linux name in the alias table reaches. */
const UNNAMEABLE: readonly string[] = (() => {
  const reached = new Set<string>();
  for (const n of linuxAliasNames) for (const t of linuxAliases(n)) reached.add(t.call);
  return syscalls.filter((c) => !reached.has(c.name)).map((c) => c.name);
})();

/** Orders return values: more restrictive first (ACTION_ONLY, signed). */
function cmpRet(a: number, b: number): number {
  return actionOnly(a) - actionOnly(b);
}

function emitCondition(asm: Assembler, c: ArgCondition, fail: Label, note: string): void {
  const hi = Number(c.value >> 32n), lo = Number(c.value & 0xffffffffn);
  const ok = asm.label();
  const LD = BPF_LD | BPF_W | BPF_ABS, JEQ = BPF_JMP | BPF_JEQ | BPF_K, JGT = BPF_JMP | BPF_JGT | BPF_K, JGE = BPF_JMP | BPF_JGE | BPF_K;
  const ldHi = (): void => asm.stmt(LD, offArgHi(c.index), note);
  const ldLo = (): void => asm.stmt(LD, offArgLo(c.index), note);
  switch (c.op) {
    case 'SCMP_CMP_EQ':
      ldHi(); asm.jump(JEQ, hi, undefined, fail);
      ldLo(); asm.jump(JEQ, lo, undefined, fail);
      break;
    case 'SCMP_CMP_NE':
      ldHi(); asm.jump(JEQ, hi, undefined, ok);
      ldLo(); asm.jump(JEQ, lo, fail, undefined);
      break;
    case 'SCMP_CMP_GT':
    case 'SCMP_CMP_GE':
      ldHi(); asm.jump(JGT, hi, ok, undefined); asm.jump(JEQ, hi, undefined, fail);
      ldLo(); asm.jump(c.op === 'SCMP_CMP_GT' ? JGT : JGE, lo, undefined, fail);
      break;
    case 'SCMP_CMP_LT':
    case 'SCMP_CMP_LE':
      ldHi(); asm.jump(JGT, hi, fail, undefined); asm.jump(JEQ, hi, undefined, ok);
      ldLo(); asm.jump(c.op === 'SCMP_CMP_LT' ? JGE : JGT, lo, fail, undefined);
      break;
    case 'SCMP_CMP_MASKED_EQ': {
      const datum = c.valueTwo & c.value;
      const AND = BPF_ALU | BPF_AND | BPF_K;
      ldHi(); asm.stmt(AND, hi); asm.jump(JEQ, Number(datum >> 32n), undefined, fail);
      ldLo(); asm.stmt(AND, lo); asm.jump(JEQ, Number(datum & 0xffffffffn), undefined, fail);
      break;
    }
  }
  asm.place(ok);
}

function condText(c: ArgCondition): string {
  const op = c.op.replace('SCMP_CMP_', '');
  return op === 'MASKED_EQ' ? `args[${c.index}] & 0x${c.value.toString(16)} == 0x${(c.valueTwo & c.value).toString(16)}` : `args[${c.index}] ${op} ${c.value}`;
}

/** Emits `if (all conditions) return ret`, falling through to `next` otherwise. */
function emitRule(asm: Assembler, r: CallRule, ret: number, next: Label): void {
  const note = `${r.source}${r.maybe ? ' (maybe)' : ''}: ${r.conditions.map(condText).join(' && ') || 'always'} → ${describeRet(ret)}`;
  for (const c of r.conditions) emitCondition(asm, c, next, note);
  asm.stmt(BPF_RET | BPF_K, ret, note);
}

/** Emits the code for one call (see the file comment for the semantics). */
function emitCall(asm: Assembler, p: CallPolicy, defaultRet: number): void {
  const definite = p.rules.filter((r) => !r.maybe);
  const maybes = p.rules.filter((r) => r.maybe);
  const uncond = definite.find((r) => r.conditions.length === 0);
  const byRestrictive = (a: CallRule, b: CallRule): number => cmpRet(a.ret, b.ret) || Number(a.maybe) - Number(b.maybe) || a.order - b.order;
  if (uncond) {
    const chain = maybes.filter((m) => cmpRet(m.ret, uncond.ret) < 0).sort(byRestrictive);
    for (const m of chain) {
      const next = asm.label();
      emitRule(asm, m, m.ret, next);
      asm.place(next);
    }
    asm.stmt(BPF_RET | BPF_K, uncond.ret, `${uncond.source}: always → ${describeRet(uncond.ret)}`);
    return;
  }
  const sorted = p.rules.slice().sort(byRestrictive);
  // chain(i, pending): rules from i on; `pending` is a maybe rule's ret waiting for a definite match.
  const chain = (from: number, pending: number | undefined): void => {
    for (let i = from; i < sorted.length; i++) {
      const r = sorted[i]!;
      if (pending !== undefined && r.maybe) continue;
      const next = asm.label();
      if (pending !== undefined) {
        emitRule(asm, r, pending, next);
      } else if (!r.maybe || cmpRet(r.ret, defaultRet) < 0) {
        emitRule(asm, r, r.ret, next);
      } else {
        // A permissive maybe rule: it decides only if a definite rule also matches.
        const note = `${r.source} (maybe): ${r.conditions.map(condText).join(' && ') || 'always'} → ${describeRet(r.ret)} if a later rule matches`;
        for (const c of r.conditions) emitCondition(asm, c, next, note);
        chain(i + 1, r.ret);
      }
      asm.place(next);
    }
    asm.stmt(BPF_RET | BPF_K, defaultRet, `${p.name}: no rule matched → default ${describeRet(defaultRet)}`);
  };
  chain(0, undefined);
}

/**
 * Compiles a profile (parsed JSON) to a verified filter for wVisor calls.
 * Throws {@link ProfileError} naming the field at fault.
 */
export function compileProfile(json: unknown, options: CompileOptions = {}): CompiledProfile {
  const { defaultRet, calls, warnings } = resolveProfile(json, options);
  const asm = new Assembler();
  const bad = asm.label();
  const dflt = asm.label();
  const LD = BPF_LD | BPF_W | BPF_ABS, JEQ = BPF_JMP | BPF_JEQ | BPF_K, JGE = BPF_JMP | BPF_JGE | BPF_K;
  asm.stmt(LD, OFF_ARCH, 'load arch');
  asm.jump(JEQ, AUDIT_ARCH_WVISOR, undefined, bad, 'arch is not AUDIT_ARCH_WVISOR → KILL_PROCESS');
  asm.stmt(LD, OFF_NR, 'load nr');
  const callLabels = calls.map(() => asm.label());
  // Balanced binary search over calls[lo, hi).
  const tree = (lo: number, hi: number): void => {
    if (hi - lo <= 4) {
      for (let i = lo; i < hi; i++) asm.jump(JEQ, calls[i]!.nr, callLabels[i], undefined, calls[i]!.name);
      asm.ja(dflt);
      return;
    }
    const mid = (lo + hi) >> 1;
    const right = asm.label();
    asm.jump(JGE, calls[mid]!.nr, right, undefined, `nr >= ${calls[mid]!.nr} (${calls[mid]!.name})?`);
    tree(lo, mid);
    asm.place(right);
    tree(mid, hi);
  };
  tree(0, calls.length);
  calls.forEach((p, i) => {
    asm.place(callLabels[i]!);
    emitCall(asm, p, defaultRet);
  });
  asm.place(dflt);
  asm.stmt(BPF_RET | BPF_K, defaultRet, `default action → ${describeRet(defaultRet)}`);
  asm.place(bad);
  asm.stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 'bad arch → KILL_PROCESS');
  const { insns, notes } = asm.assemble();
  const program = verify(insns, notes);
  return { program, defaultRet, calls, warnings };
}
