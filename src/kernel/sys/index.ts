import type { ChannelViews } from '../channel.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import { fdHandlers } from './sys-fd.js';
import { pathHandlers } from './sys-path.js';
import { pollHandlers } from './sys-poll.js';
import { procHandlers } from './sys-proc.js';
import { ttyHandlers } from './sys-tty.js';
import { seccompHandlers } from './sys-seccomp.js';
import { NR } from '../syscall-table.js';

/** A handler's answer when it holds the call to answer later (Kernel.answer). */
export const PENDING = -1;

/**
 * A syscall handler: reads its arguments from the channel (args, payload),
 * writes results (res, payload + OutLen) and returns a WASI errno, or PENDING
 * after arranging to answer later. Arguments were copied in and pointers
 * checked by the worker's stub; values are still the guest's and are checked here.
 */
export type Handler = (k: Kernel, t: Task, c: ChannelViews) => number;

function table(): Array<Handler | undefined> {
  const out: Array<Handler | undefined> = [];
  for (const group of [fdHandlers, pathHandlers, pollHandlers, procHandlers, ttyHandlers, seccompHandlers]) {
    for (const [name, h] of Object.entries(group)) {
      const nr = NR[name];
      if (nr === undefined) throw new Error(`handler for unknown call ${name}`);
      out[nr] = h;
    }
  }
  return out;
}

/** Handlers by call number. */
export const handlers: ReadonlyArray<Handler | undefined> = table();
