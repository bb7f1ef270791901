import { readFileSync } from 'node:fs';
import { SpawnError } from '../kernel/sandbox.js';
import { createNodeSandbox } from '../platform/node/node-sandbox.js';
import { type RunOptions, UsageError } from './args.js';

/** Host signals the CLI passes on to the guest, as the same signals. */
const forwarded: Array<[NodeJS.Signals, number]> = [
  ['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1], ['SIGQUIT', 3], ['SIGUSR1', 10],
];

/** Runs a module as a task under a new kernel; resolves with the process exit code. */
export async function run(o: RunOptions): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(o.module);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new UsageError(`cannot read ${o.module}: ${why}`);
  }
  const sb = createNodeSandbox();
  sb.kernel.onLog = (m) => process.stderr.write(`${m}\n`);
  for (const [host, guest] of o.dirs) await mountHostDir(sb, host, guest);
  let p;
  try {
    p = await sb.spawn({
      bytes,
      argv: [o.module.split('/').pop()!, ...o.args],
      env: o.env,
      stdin: 'pipe',
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
  process.stdin.on('error', () => proc.closeStdin());
  for (const [name, sig] of forwarded) process.on(name, () => sb.kill(proc.pid, sig));

  const info = await proc.exited;
  sb.shutdown();
  return info.shellCode;
}

async function mountHostDir(sb: ReturnType<typeof createNodeSandbox>, host: string, guest: string): Promise<void> {
  const { HostFs } = await import('../platform/node/host-fs.js');
  const vfs = sb.kernel.vfs;
  const abs = guest.startsWith('/') ? guest : `/${guest}`;
  // Create the mount point (and its parents) in the in-memory tree.
  const parts = abs.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) vfs.mkdir(vfs.root, '/' + parts.slice(0, i).join('/'));
  try {
    vfs.mount(abs, new HostFs(host));
  } catch (e) {
    throw new UsageError(`--dir ${host}::${guest}: ${(e as Error).message}`);
  }
}

function writeHost(stream: NodeJS.WriteStream, b: Uint8Array): Promise<void> | void {
  if (!stream.write(b)) return new Promise((r) => stream.once('drain', () => r()));
}
