import { Kernel, type KernelLimits } from './kernel.js';
import type { Platform } from './platform.js';
import { callServer } from './sys/dispatch.js';
import { ttyTaskExited } from './tty.js';
import { ProcFs } from './vfs/proc-fs.js';

/**
 * A new kernel with its parts joined: the call server of sys/ (so kernel.ts
 * needs no handler), and the terminals told of exits (a session leader's end
 * frees its controlling terminal) by the kernel's exit event, so task-exit.ts
 * needs no terminal. /proc is mounted here, a view of this kernel's tasks
 * (vfs/proc-fs.ts; a restore gives the loaded VFS's /proc a new one).
 */
export function bootKernel(platform: Platform, limits: Partial<KernelLimits> = {}): Kernel {
  const k = new Kernel(platform, limits, callServer);
  k.exitListeners.add((t) => ttyTaskExited(k, t));
  k.vfs.mount('/proc', new ProcFs(k));
  return k;
}
