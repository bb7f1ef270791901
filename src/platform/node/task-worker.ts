import { randomFillSync } from 'node:crypto';
import { workerData } from 'node:worker_threads';
import { runTask, type TaskWorkerInit } from '../../worker/task-runtime.js';

/** Entry point of a task's worker_thread under Node. */
runTask(workerData as TaskWorkerInit, {
  realtimeNs: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)),
  monotonicMs: () => performance.now(),
  randomFill: (b) => { randomFillSync(b); },
});
