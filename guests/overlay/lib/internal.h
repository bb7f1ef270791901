/* Shared by the overlay's library: the wvisor_v1 imports (guests/include/wvisor.h,
 * and here the calls of the POSIX layer: fork, exec, close-on-exec flags). */
#ifndef WVISOR_OVERLAY_INTERNAL_H
#define WVISOR_OVERLAY_INTERNAL_H
#include <errno.h>
#include <wvisor.h>

/* Every POSIX function here is a weak definition: a program's own definition
 * of the same name wins (as over an archive member), and one left unused is
 * dropped by the linker with the imports it alone needs. */
#define WVP_API __attribute__((weak))

/* fds posix_spawn looks at (the kernel's limit, src/kernel/channel.ts MAX_FDS). */
#define WVP_MAX_FDS 1024

/* The POSIX layer's calls (src/kernel/syscall-table.ts: proc_fork 90 .. dup3 95). */
int32_t __wv_proc_fork(int32_t *pid_out) WV_IMPORT(proc_fork);
int32_t __wv_proc_exec(const wv_spawn_req *req) WV_IMPORT(proc_exec);
int32_t __wv_fd_fdflags_get(int32_t fd, int32_t *flags_out) WV_IMPORT(fd_fdflags_get);
int32_t __wv_fd_fdflags_set(int32_t fd, int32_t flags) WV_IMPORT(fd_fdflags_set);
int32_t __wv_pipe2(int32_t fds_out[2], int32_t flags) WV_IMPORT(pipe2);
int32_t __wv_dup3(int32_t fd, int32_t to, int32_t flags) WV_IMPORT(dup3);
/* pipe2/dup3 flags of the kernel (src/kernel/sys/sys-cloexec.ts). */
#define WVP_CLOEXEC 1
#define WVP_NONBLOCK 2

/* 0 when fd is open, else EBADF. */
int __wvp_fd_open(int fd);
/* dir + "/" + path into out (path as is when absolute); 0 or ENAMETOOLONG. */
int __wvp_join(char *out, unsigned long size, const char *dir, const char *path);

/* Returns -1 with errno = e when e != 0, else 0. */
static inline int __wvp_ret(int32_t e) {
  if (e) { errno = e; return -1; }
  return 0;
}
#endif
