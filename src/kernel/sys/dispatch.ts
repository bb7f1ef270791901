import { Errno } from '../abi/errno.js';
import { type ChannelViews, W } from '../channel.js';
import type { CallServer, Kernel } from '../kernel.js';
import { RESTART } from '../snapshot/task-image.js';
import { NR } from '../syscall-table.js';
import type { Task } from '../task.js';
import { handlers, PENDING } from './index.js';

/**
 * The kernel's side of one call: look the handler up by number, run it with
 * the calling task, and answer unless the handler holds the call. A call no
 * handler serves gets ENOSYS; a handler that throws is a kernel bug: the
 * guest gets EIO, the host a log line, and the kernel goes on.
 */
export function callServer(k: Kernel): CallServer {
  return (t: Task, c: ChannelViews) => {
    const nr = c.i32[W.Nr];
    t.callId++;
    if (t.snapshotRequested && nr >= 0 && nr !== NR.proc_exit) {
      // Posted before the worker saw the snapshot request: not run, re-issued after the restore. An exit is let
      // through (the runtime calls it after _start returns, with nothing left to unwind; a dead task needs no image).
      k.answerNow(t, RESTART);
      return;
    }
    let r: number;
    k.current = t;
    try {
      const h = handlers.get(nr);
      r = h ? h(k, t, c) : Errno.NOSYS;
    } catch (e) {
      k.onLog(`kernel: call ${nr} of pid ${t.pid} failed: ${(e as Error)?.stack ?? e}`);
      r = Errno.IO;
    } finally {
      k.current = null;
    }
    if (r !== PENDING) k.answer(t, r);
  };
}
