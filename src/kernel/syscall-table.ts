/**
 * The call table: every call a guest can make, defined once. Per call: its
 * number (seccomp_data.nr), its import module, its parameters (what each is:
 * an fd, a value, a buffer the call reads or writes and which parameter holds
 * its length), where it is served (in the task's worker, in the kernel, or in
 * the worker with the kernel behind), and the Linux system calls that do the
 * same job (seccomp profiles name those). The worker's import object, the
 * kernel's handler table, the import check, the seccomp alias table and the
 * test of hostile.wat's imports are all derived from or checked against it.
 *
 * Modules: WASI preview1 (`wasi_snapshot_preview1`), the wVisor guest ABI
 * (`wvisor_v1`, see guests/include/wvisor.h), and the worker's own calls to
 * the kernel (`internal`, negative numbers, never importable). A call marked
 * `reserved` has its number and shape fixed for work that has not landed yet
 * (fork and exec, signal handlers, ptrace's bulk memory access): seccomp
 * profiles can name it, but no module may import it yet (the import check
 * says so) and nothing serves it.
 *
 * Numbers are ABI: never renumber, only append. Where WASIX has a call for the
 * same job, the new call takes WASIX's name.
 */

/**
 * wVisor's audit arch value: __AUDIT_ARCH_LE (0x40000000) | machine 0x5741 ("WA"),
 * 32-bit. No Linux EM_* machine uses 0x5741, so a filter written for x86_64
 * (0xc000003e) never matches wVisor calls by accident.
 */
export const AUDIT_ARCH_WVISOR = 0x40005741;

/** Import module names. */
export const WASI_MODULE = 'wasi_snapshot_preview1';
export const WVISOR_MODULE = 'wvisor_v1';
/** Not an import module: calls the worker makes to the kernel on its own behalf. */
export const INTERNAL_MODULE = 'internal';

export type CallModule = typeof WASI_MODULE | typeof WVISOR_MODULE | typeof INTERNAL_MODULE;

/**
 * What a parameter is. `fd`, `i32`, `u32` are i32 values; `i64`, `u64` are
 * i64 values; the rest are i32 pointers into guest memory: `in` (bytes the
 * call reads, length in `len`), `str` (a UTF-8 string, length in `len`),
 * `iovs` (an iovec array, count in `len`), `out` (bytes the call writes:
 * `size` of them, or up to the parameter `len`), `ptr` (a pointer to a
 * structure the call reads; its layout is the call's own).
 */
export type ParamKind = 'fd' | 'i32' | 'u32' | 'i64' | 'u64' | 'in' | 'str' | 'iovs' | 'out' | 'ptr';

export interface ParamInfo {
  readonly name: string;
  readonly kind: ParamKind;
  /** For in/str/iovs/out: the parameter that holds the length or count. */
  readonly len?: string;
  /** For out: bytes written, when fixed. */
  readonly size?: number;
}

/**
 * Where a call is served: `worker` (in the task's worker, never reaching the
 * kernel: args, clocks, random), `kernel` (the stub copies arguments and
 * waits for the kernel's answer), `both` (the worker serves what it can, such
 * as pipe rings and /dev/null, and passes the rest to the kernel).
 */
export type Served = 'worker' | 'kernel' | 'both';

/** Linux argument index → this call's argument index, where the values mean the same (seccomp rules translate through it). */
export type ArgMap = Readonly<Record<number, number>>;

interface CallDef {
  readonly nr: number;
  readonly served: Served;
  readonly params: readonly string[];
  /** Linux names that do this call's job, with the arguments that carry the same values. */
  readonly linux?: Readonly<Record<string, ArgMap>>;
  /** The import returns nothing (proc_exit). */
  readonly noResult?: true;
  /** Number and shape fixed, not provided yet (see the top of this file): what it waits for. */
  readonly reserved?: string;
}

const fd0 = { 0: 0 } as const;

/*
 * Parameters are written "name:kind", "name:kind(len)" or "name:out[size]".
 * Linux aliases: see seccomp/aliases.ts for what an argument map may claim. Only
 * values known to be equal are mapped: fds, pids, process groups, signal numbers
 * (wVisor uses Linux's), lengths; lseek's whence; clock ids 0..3; wait4's options;
 * ptrace requests, prctl options, seccomp operations and sigprocmask's `how` (the
 * wVisor ABI takes Linux's numbers). Never: open flags, AT_* flags, fadvise advice,
 * shutdown's how, ioctl requests, pointers.
 */
const wasi = {
  args_get: { nr: 0, served: 'worker', params: ['argv:ptr', 'argv_buf:ptr'] },
  args_sizes_get: { nr: 1, served: 'worker', params: ['argc_out:out[4]', 'argv_buf_size_out:out[4]'] },
  environ_get: { nr: 2, served: 'worker', params: ['environ:ptr', 'environ_buf:ptr'] },
  environ_sizes_get: { nr: 3, served: 'worker', params: ['environc_out:out[4]', 'environ_buf_size_out:out[4]'] },
  clock_res_get: { nr: 4, served: 'worker', params: ['clock_id:u32', 'res_out:out[8]'], linux: { clock_getres: fd0 } },
  clock_time_get: { nr: 5, served: 'worker', params: ['clock_id:u32', 'precision:u64', 'time_out:out[8]'],
    linux: { clock_gettime: fd0, gettimeofday: {}, time: {} } },
  fd_advise: { nr: 6, served: 'kernel', params: ['fd:fd', 'offset:u64', 'len:u64', 'advice:u32'],
    linux: { fadvise64: { 0: 0, 1: 1, 2: 2 } } },
  fd_allocate: { nr: 7, served: 'kernel', params: ['fd:fd', 'offset:u64', 'len:u64'], linux: { fallocate: { 0: 0, 2: 1, 3: 2 } } },
  fd_close: { nr: 8, served: 'kernel', params: ['fd:fd'], linux: { close: fd0 } },
  fd_datasync: { nr: 9, served: 'kernel', params: ['fd:fd'], linux: { fdatasync: fd0 } },
  fd_fdstat_get: { nr: 10, served: 'kernel', params: ['fd:fd', 'stat_out:out[24]'], linux: { fcntl: fd0 } },
  fd_fdstat_set_flags: { nr: 11, served: 'kernel', params: ['fd:fd', 'flags:u32'], linux: { fcntl: fd0 } },
  fd_fdstat_set_rights: { nr: 12, served: 'kernel', params: ['fd:fd', 'rights_base:u64', 'rights_inheriting:u64'] },
  fd_filestat_get: { nr: 13, served: 'kernel', params: ['fd:fd', 'stat_out:out[64]'], linux: { fstat: fd0 } },
  fd_filestat_set_size: { nr: 14, served: 'kernel', params: ['fd:fd', 'size:u64'], linux: { ftruncate: { 0: 0, 1: 1 } } },
  fd_filestat_set_times: { nr: 15, served: 'kernel', params: ['fd:fd', 'atim:u64', 'mtim:u64', 'fst_flags:u32'],
    linux: { utimensat: fd0 } },
  fd_pread: { nr: 16, served: 'kernel', params: ['fd:fd', 'iovs:iovs(iovs_len)', 'iovs_len:u32', 'offset:u64', 'nread_out:out[4]'],
    linux: { pread64: fd0, preadv: fd0, preadv2: fd0 } },
  fd_prestat_get: { nr: 17, served: 'kernel', params: ['fd:fd', 'prestat_out:out[8]'] },
  fd_prestat_dir_name: { nr: 18, served: 'kernel', params: ['fd:fd', 'path:out(path_len)', 'path_len:u32'] },
  fd_pwrite: { nr: 19, served: 'kernel', params: ['fd:fd', 'iovs:iovs(iovs_len)', 'iovs_len:u32', 'offset:u64', 'nwritten_out:out[4]'],
    linux: { pwrite64: fd0, pwritev: fd0, pwritev2: fd0 } },
  fd_read: { nr: 20, served: 'both', params: ['fd:fd', 'iovs:iovs(iovs_len)', 'iovs_len:u32', 'nread_out:out[4]'],
    linux: { read: fd0, readv: fd0 } },
  fd_readdir: { nr: 21, served: 'kernel', params: ['fd:fd', 'buf:out(buf_len)', 'buf_len:u32', 'cookie:u64', 'bufused_out:out[4]'],
    linux: { getdents64: fd0, getdents: fd0 } },
  fd_renumber: { nr: 22, served: 'kernel', params: ['fd:fd', 'to:fd'],
    // fd_renumber(from, to) is dup2(from, to) then close(from).
    linux: { dup2: { 0: 0, 1: 1 }, dup3: { 0: 0, 1: 1 } } },
  fd_seek: { nr: 23, served: 'kernel', params: ['fd:fd', 'offset:i64', 'whence:u32', 'newoffset_out:out[8]'],
    linux: { lseek: { 0: 0, 1: 1, 2: 2 } } },
  fd_sync: { nr: 24, served: 'kernel', params: ['fd:fd'], linux: { fsync: fd0 } },
  fd_tell: { nr: 25, served: 'kernel', params: ['fd:fd', 'offset_out:out[8]'], linux: { lseek: fd0 } },
  fd_write: { nr: 26, served: 'both', params: ['fd:fd', 'iovs:iovs(iovs_len)', 'iovs_len:u32', 'nwritten_out:out[4]'],
    linux: { write: fd0, writev: fd0 } },
  path_create_directory: { nr: 27, served: 'kernel', params: ['fd:fd', 'path:str(path_len)', 'path_len:u32'],
    linux: { mkdirat: fd0, mkdir: {} } },
  path_filestat_get: { nr: 28, served: 'kernel', params: ['fd:fd', 'flags:u32', 'path:str(path_len)', 'path_len:u32', 'stat_out:out[64]'],
    linux: { newfstatat: fd0, statx: fd0, stat: {}, lstat: {} } },
  path_filestat_set_times: { nr: 29, served: 'kernel',
    params: ['fd:fd', 'flags:u32', 'path:str(path_len)', 'path_len:u32', 'atim:u64', 'mtim:u64', 'fst_flags:u32'],
    linux: { utimensat: fd0, futimesat: fd0 } },
  path_link: { nr: 30, served: 'kernel', params: ['old_fd:fd', 'old_flags:u32', 'old_path:str(old_path_len)', 'old_path_len:u32',
    'new_fd:fd', 'new_path:str(new_path_len)', 'new_path_len:u32'], linux: { linkat: { 0: 0, 2: 4 }, link: {} } },
  path_open: { nr: 31, served: 'kernel', params: ['fd:fd', 'dirflags:u32', 'path:str(path_len)', 'path_len:u32', 'oflags:u32',
    'fs_rights_base:u64', 'fs_rights_inheriting:u64', 'fdflags:u32', 'fd_out:out[4]'],
    linux: { open: {}, openat: fd0, openat2: fd0, creat: {} } },
  path_readlink: { nr: 32, served: 'kernel', params: ['fd:fd', 'path:str(path_len)', 'path_len:u32', 'buf:out(buf_len)', 'buf_len:u32',
    'bufused_out:out[4]'], linux: { readlinkat: fd0, readlink: {} } },
  path_remove_directory: { nr: 33, served: 'kernel', params: ['fd:fd', 'path:str(path_len)', 'path_len:u32'],
    linux: { unlinkat: fd0, rmdir: {} } },
  path_rename: { nr: 34, served: 'kernel', params: ['fd:fd', 'old_path:str(old_path_len)', 'old_path_len:u32', 'new_fd:fd',
    'new_path:str(new_path_len)', 'new_path_len:u32'], linux: { renameat: { 0: 0, 2: 3 }, renameat2: { 0: 0, 2: 3 }, rename: {} } },
  path_symlink: { nr: 35, served: 'kernel', params: ['old_path:str(old_path_len)', 'old_path_len:u32', 'fd:fd',
    'new_path:str(new_path_len)', 'new_path_len:u32'], linux: { symlinkat: { 1: 2 }, symlink: {} } },
  path_unlink_file: { nr: 36, served: 'kernel', params: ['fd:fd', 'path:str(path_len)', 'path_len:u32'],
    linux: { unlinkat: fd0, unlink: {} } },
  poll_oneoff: { nr: 37, served: 'both', params: ['in:in(nsubscriptions)', 'out:out(nsubscriptions)', 'nsubscriptions:u32',
    'nevents_out:out[4]'], linux: { poll: {}, ppoll: {}, select: {}, pselect6: {}, epoll_wait: {}, epoll_pwait: {},
    epoll_pwait2: {}, nanosleep: {}, clock_nanosleep: {} } },
  proc_exit: { nr: 38, served: 'kernel', params: ['rval:u32'], noResult: true, linux: { exit: fd0, exit_group: fd0 } },
  // proc_raise(sig) is kill(getpid(), sig): its one argument is the signal, in WASI's numbering (so unmapped).
  proc_raise: { nr: 39, served: 'kernel', params: ['sig:u32'], linux: { kill: {}, tkill: {}, tgkill: {} } },
  sched_yield: { nr: 40, served: 'worker', params: [], linux: { sched_yield: {} } },
  random_get: { nr: 41, served: 'worker', params: ['buf:out(buf_len)', 'buf_len:u32'], linux: { getrandom: { 1: 1 } } },
  sock_accept: { nr: 42, served: 'kernel', params: ['fd:fd', 'flags:u32', 'fd_out:out[4]'], linux: { accept: fd0, accept4: fd0 } },
  sock_recv: { nr: 43, served: 'kernel', params: ['fd:fd', 'ri_data:iovs(ri_data_len)', 'ri_data_len:u32', 'ri_flags:u32',
    'ro_datalen_out:out[4]', 'ro_flags_out:out[4]'], linux: { recvfrom: fd0, recvmsg: fd0 } },
  sock_send: { nr: 44, served: 'kernel', params: ['fd:fd', 'si_data:iovs(si_data_len)', 'si_data_len:u32', 'si_flags:u32',
    'so_datalen_out:out[4]'], linux: { sendto: fd0, sendmsg: fd0 } },
  sock_shutdown: { nr: 45, served: 'kernel', params: ['fd:fd', 'how:u32'], linux: { shutdown: fd0 } },
} as const satisfies Record<string, CallDef>;

/** wVisor ABI calls, numbered from {@link WVISOR_NR_BASE}. Keep in step with guests/include/wvisor.h. */
export const WVISOR_NR_BASE = 64;
const ioctl = { ioctl: fd0 } as const;
const wvisor = {
  spawn: { nr: 64, served: 'kernel', params: ['req:ptr', 'pid_out:out[4]'],
    // posix_spawn is clone(CLONE_VM|CLONE_VFORK) + execve in glibc: a rule on either reaches spawn.
    linux: { clone: {}, vfork: {}, execve: {}, execveat: {} } },
  wait: { nr: 65, served: 'kernel', params: ['pid:i32', 'options:u32', 'status_out:out[4]', 'pid_out:out[4]'],
    linux: { wait4: { 0: 0, 2: 1 }, waitid: {} } },
  kill: { nr: 66, served: 'kernel', params: ['pid:i32', 'sig:u32'], linux: { kill: { 0: 0, 1: 1 }, tkill: { 0: 0, 1: 1 }, tgkill: { 0: 0, 2: 1 } } },
  getpid: { nr: 67, served: 'worker', params: ['pid_out:out[4]'], linux: { getpid: {} } },
  getppid: { nr: 68, served: 'kernel', params: ['pid_out:out[4]'], linux: { getppid: {} } },
  pipe: { nr: 69, served: 'kernel', params: ['fds_out:out[8]'], linux: { pipe: {}, pipe2: {} } },
  dup: { nr: 70, served: 'kernel', params: ['fd:fd', 'fd_out:out[4]'], linux: { dup: fd0 } },
  dup2: { nr: 71, served: 'kernel', params: ['fd:fd', 'to:fd'], linux: { dup2: { 0: 0, 1: 1 }, dup3: { 0: 0, 1: 1 } } },
  setpgid: { nr: 72, served: 'kernel', params: ['pid:i32', 'pgid:i32'], linux: { setpgid: { 0: 0, 1: 1 } } },
  getpgid: { nr: 73, served: 'kernel', params: ['pid:i32', 'pgid_out:out[4]'], linux: { getpgid: fd0, getpgrp: {} } },
  setsid: { nr: 74, served: 'kernel', params: ['sid_out:out[4]'], linux: { setsid: {} } },
  getsid: { nr: 75, served: 'kernel', params: ['pid:i32', 'sid_out:out[4]'], linux: { getsid: fd0 } },
  tcsetpgrp: { nr: 76, served: 'kernel', params: ['fd:fd', 'pgid:i32'], linux: ioctl },
  tcgetpgrp: { nr: 77, served: 'kernel', params: ['fd:fd', 'pgid_out:out[4]'], linux: ioctl },
  tcgetattr: { nr: 78, served: 'kernel', params: ['fd:fd', 'termios_out:out[48]'], linux: ioctl },
  tcsetattr: { nr: 79, served: 'kernel', params: ['fd:fd', 'action:u32', 'termios:in[48]'], linux: ioctl },
  tiocgwinsz: { nr: 80, served: 'kernel', params: ['fd:fd', 'winsize_out:out[8]'], linux: ioctl },
  isatty: { nr: 81, served: 'kernel', params: ['fd:fd'], linux: ioctl },
  // The signal calls' structures (guests/include/wvisor.h): struct wv_sigaction is 24 bytes (kind, handler index,
  // flags, pad, then the 64-bit mask); a set is one u64. act, set and the out pointers may be 0.
  sigaction: { nr: 82, served: 'kernel', params: ['sig:u32', 'act:ptr', 'oldact_out:ptr'], linux: { rt_sigaction: fd0 } },
  // how is Linux's: SIG_BLOCK 0, SIG_UNBLOCK 1, SIG_SETMASK 2.
  sigprocmask: { nr: 83, served: 'kernel', params: ['how:u32', 'set:ptr', 'oldset_out:ptr'], linux: { rt_sigprocmask: fd0 } },
  sigpending: { nr: 84, served: 'kernel', params: ['set_out:out[8]'], linux: { rt_sigpending: {} } },
  sigsuspend: { nr: 85, served: 'kernel', params: ['mask:in[8]'], linux: { rt_sigsuspend: {} } },
  alarm: { nr: 86, served: 'kernel', params: ['seconds:u32', 'remaining_out:out[4]'], linux: { alarm: fd0 } },
  ptrace: { nr: 87, served: 'kernel', params: ['request:u32', 'pid:i32', 'addr:u32', 'data:u32', 'result_out:out[4]'],
    linux: { ptrace: { 0: 0, 1: 1 } }, reserved: 'ptrace' },
  seccomp: { nr: 88, served: 'kernel', params: ['operation:u32', 'flags:u32', 'prog:in(prog_len)', 'prog_len:u32'],
    linux: { seccomp: { 0: 0, 1: 1 } } },
  prctl: { nr: 89, served: 'kernel', params: ['option:u32', 'arg2:u32', 'arg3:u32', 'arg4:u32', 'arg5:u32'],
    linux: { prctl: { 0: 0, 1: 1 } } },
  // ---- allocated for the POSIX layer: fork, exec, close-on-exec, the cwd (WASIX names where WASIX has the call) ----
  // proc_fork: the worker unwinds at the call and posts its image; the kernel makes the child from it (sys/sys-fork.ts).
  proc_fork: { nr: 90, served: 'kernel', params: ['pid_out:out[4]'], linux: { fork: {}, vfork: {}, clone: {} } },
  // proc_exec's req is spawn's wv_spawn_req (its fd map and pgid unused); it returns only on failure (sys/sys-exec.ts).
  proc_exec: { nr: 91, served: 'kernel', params: ['req:ptr'], linux: { execve: {}, execveat: {} } },
  // fd flags are Linux's: FD_CLOEXEC = 1 (sys/sys-cloexec.ts).
  fd_fdflags_get: { nr: 92, served: 'kernel', params: ['fd:fd', 'flags_out:out[4]'], linux: { fcntl: fd0 } },
  fd_fdflags_set: { nr: 93, served: 'kernel', params: ['fd:fd', 'flags:u32'], linux: { fcntl: fd0 } },
  // pipe2 and dup3 take wVisor's flags: 1 = close-on-exec, 2 = non-blocking (pipe2 only).
  pipe2: { nr: 94, served: 'kernel', params: ['fds_out:out[8]', 'flags:u32'], linux: { pipe2: {} } },
  dup3: { nr: 95, served: 'kernel', params: ['fd:fd', 'to:fd', 'flags:u32'], linux: { dup3: { 0: 0, 1: 1 } } },
  chdir: { nr: 96, served: 'kernel', params: ['path:str(path_len)', 'path_len:u32'], linux: { chdir: {}, fchdir: {} },
    reserved: 'the kernel-side cwd' },
  getcwd: { nr: 97, served: 'kernel', params: ['buf:out(buf_len)', 'buf_len:u32'], linux: { getcwd: {} },
    reserved: 'the kernel-side cwd' },
  // ---- allocated for signals ----
  sigtimedwait: { nr: 98, served: 'kernel', params: ['set:ptr', 'info_out:ptr', 'timeout:ptr'], linux: { rt_sigtimedwait: {} },
    reserved: 'signal handlers' },
  sigqueue: { nr: 99, served: 'kernel', params: ['pid:i32', 'sig:u32', 'value:u32'], linux: { rt_sigqueueinfo: { 0: 0, 1: 1 } },
    reserved: 'queued signals' },
  setitimer: { nr: 100, served: 'kernel', params: ['which:u32', 'value:ptr', 'old_out:ptr'], linux: { setitimer: fd0 },
    reserved: 'timers' },
  getitimer: { nr: 101, served: 'kernel', params: ['which:u32', 'value_out:ptr'], linux: { getitimer: fd0 }, reserved: 'timers' },
  sigreturn: { nr: 102, served: 'kernel', params: [], linux: { rt_sigreturn: {} }, reserved: 'signal handlers' },
  // ---- allocated for ptrace: bulk access to a tracee's memory ----
  process_vm_readv: { nr: 103, served: 'kernel', params: ['pid:i32', 'local:iovs(local_len)', 'local_len:u32', 'remote_addr:u32',
    'nread_out:out[4]'], linux: { process_vm_readv: fd0 }, reserved: 'ptrace' },
  process_vm_writev: { nr: 104, served: 'kernel', params: ['pid:i32', 'local:iovs(local_len)', 'local_len:u32', 'remote_addr:u32',
    'nwritten_out:out[4]'], linux: { process_vm_writev: fd0 }, reserved: 'ptrace' },
} as const satisfies Record<string, CallDef>;

/** The worker's calls to the kernel on its own behalf (negative numbers; seccomp never sees them). */
const internal = {
  /** Stop here if the kernel says so (fuel check or blocking point found Pending set). */
  checkpoint: { nr: -1, served: 'kernel', params: [] },
  /** The guest trapped: payload is the trap message; args[0] the signal it maps to. */
  trap: { nr: -2, served: 'kernel', params: ['sig:u32'] },
  /** Send a signal to the calling task itself (SIGPIPE from a ring write). args[0]: signal. */
  raise_self: { nr: -4, served: 'kernel', params: ['sig:u32'] },
  /** seccomp decided KILL_*: the process dies of SIGSYS. args[0]: the call number. */
  seccomp_kill: { nr: -5, served: 'kernel', params: ['nr:i32'] },
  /** seccomp decided LOG: the kernel logs the call, which then runs. args[0]: the call number. */
  seccomp_log: { nr: -6, served: 'kernel', params: ['nr:i32'] },
  /** seccomp decided USER_NOTIF: the host's supervisor decides. args[0]: call number, args[1..6]: its arguments. */
  seccomp_notify: { nr: -7, served: 'kernel', params: ['nr:i32'] },
  /** Pending.Signal is set: the next signal to deliver and its handler (sys/sys-signal.ts); the handler's mask applies from here. */
  signal_fetch: { nr: -20, served: 'kernel', params: [] },
  /** A handler returned: args[0] is the mask signal_fetch said to restore. */
  signal_return: { nr: -21, served: 'kernel', params: ['mask:u64'] },
} as const satisfies Record<string, CallDef>;

/** Names of the WASI calls. */
export type WasiCall = keyof typeof wasi;
/** Names of the wVisor ABI calls (reserved ones included). */
export type WvisorCall = keyof typeof wvisor;
/** Names of the worker's internal calls. */
export type InternalCall = keyof typeof internal;
/** Every call name; a misspelt one does not compile. */
export type CallName = WasiCall | WvisorCall | InternalCall;

type AllDefs = typeof wasi & typeof wvisor & typeof internal;
type Reserved<K extends CallName> = AllDefs[K] extends { reserved: string } ? K : never;
/** Calls a module may import (not internal, not reserved): each needs a stub in the worker. */
export type ImportableCall = Exclude<WasiCall | WvisorCall, { [K in CallName]: Reserved<K> }[CallName]>;
/** Importable WASI calls. */
export type ImportableWasiCall = Extract<ImportableCall, WasiCall>;
/** Importable wVisor calls. */
export type ImportableWvisorCall = Extract<ImportableCall, WvisorCall>;
type Kernelside<K extends CallName> = AllDefs[K] extends { served: 'kernel' | 'both' } ? K : never;
/** Calls the kernel answers (internal ones included): each needs a handler in sys/. */
export type KernelCall = Exclude<{ [K in CallName]: Kernelside<K> }[CallName], { [K in CallName]: Reserved<K> }[CallName]>;

export interface SyscallInfo {
  /** Number in seccomp_data.nr (negative: internal). */
  readonly nr: number;
  readonly module: CallModule;
  /** Import (function) name. */
  readonly name: CallName;
  /** Parameter names, in order, as the import takes them (i32/i64 values). */
  readonly params: readonly string[];
  /** What each parameter is. */
  readonly args: readonly ParamInfo[];
  readonly served: Served;
  /** The wasm signature of the import: parameter types, and whether it returns an errno. */
  readonly wasmParams: ReadonlyArray<'i32' | 'i64'>;
  readonly returnsErrno: boolean;
  /** Linux names that do this call's job, with their argument maps. */
  readonly linux: Readonly<Record<string, ArgMap>>;
  /** Set when the number is allocated but the call is not provided yet: what it waits for. */
  readonly reserved?: string;
}

function parseParam(spec: string): ParamInfo {
  const m = /^(\w+):(\w+)(?:\((\w+)\)|\[(\d+)\])?$/.exec(spec);
  if (!m) throw new Error(`syscall-table: bad parameter "${spec}"`);
  const kind = m[2] as ParamKind;
  return { name: m[1]!, kind, ...(m[3] ? { len: m[3] } : {}), ...(m[4] ? { size: Number(m[4]) } : {}) };
}

function build(): SyscallInfo[] {
  const out: SyscallInfo[] = [];
  const add = (module: CallModule, defs: Record<string, CallDef>) => {
    for (const [name, d] of Object.entries(defs)) {
      const args = d.params.map(parseParam);
      for (const a of args) {
        if (a.len !== undefined && !args.some((b) => b.name === a.len)) {
          throw new Error(`syscall-table: ${name}.${a.name} names length ${a.len}, which is not a parameter`);
        }
      }
      out.push({
        nr: d.nr, module, name: name as CallName, params: args.map((a) => a.name), args, served: d.served,
        wasmParams: args.map((a) => (a.kind === 'i64' || a.kind === 'u64' ? 'i64' : 'i32')),
        returnsErrno: !d.noResult, linux: d.linux ?? {}, ...(d.reserved ? { reserved: d.reserved } : {}),
      });
    }
  };
  add(WASI_MODULE, wasi);
  add(WVISOR_MODULE, wvisor);
  add(INTERNAL_MODULE, internal);
  return out.sort((a, b) => a.nr - b.nr);
}

/** Every call, internal ones included, ordered by number. */
export const allCalls: readonly SyscallInfo[] = build();
/** Every call a guest can name (WASI and wVisor, reserved ones included), ordered by number: what seccomp sees. */
export const syscalls: readonly SyscallInfo[] = allCalls.filter((s) => s.module !== INTERNAL_MODULE);

const byName = new Map(syscalls.map((s) => [s.name as string, s]));
const byNr = new Map(syscalls.map((s) => [s.nr, s]));

/** Looks a guest call up by its name (`fd_write`, `spawn`; internal calls are not found). */
export function syscallByName(name: string): SyscallInfo | undefined {
  return byName.get(name);
}

/** Looks a guest call up by number. */
export function syscallByNr(nr: number): SyscallInfo | undefined {
  return byNr.get(nr);
}

/** Call numbers as constants: `NR.fd_write`. Typed by name, so a misspelt call does not compile. */
export const NR: { readonly [K in CallName]: AllDefs[K]['nr'] } = Object.fromEntries(
  allCalls.map((s) => [s.name, s.nr]),
) as { readonly [K in CallName]: AllDefs[K]['nr'] };

/**
 * Why a module may not import `module.name` (undefined when it may): not a
 * call wVisor has, or one whose number is allocated but not provided yet.
 */
export function importProblem(module: string, name: string): string | undefined {
  const s = module === WASI_MODULE || module === WVISOR_MODULE ? byName.get(name) : undefined;
  if (!s || s.module !== module) {
    return `module imports function "${module}.${name}", which wVisor does not provide (it provides ${WASI_MODULE} and ${WVISOR_MODULE}); `
      + 'build the program for wasm32-wasi';
  }
  if (s.reserved) {
    return `module imports function "${module}.${name}", which this wVisor does not provide yet (${s.reserved}); `
      + 'build it against this version\'s wvisor.h';
  }
  return undefined;
}
