/* Process ids, groups, sessions, kill and killpg over wvisor_v1. */
#include <signal.h>
#include <unistd.h>
#include "internal.h"

WVP_API pid_t getpid(void) { int32_t p = 0; __wv_getpid(&p); return p; }
WVP_API pid_t getppid(void) { int32_t p = 0; __wv_getppid(&p); return p; }

WVP_API pid_t getpgid(pid_t pid) {
  int32_t g;
  if (__wvp_ret(__wv_getpgid(pid, &g))) return -1;
  return g;
}
WVP_API pid_t getpgrp(void) { return getpgid(0); }
WVP_API int setpgid(pid_t pid, pid_t pgid) { return __wvp_ret(__wv_setpgid(pid, pgid)); }
WVP_API pid_t setpgrp(void) { return setpgid(0, 0); }

WVP_API pid_t setsid(void) {
  int32_t s;
  if (__wvp_ret(__wv_setsid(&s))) return -1;
  return s;
}
WVP_API pid_t getsid(pid_t pid) {
  int32_t s;
  if (__wvp_ret(__wv_getsid(pid, &s))) return -1;
  return s;
}

WVP_API int kill(pid_t pid, int sig) { return __wvp_ret(__wv_kill(pid, sig)); }

WVP_API int killpg(pid_t pgrp, int sig) {
  if (pgrp < 0) { errno = EINVAL; return -1; }
  return kill(-pgrp, sig);
}
