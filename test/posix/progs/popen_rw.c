/* popen both ways and pclose's status. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

int main(void) {
  FILE *f = popen("echo first; echo second", "r");
  char line[128];
  int n = 0;
  while (fgets(line, sizeof line, f)) say("read line %d: %s", ++n, line);
  int st = pclose(f);
  say("pclose: %s\n", status_str(st));

  f = popen("wc -c", "w");
  fputs("seven!\n", f);
  st = pclose(f); /* wc prints to our stdout */
  say("pclose of wc: %s\n", status_str(st));

  f = popen("cat > popen.out", "w");
  for (int i = 0; i < 1000; i++) fprintf(f, "line %d\n", i);
  st = pclose(f);
  f = popen("wc -l < popen.out", "r");
  int lines = 0;
  if (fscanf(f, "%d", &lines) != 1) lines = -1;
  st = pclose(f);
  say("1000 lines through popen w then r: %d, %s\n", lines, status_str(st));
  unlink("popen.out");

  f = popen("exit 3", "r");
  const char *got = fgets(line, sizeof line, f) ? "data" : "EOF";
  say("popen exit 3: fgets %s, pclose %s\n", got, status_str(pclose(f)));
  /* two streams at once: the second child must not hold the first's pipe */
  FILE *w = popen("cat", "w");
  FILE *r = popen("echo other", "r");
  fputs("to cat\n", w);
  say("pclose cat first: %s\n", status_str(pclose(w)));
  say("other: %s", fgets(line, sizeof line, r) ? line : "EOF\n");
  say("pclose other: %s\n", status_str(pclose(r)));
  errno = 0;
  FILE *bad = popen("true", "x");
  say("popen bad mode: %s %s\n", bad ? "stream" : "NULL", en(errno));
  return 0;
}
