import type { FromKernel, KernelEvent, KernelInit, Ops, OpName, Request } from './protocol.js';

/** The kernel worker refused a request, or died; name and message come from the worker. */
export class KernelError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type Listener = (e: KernelEvent) => void;

/**
 * The page's end of the kernel worker: starts it, sends typed requests
 * (each answered once, by id) and hands the worker's events to listeners.
 * `ready` settles when /bin is loaded (or loading failed).
 */
export class KernelClient {
  /** The kernel worker. Set at construction. */
  private readonly worker: Worker;
  /** Requests sent and not yet answered, by id. */
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** Next request id. */
  private nextId = 1;
  /** Event listeners (the terminal, the process panel, the loader). */
  private readonly listeners = new Set<Listener>();
  /** Settles when the kernel has loaded /bin; rejects with the reason if it could not. */
  readonly ready: Promise<{ programs: string[]; loadMs: number; warnings: string[] }>;
  /** Set once the worker died: every later request fails with it. */
  private dead: KernelError | null = null;

  constructor(binUrl: string) {
    this.worker = new Worker(new URL('./kernel-worker.ts', import.meta.url), { type: 'module', name: 'wvisor kernel' });
    this.ready = new Promise((resolve, reject) => {
      const off = this.on((e) => {
        if (e.kind === 'ready') { off(); resolve(e); }
        if (e.kind === 'fatal') { off(); reject(new KernelError('ProgramLoadError', e.message)); }
      });
    });
    this.worker.addEventListener('message', (e: MessageEvent<FromKernel>) => this.receive(e.data));
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.die(`the kernel worker failed: ${e.message || 'it could not load (see the browser console)'}`);
    });
    this.worker.addEventListener('messageerror', () => this.die('a message from the kernel worker could not be read'));
    const init: KernelInit = { kind: 'init', binUrl };
    this.worker.postMessage(init);
  }

  /** Sends one request; resolves with its answer, rejects with a KernelError. */
  request<K extends OpName>(op: K, args: Ops[K]['args']): Promise<Ops[K]['result']> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, ...args } as Request);
    });
  }

  /** Ends the kernel worker (and with it every task worker it started); later requests fail. */
  terminate(): void {
    this.worker.terminate();
    this.listeners.clear();
    this.die('the kernel worker was ended (a new sandbox session replaced it)');
  }

  /** Listens to the worker's events; returns the function that stops listening. */
  on(cb: Listener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private receive(m: FromKernel): void {
    if (m.kind === 'reply') {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m.value);
      else w.reject(new KernelError(m.error.name, m.error.message));
      return;
    }
    for (const cb of [...this.listeners]) cb(m);
  }

  private die(message: string): void {
    if (this.dead) return;
    this.dead = new KernelError('KernelError', message);
    for (const w of this.waiting.values()) w.reject(this.dead);
    this.waiting.clear();
    for (const cb of [...this.listeners]) cb({ kind: 'fatal', message });
  }
}
