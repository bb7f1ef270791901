/* mv - @desc renames SOURCE to DEST (into DEST if it is a directory) */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: mv SOURCE DEST\n"); return 1; }
  char dest[4096];
  struct stat st;
  snprintf(dest, sizeof dest, "%s", argv[2]);
  if (stat(argv[2], &st) == 0 && S_ISDIR(st.st_mode)) {
    char src[4096];
    snprintf(src, sizeof src, "%s", argv[1]);
    snprintf(dest, sizeof dest, "%s/%s", argv[2], basename(src));
  }
  if (rename(argv[1], dest) != 0) {
    fprintf(stderr, "mv: cannot move '%s' to '%s': %s\n", argv[1], dest, strerror(errno));
    return 1;
  }
  return 0;
}
