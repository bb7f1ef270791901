import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type ProcessSpec, SpawnError } from '../kernel/sandbox.js';
import { compileProfile, FilterStack, ProfileError } from '../kernel/seccomp/index.js';
import { SnapshotError } from '../kernel/snapshot/capture.js';
import { createNodeSandbox } from '../platform/node/node-sandbox.js';
import { Errno, errnoNames } from '../kernel/abi/errno.js';
import { FileType, type Vfs, VfsSetupError } from '../kernel/vfs/index.js';
import { type Preopen, type RunOptions, UsageError } from './args.js';
import { startupProgress } from './progress.js';
import { type HostDirRecord, saveSnapshot } from './snapshot.js';

/** Host signals the CLI passes on to the guest, as the same signals. */
const forwarded: Array<[NodeJS.Signals, number]> = [
  ['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1], ['SIGQUIT', 3], ['SIGUSR1', 10],
];

/** Runs a module as a task under a new kernel; resolves with the process exit code. */
export async function run(o: RunOptions): Promise<number> {
  const bytes = readHostFile(o.module, 'module');
  let seccomp: FilterStack | undefined;
  if (o.seccomp) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(readHostFile(o.seccomp, 'seccomp profile')));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`${o.seccomp}: not valid JSON (${(e as Error).message}); give an OCI/Docker seccomp profile`);
    }
    try {
      const compiled = compileProfile(json);
      for (const w of compiled.warnings) process.stderr.write(`wvisor: ${o.seccomp}: ${w}\n`);
      seccomp = new FilterStack();
      seccomp.install(compiled.program);
    } catch (e) {
      if (e instanceof ProfileError) throw new UsageError(`${o.seccomp}: ${e.message}`);
      throw e;
    }
  }
  const sb = createNodeSandbox();
  sb.kernel.onLog = (m) => process.stderr.write(`${m}\n`);
  // A module wVisor has not rewritten runs at once in its fast form (fuel checks, memory limit); only a
  // snapshot needs the full rewrite (Asyncify), so only --snapshot waits for it (README.md, "Start-up").
  sb.kernel.modules.mode = o.snapshot ? 'eager' : 'fast';
  const progress = startupProgress(o.module.split('/').pop()!, process.stderr);
  sb.kernel.modules.onProgress = (p) => progress.update(p);
  const { preopens, hostDirs } = await setUpPreopens(sb, o.preopens);
  // On a host terminal the guest gets the kernel's tty (isatty, line editing, ^C/^Z as signals to
  // its foreground job, window size); a snapshot keeps to pipes (restore reattaches them).
  if (process.stdin.isTTY && process.stdout.isTTY && !o.snapshot) {
    try {
      return await runOnTerminal(sb, bytes, o, seccomp, preopens);
    } finally {
      sb.shutdown();
    }
  }
  let p;
  try {
    p = await sb.spawn({
      bytes,
      program: `host:${o.module}`,
      argv: [o.module.split('/').pop()!, ...o.args],
      env: o.env,
      preopens,
      keepStdinOpen: true,
      seccomp,
      snapshotAtSyscall: o.snapshotAtSyscall,
      onStdout: (b) => writeHost(process.stdout, b),
      onStderr: (b) => writeHost(process.stderr, b),
    });
  } catch (e) {
    sb.shutdown();
    if (e instanceof SpawnError) throw new UsageError(e.message.replace(/^[^:]*: /, `${o.module}: `));
    throw e;
  }
  const proc = p;
  process.stdin.on('data', (chunk: Buffer) => {
    process.stdin.pause();
    void proc.write(chunk).then((ok) => (ok ? process.stdin.resume() : proc.closeStdin()));
  });
  process.stdin.on('end', () => proc.closeStdin());
  // The host's reader went away (`wvisor run prog | head`): the guest's next write gets EPIPE and SIGPIPE.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') proc.closeStdout(); });
  process.stdin.on('error', () => proc.closeStdin());
  for (const [name, sig] of forwarded) process.on(name, () => sb.kill(proc.pid, sig));

  if (o.snapshot) {
    const file = o.snapshot;
    const save = async (): Promise<number> => {
      try {
        const size = await saveSnapshot(sb.kernel, file, proc.pid, () => proc.flushOutput(), hostDirs);
        process.stderr.write(`wvisor: saved ${size} bytes to ${file}; continue with: wvisor restore ${file}\n`);
        return 0;
      } catch (e) {
        if (e instanceof SnapshotError) throw new UsageError(`cannot save a snapshot: ${e.message}`);
        throw e;
      } finally {
        sb.shutdown();
      }
    };
    const saved = new Promise<number>((resolve, reject) => {
      process.on('SIGUSR2', () => { save().then(resolve, reject); });
      if (o.snapshotAtSyscall !== undefined) {
        proc.task.onImage = () => { save().then(resolve, reject); };
      }
    });
    const info = proc.exited.then((i) => {
      process.stderr.write(`wvisor: the program ended before ${o.snapshotAtSyscall !== undefined
        ? `its call number ${o.snapshotAtSyscall}` : 'a snapshot was asked for'}; nothing was saved to ${file}\n`);
      return i.shellCode;
    });
    const code = await Promise.race([saved, info]);
    sb.shutdown();
    return code;
  }
  process.on('SIGUSR2', () => process.stderr.write('wvisor: SIGUSR2 saves a snapshot only with --snapshot FILE\n'));
  const info = await proc.exited;
  sb.shutdown();
  return info.shellCode;
}

/**
 * Runs the module as the session leader of a kernel tty wired to the host's
 * terminal in raw mode: keys go through wVisor's line discipline, its output
 * (after OPOST/ONLCR) goes to the host's stdout, resizes become SIGWINCH.
 */
async function runOnTerminal(sb: ReturnType<typeof createNodeSandbox>, bytes: Uint8Array, o: RunOptions,
  seccomp: FilterStack | undefined, preopens: ProcessSpec['preopens']): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  // The kernel's tty does the output processing (ONLCR), so the host terminal must pass bytes through:
  // raw mode (Node keeps the host's OPOST and ONLCR on), then `stty -opost`. Should stty fail, "\r\n" is
  // sent as "\n", which the host's ONLCR turns back into "\r\n".
  let hostOnlcr = true;
  const tty = sb.openTerminal({
    cols: stdout.columns || 80, rows: stdout.rows || 24,
    onOutput: (b) => writeHost(stdout, hostOnlcr ? Buffer.from(Buffer.from(b).toString('latin1').replace(/\r\n/g, '\n'), 'latin1') : b),
  });
  let p;
  try {
    p = await sb.spawn({ bytes, program: `host:${o.module}`, argv: [o.module.split('/').pop()!, ...o.args], env: o.env,
      preopens, seccomp, terminal: tty });
  } catch (e) {
    if (e instanceof SpawnError) throw new UsageError(e.message.replace(/^[^:]*: /, `${o.module}: `));
    throw e;
  }
  stdin.setRawMode(true);
  hostOnlcr = spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] }).status !== 0;
  const onData = (chunk: Buffer) => tty.input(chunk);
  const onResize = () => tty.resize(stdout.columns || 80, stdout.rows || 24);
  stdin.on('data', onData);
  stdout.on('resize', onResize);
  try {
    return (await p.exited).shellCode;
  } finally {
    stdin.off('data', onData);
    stdout.off('resize', onResize);
    stdin.setRawMode(false);
    stdin.pause();
  }
}

function readHostFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new UsageError(`cannot read ${what} ${path}: ${why}`);
  }
}

/** Where host directories are mounted in wVisor's tree (created when needed) when their guest name cannot be their place there. */
const HOST_MOUNTS = '/.wvisor/dirs';

/**
 * Mounts each `--dir` and resolves each `--vfs`, in the order given, into the
 * preopens the guest gets at fds 3, 4, ... (prestat names exactly as given;
 * none at all without flags, as wasmtime). wVisor's own tree (/bin, /dev,
 * /tmp, ...) stays the VFS root, so the kernel still finds the bundled
 * programs for spawn whatever the guest's directories are. A host directory
 * is also mounted in that tree at its guest path when that path is an
 * absolute place in wVisor's own tree that is new or an empty directory
 * (`--dir H::/data` at /data: a spawn of /data/prog.wasm finds it, `--vfs /`
 * shows it there); otherwise ("/", ".", a name inside another host directory,
 * over /bin or /dev) at HOST_MOUNTS/N, so no mount point is ever created
 * inside a host directory. A guest path is what wasi-libc matches it as: its
 * leading "/" and "./" stripped.
 */
async function setUpPreopens(sb: ReturnType<typeof createNodeSandbox>, list: Preopen[]): Promise<{
  preopens: Array<{ path: string; name: string }>; hostDirs: HostDirRecord[];
}> {
  const preopens: Array<{ path: string; name: string }> = [];
  const hostDirs: HostDirRecord[] = [];
  if (list.length === 0) return { preopens, hostDirs };
  const { HostFs } = await import('../platform/node/host-fs.js');
  const vfs = sb.kernel.vfs;
  const flag = (p: Preopen) => `${p.kind === 'host' ? '--dir' : '--vfs'} ${p.source}${p.guest === p.source ? '' : `::${p.guest}`}`;
  const kernelPaths: string[] = [];
  for (const p of list) {
    if (p.kind !== 'host') { kernelPaths.push(p.source); continue; }
    let backend;
    try {
      backend = new HostFs(p.source);
    } catch (e) {
      if (e instanceof VfsSetupError) throw new UsageError(`${flag(p)}: ${e.message}`);
      throw e;
    }
    const path = placeInTree(vfs, p.guest) ?? `${HOST_MOUNTS}/${hostDirs.length}`;
    if (path.startsWith(`${HOST_MOUNTS}/`)) {
      for (const d of ['/.wvisor', HOST_MOUNTS, path]) {
        const e = vfs.mkdir(vfs.root, d);
        if (e !== Errno.SUCCESS && e !== Errno.EXIST) {
          throw new UsageError(`${flag(p)}: cannot create ${d} in wVisor's tree: ${errnoNames[e]}`);
        }
      }
    }
    let mount: number;
    try {
      mount = vfs.mount(path, backend);
    } catch (e) {
      if (e instanceof VfsSetupError) throw new UsageError(`${flag(p)}: ${e.message}`);
      throw e;
    }
    hostDirs.push({ mount, host: backend.hostRoot, flag: flag(p) });
    kernelPaths.push(path);
  }
  for (const [i, p] of list.entries()) {
    const h = vfs.resolve(vfs.root, kernelPaths[i]);
    if (typeof h === 'number' || vfs.fileType(h) !== FileType.DIRECTORY) {
      throw new UsageError(`${flag(p)}: wVisor's tree has no directory ${p.source} (it has /bin, /dev, /etc, /home, /proc, /tmp)`);
    }
    preopens.push({ path: kernelPaths[i], name: p.guest });
  }
  return { preopens, hostDirs };
}

/**
 * The absolute path in wVisor's tree for a host directory the guest calls
 * `guest`, or null when it must go under HOST_MOUNTS: its directories are
 * created in the tree's own (memory) filesystem, never in a mounted one.
 */
function placeInTree(vfs: Vfs, guest: string): string | null {
  const comps = guest.split('/').filter((c) => c !== '' && c !== '.');
  // /.wvisor is HOST_MOUNTS' own: never a host directory, so nothing is ever created inside one there.
  if (comps.length === 0 || comps.includes('..') || comps[0] === '.wvisor') return null;
  let path = '';
  let created = false;
  for (const c of comps) {
    path += `/${c}`;
    const h = vfs.resolve(vfs.root, path, false);
    if (typeof h === 'number') {
      if (h !== Errno.NOENT || vfs.mkdir(vfs.root, path) !== Errno.SUCCESS) return null;
      created = true;
      continue;
    }
    if (h.mount !== vfs.root.mount || vfs.fileType(h) !== FileType.DIRECTORY) return null;
  }
  if (created) return path;
  const h = vfs.resolve(vfs.root, path, false);
  if (typeof h === 'number') return null;
  const entries = vfs.readdir(h);
  return typeof entries !== 'number' && entries.every((d) => d.name === '.' || d.name === '..') ? path : null;
}

function writeHost(stream: NodeJS.WriteStream, b: Uint8Array): Promise<void> | void {
  if (stream.destroyed) return;
  if (!stream.write(b)) return new Promise((r) => stream.once('drain', () => r()));
}
