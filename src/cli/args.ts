/** A command-line mistake: the message says what was wrong and what to do. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface RunOptions {
  /** Host directories to mount: [host, guest]. */
  dirs: Array<[string, string]>;
  /** NAME=VALUE pairs the guest sees (nothing else of the host's environment). */
  env: string[];
  /** OCI/Docker seccomp profile to install before the program starts. */
  seccomp?: string;
  /** Save the task's state to this file and exit (with --snapshot-at-syscall or on SIGUSR2). */
  snapshot?: string;
  /** Save after this many syscalls (deterministic, for tests). */
  snapshotAtSyscall?: number;
  module: string;
  args: string[];
}

export const runUsage = `usage: wvisor run [--dir HOST[::GUEST]]... [--env NAME=VALUE]... [--seccomp PROFILE.json]
                  [--snapshot FILE [--snapshot-at-syscall N]] [--] MODULE.wasm [ARGS...]`;

/** Parses `wvisor run` arguments, flags named as wasmtime names them. */
export function parseRun(argv: string[]): RunOptions {
  const o: RunOptions = { dirs: [], env: [], module: '', args: [] };
  let i = 0;
  const value = (flag: string): string => {
    const eq = argv[i].indexOf('=');
    if (argv[i].startsWith('--') && eq > 0 && argv[i].slice(0, eq) === flag) return argv[i].slice(eq + 1);
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${flag} needs a value\n${runUsage}`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    const flag = a.startsWith('--') ? a.split('=')[0] : a;
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    switch (flag) {
      case '--dir': {
        const v = value('--dir');
        const [host, guest] = v.includes('::') ? v.split('::') : [v, v];
        if (!host) throw new UsageError(`--dir ${v}: give a host directory, as --dir HOST or --dir HOST::GUEST`);
        o.dirs.push([host, guest || host]);
        break;
      }
      case '--env': {
        const v = value('--env');
        if (!/^[^=]+=/.test(v)) throw new UsageError(`--env ${v}: give NAME=VALUE`);
        o.env.push(v);
        break;
      }
      case '--seccomp': o.seccomp = value('--seccomp'); break;
      case '--snapshot': o.snapshot = value('--snapshot'); break;
      case '--snapshot-at-syscall': {
        const v = value('--snapshot-at-syscall');
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--snapshot-at-syscall ${v}: give a whole number ≥ 1`);
        o.snapshotAtSyscall = n;
        break;
      }
      default:
        throw new UsageError(`unknown option ${a}\n${runUsage}`);
    }
  }
  if (i >= argv.length) throw new UsageError(`no module given\n${runUsage}`);
  o.module = argv[i];
  o.args = argv.slice(i + 1);
  if (o.snapshotAtSyscall !== undefined && !o.snapshot) {
    throw new UsageError('--snapshot-at-syscall needs --snapshot FILE to say where to save');
  }
  return o;
}
