import { parentPort, workerData } from 'node:worker_threads';
import { rewriteModule, type RewriteOptions } from '../../instrument/index.js';

/**
 * Runs src/instrument's full rewrite off the kernel's thread (NodePlatform.instrument):
 * binaryen blocks for seconds to minutes on a large module, and the kernel must
 * keep serving its tasks meanwhile. Posts {phase} at each step, then {bytes} or {error}.
 */
const { bytes, options } = workerData as { bytes: Uint8Array; options: RewriteOptions };
rewriteModule(bytes, options, { onPhase: (phase) => parentPort!.postMessage({ phase }) }).then((r) => {
  parentPort!.postMessage({ bytes: r.bytes }, [r.bytes.buffer]);
}, (e: unknown) => {
  parentPort!.postMessage({ error: (e as Error)?.message ?? String(e), name: (e as Error)?.name });
});
