import type { ChannelViews } from '../channel.js';
import type { Kernel } from '../kernel.js';
import type { CallName } from '../syscall-table.js';
import type { Task } from '../task.js';

export { PENDING } from '../task.js';

/**
 * A syscall handler: reads its arguments from the channel (args, payload),
 * writes results (res, payload + OutLen) and returns a WASI errno, or PENDING
 * after arranging to answer later. Arguments were copied in and pointers
 * checked by the worker's stub; values are still the guest's and are checked here.
 */
export type Handler = (k: Kernel, t: Task, c: ChannelViews) => number;

/** One file's handlers, by call name (a misspelt name does not compile). */
export type HandlerGroup = { readonly [K in CallName]?: Handler };
