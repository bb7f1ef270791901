import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Kernel } from '../kernel/kernel.js';
import { Sandbox } from '../kernel/sandbox.js';
import { captureKernel, SnapshotError } from '../kernel/snapshot/capture.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotCodec, type SnapshotFile } from '../kernel/snapshot/format.js';
import { restoreKernel } from '../kernel/snapshot/restore.js';
import { HostFs } from '../platform/node/host-fs.js';
import { NodePlatform } from '../platform/node/node-platform.js';
import { UsageError } from './args.js';

const version = '0.1.0';

export const nodeCodec: SnapshotCodec = {
  sha256: (b) => new NodePlatform({ warmWorkers: false }).sha256(b),
  gzip: async (b) => gzipSync(b, { level: 1 }),
  gunzip: async (b) => gunzipSync(b),
};

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
 * Saves every task of the kernel to `path` (the tasks are parked as images
 * and the kernel should then be shut down). `main` is the pid the CLI attaches
 * its stdio to after a restore; `dirs` are the host directories mounted.
 */
export async function saveSnapshot(k: Kernel, path: string, main: number, onParked?: () => void,
  dirs: HostDirRecord[] = []): Promise<number> {
  const state = await captureKernel(k, undefined, onParked);
  const modules: SnapshotFile['modules'] = {};
  for (const t of k.tasks.values()) {
    if (t === k.init || !t.moduleHash) continue;
    modules[t.moduleHash] = { path: t.program, where: t.program.startsWith('host:') ? 'host' : 'vfs' };
  }
  const bytes = await encodeSnapshot({ writer: `wvisor ${version}`, takenAt: Date.now(), state, modules, host: { main, dirs } },
    nodeCodec);
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new UsageError(`cannot write the snapshot to ${path}: ${(e as Error).message}`);
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
  const platform = new NodePlatform();
  let remounted = false;
  const kernel = await restoreKernel(platform, file.state, async (hash, k) => {
    // Called first after the filesystem is loaded and before any task runs: mount the host directories again.
    if (!remounted) {
      remounted = true;
      remountHostDirs(k, file.host.dirs);
    }
    const where = file.modules[hash];
    if (!where) throw new SnapshotError(`the snapshot names module ${hash.slice(0, 12)}… but not where it came from`);
    let mbytes: Uint8Array;
    if (where.where === 'host') {
      const hostPath = where.path.slice('host:'.length);
      try {
        mbytes = readFileSync(hostPath);
      } catch {
        throw new SnapshotError(`module ${hostPath} is missing; put the same file back there to restore`);
      }
    } else {
      const r = k.readFile(where.path);
      if (typeof r === 'number') throw new SnapshotError(`module ${where.path} is missing from the snapshot's filesystem`);
      mbytes = r;
    }
    const loaded = await k.modules.load(mbytes);
    if (loaded.hash !== hash) {
      throw new SnapshotError(`module ${where.path.replace(/^host:/, '')} has changed since the snapshot was taken `
        + '(its hash differs); restore needs the exact module it ran');
    }
    return loaded.module;
  }).catch((e: unknown) => {
    if (e instanceof SnapshotError) throw new UsageError(`${path}: ${e.message}`);
    throw e;
  });
  kernel.onLog = (m) => process.stderr.write(`${m}\n`);
  const sb = new Sandbox(kernel);
  const main = Number(file.host.main);
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
