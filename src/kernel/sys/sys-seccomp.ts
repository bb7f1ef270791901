import { Errno } from '../abi/errno.js';
import { decodeProgram } from '../seccomp/bpf.js';
import { FilterStack } from '../seccomp/filter-stack.js';
import { SeccompVerifyError, verify } from '../seccomp/verifier.js';
import { i32, u32 } from './args.js';
import type { Handler, HandlerGroup } from './handler.js';

/** seccomp(2) operations and flags (Linux's values). */
const SET_MODE_STRICT = 0;
const SET_MODE_FILTER = 1;
const GET_ACTION_AVAIL = 2;
const FLAG_TSYNC = 1;
const FLAG_LOG = 2;
/** prctl(2) options (Linux's values). */
const PR_SET_NO_NEW_PRIVS = 38;
const PR_GET_NO_NEW_PRIVS = 39;

/**
 * seccomp(SET_MODE_FILTER): verifies the program once, here at the edge, and
 * attaches it to the task's stack; the worker attaches the same program to
 * its copy when this answers 0. Requires no_new_privs (a guest has no
 * CAP_SYS_ADMIN). TSYNC is trivially met: guests are single-threaded.
 */
const seccomp: Handler = (k, t, c) => {
  const op = u32(c, 0);
  const flags = u32(c, 1);
  if (op === GET_ACTION_AVAIL) return Errno.SUCCESS;
  if (op === SET_MODE_STRICT) return Errno.INVAL; // strict mode's read/write/exit set has no WASI meaning here
  if (op !== SET_MODE_FILTER) return Errno.INVAL;
  if (flags & ~(FLAG_TSYNC | FLAG_LOG)) return Errno.INVAL;
  if (!t.noNewPrivs) return Errno.ACCES;
  const len = u32(c, 3);
  if (len === 0 || len > 4096 || c.i32[3] !== len * 8) return Errno.INVAL;
  let prog;
  try {
    prog = verify(decodeProgram(c.payload.slice(0, len * 8)));
  } catch (e) {
    if (e instanceof SeccompVerifyError) return Errno.INVAL;
    throw e;
  }
  const stack = t.seccomp ?? new FilterStack();
  const r = stack.install(prog, (flags & FLAG_LOG) !== 0);
  if (r !== 0) return r;
  t.seccomp = stack;
  k.changed();
  return Errno.SUCCESS;
};

const prctl: Handler = (_k, t, c) => {
  const option = i32(c, 0);
  if (option === PR_SET_NO_NEW_PRIVS) {
    if (u32(c, 1) !== 1 || u32(c, 2) || u32(c, 3) || u32(c, 4)) return Errno.INVAL;
    t.noNewPrivs = true;
    return Errno.SUCCESS;
  }
  if (option === PR_GET_NO_NEW_PRIVS) {
    c.res[0] = t.noNewPrivs ? 1n : 0n;
    return Errno.SUCCESS;
  }
  return Errno.INVAL;
};

export const seccompHandlers = { seccomp, prctl } satisfies HandlerGroup;
