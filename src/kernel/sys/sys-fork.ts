/**
 * fork(). The task's worker unwinds at the proc_fork import (Asyncify, as for a snapshot), posts the
 * image (memory, globals, unwind data) tagged as a fork, rewinds into it at once in the same instance
 * and makes the proc_fork call for real: that call waits here for the image, the kernel makes the
 * child (Kernel.forkTask) whose fresh worker rewinds the same image and returns 0, and the parent
 * gets the child's pid. A module without Asyncify gets ENOTSUP from its worker (worker/task-runtime.ts).
 */
import { Errno } from '../abi/errno.js';
import type { Kernel } from '../kernel.js';
import { movableImages } from '../snapshot/task-image.js';
import { NR } from '../syscall-table.js';
import type { Task } from '../task.js';
import type { ChannelViews } from '../channel.js';
import type { Handler, HandlerGroup } from './handler.js';

function finish(k: Kernel, t: Task, c: ChannelViews): number {
  const image = k.forkImages.get(t)!;
  k.forkImages.delete(t);
  // Nobody else holds the posted image: the child's worker may take its buffers instead of a copy.
  movableImages.add(image);
  const child = k.forkTask(t, image);
  if (typeof child === 'number') return child;
  c.res[0] = BigInt(child.pid);
  return Errno.SUCCESS;
}

/** args[0] of the worker's proc_fork call when the module cannot unwind (no Asyncify). */
const CANNOT_UNWIND = 1n;

const proc_fork: Handler = (k, t, c) => {
  if (c.args[0] === CANNOT_UNWIND) {
    const why = k.modules.unwindProblem(t.moduleHash) ?? 'the module has no Asyncify instrumentation';
    k.writeStderr(t, `${t.argv[0] ?? 'program'}: fork: not supported: ${why}; build it with \`wvisor cc\`\n`);
    return Errno.NOTSUP;
  }
  if (k.forkImages.has(t)) return finish(k, t, c);
  // The image is on its way (a message, where the call came by the channel): wait for it. A snapshot
  // lets the call finish, as a spawn: re-issued, it would find no image.
  const id = t.callId;
  k.forkWaiters.set(t, () => {
    k.forkWaiters.delete(t);
    if (t.pending?.nr !== NR.proc_fork) return;
    k.answer(t, finish(k, t, c), id);
  });
  return k.block(t, NR.proc_fork, () => k.forkWaiters.delete(t), 'finish');
};

export const forkHandlers = { proc_fork } satisfies HandlerGroup;
