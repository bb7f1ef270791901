import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Kernel } from '../kernel/kernel.js';
import { decodeStatus, Sandbox } from '../kernel/sandbox.js';
import type { Tty } from '../kernel/tty.js';
import { SnapshotError } from '../kernel/snapshot/capture.js';
import { decodeSnapshot, type SnapshotCodec, type SnapshotFile } from '../kernel/snapshot/format.js';
import { exportSnapshot, restoreSnapshotFile, saveSession } from '../kernel/snapshot/session.js';
import { MemorySnapshotStore } from '../kernel/snapshot/store.js';
import { HostFs } from '../platform/node/host-fs.js';
import { NodePlatform } from '../platform/node/node-platform.js';
import { nodeSnapshotCodec } from '../platform/node/snapshot-store.js';
import { UsageError } from './args.js';

const version = '0.1.0';

/** Node's snapshot codec: SHA-256, gzip level 1, and public/bin as the bundle (its programs are referenced, not stored). */
export const nodeCodec: SnapshotCodec = nodeSnapshotCodec();

/** A host directory mounted by `wvisor run --dir`: a snapshot saves its mount by id only, restore mounts `host` there again. */
export interface HostDirRecord {
  /** The VFS mount id (stable across save and load). */
  mount: number;
  /** Absolute host path. */
  host: string;
  /** The flag that mounted it, for messages. */
  flag: string;
}

/**
 * Saves every task of the kernel to `path` as an exported snapshot (format 3, format.ts; the tasks are
 * parked as images and the kernel should then be shut down). `main` is the pid the CLI attaches its stdio
 * to after a restore; `dirs` are the host directories mounted. Host programs are kept in the file (a
 * bundled one by its hash), so it restores without them. The file is written whole or not at all.
 */
export async function saveSnapshot(k: Kernel, path: string, main: number, onParked?: () => void,
  dirs: HostDirRecord[] = []): Promise<number> {
  const store = new MemorySnapshotStore();
  await saveSession(k, store, 'cli', nodeCodec, {
    writer: `wvisor ${version}`, host: { main, dirs }, resume: false, onParked,
    programBytes: (program) => {
      if (!program.startsWith('host:')) return undefined;
      try {
        return new Uint8Array(readFileSync(program.slice('host:'.length)));
      } catch {
        return undefined;
      }
    },
  });
  const bytes = await exportSnapshot(store, 'cli', nodeCodec, { verify: false });
  const tmp = `${path}.${process.pid}.part`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' ? 'permission denied'
      : code === 'ENOSPC' ? `no space left on the device (it needs ${bytes.length} bytes)` : (e as Error).message;
    throw new UsageError(`cannot write the snapshot to ${path}: ${why}`);
  }
  return bytes.length;
}

/** `wvisor restore FILE`: continues a saved run; resolves with the exit code of its main process. */
export async function restore(path: string): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let file: SnapshotFile;
  try {
    file = await decodeSnapshot(bytes, nodeCodec);
  } catch (e) {
    if (e instanceof SnapshotError) throw new UsageError(`${path}: ${e.message}`);
    throw e;
  }
  const kernel = await restoreSnapshotFile(new NodePlatform(), file, nodeCodec, {
    // After the filesystem is loaded and before any task runs: mount the host directories again.
    beforeModules: (k) => remountHostDirs(k, file.host.dirs),
    hostModule: (hostPath) => {
      try {
        return new Uint8Array(readFileSync(hostPath));
      } catch {
        return undefined;
      }
    },
  }).catch((e: unknown) => {
    if (e instanceof SnapshotError) throw new UsageError(`${path}: ${e.message}`);
    throw e;
  });
  kernel.onLog = (m) => process.stderr.write(`${m}\n`);
  const sb = new Sandbox(kernel);
  // A CLI snapshot names its main process; one exported from the page has none: the first process with host
  // stdio, else the first terminal (the page's shell), is what this terminal continues.
  let main = Number(file.host.main);
  if (!kernel.hostFiles.has(`${main}:stdout`)) {
    main = Math.min(...[...kernel.hostFiles.keys()].filter((n) => n.endsWith(':stdout')).map((n) => Number(n.split(':')[0])));
  }
  if (!Number.isFinite(main)) {
    const tty = [...kernel.ttys.values()].find((t) => t.session && kernel.tasks.get(t.session.sid)?.alive);
    if (!tty) {
      sb.shutdown();
      throw new UsageError(`${path}: the snapshot has no process with host stdio and no terminal with a live session to continue`);
    }
    try {
      return await continueOnTerminal(kernel, tty);
    } finally {
      sb.shutdown();
    }
  }
  const proc = sb.attach(main, {
    onStdout: (b) => { process.stdout.write(b); },
    onStderr: (b) => { process.stderr.write(b); },
  });
  process.stdin.on('data', (chunk: Buffer) => {
    process.stdin.pause();
    void proc.write(chunk).then((ok) => (ok ? process.stdin.resume() : proc.closeStdin()));
  });
  process.stdin.on('end', () => proc.closeStdin());
  // The host's reader went away (`wvisor run prog | head`): the guest's next write gets EPIPE and SIGPIPE.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') proc.closeStdout(); });
  const info = await proc.exited;
  sb.shutdown();
  return info.shellCode;
}

/**
 * Continues a session that ran on one of wVisor's terminals (a page's shell): the terminal's output goes to
 * stdout, stdin is typed into it (the host terminal in raw mode when it is one; from a pipe, end of input is
 * typed as ^D), until the session leader exits; resolves with its exit code.
 */
async function continueOnTerminal(kernel: Kernel, tty: Tty): Promise<number> {
  const leader = kernel.tasks.get(tty.session!.sid)!;
  const { stdin, stdout } = process;
  tty.attach((b) => { stdout.write(b); });
  if (stdout.isTTY) tty.resize(stdout.columns || 80, stdout.rows || 24);
  const raw = stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  const onData = (chunk: Buffer) => tty.input(chunk);
  const onEnd = () => tty.input('\x04');
  const onResize = () => tty.resize(stdout.columns || 80, stdout.rows || 24);
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  stdout.on('resize', onResize);
  try {
    return decodeStatus(await leader.exited).shellCode;
  } finally {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdout.off('resize', onResize);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
  }
}

/** Attaches the host directories a snapshot's VFS waits for (SnapshotError, one line, when one is gone). */
function remountHostDirs(k: Kernel, saved: unknown): void {
  const dirs = Array.isArray(saved) ? saved as HostDirRecord[] : [];
  for (const m of k.vfs.pendingMounts()) {
    const d = dirs.find((r) => r.mount === m.id);
    if (m.kind !== 'host' || !d) {
      throw new SnapshotError(`the snapshot's ${m.path} was a ${m.kind} mount that this restore cannot attach`);
    }
    let fs: HostFs;
    try {
      fs = new HostFs(d.host);
    } catch (e) {
      throw new SnapshotError(`${d.flag}: ${(e as Error).message}; put it back to restore`);
    }
    k.vfs.remount(m.id, fs);
  }
}
