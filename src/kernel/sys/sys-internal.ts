import { Errno } from '../abi/errno.js';
import { NOTIF_CONTINUE, W } from '../channel.js';
import { sendSignal } from '../task-signals.js';
import { exitTask } from '../task-exit.js';
import { TaskState } from '../task.js';
import { NR, syscallByNr } from '../syscall-table.js';
import { PENDING, type Handler, type HandlerGroup } from './handler.js';

/**
 * The worker's calls to the kernel on its own behalf (module `internal` in the
 * call table): stop checkpoints, traps, seccomp's verdicts that need the kernel.
 */

const callName = (nr: bigint): string => syscallByNr(Number(nr))?.name ?? String(nr);

/** The worker reached a point where it may stop: held while the task is stopped (SIGCONT answers it). */
const checkpoint: Handler = (k, t) => {
  if (t.snapshotRequested) {
    // A snapshot is waiting for this task to reach its next call entry: let it go on, stopped or not.
    k.answerNow(t, 0);
    return PENDING;
  }
  if (t.state === TaskState.Stopped) {
    t.atCheckpoint = true;
    return PENDING;
  }
  return Errno.SUCCESS;
};

/** The guest trapped: the message goes to its stderr and the task dies of the signal the trap maps to. */
const trap: Handler = (k, t, c) => {
  const sig = Number(c.args[0]);
  const msg = new TextDecoder().decode(c.payload.slice(0, c.i32[W.InLen]));
  k.writeStderr(t, `${t.argv[0] ?? 'program'}: ${msg}\n`);
  exitTask(k, t, sig & 0x7f);
  return PENDING;
};

const seccomp_kill: Handler = (k, t, c) => {
  k.onLog(`seccomp: pid ${t.pid} (${t.argv[0]}) killed for call ${callName(c.args[0])}`);
  exitTask(k, t, 31 /* SIGSYS */);
  return PENDING;
};

const seccomp_log: Handler = (k, t, c) => {
  k.onLog(`seccomp: pid ${t.pid} (${t.argv[0]}) called ${callName(c.args[0])}`);
  return Errno.SUCCESS;
};

/** SECCOMP_RET_USER_NOTIF: the host's supervisor decides; without one, ENOSYS (as Linux without a listener). */
const seccomp_notify: Handler = (k, t, c) => {
  const sup = k.seccompSupervisor;
  if (!sup) return Errno.NOSYS;
  const nrCalled = Number(c.args[0]);
  const args = Array.from({ length: 6 }, (_, i) => BigInt.asUintN(64, c.args[i + 1]));
  const id = t.callId;
  Promise.resolve()
    .then(() => sup({ pid: t.pid, nr: nrCalled, name: syscallByNr(nrCalled)?.name ?? String(nrCalled), args }))
    .then((r) => {
      k.answer(t, 'continue' in r ? NOTIF_CONTINUE : Math.max(0, Math.min(r.errno, 4095)), id);
    }, (e: unknown) => {
      k.onLog(`seccomp supervisor failed: ${(e as Error)?.message ?? e}; the call gets ENOSYS`);
      k.answer(t, Errno.NOSYS, id);
    });
  return k.block(t, NR.seccomp_notify, () => {});
};

/** A signal the worker raises on the task itself (SIGPIPE from a ring write). */
const raise_self: Handler = (k, t, c) => {
  sendSignal(k, t, Number(c.args[0]));
  return t.alive ? Errno.SUCCESS : PENDING;
};

export const internalHandlers = { checkpoint, trap, seccomp_kill, seccomp_log, seccomp_notify, raise_self } satisfies HandlerGroup;
