/*
 * wvisor.h - the wVisor guest ABI (import module "wvisor_v1"), for the calls
 * WASI preview1 lacks: processes, pipes, dup, process groups and sessions,
 * the terminal, signals, ptrace and seccomp.
 *
 * Build a guest with:
 *   clang --target=wasm32-wasi --sysroot=<sysroot> -O2 -I guests/include prog.c -o prog.wasm
 *
 * Every raw call (__wv_*) returns 0 or a WASI errno value and writes results
 * through pointers, as WASI calls do. The wv_* wrappers follow POSIX: they
 * return -1 and set errno on failure. Numbers: errno is WASI's (wasi-libc's
 * errno.h); signals are Linux's (SIGCHLD 17); wait statuses use Linux's encoding.
 *
 * ABI version 1. Calls are numbered in src/kernel/syscall-table.ts (seccomp
 * filters see those numbers); only appended, never renumbered.
 */
#ifndef WVISOR_H
#define WVISOR_H

#include <stdint.h>
#include <errno.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __wasi__
#define WV_IMPORT(name) __attribute__((import_module("wvisor_v1"), import_name(#name)))
#else
/* Native builds (gcc on Linux, for differential tests) have no imports: the
 * raw __wv_* calls are not declared and the wv_* wrappers below map to POSIX. */
#define WV_IMPORT(name)
#endif

/* ---- processes ---------------------------------------------------------- */

/* One entry of a spawn's fd map: the child's fd `child_fd` becomes a copy of
 * the parent's `parent_fd`. */
typedef struct wv_spawn_fd {
  int32_t child_fd;
  int32_t parent_fd;
} wv_spawn_fd;

/* What spawn runs. `path` names a .wasm file in the VFS (or a program name
 * searched in /bin when it has no '/'). argv[0] is the program's name as it
 * will see it. With nfds == 0 the child inherits fds 0, 1 and 2; otherwise it
 * gets exactly the mapped fds. The child always gets the parent's preopened
 * directories at the same numbers. pgid: -1 stays in the parent's process
 * group, 0 makes a new group led by the child, > 0 joins that group. */
typedef struct wv_spawn_req {
  const char *path;
  uint32_t path_len;
  const char *const *argv;   /* argc NUL-terminated strings */
  uint32_t argc;
  const char *const *envp;   /* envc "NAME=VALUE" strings */
  uint32_t envc;
  const char *cwd;           /* NULL: the parent's */
  uint32_t cwd_len;
  const wv_spawn_fd *fds;
  uint32_t nfds;
  int32_t pgid;
  uint32_t flags;            /* WV_SPAWN_SETSID or 0; other bits reserved, 0 */
} wv_spawn_req;
/* The child leads a new session and process group, as if it called setsid()
 * first (pgid must then be -1, else EPERM). */
#define WV_SPAWN_SETSID 1

#ifdef __wasi__
int32_t __wv_spawn(const wv_spawn_req *req, int32_t *pid_out) WV_IMPORT(spawn);
/* wasi-libc starts every program in "/"; spawn passes the working directory
 * as PWD. A program that wants to start there (as every bundled one does) calls
 * this first, or defines WV_START_IN_PWD before including this header. */
#include <stdlib.h>
#include <unistd.h>
static inline void wv_start_in_pwd(void) {
  const char *pwd = getenv("PWD");
  if (pwd && pwd[0] == '/') chdir(pwd);
}
#ifdef WV_START_IN_PWD
__attribute__((constructor)) static void wv__start_in_pwd(void) { wv_start_in_pwd(); }
#endif
#endif

#define WV_WNOHANG 1
#define WV_WUNTRACED 2
#define WV_WCONTINUED 8
/* pid: > 0 that child; -1 any child; 0 any child in the caller's process group;
 * < -1 any child in process group -pid. */
#ifdef __wasi__
int32_t __wv_wait(int32_t pid, int32_t options, int32_t *status_out, int32_t *pid_out) WV_IMPORT(wait);
int32_t __wv_kill(int32_t pid, int32_t sig) WV_IMPORT(kill);
int32_t __wv_getpid(int32_t *pid_out) WV_IMPORT(getpid);
int32_t __wv_getppid(int32_t *pid_out) WV_IMPORT(getppid);
#endif

/* Linux wait-status encoding. */
#define WV_WIFEXITED(s) (((s) & 0x7f) == 0)
#define WV_WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WV_WIFSIGNALED(s) (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define WV_WTERMSIG(s) ((s) & 0x7f)
#define WV_WIFSTOPPED(s) (((s) & 0xff) == 0x7f)
#define WV_WSTOPSIG(s) (((s) >> 8) & 0xff)
#define WV_WIFCONTINUED(s) ((s) == 0xffff)

/* ---- fds ---------------------------------------------------------------- */

#ifdef __wasi__
int32_t __wv_pipe(int32_t fds_out[2]) WV_IMPORT(pipe);
int32_t __wv_dup(int32_t fd, int32_t *fd_out) WV_IMPORT(dup);
int32_t __wv_dup2(int32_t fd, int32_t to) WV_IMPORT(dup2);

/* ---- process groups and sessions ---------------------------------------- */

int32_t __wv_setpgid(int32_t pid, int32_t pgid) WV_IMPORT(setpgid);
int32_t __wv_getpgid(int32_t pid, int32_t *pgid_out) WV_IMPORT(getpgid);
int32_t __wv_setsid(int32_t *sid_out) WV_IMPORT(setsid);
int32_t __wv_getsid(int32_t pid, int32_t *sid_out) WV_IMPORT(getsid);
#endif

/* ---- the terminal ------------------------------------------------------- */

/* The termios subset wVisor's tty implements; flag values are Linux's. */
typedef struct wv_termios {
  uint32_t c_iflag;
  uint32_t c_oflag;
  uint32_t c_cflag;
  uint32_t c_lflag;
  uint8_t c_cc[32];
} wv_termios;
#define WV_ICRNL 0000400
#define WV_OPOST 0000001
#define WV_ONLCR 0000004
#define WV_ISIG 0000001
#define WV_ICANON 0000002
#define WV_ECHO 0000010
#define WV_ECHOE 0000020
#define WV_ECHOK 0000040
#define WV_ECHONL 0000100
#define WV_IEXTEN 0100000
#define WV_VINTR 0
#define WV_VQUIT 1
#define WV_VERASE 2
#define WV_VKILL 3
#define WV_VEOF 4
#define WV_VTIME 5
#define WV_VMIN 6
#define WV_VSUSP 10
#define WV_VWERASE 14
#define WV_TCSANOW 0
#define WV_TCSADRAIN 1
#define WV_TCSAFLUSH 2

typedef struct wv_winsize {
  uint16_t ws_row;
  uint16_t ws_col;
  uint16_t ws_xpixel;
  uint16_t ws_ypixel;
} wv_winsize;

#ifdef __wasi__
int32_t __wv_tcsetpgrp(int32_t fd, int32_t pgid) WV_IMPORT(tcsetpgrp);
int32_t __wv_tcgetpgrp(int32_t fd, int32_t *pgid_out) WV_IMPORT(tcgetpgrp);
int32_t __wv_tcgetattr(int32_t fd, wv_termios *out) WV_IMPORT(tcgetattr);
int32_t __wv_tcsetattr(int32_t fd, int32_t action, const wv_termios *t) WV_IMPORT(tcsetattr);
int32_t __wv_tiocgwinsz(int32_t fd, wv_winsize *out) WV_IMPORT(tiocgwinsz);
/* Returns 0 when fd is a terminal, ENOTTY when it is not, EBADF when closed. */
int32_t __wv_isatty(int32_t fd) WV_IMPORT(isatty);
#endif

/* ---- seccomp ------------------------------------------------------------ */

/* Classic BPF, as Linux's struct sock_filter; programs see seccomp_data as
 * Linux lays it out: nr (s32) @0, arch (u32) @4, instruction_pointer @8,
 * args[6] (u64) @16. wVisor's nr is the call's number in the call table and
 * arch is WV_AUDIT_ARCH; a filter's SECCOMP_RET_ERRNO data is returned to the
 * guest as is, so use errno.h's values (WASI's numbering under wasm). */
typedef struct wv_sock_filter {
  uint16_t code;
  uint8_t jt;
  uint8_t jf;
  uint32_t k;
} wv_sock_filter;

#define WV_SECCOMP_SET_MODE_FILTER 1
#define WV_SECCOMP_FILTER_FLAG_TSYNC 1
#define WV_SECCOMP_FILTER_FLAG_LOG 2
#define WV_PR_SET_NO_NEW_PRIVS 38
#define WV_PR_GET_NO_NEW_PRIVS 39
#define WV_SECCOMP_RET_KILL_PROCESS 0x80000000U
#define WV_SECCOMP_RET_KILL_THREAD 0x00000000U
#define WV_SECCOMP_RET_TRAP 0x00030000U
#define WV_SECCOMP_RET_ERRNO 0x00050000U
#define WV_SECCOMP_RET_TRACE 0x7ff00000U
#define WV_SECCOMP_RET_LOG 0x7ffc0000U
/* Signals (src/kernel/task-signals.ts; numbers are Linux's). A handler is a
 * function table index (a C function pointer); the rewrite's trampoline export
 * calls it. struct wv_sigaction, 24 bytes:
 *   0 u32 kind     0 SIG_DFL, 1 SIG_IGN, 2 handler
 *   4 u32 handler  the handler's table index (kind 2)
 *   8 u32 flags    Linux's SA_* values (SA_SIGINFO 4, SA_RESTART 0x10000000, ...)
 *  12 u32 pad
 *  16 u64 mask     sa_mask: bit n-1 is signal n
 * A set is one u64 (bit n-1: signal n). A handler's siginfo_t (128 bytes):
 * 0 si_signo, 4 si_errno, 8 si_code, 12 si_pid, 16 si_uid, 20 si_status,
 * 24 si_value (i32), rest zero. Any pointer argument may be 0. */
#ifdef __wasi__
typedef struct { uint32_t kind, handler, flags, pad; uint64_t mask; } wv_sigaction_t;
int32_t __wv_sigaction(int32_t sig, const wv_sigaction_t *act, wv_sigaction_t *oldact) WV_IMPORT(sigaction);
int32_t __wv_sigprocmask(int32_t how, const uint64_t *set, uint64_t *oldset) WV_IMPORT(sigprocmask);
int32_t __wv_sigpending(uint64_t *set_out) WV_IMPORT(sigpending);
int32_t __wv_sigsuspend(const uint64_t *mask) WV_IMPORT(sigsuspend);
int32_t __wv_alarm(uint32_t seconds, uint32_t *remaining_out) WV_IMPORT(alarm);
#endif

#define WV_SECCOMP_RET_ALLOW 0x7fff0000U

#ifdef __wasi__
/* wVisor's audit arch and the numbers of the calls test programs filter
 * (src/kernel/syscall-table.ts has them all). */
#define WV_AUDIT_ARCH 0x40005741U
#define WV_NR_WRITE 26   /* fd_write */
#define WV_NR_OPEN 31    /* path_open */
int32_t __wv_seccomp(uint32_t op, uint32_t flags, const wv_sock_filter *prog, uint32_t len) WV_IMPORT(seccomp);
/* PR_SET_NO_NEW_PRIVS: (38, 1, 0, 0, 0). PR_GET_NO_NEW_PRIVS: (39, (uint32_t)(int *out)): writes 0 or 1 to *out. */
int32_t __wv_prctl(int32_t option, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5) WV_IMPORT(prctl);
static inline int wv_seccomp_filter(uint32_t flags, const wv_sock_filter *prog, uint32_t len) {
  int32_t e = __wv_seccomp(WV_SECCOMP_SET_MODE_FILTER, flags, prog, len);
  if (e) { errno = e; return -1; }
  return 0;
}
static inline int wv_set_no_new_privs(void) {
  int32_t e = __wv_prctl(WV_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (e) { errno = e; return -1; }
  return 0;
}
static inline int wv_get_no_new_privs(void) {
  int32_t v = 0;
  int32_t e = __wv_prctl(WV_PR_GET_NO_NEW_PRIVS, (uint32_t)(uintptr_t)&v, 0, 0, 0);
  if (e) { errno = e; return -1; }
  return v;
}
#else
/* Natively the same programs use Linux's seccomp with x86_64's numbers. */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#define WV_AUDIT_ARCH AUDIT_ARCH_X86_64
#define WV_NR_WRITE __NR_write
#define WV_NR_OPEN __NR_openat
static inline int wv_seccomp_filter(uint32_t flags, const wv_sock_filter *prog, uint32_t len) {
  struct sock_fprog f = { (unsigned short)len, (struct sock_filter *)prog };
  return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &f);
}
static inline int wv_set_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }
static inline int wv_get_no_new_privs(void) { return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0); }
#endif

/* ---- POSIX-style wrappers ----------------------------------------------- */

#ifdef __wasi__

#define WV__RET(call) do { int32_t e_ = (call); if (e_) { errno = e_; return -1; } } while (0)

static inline int wv_spawn(const wv_spawn_req *req) {
  int32_t pid; WV__RET(__wv_spawn(req, &pid)); return pid;
}
/* Spawns `path` with argv (NULL-terminated) and the caller's stdio. */
static inline int wv_spawnv(const char *path, const char *const *argv) {
  wv_spawn_req r = {0};
  uint32_t n = 0, plen = 0;
  while (argv[n]) n++;
  while (path[plen]) plen++;
  r.path = path; r.path_len = plen; r.argv = argv; r.argc = n; r.pgid = -1;
  extern char **environ;
  uint32_t e = 0;
  while (environ && environ[e]) e++;
  r.envp = (const char *const *)environ; r.envc = e;
  return wv_spawn(&r);
}
static inline int wv_waitpid(int pid, int *status, int options) {
  int32_t st = 0, got = 0;
  WV__RET(__wv_wait(pid, options, &st, &got));
  if (status) *status = st;
  return got;
}
static inline int wv_kill(int pid, int sig) { WV__RET(__wv_kill(pid, sig)); return 0; }
static inline int wv_getpid(void) { int32_t p = 0; __wv_getpid(&p); return p; }
static inline int wv_getppid(void) { int32_t p = 0; __wv_getppid(&p); return p; }
static inline int wv_pipe(int fds[2]) {
  int32_t f[2]; WV__RET(__wv_pipe(f)); fds[0] = f[0]; fds[1] = f[1]; return 0;
}
static inline int wv_dup(int fd) { int32_t n; WV__RET(__wv_dup(fd, &n)); return n; }
static inline int wv_dup2(int fd, int to) { WV__RET(__wv_dup2(fd, to)); return to; }
static inline int wv_setpgid(int pid, int pgid) { WV__RET(__wv_setpgid(pid, pgid)); return 0; }
static inline int wv_getpgid(int pid) { int32_t g; WV__RET(__wv_getpgid(pid, &g)); return g; }
static inline int wv_setsid(void) { int32_t s; WV__RET(__wv_setsid(&s)); return s; }
static inline int wv_getsid(int pid) { int32_t s; WV__RET(__wv_getsid(pid, &s)); return s; }
static inline int wv_tcsetpgrp(int fd, int pgid) { WV__RET(__wv_tcsetpgrp(fd, pgid)); return 0; }
static inline int wv_tcgetpgrp(int fd) { int32_t g; WV__RET(__wv_tcgetpgrp(fd, &g)); return g; }
static inline int wv_tcgetattr(int fd, wv_termios *t) { WV__RET(__wv_tcgetattr(fd, t)); return 0; }
static inline int wv_tcsetattr(int fd, int act, const wv_termios *t) {
  WV__RET(__wv_tcsetattr(fd, act, t)); return 0;
}
static inline int wv_isatty(int fd) { int32_t e = __wv_isatty(fd); if (e) { errno = e; return 0; } return 1; }

#undef WV__RET

#else /* !__wasi__: the same wrappers over POSIX, so a test program builds natively with gcc */

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* posix_spawn(p) with the wVisor semantics: the child gets exactly the mapped
 * fds (0, 1 and 2 when nfds == 0; every other fd is closed in the child, as a
 * wVisor child only holds what the map names), cwd and process group as asked.
 * A path without '/' is searched in PATH (wVisor searches /bin). */
static inline int wv_spawn(const wv_spawn_req *req) {
  extern char **environ;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  wv_spawn_fd ident[3] = {{0, 0}, {1, 1}, {2, 2}};
  const wv_spawn_fd *map = req->nfds ? req->fds : ident;
  uint32_t nmap = req->nfds ? req->nfds : 3, i;
  int tmp[64], minfd = 3, maxfd = (int)sysconf(_SC_OPEN_MAX), pid = -1, err, fd;
  char *path = strndup(req->path, req->path_len), *cwd = NULL;
  char **argv = (char **)calloc(req->argc + 1, sizeof(char *));
  char **envp = (char **)calloc(req->envc + 1, sizeof(char *));
  if (nmap > 64 || !path || !argv || !envp) { free(path); free(argv); free(envp); errno = nmap > 64 ? EINVAL : ENOMEM; return -1; }
  for (i = 0; i < req->argc; i++) argv[i] = (char *)req->argv[i];
  for (i = 0; i < req->envc; i++) envp[i] = (char *)req->envp[i];
  if (maxfd < 0 || maxfd > 4096) maxfd = 4096;
  for (i = 0; i < nmap; i++) if (map[i].child_fd >= minfd) minfd = map[i].child_fd + 1;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&at);
  /* Copy each source to a close-on-exec fd above every target first, so one
   * mapping cannot clobber the source of another. */
  for (i = 0; i < nmap; i++) {
    tmp[i] = -1;
    if (fcntl(map[i].parent_fd, F_GETFD) < 0) {
      if (req->nfds) { err = EBADF; goto out; }
      continue; /* an inherited stdio fd that is closed stays closed */
    }
    tmp[i] = fcntl(map[i].parent_fd, F_DUPFD_CLOEXEC, minfd);
    if (tmp[i] < 0) { err = errno; goto out; }
  }
  for (fd = 0; fd < maxfd; fd++) {
    int keep = 0;
    for (i = 0; i < nmap; i++) if (tmp[i] == fd || (tmp[i] >= 0 && map[i].child_fd == fd)) keep = 1;
    if (!keep && fcntl(fd, F_GETFD) >= 0) posix_spawn_file_actions_addclose(&fa, fd);
  }
  for (i = 0; i < nmap; i++) if (tmp[i] >= 0) posix_spawn_file_actions_adddup2(&fa, tmp[i], map[i].child_fd);
  if (req->cwd) {
    cwd = strndup(req->cwd, req->cwd_len);
    posix_spawn_file_actions_addchdir_np(&fa, cwd);
  }
  if (req->pgid >= 0) {
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&at, req->pgid);
  }
  if (req->flags & WV_SPAWN_SETSID) posix_spawnattr_setflags(&at, req->pgid >= 0 ? POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSID : POSIX_SPAWN_SETSID);
  err = strchr(path, '/') ? posix_spawn(&pid, path, &fa, &at, argv, envp)
                          : posix_spawnp(&pid, path, &fa, &at, argv, envp);
out:
  for (i = 0; i < nmap; i++) if (tmp[i] >= 0) close(tmp[i]);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  free(path); free(cwd); free(argv); free(envp);
  if (err) { errno = err; return -1; }
  return pid;
}
/* Spawns `path` with argv (NULL-terminated) and the caller's stdio. */
static inline int wv_spawnv(const char *path, const char *const *argv) {
  extern char **environ;
  wv_spawn_req r;
  uint32_t n = 0, e = 0;
  memset(&r, 0, sizeof r);
  while (argv[n]) n++;
  while (environ && environ[e]) e++;
  r.path = path; r.path_len = (uint32_t)strlen(path); r.argv = argv; r.argc = n; r.pgid = -1;
  r.envp = (const char *const *)environ; r.envc = e;
  return wv_spawn(&r);
}
static inline int wv_waitpid(int pid, int *status, int options) { return waitpid(pid, status, options); }
static inline int wv_kill(int pid, int sig) { return kill(pid, sig); }
static inline int wv_getpid(void) { return getpid(); }
static inline int wv_getppid(void) { return getppid(); }
static inline int wv_pipe(int fds[2]) { return pipe(fds); }
static inline int wv_dup(int fd) { return dup(fd); }
static inline int wv_dup2(int fd, int to) { return dup2(fd, to); }
static inline int wv_setpgid(int pid, int pgid) { return setpgid(pid, pgid); }
static inline int wv_getpgid(int pid) { return getpgid(pid); }
static inline int wv_setsid(void) { return setsid(); }
static inline int wv_getsid(int pid) { return getsid(pid); }
static inline int wv_tcsetpgrp(int fd, int pgid) { return tcsetpgrp(fd, pgid); }
static inline int wv_tcgetpgrp(int fd) { return tcgetpgrp(fd); }
static inline int wv_tcgetattr(int fd, wv_termios *t) {
  struct termios n;
  if (tcgetattr(fd, &n) < 0) return -1;
  memset(t, 0, sizeof *t);
  t->c_iflag = n.c_iflag; t->c_oflag = n.c_oflag; t->c_cflag = n.c_cflag; t->c_lflag = n.c_lflag;
  memcpy(t->c_cc, n.c_cc, sizeof n.c_cc < sizeof t->c_cc ? sizeof n.c_cc : sizeof t->c_cc);
  return 0;
}
static inline int wv_tcsetattr(int fd, int act, const wv_termios *t) {
  struct termios n;
  if (tcgetattr(fd, &n) < 0) return -1;
  n.c_iflag = t->c_iflag; n.c_oflag = t->c_oflag; n.c_cflag = t->c_cflag; n.c_lflag = t->c_lflag;
  memcpy(n.c_cc, t->c_cc, sizeof n.c_cc < sizeof t->c_cc ? sizeof n.c_cc : sizeof t->c_cc);
  return tcsetattr(fd, act, &n);
}
static inline int wv_isatty(int fd) { return isatty(fd); }
#endif /* __wasi__ */

#ifdef __cplusplus
}
#endif
#endif /* WVISOR_H */
