import { createHash, randomFillSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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
  /** Pre-started workers waiting for a task. Not kernel state. */
  private readonly spares: Worker[] = [];
  /** How many workers to keep started ahead of need (a pipeline of three starts three at once). */
  private readonly warm: number;
  /** Pending refill of the spares. */
  private refillTimer: ReturnType<typeof setTimeout> | undefined;

  /** The worker entry file. */
  private readonly workerUrl: URL;

  constructor(options: { warmWorkers?: boolean | number; workerUrl?: URL } = {}) {
    this.workerUrl = options.workerUrl ?? defaultWorkerUrl();
    this.warm = options.warmWorkers === false ? 0 : typeof options.warmWorkers === 'number' ? options.warmWorkers : 2;
    this.refill();
  }

  private refill(): void {
    while (this.spares.length < this.warm) this.spares.push(this.newWorker());
  }

  private newWorker(): Worker {
    const w = new Worker(this.workerUrl, { stdout: false, stderr: false });
    // An idle spare must not keep the process alive.
    w.unref();
    return w;
  }

  startTaskWorker(start: TaskWorkerStart, events: TaskWorkerEvents): TaskWorkerHandle {
    const w = this.spares.shift() ?? this.newWorker();
    // Refill once spawning has paused: starting a worker costs a core for ~40 ms, which would be
    // taken from the tasks just started (a pipeline of three spawns three at once).
    if (this.warm > 0) {
      clearTimeout(this.refillTimer);
      this.refillTimer = setTimeout(() => this.refill(), 30);
      this.refillTimer.unref();
    }
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
    clearTimeout(this.refillTimer);
    for (const w of this.spares.splice(0)) void w.terminate();
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

  /**
   * Rewrites a module with binaryen (loaded on first use), caching the result
   * by the original's hash and the rewrite's version in a folder
   * ($WVISOR_CACHE, else ~/.cache/wvisor), so the rewrite is paid once.
   */
  async instrument(bytes: Uint8Array, options: { maxMemoryPages: number }): Promise<Uint8Array> {
    const { rewriteModule, REWRITE_VERSION } = await import('../../instrument/index.js');
    const dir = process.env.WVISOR_CACHE ?? join(homedir(), '.cache', 'wvisor');
    const file = join(dir, `${await this.sha256(bytes)}-v${REWRITE_VERSION}-m${options.maxMemoryPages}.wasm`);
    try {
      return readFileSync(file);
    } catch {
      // Not cached yet.
    }
    const out = (await rewriteModule(bytes, { maxMemoryPages: options.maxMemoryPages })).bytes;
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${file}.${process.pid}.tmp`, out);
      renameSync(`${file}.${process.pid}.tmp`, file);
    } catch {
      // A read-only home: the rewrite is simply not cached.
    }
    return out;
  }
}
