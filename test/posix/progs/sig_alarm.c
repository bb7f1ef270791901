/* alarm(): SIGALRM after the time, pause() returns -1 EINTR after the handler, alarm's return is
 * the time left of the previous alarm, alarm(0) cancels. */
#include "sig_common.h"

static volatile sig_atomic_t rang;
static void h(int s) { (void)s; rang++; }

int main(void) {
  signal(SIGALRM, h);
  say("alarm(5): %u\n", alarm(5));
  unsigned left = alarm(1);
  say("alarm(1) left of the previous: %s\n", left >= 4 && left <= 5 ? "4-5" : "?");
  errno = 0;
  int r = pause();
  say("pause: %s, rang %d\n", res_str(r, errno), (int)rang);
  alarm(1);
  say("cancel: %u\n", alarm(0));
  nap(1300);
  say("cancelled alarm did not ring: %d\n", (int)rang);
  return 0;
}
