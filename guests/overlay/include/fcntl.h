/* wVisor's overlay of <fcntl.h>: wasi-libc's, plus F_DUPFD and a real O_CLOEXEC.
 * wasi-libc's O_CLOEXEC is 0 (WASI has no exec); wVisor's kernel has exec and keeps
 * close-on-exec as a flag of each fd, so the overlay's O_CLOEXEC is a bit that
 * wasi-libc's open passes through to path_open's fdflags untouched (bits 5..11 are
 * free; src/kernel/sys/sys-cloexec.ts FDFLAG_CLOEXEC). fcntl's F_GETFD/F_SETFD,
 * F_DUPFD_CLOEXEC, pipe2 and dup3 set and read the kernel's flag. */
#include_next <fcntl.h>

#ifndef WVISOR_OVERLAY_FCNTL_H
#define WVISOR_OVERLAY_FCNTL_H
#undef O_CLOEXEC
#define O_CLOEXEC 0x800
#ifndef F_DUPFD
#define F_DUPFD 0
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
#endif
