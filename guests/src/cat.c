/* cat - @desc concatenates files (or stdin, or "-") to stdout */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

static char buf[65536];

/* Copies fd to stdout; returns 0, or the errno of a failed read (-1 for a write error). */
static int copy(int fd) {
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (write_all(1, buf, (size_t)n) < 0) return -1;
  }
}

int main(int argc, char **argv) {
  int status = 0;
  const char *dash[] = { "-" };
  char **files = argc > 1 ? argv + 1 : (char **)dash;
  int nfiles = argc > 1 ? argc - 1 : 1;
  for (int i = 0; i < nfiles; i++) {
    const char *name = files[i];
    int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
    if (fd < 0) {
      fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
      status = 1;
      continue;
    }
    int e = copy(fd);
    if (e > 0) {
      fprintf(stderr, "cat: %s: %s\n", name, strerror(e));
      status = 1;
    } else if (e < 0) {
      fprintf(stderr, "cat: write error: %s\n", strerror(errno));
      return 1;
    }
    if (fd != 0) close(fd);
  }
  return status;
}
