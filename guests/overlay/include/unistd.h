/* wVisor's overlay of <unistd.h>: wasi-libc's, plus the process, pipe, dup, fork
 * and exec calls wVisor's kernel provides (implemented in guests/overlay/lib over
 * the wvisor_v1 imports). */
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
pid_t fork(void);
pid_t vfork(void);
int execve(const char *, char *const[], char *const[]);
int execv(const char *, char *const[]);
int execvp(const char *, char *const[]);
int execl(const char *, const char *, ...);
int execlp(const char *, const char *, ...);
int execle(const char *, const char *, ...);
#ifdef _GNU_SOURCE
int execvpe(const char *, char *const[], char *const[]);
#endif
extern char **environ;
#if defined(_XOPEN_SOURCE) || defined(_GNU_SOURCE) || defined(_BSD_SOURCE)
pid_t setpgrp(void);
#endif

#ifdef __cplusplus
}
#endif
#endif
