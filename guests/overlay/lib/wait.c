/* wait and waitpid over wvisor_v1 (Linux's status encoding and options). */
#include <sys/wait.h>
#include "internal.h"

WVP_API pid_t waitpid(pid_t pid, int *status, int options) {
  int32_t st = 0, got = 0;
  if (__wvp_ret(__wv_wait(pid, options, &st, &got))) return -1;
  if (status && got > 0) *status = st;
  return got;
}

WVP_API pid_t wait(int *status) { return waitpid(-1, status, 0); }
