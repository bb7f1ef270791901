import { monotonicMs, randomFill, realtimeNs, sha256Hex } from './host-services.js';
import { ModuleCache } from './module-cache.js';
import { movableImages, type TaskImage } from '../../kernel/snapshot/task-image.js';
import type { Platform, TaskWorkerEvents, TaskWorkerHandle, TaskWorkerStart } from '../../kernel/platform.js';

/**
 * The kernel's platform in a browser: each task runs in a dedicated module
 * Web Worker started from the kernel worker (a nested worker; one is kept
 * started ahead of need, as on Node), crypto.subtle
 * for hashing, crypto.getRandomValues for randomness, performance clocks.
 *
 * The programs the page ships in public/bin are rewritten at build time; a
 * module a person brings is rewritten on first load by `instrument`
 * (binaryen, loaded lazily in the kernel worker) and cached in IndexedDB.
 */
export class BrowserPlatform implements Platform {
  /** Task workers started ahead of need (loading or loaded the runtime, waiting for a start message). Not kernel state. */
  private readonly spares: Worker[] = [];
  /** How many spares to keep. Fixed at creation. */
  private readonly warm: number;

  /**
   * `warmWorkers`: task workers kept started ahead of need (default 2). Measured on this VM
   * (Chromium, preview build): `run(['hello'])` takes 9-27 ms on a started worker; with one
   * spare, the second of two back-to-back runs took 60-210 ms (it waited for the refill),
   * with two spares 13-29 ms.
   */
  constructor(options: { warmWorkers?: number } = {}) {
    this.warm = options.warmWorkers ?? 2;
    this.refill();
  }

  private refill(): void {
    while (this.spares.length < this.warm) this.spares.push(newTaskWorker());
  }

  startTaskWorker(start: TaskWorkerStart, events: TaskWorkerEvents): TaskWorkerHandle {
    const w = this.spares.shift() ?? newTaskWorker();
    setTimeout(() => this.refill(), 0);
    let terminated = false;
    w.addEventListener('error', (e) => {
      if (terminated) return;
      // An ErrorEvent from a worker carries the message and where it was thrown; a failed load carries nothing.
      const where = e.filename ? ` (${e.filename}:${e.lineno})` : '';
      events.onError(e.message ? `${e.message}${where}` : 'the task worker failed to load or crashed');
    });
    w.addEventListener('messageerror', () => {
      if (!terminated) events.onError('a message from the task worker could not be read');
    });
    w.addEventListener('message', (e: MessageEvent<{ type?: string; image?: TaskImage }>) => {
      if (e.data?.type === 'image' && e.data.image) events.onImage(e.data.image);
    });
    // A restore's image is moved when nobody else holds it: cloning 256 MiB of memory takes ~0.7 s, moving it nothing.
    w.postMessage(start, imageTransfer(start));
    return {
      terminate: () => {
        terminated = true;
        w.terminate();
      },
    };
  }

  /** Ends the spare workers (the kernel is shutting down). */
  dispose(): void {
    for (const w of this.spares.splice(0)) w.terminate();
  }

  realtimeNs(): bigint {
    return realtimeNs();
  }

  monotonicMs(): number {
    return monotonicMs();
  }

  randomFill(buf: Uint8Array): void {
    randomFill(buf);
  }

  sha256(bytes: Uint8Array): Promise<string> {
    return sha256Hex(bytes);
  }

  /** Rewrites and caches modules without wVisor's instrumentation (module-cache.ts). */
  private readonly modules = new ModuleCache((b) => sha256Hex(b));

  instrument(bytes: Uint8Array, options: { maxMemoryPages: number }): Promise<Uint8Array> {
    return this.modules.instrument(bytes, options);
  }
}

function newTaskWorker(): Worker {
  return new Worker(new URL('./task-worker.ts', import.meta.url), { type: 'module', name: 'wvisor task' });
}

/** The buffers of a restore image the worker may take: a movable image's (movableImages), each wholly the image's own. */
function imageTransfer(start: TaskWorkerStart): ArrayBuffer[] {
  const img = start.restore;
  if (!img || !movableImages.has(img)) return [];
  const own = (b: Uint8Array) => b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
  return [...new Set([img.memory, img.unwind].filter(own).map((b) => b.buffer as ArrayBuffer))];
}
