/* mkdir - @desc creates directories (-p: parents too, no error if existing) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int make(const char *path, int parents) {
  if (mkdir(path, 0777) == 0) return 0;
  if (!parents) return -1;
  if (errno == EEXIST) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : (errno = EEXIST, -1);
  }
  if (errno != ENOENT) return -1;
  char parent[4096];
  snprintf(parent, sizeof parent, "%s", path);
  char *slash = strrchr(parent, '/');
  while (slash && slash > parent && slash[1] == 0) { *slash = 0; slash = strrchr(parent, '/'); }
  if (!slash || slash == parent) return -1;
  *slash = 0;
  if (make(parent, 1) != 0) return -1;
  return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

int main(int argc, char **argv) {
  int i = 1, parents = 0, status = 0;
  if (i < argc && strcmp(argv[i], "-p") == 0) { parents = 1; i++; }
  if (i == argc) { fprintf(stderr, "mkdir: missing operand\n"); return 1; }
  for (; i < argc; i++) {
    if (make(argv[i], parents) != 0) {
      fprintf(stderr, "mkdir: cannot create directory '%s': %s\n", argv[i], strerror(errno));
      status = 1;
    }
  }
  return status;
}
