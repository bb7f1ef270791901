/**
 * Linux system call names → the wVisor calls that do the same job, for
 * compiling OCI/Docker profiles (which name Linux calls).
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
 */

export interface LinuxAlias {
  /** wVisor call name (src/kernel/syscall-table.ts). */
  readonly call: string;
  /** Linux arg index → wVisor arg index, where the values mean the same. */
  readonly args: Readonly<Record<number, number>>;
}

const fd0 = { 0: 0 } as const;
const none = {} as const;
const a = (call: string, args: Readonly<Record<number, number>> = none): LinuxAlias => ({ call, args });

const table: Record<string, LinuxAlias[]> = {
  read: [a('fd_read', fd0)],
  readv: [a('fd_read', fd0)],
  write: [a('fd_write', fd0)],
  writev: [a('fd_write', fd0)],
  pread64: [a('fd_pread', fd0)],
  preadv: [a('fd_pread', fd0)],
  preadv2: [a('fd_pread', fd0)],
  pwrite64: [a('fd_pwrite', fd0)],
  pwritev: [a('fd_pwrite', fd0)],
  pwritev2: [a('fd_pwrite', fd0)],
  open: [a('path_open')],
  openat: [a('path_open', fd0)],
  openat2: [a('path_open', fd0)],
  creat: [a('path_open')],
  close: [a('fd_close', fd0)],
  lseek: [a('fd_seek', { 0: 0, 1: 1, 2: 2 }), a('fd_tell', fd0)],
  fstat: [a('fd_filestat_get', fd0)],
  newfstatat: [a('path_filestat_get', fd0)],
  statx: [a('path_filestat_get', fd0)],
  stat: [a('path_filestat_get')],
  lstat: [a('path_filestat_get')],
  mkdirat: [a('path_create_directory', fd0)],
  mkdir: [a('path_create_directory')],
  unlinkat: [a('path_unlink_file', fd0), a('path_remove_directory', fd0)],
  unlink: [a('path_unlink_file')],
  rmdir: [a('path_remove_directory')],
  renameat: [a('path_rename', { 0: 0, 2: 3 })],
  renameat2: [a('path_rename', { 0: 0, 2: 3 })],
  rename: [a('path_rename')],
  linkat: [a('path_link', { 0: 0, 2: 4 })],
  link: [a('path_link')],
  symlinkat: [a('path_symlink', { 1: 2 })],
  symlink: [a('path_symlink')],
  readlinkat: [a('path_readlink', fd0)],
  readlink: [a('path_readlink')],
  getdents64: [a('fd_readdir', fd0)],
  getdents: [a('fd_readdir', fd0)],
  poll: [a('poll_oneoff')],
  ppoll: [a('poll_oneoff')],
  select: [a('poll_oneoff')],
  pselect6: [a('poll_oneoff')],
  epoll_wait: [a('poll_oneoff')],
  epoll_pwait: [a('poll_oneoff')],
  epoll_pwait2: [a('poll_oneoff')],
  nanosleep: [a('poll_oneoff')],
  clock_nanosleep: [a('poll_oneoff')],
  exit: [a('proc_exit', fd0)],
  exit_group: [a('proc_exit', fd0)],
  // proc_raise(sig) is kill(getpid(), sig): its one argument is the signal, in WASI's numbering.
  kill: [a('kill', { 0: 0, 1: 1 }), a('proc_raise')],
  tkill: [a('kill', { 0: 0, 1: 1 }), a('proc_raise')],
  tgkill: [a('kill', { 0: 0, 2: 1 }), a('proc_raise')],
  sched_yield: [a('sched_yield')],
  getrandom: [a('random_get', { 1: 1 })],
  clock_gettime: [a('clock_time_get', fd0)],
  clock_getres: [a('clock_res_get', fd0)],
  gettimeofday: [a('clock_time_get')],
  time: [a('clock_time_get')],
  rt_sigaction: [a('sigaction', fd0)],
  rt_sigprocmask: [a('sigprocmask', fd0)],
  rt_sigpending: [a('sigpending')],
  rt_sigsuspend: [a('sigsuspend')],
  alarm: [a('alarm', fd0)],
  wait4: [a('wait', { 0: 0, 2: 1 })],
  waitid: [a('wait')],
  pipe: [a('pipe')],
  pipe2: [a('pipe')],
  dup: [a('dup', fd0)],
  // fd_renumber(from, to) is dup2(from, to) then close(from).
  dup2: [a('dup2', { 0: 0, 1: 1 }), a('fd_renumber', { 0: 0, 1: 1 })],
  dup3: [a('dup2', { 0: 0, 1: 1 }), a('fd_renumber', { 0: 0, 1: 1 })],
  setpgid: [a('setpgid', { 0: 0, 1: 1 })],
  getpgid: [a('getpgid', fd0)],
  getpgrp: [a('getpgid')],
  setsid: [a('setsid')],
  getsid: [a('getsid', fd0)],
  getpid: [a('getpid')],
  getppid: [a('getppid')],
  ptrace: [a('ptrace', { 0: 0, 1: 1 })],
  seccomp: [a('seccomp', { 0: 0, 1: 1 })],
  prctl: [a('prctl', { 0: 0, 1: 1 })],
  clone: [a('spawn')],
  fork: [a('spawn')],
  vfork: [a('spawn')],
  execve: [a('spawn')],
  execveat: [a('spawn')],
  accept: [a('sock_accept', fd0)],
  accept4: [a('sock_accept', fd0)],
  recvfrom: [a('sock_recv', fd0)],
  recvmsg: [a('sock_recv', fd0)],
  sendto: [a('sock_send', fd0)],
  sendmsg: [a('sock_send', fd0)],
  shutdown: [a('sock_shutdown', fd0)],
  ioctl: ['tcgetattr', 'tcsetattr', 'tiocgwinsz', 'tcsetpgrp', 'tcgetpgrp', 'isatty'].map((c) => a(c, fd0)),
  fsync: [a('fd_sync', fd0)],
  fdatasync: [a('fd_datasync', fd0)],
  ftruncate: [a('fd_filestat_set_size', { 0: 0, 1: 1 })],
  fallocate: [a('fd_allocate', { 0: 0, 2: 1, 3: 2 })],
  fadvise64: [a('fd_advise', { 0: 0, 1: 1, 2: 2 })],
  utimensat: [a('path_filestat_set_times', fd0), a('fd_filestat_set_times', fd0)],
  futimesat: [a('path_filestat_set_times', fd0)],
  fcntl: [a('fd_fdstat_set_flags', fd0), a('fd_fdstat_get', fd0)],
};

/** The wVisor calls a Linux name stands for (empty when none). */
export function linuxAliases(linuxName: string): readonly LinuxAlias[] {
  return Object.hasOwn(table, linuxName) ? table[linuxName]! : [];
}

/** Every Linux name in the table. */
export const linuxAliasNames: readonly string[] = Object.keys(table);
