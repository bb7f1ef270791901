/**
 * The call table: one number for every call a guest can make, WASI preview1
 * (module `wasi_snapshot_preview1`) and the wVisor guest ABI (module
 * `wvisor_v1`, see guests/include/wvisor.h). seccomp_data.nr carries these
 * numbers; seccomp_data.arch carries {@link AUDIT_ARCH_WVISOR}.
 *
 * Numbers are ABI: never renumber, only append.
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

export interface SyscallInfo {
  /** Number in seccomp_data.nr. */
  readonly nr: number;
  /** Import module. */
  readonly module: typeof WASI_MODULE | typeof WVISOR_MODULE;
  /** Import (function) name. */
  readonly name: string;
  /** Parameter names, in order, as the import takes them (i32/i64 values). */
  readonly params: readonly string[];
}

const wasi: Array<[string, string[]]> = [
  ['args_get', ['argv', 'argv_buf']],
  ['args_sizes_get', ['argc_out', 'argv_buf_size_out']],
  ['environ_get', ['environ', 'environ_buf']],
  ['environ_sizes_get', ['environc_out', 'environ_buf_size_out']],
  ['clock_res_get', ['clock_id', 'res_out']],
  ['clock_time_get', ['clock_id', 'precision', 'time_out']],
  ['fd_advise', ['fd', 'offset', 'len', 'advice']],
  ['fd_allocate', ['fd', 'offset', 'len']],
  ['fd_close', ['fd']],
  ['fd_datasync', ['fd']],
  ['fd_fdstat_get', ['fd', 'stat_out']],
  ['fd_fdstat_set_flags', ['fd', 'flags']],
  ['fd_fdstat_set_rights', ['fd', 'rights_base', 'rights_inheriting']],
  ['fd_filestat_get', ['fd', 'stat_out']],
  ['fd_filestat_set_size', ['fd', 'size']],
  ['fd_filestat_set_times', ['fd', 'atim', 'mtim', 'fst_flags']],
  ['fd_pread', ['fd', 'iovs', 'iovs_len', 'offset', 'nread_out']],
  ['fd_prestat_get', ['fd', 'prestat_out']],
  ['fd_prestat_dir_name', ['fd', 'path', 'path_len']],
  ['fd_pwrite', ['fd', 'iovs', 'iovs_len', 'offset', 'nwritten_out']],
  ['fd_read', ['fd', 'iovs', 'iovs_len', 'nread_out']],
  ['fd_readdir', ['fd', 'buf', 'buf_len', 'cookie', 'bufused_out']],
  ['fd_renumber', ['fd', 'to']],
  ['fd_seek', ['fd', 'offset', 'whence', 'newoffset_out']],
  ['fd_sync', ['fd']],
  ['fd_tell', ['fd', 'offset_out']],
  ['fd_write', ['fd', 'iovs', 'iovs_len', 'nwritten_out']],
  ['path_create_directory', ['fd', 'path', 'path_len']],
  ['path_filestat_get', ['fd', 'flags', 'path', 'path_len', 'stat_out']],
  ['path_filestat_set_times', ['fd', 'flags', 'path', 'path_len', 'atim', 'mtim', 'fst_flags']],
  ['path_link', ['old_fd', 'old_flags', 'old_path', 'old_path_len', 'new_fd', 'new_path', 'new_path_len']],
  ['path_open', ['fd', 'dirflags', 'path', 'path_len', 'oflags', 'fs_rights_base', 'fs_rights_inheriting', 'fdflags', 'fd_out']],
  ['path_readlink', ['fd', 'path', 'path_len', 'buf', 'buf_len', 'bufused_out']],
  ['path_remove_directory', ['fd', 'path', 'path_len']],
  ['path_rename', ['fd', 'old_path', 'old_path_len', 'new_fd', 'new_path', 'new_path_len']],
  ['path_symlink', ['old_path', 'old_path_len', 'fd', 'new_path', 'new_path_len']],
  ['path_unlink_file', ['fd', 'path', 'path_len']],
  ['poll_oneoff', ['in', 'out', 'nsubscriptions', 'nevents_out']],
  ['proc_exit', ['rval']],
  ['proc_raise', ['sig']],
  ['sched_yield', []],
  ['random_get', ['buf', 'buf_len']],
  ['sock_accept', ['fd', 'flags', 'fd_out']],
  ['sock_recv', ['fd', 'ri_data', 'ri_data_len', 'ri_flags', 'ro_datalen_out', 'ro_flags_out']],
  ['sock_send', ['fd', 'si_data', 'si_data_len', 'si_flags', 'so_datalen_out']],
  ['sock_shutdown', ['fd', 'how']],
];

/** wVisor ABI calls, numbered from 64. Keep in step with guests/include/wvisor.h. */
export const WVISOR_NR_BASE = 64;
const wvisor: Array<[string, string[]]> = [
  ['spawn', ['req', 'pid_out']],
  ['wait', ['pid', 'options', 'status_out', 'pid_out']],
  ['kill', ['pid', 'sig']],
  ['getpid', ['pid_out']],
  ['getppid', ['pid_out']],
  ['pipe', ['fds_out']],
  ['dup', ['fd', 'fd_out']],
  ['dup2', ['fd', 'to']],
  ['setpgid', ['pid', 'pgid']],
  ['getpgid', ['pid', 'pgid_out']],
  ['setsid', ['sid_out']],
  ['getsid', ['pid', 'sid_out']],
  ['tcsetpgrp', ['fd', 'pgid']],
  ['tcgetpgrp', ['fd', 'pgid_out']],
  ['tcgetattr', ['fd', 'termios_out']],
  ['tcsetattr', ['fd', 'action', 'termios']],
  ['tiocgwinsz', ['fd', 'winsize_out']],
  ['isatty', ['fd']],
  ['sigaction', ['sig', 'act', 'oldact_out']],
  ['sigprocmask', ['how', 'set', 'oldset_out']],
  ['sigpending', ['set_out']],
  ['sigsuspend', ['mask']],
  ['alarm', ['seconds', 'remaining_out']],
  ['ptrace', ['request', 'pid', 'addr', 'data', 'result_out']],
  ['seccomp', ['operation', 'flags', 'prog', 'prog_len']],
  ['prctl', ['option', 'arg2', 'arg3', 'arg4', 'arg5']],
];

function build(): SyscallInfo[] {
  const out: SyscallInfo[] = [];
  wasi.forEach(([name, params], i) => out.push({ nr: i, module: WASI_MODULE, name, params }));
  wvisor.forEach(([name, params], i) =>
    out.push({ nr: WVISOR_NR_BASE + i, module: WVISOR_MODULE, name, params }));
  return out;
}

/** Every call, ordered by number. */
export const syscalls: readonly SyscallInfo[] = build();

const byName = new Map(syscalls.map((s) => [s.name, s]));
const byNr = new Map(syscalls.map((s) => [s.nr, s]));

/** Looks a call up by its import name (`fd_write`, `spawn`). */
export function syscallByName(name: string): SyscallInfo | undefined {
  return byName.get(name);
}

/** Looks a call up by number. */
export function syscallByNr(nr: number): SyscallInfo | undefined {
  return byNr.get(nr);
}

/** Call numbers as constants, for kernel code: `NR.fd_write`. */
export const NR: Readonly<Record<string, number>> = Object.fromEntries(
  syscalls.map((s) => [s.name, s.nr]),
);
