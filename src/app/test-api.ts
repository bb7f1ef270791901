/**
 * # `window.wvisor`: the page's test API
 *
 * Drives the sandbox of the page from tests (Playwright's `page.evaluate`) or
 * the browser console. Every method checks its arguments and throws (or
 * rejects with) a `WvisorArgumentError` whose message says what was wrong;
 * errors from the kernel (e.g. `SpawnError: nosuch: command not found`)
 * reject with the kernel's error name and message.
 *
 * ```ts
 * wvisor.ready: Promise<void>
 *   // Resolves when /bin is loaded; rejects when the page cannot run programs
 *   // (not cross-origin isolated, programs failed to load).
 * wvisor.run(argv: string[], opts?: { stdin?: string; env?: string[] })
 *   : Promise<{ stdout: string; stderr: string; code: number | null; signal: number | null;
 *               shellCode: number; status: number }>
 *   // Runs a program to its end. stdin: text, then EOF (default: EOF at once).
 *   // env: NAME=VALUE strings, all the guest sees (default: none).
 *   // code: exit code or null; signal: the signal that killed it or null;
 *   // shellCode: what a shell's $? shows (code, or 128 + signal); status: raw wait status.
 * wvisor.spawn(argv: string[], opts?: { stdin?: string; env?: string[]; closeStdin?: boolean })
 *   : Promise<{ pid: number }>
 *   // Starts a program. stdin: text written first; stdin stays open for write()
 *   // unless closeStdin is true (default false).
 * wvisor.write(pid: number, text: string): Promise<boolean>
 *   // Writes to a spawned process's stdin (waits for room); false when nobody reads it.
 * wvisor.closeStdin(pid: number): Promise<void>
 *   // The process reads EOF after what was written.
 * wvisor.wait(pid: number): Promise<{ stdout, stderr, code, signal, shellCode, status }>
 *   // Waits for a spawned process to end: exit info and all it wrote. A pid can
 *   // be waited for once (it is then forgotten, like a reaped child).
 * wvisor.kill(pid: number, sig: number): Promise<number>
 *   // kill(2) from outside: pid > 0 a process, pid < 0 a process group; sig 0..64
 *   // (Linux numbers: 9 SIGKILL, 19 SIGSTOP, 18 SIGCONT, 15 SIGTERM, 2 SIGINT).
 *   // Resolves with a WASI errno: 0 ok, 71 ESRCH no such process, 28 EINVAL.
 * wvisor.install(name: string, bytes: Uint8Array): Promise<{ instrumented: boolean }>
 *   // Puts a .wasm a person brings into /bin as NAME, runnable by name. A module without
 *   // wVisor's instrumentation is rewritten first (binaryen, loaded lazily in the kernel
 *   // worker; cached in IndexedDB by hash); instrumented: true says that happened. Rejects,
 *   // with the reason, a module that cannot run (not wasm, an import wVisor lacks, no _start).
 * wvisor.ps(): Promise<Array<{ pid, ppid, pgid, sid, state, command, cpuMs }>>
 *   // The process list (init excluded). state: 'running' | 'blocked' | 'stopped' | 'zombie'.
 *   // cpuMs: time the task's worker spent running guest code (no real CPU time in browsers).
 * wvisor.screen(): string
 *   // The terminal's visible rows, each with trailing blanks removed, joined by "\n"
 *   // (trailing empty rows dropped).
 * wvisor.programs(): string[]
 *   // Names of the programs in /bin (sorted). Throws before `ready`.
 * wvisor.timings: { readyMs: number | null; loadMs: number | null }
 *   // readyMs: ms from navigation start to ready; loadMs: the kernel worker's time to load /bin.
 * wvisor.lessons.list(): Array<{ name: string; title: string; steps: string[] }>
 *   // The lessons (src/app/lessons/lessons.ts): name for ?lesson=NAME, title, each step's title.
 * wvisor.lessons.run(name: string): Promise<Array<{ step: string; ok: boolean; detail: string }>>
 *   // Opens the lesson in a fresh sandbox session (a new kernel worker; the page is not
 *   // navigated, the URL becomes ?lesson=NAME), plays every step as its "run this" button
 *   // does, waits for each step's check (at most 20 s) and resolves with each outcome:
 *   // ok, and what the check saw (detail). Later calls of run/spawn/ps... use that session.
 * wvisor.snapshots.save(name: string)
 *   : Promise<{ name, bytes, totalBytes, pages, newPages, tasks, ms }>
 *   // Saves the whole session (every process, the VFS, the terminal with its screen and
 *   // scrollback) in IndexedDB (database wvisor-snapshots); the processes go on. bytes: stored
 *   // bytes this save wrote; pages: memory pages not zero; newPages: of those, the ones not
 *   // already stored (a second save after a small change writes little).
 * wvisor.snapshots.list(): Promise<Array<{ name, date, bytes, tasks, pages }>>
 *   // Stored snapshots, newest first (date: ms since the epoch; bytes: stored size).
 * wvisor.snapshots.restore(name: string): Promise<{ name, shellPid, pids, tasks, ms }>
 *   // Replaces the running session with the snapshot's (no confirm(), unlike the UI): the same
 *   // pids, groups, foreground job and blocked reads continue, the screen is the saved one.
 *   // shellPid: the terminal's restored shell; pids: processes started by spawn() before the
 *   // save, attached again (write/wait/closeStdin work on them; output before the save is not kept).
 *   // A wait() pending on a process of the replaced session rejects, saying so.
 * wvisor.snapshots.remove(name: string): Promise<{ name, freed }>
 * wvisor.snapshots.export(name: string): Promise<Uint8Array>
 *   // The snapshot file (format 3): `wvisor restore FILE` continues it, import() stores it.
 * wvisor.snapshots.exportBase64(name: string): Promise<string>
 *   // export() as base64, for page.evaluate (which cannot return a Uint8Array).
 * wvisor.snapshots.import(file: Uint8Array | string, name?: string): Promise<{ name, bytes, ... }>
 *   // Stores a snapshot file (bytes, or base64) under name or the name it was saved under;
 *   // a corrupt file is refused with the reason and nothing is stored.
 * wvisor.snapshots.usage(): Promise<{ bytes: number; quota?: number }>
 * ```
 *
 * kill and ps answer asynchronously because the kernel runs in its own worker.
 */
import type { KernelClient } from '../platform/browser/kernel-client.js';
import type { Ops, ProcessInfo, RunResult, SnapshotListItem, SnapshotSaveResult } from '../platform/browser/protocol.js';

/** A test API call got an argument it cannot use. */
export class WvisorArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WvisorArgumentError';
  }
}

export interface RunOptions {
  stdin?: string;
  env?: string[];
}

export interface SpawnOptions extends RunOptions {
  closeStdin?: boolean;
}

export interface WvisorApi {
  ready: Promise<void>;
  run(argv: string[], opts?: RunOptions): Promise<RunResult>;
  spawn(argv: string[], opts?: SpawnOptions): Promise<{ pid: number }>;
  write(pid: number, text: string): Promise<boolean>;
  closeStdin(pid: number): Promise<void>;
  wait(pid: number): Promise<RunResult>;
  kill(pid: number, sig: number): Promise<number>;
  ps(): Promise<ProcessInfo[]>;
  install(name: string, bytes: Uint8Array): Promise<{ instrumented: boolean }>;
  screen(): string;
  programs(): string[];
  timings: { readyMs: number | null; loadMs: number | null };
  lessons: LessonsApi;
  snapshots: SnapshotsApi;
}

export interface SnapshotsApi {
  save(name: string): Promise<SnapshotSaveResult>;
  list(): Promise<SnapshotListItem[]>;
  restore(name: string): Promise<Ops['snapshotRestore']['result']>;
  remove(name: string): Promise<{ name: string; freed: number }>;
  export(name: string): Promise<Uint8Array>;
  exportBase64(name: string): Promise<string>;
  import(file: Uint8Array | string, name?: string): Promise<SnapshotSaveResult>;
  usage(): Promise<{ bytes: number; quota?: number }>;
}

export interface LessonsApi {
  list(): Array<{ name: string; title: string; steps: string[] }>;
  run(name: string): Promise<Array<{ step: string; ok: boolean; detail: string }>>;
}

declare global {
  interface Window {
    wvisor: WvisorApi;
  }
}

/** What the API needs from the page. */
export interface TestApiDeps {
  /** The current session's kernel worker client, once ready; rejects when the page cannot run programs. */
  kernel(): Promise<KernelClient>;
  /** Settles when the page is ready for programs. */
  ready: Promise<void>;
  /** The terminal's visible text. */
  screen(): string;
  /** Program names; empty before ready. */
  programs(): string[];
  /** A program was installed into /bin under this name. */
  installed(name: string): void;
  timings: WvisorApi['timings'];
  lessons: LessonsApi;
  /** Save and restore of the current session (they involve the page: its screen, its shell). */
  snapshots: {
    save(name: string): Promise<SnapshotSaveResult>;
    restore(name: string): Promise<Ops['snapshotRestore']['result']>;
  };
}

export function createTestApi(deps: TestApiDeps): WvisorApi {
  const kernel = async (): Promise<KernelClient> => {
    await deps.ready;
    return deps.kernel();
  };
  // Argument checks run before anything else, so a bad call fails the same way before and after ready.
  const guarded = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => (...a: A): Promise<R> => {
    try {
      return fn(...a);
    } catch (e) {
      return Promise.reject(e);
    }
  };
  return {
    ready: deps.ready,
    run: guarded((argv: string[], opts?: RunOptions) => {
      checkArgv('run', argv);
      const o = checkOptions('run', opts, ['stdin', 'env']);
      return kernel().then((k) => k.request('run', { opts: { argv: [...argv], env: o.env, stdin: o.stdin, keepStdinOpen: false, stream: false } }));
    }),
    spawn: guarded((argv: string[], opts?: SpawnOptions) => {
      checkArgv('spawn', argv);
      const o = checkOptions('spawn', opts, ['stdin', 'env', 'closeStdin']);
      return kernel().then((k) => k.request('spawn', {
        opts: { argv: [...argv], env: o.env, stdin: o.stdin, keepStdinOpen: !o.closeStdin, stream: false },
      }));
    }),
    write: guarded((pid: number, text: string) => {
      checkPid('write', pid, false);
      if (typeof text !== 'string') throw new WvisorArgumentError(`write(pid, text): text must be a string, got ${describe(text)}`);
      return kernel().then((k) => k.request('write', { pid, text }));
    }),
    closeStdin: guarded((pid: number) => {
      checkPid('closeStdin', pid, false);
      return kernel().then((k) => k.request('closeStdin', { pid }));
    }),
    wait: guarded((pid: number) => {
      checkPid('wait', pid, false);
      return kernel().then((k) => k.request('wait', { pid }));
    }),
    kill: guarded((pid: number, sig: number) => {
      checkPid('kill', pid, true);
      if (!Number.isInteger(sig) || sig < 0 || sig > 64) {
        throw new WvisorArgumentError(`kill(pid, sig): sig must be an integer signal number from 0 to 64 (9 is SIGKILL), got ${describe(sig)}`);
      }
      return kernel().then((k) => k.request('kill', { pid, sig }));
    }),
    ps: guarded(() => kernel().then((k) => k.request('ps', {}))),
    install: guarded((name: string, bytes: Uint8Array) => {
      if (typeof name !== 'string' || !/^[A-Za-z0-9._+-]{1,64}$/.test(name)) {
        throw new WvisorArgumentError(`install(name, bytes): name must be a file name of letters, digits, '.', '_', '+' or '-' (at most 64), got ${describe(name)}`);
      }
      if (!(bytes instanceof Uint8Array)) {
        throw new WvisorArgumentError(`install(name, bytes): bytes must be a Uint8Array holding a .wasm module, got ${describe(bytes)}`);
      }
      return kernel().then((k) => k.request('install', { name, bytes: bytes.slice() })).then((r) => {
        deps.installed(name);
        return r;
      });
    }),
    screen: () => deps.screen(),
    programs: () => {
      const p = deps.programs();
      if (p.length === 0) throw new Error('programs() is known once wvisor.ready has resolved; await it first');
      return [...p];
    },
    timings: deps.timings,
    lessons: {
      list: () => deps.lessons.list(),
      run: guarded((name: string) => {
        const names = deps.lessons.list().map((l) => l.name);
        if (typeof name !== 'string' || !names.includes(name)) {
          throw new WvisorArgumentError(`lessons.run(name): name must be one of ${names.map((n) => JSON.stringify(n)).join(', ')}, got ${describe(name)}`);
        }
        return deps.lessons.run(name);
      }),
    },
    snapshots: {
      save: guarded((name: string) => {
        checkSnapshotName('save', name);
        return deps.ready.then(() => deps.snapshots.save(name));
      }),
      list: guarded(() => kernel().then((k) => k.request('snapshotList', {}))),
      restore: guarded((name: string) => {
        checkSnapshotName('restore', name);
        return deps.ready.then(() => deps.snapshots.restore(name));
      }),
      remove: guarded((name: string) => {
        checkSnapshotName('remove', name);
        return kernel().then((k) => k.request('snapshotRemove', { name }));
      }),
      export: guarded((name: string) => {
        checkSnapshotName('export', name);
        return kernel().then((k) => k.request('snapshotExport', { name }));
      }),
      exportBase64: guarded((name: string) => {
        checkSnapshotName('exportBase64', name);
        return kernel().then((k) => k.request('snapshotExport', { name })).then(toBase64);
      }),
      import: guarded((file: Uint8Array | string, name?: string) => {
        let bytes: Uint8Array;
        if (file instanceof Uint8Array) bytes = file.slice();
        else if (typeof file === 'string') bytes = fromBase64(file);
        else throw new WvisorArgumentError(`snapshots.import(file): file must be a Uint8Array or a base64 string (export() or exportBase64() made it), got ${describe(file)}`);
        if (name !== undefined) checkSnapshotName('import', name);
        return kernel().then((k) => k.request('snapshotImport', name !== undefined ? { bytes, name } : { bytes }));
      }),
      usage: guarded(() => kernel().then((k) => k.request('snapshotUsage', {}))),
    },
  };
}

function checkSnapshotName(fn: string, name: unknown): asserts name is string {
  // eslint-disable-next-line no-control-regex
  if (typeof name !== 'string' || name.length === 0 || name.length > 128 || /[\u0000-\u001f\u007f/\\]/.test(name) || name === '.' || name === '..') {
    throw new WvisorArgumentError(`snapshots.${fn}(name): name must be 1 to 128 characters without "/", "\\" or control characters, got ${describe(name)}`);
  }
}

export function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    throw new WvisorArgumentError('snapshots.import(file): the string is not base64; give exportBase64()\'s output or the file\'s bytes');
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function checkArgv(fn: string, argv: unknown): asserts argv is string[] {
  if (!Array.isArray(argv)) {
    throw new WvisorArgumentError(`${fn}(argv): argv must be an array of strings such as ['wc', '-c'], got ${describe(argv)}`);
  }
  if (argv.length === 0) throw new WvisorArgumentError(`${fn}(argv): argv is empty; its first element names the program (see programs())`);
  argv.forEach((a, i) => {
    if (typeof a !== 'string') throw new WvisorArgumentError(`${fn}(argv): argv[${i}] must be a string, got ${describe(a)}`);
    if (a.includes('\0')) throw new WvisorArgumentError(`${fn}(argv): argv[${i}] contains a NUL character, which no argument can hold`);
  });
  if (argv[0] === '') throw new WvisorArgumentError(`${fn}(argv): argv[0] is empty; it must name a program (see programs())`);
}

function checkOptions(fn: string, opts: unknown, allowed: string[]): { stdin: string; env: string[]; closeStdin: boolean } {
  if (opts === undefined) return { stdin: '', env: [], closeStdin: false };
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new WvisorArgumentError(`${fn}(argv, opts): opts must be an object like {stdin: 'text', env: ['A=1']}, got ${describe(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) throw new WvisorArgumentError(`${fn}(argv, opts): unknown option "${key}"; known: ${allowed.join(', ')}`);
  }
  const o = opts as { stdin?: unknown; env?: unknown; closeStdin?: unknown };
  if (o.stdin !== undefined && typeof o.stdin !== 'string') {
    throw new WvisorArgumentError(`${fn}(argv, opts): opts.stdin must be a string, got ${describe(o.stdin)}`);
  }
  if (o.closeStdin !== undefined && typeof o.closeStdin !== 'boolean') {
    throw new WvisorArgumentError(`${fn}(argv, opts): opts.closeStdin must be true or false, got ${describe(o.closeStdin)}`);
  }
  let env: string[] = [];
  if (o.env !== undefined) {
    if (!Array.isArray(o.env)) throw new WvisorArgumentError(`${fn}(argv, opts): opts.env must be an array of "NAME=VALUE" strings, got ${describe(o.env)}`);
    o.env.forEach((e: unknown, i) => {
      if (typeof e !== 'string' || !/^[^=\0]+=[^\0]*$/.test(e)) {
        throw new WvisorArgumentError(`${fn}(argv, opts): opts.env[${i}] must be a "NAME=VALUE" string with a non-empty NAME, got ${describe(e)}`);
      }
    });
    env = [...o.env as string[]];
  }
  return { stdin: o.stdin ?? '', env, closeStdin: o.closeStdin ?? false };
}

function checkPid(fn: string, pid: unknown, allowGroup: boolean): asserts pid is number {
  const ok = typeof pid === 'number' && Number.isInteger(pid) && (pid > 0 || (allowGroup && pid < 0));
  if (!ok) {
    throw new WvisorArgumentError(`${fn}(pid): pid must be a ${allowGroup ? 'non-zero integer (negative: a process group)' : 'positive integer'} `
      + `such as spawn() returned, got ${describe(pid)}`);
  }
}
