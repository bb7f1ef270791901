/**
 * Linux system call names → the wVisor calls that do the same job, for
 * compiling OCI/Docker profiles (which name Linux calls). Derived from the
 * `linux` field of each call in src/kernel/syscall-table.ts, where the
 * aliases are defined with the call.
 *
 * `args` maps a Linux argument index to the wVisor argument index that carries
 * the same value with the same meaning (same encoding of numbers). A Linux rule
 * condition on an argument with no entry cannot be translated; the profile
 * compiler then drops the rule or the condition in the restrictive direction
 * (see profile.ts). Kept deliberately small: an entry is listed only where the
 * values are known to be equal:
 * - fds, pids, process groups, signal numbers (wVisor uses Linux's), lengths;
 * - lseek's whence (SEEK_SET/CUR/END = 0/1/2 in Linux and WASI);
 * - clock ids 0..3 (REALTIME, MONOTONIC, PROCESS_CPUTIME_ID, THREAD_CPUTIME_ID in both);
 * - wait4's options (WNOHANG 1, WUNTRACED 2, WCONTINUED 8 in wvisor.h as in Linux);
 * - ptrace requests, prctl options, seccomp operations and sigprocmask's `how`:
 *   the wVisor ABI takes Linux's numbers for these (docs/ARCHITECTURE.md,
 *   "Numbers guests see").
 * Not mapped on purpose: open flags (O_* differ from WASI oflags), AT_* flags
 * (differ from WASI lookupflags), fadvise advice (WASI orders RANDOM and
 * SEQUENTIAL the other way), shutdown's how (WASI uses bit flags), ioctl
 * requests (each becomes its own call), pointers.
 *
 * Process creation: glibc's posix_spawn is clone(CLONE_VM|CLONE_VFORK) then
 * execve in the child, so clone, vfork, execve and execveat reach `spawn`;
 * fork, vfork and clone reach `proc_fork`, execve and execveat `proc_exec`.
 * A rule on clone's flags argument cannot be translated (no wVisor call takes
 * clone flags): a profile that allows clone only for threads
 * (CLONE_THREAD set) therefore applies its restrictive action to spawn and fork.
 */
import { type CallName, syscalls } from '../syscall-table.js';

export interface LinuxAlias {
  /** wVisor call name (src/kernel/syscall-table.ts). */
  readonly call: CallName;
  /** Linux arg index → wVisor arg index, where the values mean the same. */
  readonly args: Readonly<Record<number, number>>;
}

const table: Record<string, LinuxAlias[]> = {};
for (const s of syscalls) {
  for (const [linux, args] of Object.entries(s.linux)) (table[linux] ??= []).push({ call: s.name, args });
}

/** The wVisor calls a Linux name stands for (empty when none). */
export function linuxAliases(linuxName: string): readonly LinuxAlias[] {
  return Object.hasOwn(table, linuxName) ? table[linuxName]! : [];
}

/** Every Linux name in the table. */
export const linuxAliasNames: readonly string[] = Object.keys(table);
