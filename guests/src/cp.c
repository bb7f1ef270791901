/* cp - @desc copies a file: cp SOURCE DEST (into DEST if it is a directory) */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

static char buf[65536];

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: cp SOURCE DEST\n"); return 1; }
  char dest[4096];
  struct stat st;
  snprintf(dest, sizeof dest, "%s", argv[2]);
  if (stat(argv[2], &st) == 0 && S_ISDIR(st.st_mode)) {
    char src[4096];
    snprintf(src, sizeof src, "%s", argv[1]);
    snprintf(dest, sizeof dest, "%s/%s", argv[2], basename(src));
  }
  int in = open(argv[1], O_RDONLY);
  if (in < 0) {
    fprintf(stderr, "cp: cannot stat '%s': %s\n", argv[1], strerror(errno));
    return 1;
  }
  if (fstat(in, &st) == 0 && S_ISDIR(st.st_mode)) {
    fprintf(stderr, "cp: -r not specified; omitting directory '%s'\n", argv[1]);
    return 1;
  }
  int out = open(dest, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (out < 0) {
    fprintf(stderr, "cp: cannot create regular file '%s': %s\n", dest, strerror(errno));
    return 1;
  }
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "cp: error reading '%s': %s\n", argv[1], strerror(errno));
      return 1;
    }
    if (write_all(out, buf, (size_t)n) < 0) {
      fprintf(stderr, "cp: error writing '%s': %s\n", dest, strerror(errno));
      return 1;
    }
  }
  close(in);
  return close(out) == 0 ? 0 : 1;
}
