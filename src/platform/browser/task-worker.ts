import type { TaskImage } from '../../kernel/snapshot/task-image.js';
import { runTask, type TaskWorkerInit } from '../../worker/task-runtime.js';
import { monotonicMs, randomFill, realtimeNs } from './host-services.js';

/** The dedicated-worker global, typed by what this file uses (the page's tsconfig has DOM, not WebWorker, types). */
const scope = self as unknown as {
  postMessage(m: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', cb: (e: MessageEvent<TaskWorkerInit>) => void, opts: { once: boolean }): void;
};


/**
 * Entry point of a task's Web Worker. It may be started ahead of need; the
 * kernel worker posts one TaskWorkerInit, and the guest runs to its end here
 * (blocking in Atomics.wait on its channel, which a worker may do). A task
 * unwound for a snapshot posts its image back as `{type: 'image', image}`.
 */
scope.addEventListener('message', (e) => {
  runTask(e.data, {
    realtimeNs,
    monotonicMs,
    randomFill,
    postImage(image: TaskImage) {
      const transfer = [image.memory.buffer, image.unwind.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
      scope.postMessage({ type: 'image', image }, [...new Set(transfer)]);
    },
  });
}, { once: true });
