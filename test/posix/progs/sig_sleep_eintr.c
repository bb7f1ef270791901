/* nanosleep, sleep and usleep interrupted by a caught signal: EINTR (never restarted, even with
 * SA_RESTART) and the time left. */
#include "sig_common.h"
#include <time.h>

static volatile sig_atomic_t got;
static void h(int s) { (void)s; got++; }

int main(void) {
  on(SIGALRM, h, SA_RESTART, 0);
  alarm(1);
  struct timespec req = { 3, 0 }, rem = { 0, 0 };
  errno = 0;
  int r = nanosleep(&req, &rem);
  say("nanosleep: %s, handler %d, left %s\n", res_str(r, errno), (int)got, rem.tv_sec == 1 || rem.tv_sec == 2 ? "1-2 s" : "?");
  alarm(1);
  unsigned left = sleep(3);
  say("sleep: left %s, handler %d\n", left >= 1 && left <= 2 ? "1-2" : "?", (int)got);
  alarm(1);
  errno = 0;
  r = usleep(2500000);
  say("usleep: %s, handler %d\n", res_str(r, errno), (int)got);
  req.tv_sec = 0;
  req.tv_nsec = 20000000;
  say("uninterrupted: %d\n", nanosleep(&req, NULL));
  req.tv_nsec = 2000000000L;
  say("bad: %s\n", R(nanosleep(&req, NULL)));
  return 0;
}
