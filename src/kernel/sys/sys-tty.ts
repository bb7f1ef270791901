import { Errno } from '../abi/errno.js';
import type { Handler } from './index.js';
import { i32 } from './args.js';

/**
 * Terminal calls on files that are not terminals. wVisor's tty (a controlling
 * terminal with job control) comes with the playground issue; until an fd can
 * be a tty, every open fd answers ENOTTY as Linux does for a non-terminal, and
 * a closed one EBADF.
 */
const notTty: Handler = (_k, t, c) => (t.fds.get(i32(c, 0)) ? Errno.NOTTY : Errno.BADF);

export const ttyHandlers: Record<string, Handler> = {
  tcsetpgrp: notTty, tcgetpgrp: notTty, tcgetattr: notTty, tcsetattr: notTty, tiocgwinsz: notTty, isatty: notTty,
};
