/* Shared by the overlay's library: the wvisor_v1 imports (declared once, in
 * guests/include/wvisor.h) and the close-on-exec record posix_spawn reads. */
#ifndef WVISOR_OVERLAY_INTERNAL_H
#define WVISOR_OVERLAY_INTERNAL_H
#include <errno.h>
#include <wvisor.h>

/* Every POSIX function here is a weak definition: a program's own definition
 * of the same name wins (as over an archive member), and one left unused is
 * dropped by the linker with the imports it alone needs. */
#define WVP_API __attribute__((weak))

/* fds the record covers (the kernel's limit, src/kernel/channel.ts MAX_FDS). */
#define WVP_MAX_FDS 1024

/* Per fd: WVP_FD_DEFAULT (fds 0-2 inherited, others not), or what F_SETFD /
 * F_DUPFD_CLOEXEC said last. Reset when the fd is closed or replaced. */
enum { WVP_FD_DEFAULT = 0, WVP_FD_CLOEXEC = 1, WVP_FD_KEEP = 2 };
extern unsigned char __wvp_fd_state[WVP_MAX_FDS];
void __wvp_fd_reset(int fd);
/* Whether posix_spawn's child gets `fd` (when it is open). */
int __wvp_fd_inherited(int fd);
/* 0 when fd is open, else EBADF. */
int __wvp_fd_open(int fd);

/* Returns -1 with errno = e when e != 0, else 0. */
static inline int __wvp_ret(int32_t e) {
  if (e) { errno = e; return -1; }
  return 0;
}
#endif
