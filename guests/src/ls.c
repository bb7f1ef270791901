/* ls - @desc lists directory contents, sorted: in columns on a terminal, else one per line (-a: dot files too; -l: type, mode, links, size; -1: one per line) */
#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifndef __wasi__
#include <sys/ioctl.h>
#endif

static int all, longfmt, columns;

/*
 * The terminal's width: $COLUMNS, else (natively) stdout's window size, else 80. ls stays a
 * plain WASI program (no wvisor_v1 import), so node:wasi and other runtimes run it too.
 */
static int term_width(void) {
  const char *c = getenv("COLUMNS");
  if (c && atoi(c) > 0) return atoi(c);
#ifndef __wasi__
  struct winsize ws;
  if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
#endif
  return 80;
}

/* Names down then across in as many columns of equal width as the terminal holds (ls -C). */
static void print_columns(char **names, size_t n) {
  if (n == 0) return;
  size_t w = 0;
  for (size_t i = 0; i < n; i++) if (strlen(names[i]) > w) w = strlen(names[i]);
  w += 2;
  size_t cols = (size_t)term_width() / w;
  if (cols < 1) cols = 1;
  size_t rows = (n + cols - 1) / cols;
  for (size_t r = 0; r < rows; r++) {
    for (size_t c = 0; c < cols; c++) {
      size_t i = c * rows + r;
      if (i >= n) break;
      int last = c == cols - 1 || i + rows >= n;
      if (last) printf("%s", names[i]);
      else printf("%-*s", (int)w, names[i]);
    }
    putchar('\n');
  }
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void mode_string(mode_t m, char out[11]) {
  out[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b'
         : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
  const char *rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; i++) out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
  out[10] = 0;
}

/* Prints one entry; `path` is how to reach it, `name` what to show. */
static void show(const char *path, const char *name) {
  if (!longfmt) {
    puts(name);
    return;
  }
  struct stat st;
  if (lstat(path, &st) != 0) {
    fprintf(stderr, "ls: cannot access '%s': %s\n", path, strerror(errno));
    return;
  }
  char mode[11];
  mode_string(st.st_mode, mode);
  printf("%s %ju %jd %s", mode, (uintmax_t)st.st_nlink, (intmax_t)st.st_size, name);
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n >= 0) {
      target[n] = 0;
      printf(" -> %s", target);
    }
  }
  putchar('\n');
}

static int list_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "ls: cannot open directory '%s': %s\n", dir, strerror(errno));
    return 2;
  }
  size_t n = 0, cap = 64;
  char **names = malloc(cap * sizeof *names);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!all && e->d_name[0] == '.') continue;
    if (n == cap) names = realloc(names, (cap *= 2) * sizeof *names);
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  if (columns) print_columns(names, n);
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (!columns) show(path, names[i]);
    free(names[i]);
  }
  free(names);
  return 0;
}

int main(int argc, char **argv) {
  int i = 1, status = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    for (const char *p = argv[i] + 1; *p; p++) {
      if (*p == 'a') all = 1;
      else if (*p == 'l') longfmt = 1;
      else if (*p == '1') columns = -1;
      else { fprintf(stderr, "ls: invalid option -- '%c'\n", *p); return 2; }
    }
  }
  /* wasi-libc's isatty: a character device that cannot seek, which is what wVisor's terminals are. */
  columns = columns == 0 && !longfmt && isatty(1);
  int nargs = argc - i;
  if (nargs == 0) return list_dir(".");
  /* Files first, then directories with a heading each, as coreutils orders them. */
  qsort(argv + i, (size_t)nargs, sizeof *argv, by_name);
  int shown = 0;
  for (int k = i; k < argc; k++) {
    struct stat st;
    if (stat(argv[k], &st) != 0 && lstat(argv[k], &st) != 0) {
      fprintf(stderr, "ls: cannot access '%s': %s\n", argv[k], strerror(errno));
      status = 2;
      argv[k] = NULL;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      show(argv[k], argv[k]);
      shown++;
      argv[k] = NULL;
    }
  }
  for (int k = i; k < argc; k++) {
    if (!argv[k]) continue;
    if (nargs > 1) printf("%s%s:\n", shown++ ? "\n" : "", argv[k]);
    int r = list_dir(argv[k]);
    if (r) status = r;
  }
  return status;
}
