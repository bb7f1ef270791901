/* system(): commands both /bin/sh (dash natively, wVisor's sh) run, and its wait statuses. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

int main(void) {
  say("system(NULL): %s\n", system(NULL) ? "a shell" : "no shell");
  int st = system("echo hello from system");
  say("-> %s\n", status_str(st));
  say("exit 5 -> %s\n", status_str(system("exit 5")));
  say("false -> %s\n", status_str(system("false")));
  st = system("echo a b c | wc -w");
  say("-> %s\n", status_str(st));
  say("true && echo and -> ");
  st = system("true && echo and");
  say("%s\n", status_str(st));
  say("false || echo or -> ");
  st = system("false || echo or");
  say("%s\n", status_str(st));
  say("missing command -> %s\n", status_str(system("no-such-command-xyz 2>system.err")));
  st = system("echo to a file > system.out; cat system.out");
  say("-> %s\n", status_str(st));
  unlink("system.out");
  unlink("system.err");
  say("kill $$ -> %s\n", status_str(system("kill -9 $$")));
  return 0;
}
