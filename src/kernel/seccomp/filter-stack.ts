/**
 * A task's seccomp filters (kernel/seccomp.c: struct seccomp_filter chain,
 * seccomp_attach_filter, seccomp_run_filters, __seccomp_filter).
 *
 * The kernel owns the authoritative stack; a task worker holds a copy the
 * kernel pushes (save() → postMessage → FilterStack.load()) and calls
 * {@link FilterStack.run} on every call with a reused seccomp_data buffer.
 */
import {
  actionOf, actionOnly, MAX_ERRNO, SECCOMP_RET_ALLOW, SECCOMP_RET_DATA, type SeccompAction,
} from './actions.js';
import { decodeProgram, encodeProgram } from './bpf.js';
import { allowCache } from './cache.js';
import { AUDIT_ARCH_WVISOR, syscalls } from '../syscall-table.js';
import { exec } from './interpreter.js';
import { tryJit, type JitFilter } from './jit.js';
import type { SeccompData } from './seccomp-data.js';
import { verify, type VerifiedProgram } from './verifier.js';

/** kernel/seccomp.c MAX_INSNS_PER_PATH: (1 << 18) / sizeof(struct sock_filter). */
export const MAX_INSNS_PER_PATH = 32768;

/** The verdict on one call. */
export interface SeccompResult {
  /** What to do (unknown action values are 'kill_process', as Linux treats them). */
  action: SeccompAction;
  /** SECCOMP_RET_DATA of the winning filter; for 'errno' capped at MAX_ERRNO (4095). */
  data: number;
  /**
   * Which filter decided: its index in install order (0 = oldest), or -1 when
   * every filter allowed (Linux leaves *match unset then).
   */
  filterIndex: number;
  /** The winning filter's raw 32-bit return value. */
  ret: number;
}

/** One installed filter. */
export interface InstalledFilter {
  /** The verified program. */
  readonly prog: VerifiedProgram;
  /** SECCOMP_FILTER_FLAG_LOG was given (log every action but ALLOW). */
  readonly log: boolean;
  /** Compiled form, or undefined when the JIT is off or unavailable. */
  readonly fn: JitFilter | undefined;
}

/** The plain-data form of a stack (named fields; programs as base64 of the binary form). */
export interface FilterStackState {
  version: 1;
  filters: Array<{ program: string; log: boolean; notes?: Array<string | null> }>;
}

/** A stack that fails to load (bad version or program). */
export class FilterStackLoadError extends Error {
  override name = 'FilterStackLoadError';
}

/** Errno values install() returns (WASI numbering). */
const ENOMEM = 48;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 4648 base64 (the kernel has no DOM/Node APIs: no btoa, no Buffer). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += B64[n >> 18]! + B64[(n >> 12) & 63]! +
      (i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=') + (i + 2 < bytes.length ? B64[n & 63]! : '=');
  }
  return s;
}

/** Decodes RFC 4648 base64; throws on characters outside the alphabet. */
export function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out: number[] = [];
  let acc = 0, bits = 0;
  for (const ch of clean) {
    const v = B64.indexOf(ch);
    if (v < 0) throw new Error(`invalid base64 character '${ch}'`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

export interface FilterStackOptions {
  /** Compile filters to JavaScript (default true; falls back to the interpreter where eval is forbidden). */
  jit?: boolean;
}

/** Call numbers the action cache covers: every guest call (0 .. the highest number). */
const CACHE_CALLS = syscalls.reduce((m, c) => Math.max(m, c.nr), 0) + 1;

export class FilterStack {
  /**
   * Installed filters, oldest first (index = install order). Changed by
   * install() (kernel side) and load(); the jitted functions are rebuilt by load().
   * @saved by save()
   */
  private readonly filters: InstalledFilter[] = [];
  /** Sum over filters of (len + 4), as seccomp_attach_filter counts them. @nosave recounted by load() */
  private pathInsns = 0;
  /** Whether install() compiles filters (set at construction). @nosave the loader's choice */
  private readonly useJit: boolean;
  /**
   * Index of the filter that decided the last run(), or -1 when all allowed.
   * Written by run(); read by the caller right after. @nosave
   */
  lastMatch = -1;
  /**
   * Per call number, 1 when every installed filter allows the call whatever its arguments (cache.ts, Linux's
   * action cache). Changed by install(). @nosave recomputed by install() as load() and clone() rebuild the stack
   */
  private allowed: Uint8Array = new Uint8Array(CACHE_CALLS);

  constructor(options: FilterStackOptions = {}) {
    this.useJit = options.jit ?? true;
  }

  /** Number of installed filters. */
  get size(): number { return this.filters.length; }

  /** Installed filters, oldest first. */
  get list(): readonly InstalledFilter[] { return this.filters; }

  /**
   * Attaches a verified filter as the newest (seccomp_attach_filter). Returns 0,
   * or ENOMEM (WASI numbering) when the new program's length plus, for every
   * filter already installed, its length + 4 would exceed MAX_INSNS_PER_PATH.
   */
  install(prog: VerifiedProgram, log = false): number {
    if (prog.length + this.pathInsns > MAX_INSNS_PER_PATH) return ENOMEM;
    this.filters.push({ prog, log, fn: this.useJit ? tryJit(prog) : undefined });
    this.pathInsns += prog.length + 4;
    const c = allowCache(prog, AUDIT_ARCH_WVISOR, CACHE_CALLS);
    if (this.filters.length === 1) this.allowed = c;
    else for (let nr = 0; nr < CACHE_CALLS; nr++) this.allowed[nr]! &= c[nr]!;
    return 0;
  }

  /**
   * True when the filters allow call `nr` whatever its arguments, so the caller may skip run() (and filling
   * seccomp_data) for it: the answer run() would give is SECCOMP_RET_ALLOW. False with no filter installed.
   */
  allows(nr: number): boolean {
    return this.allowed[nr] === 1 && this.filters.length > 0;
  }

  /**
   * Runs every filter, newest first, and returns the return value the kernel
   * acts on (seccomp_run_filters): the one with the lowest ACTION_ONLY value
   * (signed compare), the newest among equals; SECCOMP_RET_ALLOW with no
   * filters. Sets {@link lastMatch}. Allocation-free: the per-call fast path.
   */
  run(data: SeccompData): number {
    let ret = SECCOMP_RET_ALLOW;
    let match = -1;
    const fs = this.filters;
    for (let i = fs.length - 1; i >= 0; i--) {
      const f = fs[i]!;
      const cur = f.fn !== undefined ? f.fn(data) : exec(f.prog, data);
      if (actionOnly(cur) < actionOnly(ret)) {
        ret = cur;
        match = i;
      }
    }
    this.lastMatch = match;
    return ret >>> 0;
  }

  /** run() decoded as __seccomp_filter decodes it: action, data (ERRNO capped at 4095), filter. */
  evaluate(data: SeccompData): SeccompResult {
    const ret = this.run(data);
    const action = actionOf(ret);
    let d = ret & SECCOMP_RET_DATA;
    if (action === 'errno' && d > MAX_ERRNO) d = MAX_ERRNO;
    return { action, data: d, filterIndex: this.lastMatch, ret };
  }

  /** A copy for a child (filters are immutable once attached, so they are shared). */
  clone(): FilterStack {
    const c = new FilterStack({ jit: this.useJit });
    c.filters.push(...this.filters);
    c.pathInsns = this.pathInsns;
    c.allowed = this.allowed.slice();
    return c;
  }

  /** Plain data with named fields (programs as base64 of the 8-byte binary form). */
  save(): FilterStackState {
    return {
      version: 1,
      filters: this.filters.map((f) => ({
        program: toBase64(encodeProgram(f.prog.insns)),
        log: f.log,
        ...(f.prog.notes.length ? { notes: f.prog.notes.map((n) => n ?? null) } : {}),
      })),
    };
  }

  /** Rebuilds a stack from save()'s output, verifying every program again. */
  static load(state: FilterStackState, options: FilterStackOptions = {}): FilterStack {
    if (state === null || typeof state !== 'object' || state.version !== 1 || !Array.isArray(state.filters)) {
      throw new FilterStackLoadError(
        `seccomp filter state has version ${String((state as { version?: unknown } | null)?.version)}; ` +
          'this wVisor reads version 1 only — take the snapshot again with this version',
      );
    }
    const s = new FilterStack(options);
    state.filters.forEach((f, i) => {
      let prog: VerifiedProgram;
      try {
        prog = verify(decodeProgram(fromBase64(f.program)), f.notes?.map((n) => n ?? undefined));
      } catch (e) {
        throw new FilterStackLoadError(`seccomp filter state: filters[${i}].program is invalid: ${(e as Error).message}`, { cause: e });
      }
      if (s.install(prog, f.log === true) !== 0) {
        throw new FilterStackLoadError(`seccomp filter state: filters[${i}] exceeds ${MAX_INSNS_PER_PATH} instructions per path`);
      }
    });
    return s;
  }
}
