import { createHash, randomFillSync } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Platform, TaskWorkerEvents, TaskWorkerHandle, TaskWorkerStart } from '../../kernel/platform.js';

const workerUrl = new URL('./task-worker.js', import.meta.url);

/** The kernel's platform on Node: worker_threads for tasks, node:crypto, performance clocks. */
export class NodePlatform implements Platform {
  /** Rewrites uninstrumented modules with binaryen (loaded on first use). */
  instrumentModules = true;

  startTaskWorker(start: TaskWorkerStart, events: TaskWorkerEvents): TaskWorkerHandle {
    const w = new Worker(workerUrl, { workerData: start, stdout: false, stderr: false });
    let terminated = false;
    w.on('error', (e) => { if (!terminated) events.onError(e?.stack ?? String(e)); });
    return {
      terminate: () => {
        terminated = true;
        void w.terminate();
      },
    };
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
