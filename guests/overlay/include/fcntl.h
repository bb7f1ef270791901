/* wVisor's overlay of <fcntl.h>: wasi-libc's, plus F_DUPFD. The overlay's fcntl
 * answers F_GETFD/F_SETFD from its own record of close-on-exec flags (used by
 * posix_spawn, the only exec there is yet) and implements F_DUPFD and
 * F_DUPFD_CLOEXEC over the kernel's dup2. O_CLOEXEC stays wasi-libc's 0: an
 * open(..., O_CLOEXEC) cannot be told apart; real close-on-exec flags come with
 * the kernel's exec. */
#include_next <fcntl.h>

#ifndef WVISOR_OVERLAY_FCNTL_H
#define WVISOR_OVERLAY_FCNTL_H
#ifndef F_DUPFD
#define F_DUPFD 0
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
#endif
