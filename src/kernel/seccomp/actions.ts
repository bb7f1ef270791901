/**
 * Filter return values (include/uapi/linux/seccomp.h). The upper 16 bits are
 * the action, the lower 16 its data. Compared as signed 32-bit numbers, a lower
 * action is more restrictive: KILL_PROCESS < KILL_THREAD < TRAP < ERRNO <
 * USER_NOTIF < TRACE < LOG < ALLOW.
 */
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
export const SECCOMP_RET_TRAP = 0x00030000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_USER_NOTIF = 0x7fc00000;
export const SECCOMP_RET_TRACE = 0x7ff00000;
export const SECCOMP_RET_LOG = 0x7ffc0000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_ACTION_FULL = 0xffff0000;
export const SECCOMP_RET_DATA = 0x0000ffff;
/** include/linux/err.h MAX_ERRNO: ERRNO data is capped at this. */
export const MAX_ERRNO = 4095;

/** What the kernel does with a call, after stacking. */
export type SeccompAction =
  | 'kill_process' | 'kill_thread' | 'trap' | 'errno' | 'user_notif' | 'trace' | 'log' | 'allow';

/** ACTION_ONLY(ret) of kernel/seccomp.c: the action bits as a signed 32-bit number. */
export function actionOnly(ret: number): number {
  return (ret & SECCOMP_RET_ACTION_FULL) | 0;
}

/**
 * The action the kernel takes for a return value (kernel/seccomp.c
 * __seccomp_filter): a known action, and `default:` (any unknown action value)
 * goes with KILL_PROCESS — it kills with SIGSYS and a core dump, as
 * seccomp(2) documents for Linux 4.14 and later.
 */
export function actionOf(ret: number): SeccompAction {
  switch ((ret & SECCOMP_RET_ACTION_FULL) >>> 0) {
    case SECCOMP_RET_KILL_THREAD: return 'kill_thread';
    case SECCOMP_RET_TRAP: return 'trap';
    case SECCOMP_RET_ERRNO: return 'errno';
    case SECCOMP_RET_USER_NOTIF: return 'user_notif';
    case SECCOMP_RET_TRACE: return 'trace';
    case SECCOMP_RET_LOG: return 'log';
    case SECCOMP_RET_ALLOW: return 'allow';
    default: return 'kill_process';
  }
}

/** The return value for an action and its data. */
export function retOf(action: SeccompAction, data = 0): number {
  const d = data & SECCOMP_RET_DATA;
  switch (action) {
    case 'kill_process': return SECCOMP_RET_KILL_PROCESS >>> 0;
    case 'kill_thread': return SECCOMP_RET_KILL_THREAD;
    case 'trap': return (SECCOMP_RET_TRAP | d) >>> 0;
    case 'errno': return (SECCOMP_RET_ERRNO | d) >>> 0;
    case 'user_notif': return SECCOMP_RET_USER_NOTIF >>> 0;
    case 'trace': return (SECCOMP_RET_TRACE | d) >>> 0;
    case 'log': return SECCOMP_RET_LOG >>> 0;
    case 'allow': return SECCOMP_RET_ALLOW >>> 0;
  }
}

/** A return value in words: `ERRNO(63)`, `ALLOW`, `unknown action 0x10000 (treated as KILL_PROCESS)`. */
export function describeRet(ret: number): string {
  const action = actionOf(ret);
  const data = ret & SECCOMP_RET_DATA;
  const full = (ret & SECCOMP_RET_ACTION_FULL) >>> 0;
  if (action === 'kill_process' && full !== SECCOMP_RET_KILL_PROCESS) {
    return `unknown action 0x${full.toString(16)} (treated as KILL_PROCESS)`;
  }
  const name = action.toUpperCase();
  return data !== 0 || action === 'errno' || action === 'trap' || action === 'trace' ? `${name}(${data})` : name;
}
