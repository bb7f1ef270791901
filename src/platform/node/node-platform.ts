import { createHash, randomFillSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { REWRITE_VERSION } from '../../instrument/contract.js';
import { movableImages, type TaskImage } from '../../kernel/snapshot/task-image.js';
import type { Platform, RewriteRequest, TaskWorkerEvents, TaskWorkerHandle, TaskWorkerStart } from '../../kernel/platform.js';

/**
 * The task worker's entry: the compiled sibling file; when this module runs
 * from TypeScript sources (Vitest), the build's copy in dist/.
 */
function defaultWorkerUrl(): URL {
  return siblingOrDist('task-worker.js');
}

/** A worker entry of this folder: the compiled sibling file, or the build's copy in dist/ when running from sources. */
function siblingOrDist(name: string): URL {
  const sibling = new URL(`./${name}`, import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL(`../../../dist/platform/node/${name}`, import.meta.url);
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
    // A restore's image is moved when nobody else holds it: cloning 256 MiB of memory takes ~0.7 s, moving it nothing.
    w.postMessage(start, imageTransfer(start));
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

  /** The folder of wVisor's module cache: $WVISOR_CACHE, else ~/.cache/wvisor. */
  static cacheDir(): string {
    return process.env.WVISOR_CACHE ?? join(homedir(), '.cache', 'wvisor');
  }

  /**
   * Rewrites a module with binaryen in a worker thread (the kernel's thread
   * keeps serving tasks), caching the result by the original's hash, the
   * rewrite's version and its options in NodePlatform.cacheDir(), so the
   * rewrite is paid once.
   */
  async instrument(bytes: Uint8Array, options: RewriteRequest): Promise<Uint8Array> {
    const file = await this.rewriteFile(bytes, options);
    const dir = NodePlatform.cacheDir();
    try {
      return readFileSync(file);
    } catch {
      // Not cached yet.
    }
    const out = await new Promise<Uint8Array>((resolve, reject) => {
      const opts = { maxMemoryPages: options.maxMemoryPages,
        ...(options.optimizeLevel === undefined ? {} : { optimizeLevel: options.optimizeLevel }) };
      const w = new Worker(siblingOrDist('rewrite-worker.js'), { workerData: { bytes, options: opts }, stdout: false, stderr: false });
      // A rewrite in the background must not keep the process alive once everything else has ended.
      if (options.background) w.unref();
      w.on('message', (m: { phase?: string; bytes?: Uint8Array; error?: string; name?: string }) => {
        if (m.phase) options.onPhase?.(m.phase);
        else if (m.bytes) resolve(m.bytes);
        else if (m.error !== undefined) {
          const e = new Error(m.error);
          if (m.name) e.name = m.name;
          reject(e);
        }
      });
      w.on('error', reject);
      w.on('exit', (code) => reject(new Error(`the rewrite's worker exited (code ${code}) before it finished`)));
    });
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${file}.${process.pid}.tmp`, out);
      renameSync(`${file}.${process.pid}.tmp`, file);
    } catch {
      // A read-only home: the rewrite is simply not cached.
    }
    return out;
  }

  async cachedRewrite(bytes: Uint8Array, options: RewriteRequest): Promise<Uint8Array | undefined> {
    try {
      return readFileSync(await this.rewriteFile(bytes, options));
    } catch {
      return undefined;
    }
  }

  /** Where the rewrite of these bytes with these options is cached. */
  private async rewriteFile(bytes: Uint8Array, options: RewriteRequest): Promise<string> {
    const level = options.optimizeLevel === undefined ? '' : `-O${options.optimizeLevel}`;
    return join(NodePlatform.cacheDir(), `${await this.sha256(bytes)}-v${REWRITE_VERSION}-m${options.maxMemoryPages}${level}.wasm`);
  }

  /** The loader's fast rewrites, kept as files in NodePlatform.cacheDir() (see instrument above). */
  readonly moduleStore = {
    get: async (key: string): Promise<Uint8Array | undefined> => {
      try {
        return readFileSync(join(NodePlatform.cacheDir(), `${key}.wasm`));
      } catch {
        return undefined;
      }
    },
    put: async (key: string, bytes: Uint8Array): Promise<void> => {
      const dir = NodePlatform.cacheDir();
      const file = join(dir, `${key}.wasm`);
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(`${file}.${process.pid}.tmp`, bytes);
        renameSync(`${file}.${process.pid}.tmp`, file);
      } catch {
        // Not kept: made again next time.
      }
    },
  };
}

/** The buffers of a restore image the worker may take: a movable image's (movableImages), each wholly the image's own. */
function imageTransfer(start: TaskWorkerStart): ArrayBuffer[] {
  const img = start.restore;
  if (!img || !movableImages.has(img)) return [];
  const own = (b: Uint8Array) => b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
  return [...new Set([img.memory, img.unwind].filter(own).map((b) => b.buffer as ArrayBuffer))];
}
