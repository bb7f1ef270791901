/* Forks until fork fails, each child waiting on a pipe that reaches EOF once this process exits;
 * prints how many forks worked and the errno of the one that did not. argv[1]: MiB of memory to
 * touch first (each child is a copy of it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 0;
  char *mem = mib ? malloc(mib << 20) : NULL;
  if (mib && !mem) { printf("malloc failed\n"); return 1; }
  if (mem) memset(mem, 1, mib << 20);
  int p[2];
  if (pipe(p) < 0) return 1;
  int n = 0;
  for (;;) {
    pid_t pid = fork();
    if (pid < 0) {
      printf("forked %d, then %s\n", n, errno == EAGAIN ? "EAGAIN" : errno == ENOMEM ? "ENOMEM" : strerror(errno));
      return 0;
    }
    if (pid == 0) {
      char c;
      close(p[1]);
      while (read(p[0], &c, 1) > 0) {}
      _exit(mem ? mem[(mib << 20) - 1] - 1 : 0); /* uses the copy (so the compiler keeps the memory) */
    }
    n++;
  }
}
