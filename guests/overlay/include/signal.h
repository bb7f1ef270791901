/* wVisor's overlay of <signal.h>: wasi-libc's signal numbers (Linux's) and
 * types, plus the POSIX signal layer over the kernel's signal calls
 * (guests/include/wvisor.h has the structures the kernel takes): sigaction with
 * SA_SIGINFO, SA_RESTART, SA_RESETHAND, SA_NODEFER, SA_NOCLDSTOP, SA_NOCLDWAIT
 * and sa_mask; signal, sigprocmask, sigpending, sigsuspend, kill, killpg,
 * raise, the sigset functions, psignal (strsignal is wasi-libc's). sigset_t is
 * 64 bits, SIGRTMIN 34 and SIGRTMAX 64 (glibc's values). Handlers run in the
 * task's worker through the trampoline the wVisor rewrite adds. */
#ifndef _WASI_EMULATED_SIGNAL
#define _WASI_EMULATED_SIGNAL
#define WVISOR_OVERLAY_DEFINED_EMULATED_SIGNAL
#endif
#include_next <signal.h>
#ifdef WVISOR_OVERLAY_DEFINED_EMULATED_SIGNAL
#undef _WASI_EMULATED_SIGNAL
#undef WVISOR_OVERLAY_DEFINED_EMULATED_SIGNAL
#endif

#ifndef WVISOR_OVERLAY_SIGNAL_H
#define WVISOR_OVERLAY_SIGNAL_H
#include <sys/types.h>
#include <time.h>
#include <__typedef_sigset_t.h>
#ifdef __cplusplus
extern "C" {
#endif

#define SIG_BLOCK     0
#define SIG_UNBLOCK   1
#define SIG_SETMASK   2

#define SA_NOCLDSTOP  1
#define SA_NOCLDWAIT  2
#define SA_SIGINFO    4
#define SA_ONSTACK    0x08000000
#define SA_RESTART    0x10000000
#define SA_NODEFER    0x40000000
#define SA_RESETHAND  0x80000000
#define SA_NOMASK     SA_NODEFER
#define SA_ONESHOT    SA_RESETHAND

#define SIGRTMIN 34
#define SIGRTMAX 64
#ifndef NSIG
#define NSIG 65
#endif

#define SI_ASYNCNL (-60)
#define SI_TKILL (-6)
#define SI_SIGIO (-5)
#define SI_ASYNCIO (-4)
#define SI_MESGQ (-3)
#define SI_TIMER (-2)
#define SI_QUEUE (-1)
#define SI_USER 0
#define SI_KERNEL 128

#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

union sigval {
  int sival_int;
  void *sival_ptr;
};

/* 128 bytes; the kernel fills si_signo, si_code, si_pid, si_uid, si_status, si_value. */
typedef struct {
  int si_signo;
  int si_errno;
  int si_code;
  pid_t si_pid;
  uid_t si_uid;
  int si_status;
  union sigval si_value;
  void *si_addr;
  int __pad[24];
} siginfo_t;
#define si_int si_value.sival_int
#define si_ptr si_value.sival_ptr

struct sigaction {
  union {
    void (*sa_handler)(int);
    void (*sa_sigaction)(int, siginfo_t *, void *);
  } __sa_handler;
  sigset_t sa_mask;
  int sa_flags;
  void (*sa_restorer)(void);
};
#define sa_handler   __sa_handler.sa_handler
#define sa_sigaction __sa_handler.sa_sigaction

typedef void (*sighandler_t)(int);

int sigaction(int, const struct sigaction *__restrict, struct sigaction *__restrict);
int sigprocmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int pthread_sigmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int sigpending(sigset_t *);
int sigsuspend(const sigset_t *);
int sigemptyset(sigset_t *);
int sigfillset(sigset_t *);
int sigaddset(sigset_t *, int);
int sigdelset(sigset_t *, int);
int sigismember(const sigset_t *, int);
int sigisemptyset(const sigset_t *);
int sigorset(sigset_t *, const sigset_t *, const sigset_t *);
int sigandset(sigset_t *, const sigset_t *, const sigset_t *);
int siginterrupt(int, int);
int kill(pid_t, int);
int killpg(pid_t, int);

#ifdef __cplusplus
}
#endif
#endif
