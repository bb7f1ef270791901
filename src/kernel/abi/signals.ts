/**
 * Signal numbers that guests see: Linux's (what wasi-libc's signal.h defines,
 * SIGCHLD 17), their default actions, and the translation from WASI's own
 * `proc_raise` enumeration (where SIGCHLD is 16).
 */
export const enum Sig {
  HUP = 1, INT = 2, QUIT = 3, ILL = 4, TRAP = 5, ABRT = 6, BUS = 7, FPE = 8, KILL = 9,
  USR1 = 10, SEGV = 11, USR2 = 12, PIPE = 13, ALRM = 14, TERM = 15, STKFLT = 16, CHLD = 17,
  CONT = 18, STOP = 19, TSTP = 20, TTIN = 21, TTOU = 22, URG = 23, XCPU = 24, XFSZ = 25,
  VTALRM = 26, PROF = 27, WINCH = 28, POLL = 29, PWR = 30, SYS = 31,
}

/** Highest signal number (Linux: 64 with real-time signals). */
export const NSIG = 64;

export const signalNames: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS',
  8: 'SIGFPE', 9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE',
  14: 'SIGALRM', 15: 'SIGTERM', 16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP',
  20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU', 23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ',
  26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO', 30: 'SIGPWR', 31: 'SIGSYS',
};

/** What happens to a process when a signal arrives and no handler is installed (signal(7)). */
export const enum DefaultAction { Terminate, CoreDump, Ignore, Stop, Continue }

export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case Sig.QUIT: case Sig.ILL: case Sig.TRAP: case Sig.ABRT: case Sig.BUS: case Sig.FPE:
    case Sig.SEGV: case Sig.XCPU: case Sig.XFSZ: case Sig.SYS:
      return DefaultAction.CoreDump;
    case Sig.CHLD: case Sig.URG: case Sig.WINCH:
      return DefaultAction.Ignore;
    case Sig.STOP: case Sig.TSTP: case Sig.TTIN: case Sig.TTOU:
      return DefaultAction.Stop;
    case Sig.CONT:
      return DefaultAction.Continue;
    default:
      return DefaultAction.Terminate;
  }
}

/**
 * WASI preview1 `signal` enumeration (index) → Linux number. WASI has no
 * SIGSTKFLT, so from SIGCHLD on its values are one lower than Linux's.
 */
const wasiToLinux: readonly number[] = [
  0, Sig.HUP, Sig.INT, Sig.QUIT, Sig.ILL, Sig.TRAP, Sig.ABRT, Sig.BUS, Sig.FPE, Sig.KILL,
  Sig.USR1, Sig.SEGV, Sig.USR2, Sig.PIPE, Sig.ALRM, Sig.TERM, Sig.CHLD, Sig.CONT, Sig.STOP,
  Sig.TSTP, Sig.TTIN, Sig.TTOU, Sig.URG, Sig.XCPU, Sig.XFSZ, Sig.VTALRM, Sig.PROF, Sig.WINCH,
  Sig.POLL, Sig.PWR, Sig.SYS,
];

/** Translates WASI's `proc_raise` signal value; undefined if out of range. */
export function wasiSignalToLinux(wasi: number): number | undefined {
  return wasi >= 1 && wasi < wasiToLinux.length ? wasiToLinux[wasi] : undefined;
}
