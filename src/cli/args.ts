/** A command-line mistake: the message says what was wrong and what to do. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * One directory the guest gets preopened, in the order given (fd 3, 4, ...):
 * a host directory (`--dir HOST[::GUEST]`) or a directory of wVisor's own
 * in-memory tree (`--vfs PATH[::GUEST]`). `guest` is the name the guest's
 * fd_prestat_dir_name reports, exactly as given.
 */
export interface Preopen {
  kind: 'host' | 'vfs';
  /** The host directory, or the path in wVisor's tree. */
  source: string;
  guest: string;
}

export interface RunOptions {
  /** Directories preopened for the guest, in order: fd 3, 4, ... Empty: nothing preopened (fd 3 is closed). */
  preopens: Preopen[];
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

export const runUsage = `usage: wvisor run [--dir HOST[::GUEST]]... [--vfs PATH[::GUEST]]... [--env NAME[=VALUE]]...
                  [--seccomp PROFILE.json] [--snapshot FILE [--snapshot-at-syscall N]] [--] MODULE.wasm [ARGS...]`;

/** HOST::GUEST (split at the first "::", as wasmtime does) or just HOST, which is then the guest name too. */
function splitDir(flag: string, v: string, what: string, metavar: string): [string, string] {
  const at = v.indexOf('::');
  const [source, guest] = at < 0 ? [v, v] : [v.slice(0, at), v.slice(at + 2)];
  if (!source) throw new UsageError(`${flag} ${v}: give ${what}, as ${flag} ${metavar} or ${flag} ${metavar}::GUEST`);
  if (!guest) throw new UsageError(`${flag} ${v}: give the guest's name for it after "::" (e.g. ${source}::/data, or ${source}::/ for the guest's root)`);
  return [source, guest];
}

/**
 * Parses `wvisor run` arguments, flags named as wasmtime names them. `hostEnv`
 * gives `--env NAME` its value (the host's; a name the host does not have is
 * left unset in the guest, as wasmtime does).
 */
export function parseRun(argv: string[], hostEnv: Record<string, string | undefined> = process.env): RunOptions {
  const o: RunOptions = { preopens: [], env: [], module: '', args: [] };
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
        const [source, guest] = splitDir('--dir', value('--dir'), 'a host directory', 'HOST');
        o.preopens.push({ kind: 'host', source, guest });
        break;
      }
      case '--vfs': {
        const v = value('--vfs');
        const [source, guest] = splitDir('--vfs', v, "a path in wVisor's tree", 'PATH');
        if (!source.startsWith('/')) throw new UsageError(`--vfs ${v}: give an absolute path in wVisor's own tree (/, /bin, /dev, /tmp, ...)`);
        o.preopens.push({ kind: 'vfs', source, guest });
        break;
      }
      case '--env': {
        const v = value('--env');
        const eq = v.indexOf('=');
        if (eq === 0 || v === '') throw new UsageError(`--env ${v}: give NAME=VALUE, or NAME for the host's value`);
        if (eq > 0) o.env.push(v);
        else if (hostEnv[v] !== undefined) o.env.push(`${v}=${hostEnv[v]}`);
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
