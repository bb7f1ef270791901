/* touch - @desc creates empty files, or sets an existing file's times to now */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int status = 0;
  if (argc < 2) { fprintf(stderr, "touch: missing file operand\n"); return 1; }
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);
    if (fd >= 0) close(fd);
    if (utimensat(AT_FDCWD, argv[i], NULL, 0) != 0) {
      fprintf(stderr, "touch: cannot touch '%s': %s\n", argv[i], strerror(errno));
      status = 1;
    }
  }
  return status;
}
