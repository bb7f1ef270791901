import { allCalls, type KernelCall } from '../syscall-table.js';
import type { Handler } from './handler.js';
import { cloexecHandlers } from './sys-cloexec.js';
import { execHandlers } from './sys-exec.js';
import { fdHandlers } from './sys-fd.js';
import { forkHandlers } from './sys-fork.js';
import { internalHandlers } from './sys-internal.js';
import { pathHandlers } from './sys-path.js';
import { pollHandlers } from './sys-poll.js';
import { procHandlers } from './sys-proc.js';
import { seccompHandlers } from './sys-seccomp.js';
import { signalHandlers } from './sys-signal.js';
import { ttyHandlers } from './sys-tty.js';

export { PENDING, type Handler, type HandlerGroup } from './handler.js';

/**
 * Every call the kernel answers, by name. Typed by the call table: a call
 * served by the kernel without a handler here, or a handler for a call that is
 * not in the table, does not compile.
 */
const byName: { readonly [K in KernelCall]: Handler } = {
  ...fdHandlers, ...pathHandlers, ...pollHandlers, ...procHandlers, ...ttyHandlers, ...seccompHandlers, ...signalHandlers,
  ...internalHandlers,
  ...cloexecHandlers, ...forkHandlers, ...execHandlers,
};

/** Handlers by call number (negative numbers: internal calls). */
export const handlers: ReadonlyMap<number, Handler> = new Map(allCalls.filter((s) => !s.reserved).map((s) => {
  const h = (byName as Record<string, Handler | undefined>)[s.name];
  return [s.nr, h] as const;
}).filter((e): e is readonly [number, Handler] => e[1] !== undefined));
