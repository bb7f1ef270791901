/* The POSIX signal layer over wvisor_v1's signal calls (layouts in
 * guests/include/wvisor.h): sigaction, signal, masks, sigsuspend, pause,
 * raise, alarm, the sigset functions, psignal, and sleep/usleep/nanosleep that
 * give EINTR and the time left (wasi-libc's turn any poll_oneoff error into ENOTSUP). */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

/* SIG_IGN and SIG_ERR are these functions' addresses in wasi-libc's <signal.h> (1 is a valid table index on wasm). */
WVP_API void __SIG_IGN(int sig) { (void)sig; }
WVP_API void __SIG_ERR(int sig) { (void)sig; }

static int bad_signal(int sig) { return sig < 1 || sig > 64; }

WVP_API int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old) {
  wv_sigaction_t a, o;
  if (act) {
    void (*h)(int) = act->sa_handler;
    a.kind = h == SIG_DFL ? 0 : h == SIG_IGN ? 1 : 2;
    a.handler = a.kind == 2 ? (uint32_t)(uintptr_t)h : 0;
    a.flags = (uint32_t)act->sa_flags;
    a.pad = 0;
    a.mask = act->sa_mask.__bits;
  }
  if (__wvp_ret(__wv_sigaction(sig, act ? &a : 0, old ? &o : 0))) return -1;
  if (old) {
    memset(old, 0, sizeof *old);
    old->sa_handler = o.kind == 0 ? SIG_DFL : o.kind == 1 ? SIG_IGN : (void (*)(int))(uintptr_t)o.handler;
    old->sa_flags = (int)o.flags;
    old->sa_mask.__bits = o.mask;
  }
  return 0;
}

/* glibc's signal(): BSD semantics (SA_RESTART, the handler stays installed). */
WVP_API void (*signal(int sig, void (*h)(int)))(int) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sa.sa_flags = SA_RESTART;
  if (sigaction(sig, &sa, &old) < 0) return SIG_ERR;
  return old.sa_handler;
}

WVP_API int siginterrupt(int sig, int flag) {
  struct sigaction sa;
  if (sigaction(sig, 0, &sa) < 0) return -1;
  if (flag) sa.sa_flags &= ~SA_RESTART;
  else sa.sa_flags |= SA_RESTART;
  return sigaction(sig, &sa, 0);
}

WVP_API int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old) {
  uint64_t s = set ? set->__bits : 0, o = 0;
  if (__wvp_ret(__wv_sigprocmask(how, set ? &s : 0, old ? &o : 0))) return -1;
  if (old) old->__bits = o;
  return 0;
}

WVP_API int pthread_sigmask(int how, const sigset_t *restrict set, sigset_t *restrict old) {
  return sigprocmask(how, set, old) < 0 ? errno : 0;
}

WVP_API int sigpending(sigset_t *set) {
  uint64_t s = 0;
  if (__wvp_ret(__wv_sigpending(&s))) return -1;
  set->__bits = s;
  return 0;
}

WVP_API int sigsuspend(const sigset_t *mask) {
  uint64_t m = mask->__bits;
  int32_t e = __wv_sigsuspend(&m);
  errno = e ? e : EINTR;
  return -1;
}

WVP_API int pause(void) {
  sigset_t cur;
  sigprocmask(SIG_BLOCK, 0, &cur);
  return sigsuspend(&cur);
}

WVP_API int raise(int sig) { return kill(getpid(), sig); }

WVP_API unsigned alarm(unsigned seconds) {
  uint32_t left = 0;
  __wv_alarm(seconds, &left);
  return left;
}

WVP_API int sigemptyset(sigset_t *s) { s->__bits = 0; return 0; }
WVP_API int sigfillset(sigset_t *s) { s->__bits = ~0ULL; return 0; }
WVP_API int sigaddset(sigset_t *s, int sig) {
  if (bad_signal(sig)) { errno = EINVAL; return -1; }
  s->__bits |= 1ULL << (sig - 1);
  return 0;
}
WVP_API int sigdelset(sigset_t *s, int sig) {
  if (bad_signal(sig)) { errno = EINVAL; return -1; }
  s->__bits &= ~(1ULL << (sig - 1));
  return 0;
}
WVP_API int sigismember(const sigset_t *s, int sig) {
  if (bad_signal(sig)) { errno = EINVAL; return -1; }
  return (s->__bits >> (sig - 1)) & 1;
}
WVP_API int sigisemptyset(const sigset_t *s) { return s->__bits == 0; }
WVP_API int sigorset(sigset_t *d, const sigset_t *a, const sigset_t *b) { d->__bits = a->__bits | b->__bits; return 0; }
WVP_API int sigandset(sigset_t *d, const sigset_t *a, const sigset_t *b) { d->__bits = a->__bits & b->__bits; return 0; }

WVP_API void psignal(int sig, const char *s) {
  if (s && *s) fprintf(stderr, "%s: %s\n", s, strsignal(sig));
  else fprintf(stderr, "%s\n", strsignal(sig));
}

/* Sleeps on the monotonic clock; a caught signal ends it with EINTR and the time left in *rem. */
WVP_API int nanosleep(const struct timespec *req, struct timespec *rem) {
  if (req->tv_nsec < 0 || req->tv_nsec >= 1000000000L || req->tv_sec < 0) { errno = EINVAL; return -1; }
  __wasi_timestamp_t start = 0, now = 0;
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &start);
  uint64_t ns = (uint64_t)req->tv_sec * 1000000000ULL + (uint64_t)req->tv_nsec;
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = ns;
  __wasi_event_t ev;
  __wasi_size_t n;
  __wasi_errno_t e = __wasi_poll_oneoff(&sub, &ev, 1, &n);
  if (e == 0) return 0;
  if (e == EINTR && rem) {
    __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &now);
    uint64_t spent = now - start, left = spent >= ns ? 0 : ns - spent;
    rem->tv_sec = (time_t)(left / 1000000000ULL);
    rem->tv_nsec = (long)(left % 1000000000ULL);
  }
  errno = e;
  return -1;
}

WVP_API unsigned sleep(unsigned seconds) {
  struct timespec req = { seconds, 0 }, rem = { 0, 0 };
  if (nanosleep(&req, &rem) == 0) return 0;
  /* Rounded to the nearest second, as glibc's sleep. */
  return (unsigned)rem.tv_sec + (rem.tv_nsec >= 500000000L);
}

WVP_API int usleep(unsigned us) {
  struct timespec req = { us / 1000000, (long)(us % 1000000) * 1000 };
  return nanosleep(&req, 0);
}
