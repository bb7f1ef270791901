import { createHash, randomFillSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TaskImage } from '../../kernel/snapshot/task-image.js';
import type { Platform, TaskWorkerEvents, TaskWorkerHandle, TaskWorkerStart } from '../../kernel/platform.js';

/**
 * The task worker's entry: the compiled sibling file; when this module runs
 * from TypeScript sources (Vitest), the build's copy in dist/.
 */
function defaultWorkerUrl(): URL {
  const sibling = new URL('./task-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL('../../../dist/platform/node/task-worker.js', import.meta.url);
}

/**
 * The kernel's platform on Node: worker_threads for tasks, node:crypto,
 * performance clocks. Keeps one worker started ahead of need (it has loaded the
 * task runtime and waits for its start message), so a spawn does not pay for
 * starting a thread.
 */
export class NodePlatform implements Platform {
  /** The pre-started worker, or null while one is being started. Not kernel state. */
  private spare: Worker | null = null;

  /** The worker entry file. */
  private readonly workerUrl: URL;

  constructor(private readonly options: { warmWorkers?: boolean; workerUrl?: URL } = {}) {
    this.workerUrl = options.workerUrl ?? defaultWorkerUrl();
    if (options.warmWorkers !== false) this.spare = this.newWorker();
  }

  private newWorker(): Worker {
    const w = new Worker(this.workerUrl, { stdout: false, stderr: false });
    // An idle spare must not keep the process alive.
    w.unref();
    return w;
  }

  startTaskWorker(start: TaskWorkerStart, events: TaskWorkerEvents): TaskWorkerHandle {
    const w = this.spare ?? this.newWorker();
    this.spare = null;
    if (this.options.warmWorkers !== false) setImmediate(() => { this.spare ??= this.newWorker(); });
    w.ref();
    let terminated = false;
    w.on('error', (e) => { if (!terminated) events.onError(e?.stack ?? String(e)); });
    w.on('message', (m: { type?: string; image?: TaskImage }) => {
      if (m?.type === 'image' && m.image) events.onImage(m.image);
    });
    w.postMessage(start);
    return {
      terminate: () => {
        terminated = true;
        void w.terminate();
      },
    };
  }

  /** Ends the spare worker (the kernel is shutting down). */
  dispose(): void {
    void this.spare?.terminate();
    this.spare = null;
  }

  realtimeNs(): bigint {
    return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  }

  monotonicMs(): number {
    return performance.now();
  }

  randomFill(buf: Uint8Array): void {
    randomFillSync(buf);
  }

  async sha256(bytes: Uint8Array): Promise<string> {
    return createHash('sha256').update(bytes).digest('hex');
  }

  async instrument(bytes: Uint8Array): Promise<Uint8Array> {
    const { rewriteModule } = await import('../../instrument/index.js');
    return (await rewriteModule(bytes)).bytes;
  }
}
