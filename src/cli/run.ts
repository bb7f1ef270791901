import { readFileSync } from 'node:fs';
import { Kernel } from '../kernel/kernel.js';
import { drain, feed } from '../kernel/host-pipe.js';
import { ModuleError } from '../kernel/module-loader.js';
import { STREAM_RIGHTS } from '../kernel/abi/wasi-types.js';
import type { OpenFile } from '../kernel/file.js';
import { NodePlatform } from '../platform/node/node-platform.js';
import { type RunOptions, UsageError } from './args.js';
import { errnoNames } from '../kernel/abi/errno.js';

/** Host signals the CLI passes on to the guest's process group, as the same signals. */
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
  const kernel = new Kernel(new NodePlatform());
  kernel.onLog = (m) => process.stderr.write(`${m}\n`);
  const me = () => 0;
  const stdin = kernel.pipeEnds(me)!;
  const stdout = kernel.pipeEnds(me)!;
  const stderr = kernel.pipeEnds(me)!;
  const rights = BigInt(STREAM_RIGHTS);
  const entry = (file: OpenFile) => ({ file, rightsBase: rights, rightsInheriting: 0n });
  const fds = new Map([[0, entry(stdin[0])], [1, entry(stdout[1])], [2, entry(stderr[1])]]);

  const out = drain(stdout[0], (b) => writeHost(process.stdout, b));
  const err = drain(stderr[0], (b) => writeHost(process.stderr, b));

  let task;
  try {
    task = await kernel.spawn({ bytes, argv: [o.module.split('/').pop()!, ...o.args], env: o.env, fds, newSession: true });
  } catch (e) {
    kernel.shutdown();
    if (e instanceof ModuleError) throw new UsageError(`${o.module}: ${e.message}`);
    throw e;
  }
  if (typeof task === 'number') {
    kernel.shutdown();
    throw new UsageError(`cannot start ${o.module}: ${errnoNames[task]}`);
  }

  pumpStdin(stdin[1]);
  const t = task;
  for (const [name, sig] of forwarded) process.on(name, () => kernel.raise(t, sig));

  const status = await t.exited;
  out.flush();
  err.flush();
  kernel.shutdown();
  if ((status & 0x7f) === 0) return (status >> 8) & 0xff;
  return 128 + (status & 0x7f);
}

function writeHost(stream: NodeJS.WriteStream, b: Uint8Array): Promise<void> | void {
  if (!stream.write(b)) return new Promise((r) => stream.once('drain', () => r()));
}

/** Host stdin → the guest's stdin pipe; EOF closes the host's write end. */
function pumpStdin(end: import('../kernel/pipe.js').PipeEnd): void {
  end.refs++;
  const close = () => { if (end.refs > 0) { end.refs = 0; end.release(); } };
  process.stdin.on('data', (chunk: Buffer) => {
    process.stdin.pause();
    void feed(end, chunk).then((ok) => (ok ? process.stdin.resume() : close()));
  });
  process.stdin.on('end', close);
  process.stdin.on('error', close);
}
