/* Nested handlers: a handler raising another caught signal runs it at once (nested), unless sa_mask
 * holds it (then it runs after the first returns); handlers make calls. */
#include "sig_common.h"

static char log_[512];
static void add(const char *s) { strncat(log_, s, sizeof log_ - strlen(log_) - 1); }
static void h2(int s) { (void)s; add("<usr2>"); }
static void h1(int s) {
  (void)s;
  add("<usr1");
  raise(SIGUSR2);
  char b[64];
  snprintf(b, sizeof b, " pid-ok:%d", getpid() > 0);
  add(b);
  add(">");
}
static void h3(int s) {
  (void)s;
  add("<hup");
  raise(SIGUSR1);
  add(">");
}

int main(void) {
  on(SIGUSR2, h2, 0, 0);
  on(SIGUSR1, h1, 0, 0);
  raise(SIGUSR1);
  say("nested: %s\n", log_);
  log_[0] = 0;
  on(SIGUSR1, h1, 0, SIGUSR2);
  raise(SIGUSR1);
  say("masked: %s\n", log_);
  log_[0] = 0;
  on(SIGUSR1, h1, 0, 0);
  on(SIGHUP, h3, 0, 0);
  raise(SIGHUP);
  say("three deep: %s\n", log_);
  say("mask after: %s\n", mask_str());
  return 0;
}
