/* yes - @desc prints "y" (or its arguments) forever, in large writes; stops when stdout closes */
#include <string.h>
#include "common.h"

static char buf[16384];

int main(int argc, char **argv) {
  char line[4096];
  size_t len = 0;
  if (argc < 2) {
    line[len++] = 'y';
  } else {
    for (int i = 1; i < argc; i++) {
      size_t n = strlen(argv[i]);
      if (len + n + 2 > sizeof line) n = sizeof line - len - 2;
      memcpy(line + len, argv[i], n);
      len += n;
      if (i + 1 < argc) line[len++] = ' ';
    }
  }
  line[len++] = '\n';
  size_t fill = 0;
  while (fill + len <= sizeof buf) { memcpy(buf + fill, line, len); fill += len; }
  for (;;) {
    if (write_all(1, buf, fill) < 0) return 1;
  }
}
