import { randomFillSync } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { runTask, type TaskWorkerInit } from '../../worker/task-runtime.js';

/**
 * Entry point of a task's worker_thread under Node. The worker starts ahead of
 * need and runs the task whose start message arrives first.
 */
parentPort!.once('message', (init: TaskWorkerInit) => {
  runTask(init, {
    realtimeNs: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)),
    monotonicMs: () => performance.now(),
    randomFill: (b) => { randomFillSync(b); },
    postImage: (image) => {
      parentPort!.postMessage({ type: 'image', image }, [image.memory.buffer as ArrayBuffer, image.unwind.buffer as ArrayBuffer]);
    },
  });
});
