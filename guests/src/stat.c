/* stat - @desc prints a file's type, size and link count (-L: follow symlinks) */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *type_name(mode_t m) {
  return S_ISREG(m) ? "regular file" : S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "symbolic link"
       : S_ISCHR(m) ? "character special file" : S_ISBLK(m) ? "block special file"
       : S_ISFIFO(m) ? "fifo" : S_ISSOCK(m) ? "socket" : "unknown";
}

int main(int argc, char **argv) {
  int i = 1, follow = 0, status = 0;
  if (i < argc && strcmp(argv[i], "-L") == 0) { follow = 1; i++; }
  if (i == argc) { fprintf(stderr, "stat: missing operand\n"); return 1; }
  for (; i < argc; i++) {
    struct stat st;
    if ((follow ? stat(argv[i], &st) : lstat(argv[i], &st)) != 0) {
      fprintf(stderr, "stat: cannot statx '%s': %s\n", argv[i], strerror(errno));
      status = 1;
      continue;
    }
    printf("  File: %s", argv[i]);
    if (S_ISLNK(st.st_mode)) {
      char t[4096];
      ssize_t n = readlink(argv[i], t, sizeof t - 1);
      if (n >= 0) { t[n] = 0; printf(" -> %s", t); }
    }
    printf("\n  Size: %jd\tType: %s\n Links: %ju\n", (intmax_t)st.st_size, type_name(st.st_mode),
           (uintmax_t)st.st_nlink);
  }
  return status;
}
