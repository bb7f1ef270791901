/* ln - @desc makes a hard link, or a symbolic link with -s: ln [-s] TARGET LINK */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int i = 1, sym = 0;
  if (i < argc && strcmp(argv[i], "-s") == 0) { sym = 1; i++; }
  if (argc - i != 2) { fprintf(stderr, "usage: ln [-s] TARGET LINK\n"); return 1; }
  if ((sym ? symlink(argv[i], argv[i + 1]) : link(argv[i], argv[i + 1])) != 0) {
    fprintf(stderr, "ln: failed to create %slink '%s': %s\n", sym ? "symbolic " : "hard ",
            argv[i + 1], strerror(errno));
    return 1;
  }
  return 0;
}
