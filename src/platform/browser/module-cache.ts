import { createStore, get, set, type UseStore } from 'idb-keyval';
import { REWRITE_VERSION } from '../../instrument/contract.js';

/**
 * The browser's half of the module pipeline (docs/ARCHITECTURE.md, "The module pipeline"): a module a person
 * brings is rewritten with binaryen — loaded lazily, here in the kernel
 * worker, never on the page's start-up path — and the result is cached in
 * IndexedDB by the original's hash, the rewrite's version and the memory
 * limit, so the rewrite is paid once per module.
 */
export class ModuleCache {
  /** idb-keyval store of rewritten modules; created on first use. */
  private store: UseStore | undefined;

  constructor(private readonly sha256: (bytes: Uint8Array) => Promise<string>) {}

  async instrument(bytes: Uint8Array, options: { maxMemoryPages: number; optimizeLevel?: 0 | 1; onPhase?(phase: string): void }):
    Promise<Uint8Array> {
    const level = options.optimizeLevel === undefined ? '' : `-O${options.optimizeLevel}`;
    const key = `${await this.sha256(bytes)}-v${REWRITE_VERSION}-m${options.maxMemoryPages}${level}`;
    this.store ??= createStore('wvisor-modules', 'rewritten');
    try {
      const hit = await get<Uint8Array>(key, this.store);
      if (hit instanceof Uint8Array) return hit;
    } catch {
      // IndexedDB unavailable (a private window, a quota): rewrite without the cache.
    }
    const { rewriteModule } = await import('../../instrument/index.js');
    const out = (await rewriteModule(bytes, {
      maxMemoryPages: options.maxMemoryPages,
      ...(options.optimizeLevel === undefined ? {} : { optimizeLevel: options.optimizeLevel }),
    }, { onPhase: (phase) => options.onPhase?.(phase) })).bytes;
    try {
      await set(key, out, this.store);
    } catch {
      // Not cached: the next load rewrites again.
    }
    return out;
  }
}
