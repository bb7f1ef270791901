/* wVisor's overlay of <unistd.h>: wasi-libc's, plus the process, pipe and dup
 * calls wVisor's kernel provides (implemented in guests/overlay/lib over the
 * wvisor_v1 imports). fork and the exec family are not here yet: they come with
 * the kernel change that adds them. */
#ifndef _WASI_EMULATED_GETPID
/* Makes wasi-libc declare getpid without its "placeholder value" deprecation:
 * wVisor's getpid returns the task's real pid. */
#define _WASI_EMULATED_GETPID
#endif
#include_next <unistd.h>

#ifndef WVISOR_OVERLAY_UNISTD_H
#define WVISOR_OVERLAY_UNISTD_H
#ifdef __cplusplus
extern "C" {
#endif

int pipe(int[2]);
int pipe2(int[2], int);
int dup(int);
int dup2(int, int);
int dup3(int, int, int);
pid_t getppid(void);
pid_t getpgrp(void);
pid_t getpgid(pid_t);
int setpgid(pid_t, pid_t);
pid_t setsid(void);
pid_t getsid(pid_t);
pid_t tcgetpgrp(int);
int pause(void);
unsigned alarm(unsigned);
int tcsetpgrp(int, pid_t);
#if defined(_XOPEN_SOURCE) || defined(_GNU_SOURCE) || defined(_BSD_SOURCE)
pid_t setpgrp(void);
#endif

#ifdef __cplusplus
}
#endif
#endif
