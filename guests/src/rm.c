/* rm - @desc removes files (-r: directories recursively, -f: ignore missing files) */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int recursive, force;

static int remove_path(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    if (force && errno == ENOENT) return 0;
    fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(errno));
    return 1;
  }
  if (S_ISDIR(st.st_mode)) {
    if (!recursive) {
      fprintf(stderr, "rm: cannot remove '%s': Is a directory\n", path);
      return 1;
    }
    DIR *d = opendir(path);
    if (!d) {
      fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(errno));
      return 1;
    }
    int status = 0;
    struct dirent *e;
    /* Removing while reading can skip entries: collect, then repeat until empty. */
    for (;;) {
      char child[4096];
      int found = 0;
      rewinddir(d);
      while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        found = 1;
        break;
      }
      if (!found) break;
      if (remove_path(child) != 0) { status = 1; break; }
    }
    closedir(d);
    if (status) return status;
    if (rmdir(path) != 0) {
      fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(errno));
      return 1;
    }
    return 0;
  }
  if (unlink(path) != 0) {
    fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(errno));
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int i = 1, status = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    for (const char *p = argv[i] + 1; *p; p++) {
      if (*p == 'r' || *p == 'R') recursive = 1;
      else if (*p == 'f') force = 1;
      else { fprintf(stderr, "rm: invalid option -- '%c'\n", *p); return 1; }
    }
  }
  if (i == argc && !force) { fprintf(stderr, "rm: missing operand\n"); return 1; }
  for (; i < argc; i++) status |= remove_path(argv[i]);
  return status;
}
