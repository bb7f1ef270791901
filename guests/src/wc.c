/* wc - @desc counts lines, words and bytes (-l -w -c) in the output format of GNU coreutils */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct counts { uintmax_t lines, words, bytes; };
static int show_lines, show_words, show_bytes;
static int width = 1;
static char buf[65536];

static int count(int fd, struct counts *c) {
  int in_word = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    c->bytes += (uintmax_t)n;
    if (!show_lines && !show_words) continue;
    for (ssize_t i = 0; i < n; i++) {
      unsigned char ch = (unsigned char)buf[i];
      if (ch == '\n') c->lines++;
      if (isspace(ch)) in_word = 0;
      else if (!in_word) { in_word = 1; c->words++; }
    }
  }
}

static void print(const struct counts *c, const char *name) {
  const char *sep = "";
  if (show_lines) { printf("%s%*ju", sep, width, c->lines); sep = " "; }
  if (show_words) { printf("%s%*ju", sep, width, c->words); sep = " "; }
  if (show_bytes) { printf("%s%*ju", sep, width, c->bytes); }
  if (name) printf(" %s", name);
  putchar('\n');
}

int main(int argc, char **argv) {
  int i = 1, status = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    for (const char *p = argv[i] + 1; *p; p++) {
      if (*p == 'l') show_lines = 1;
      else if (*p == 'w') show_words = 1;
      else if (*p == 'c') show_bytes = 1;
      else { fprintf(stderr, "wc: invalid option -- '%c'\n", *p); return 1; }
    }
  }
  if (!show_lines && !show_words && !show_bytes) show_lines = show_words = show_bytes = 1;
  int nfiles = argc - i;
  const char *stdin_name[] = { NULL };
  const char **files = nfiles ? (const char **)argv + i : stdin_name;
  if (nfiles == 0) nfiles = 1;

  /* coreutils' width: 1 for a single count of a single input; otherwise the digits of the
   * total size of the regular files, at least 7 if any input is not a regular file. */
  if (!(nfiles == 1 && show_lines + show_words + show_bytes == 1)) {
    uintmax_t total = 0;
    int minimum = 1;
    for (int f = 0; f < nfiles; f++) {
      struct stat st;
      int ok = files[f] == NULL || strcmp(files[f], "-") == 0 ? fstat(0, &st) : stat(files[f], &st);
      if (ok != 0) continue;
      if (S_ISREG(st.st_mode)) total += (uintmax_t)st.st_size;
      else minimum = 7;
    }
    for (; total >= 10; total /= 10) width++;
    if (width < minimum) width = minimum;
  }

  struct counts sum = {0, 0, 0};
  for (int f = 0; f < nfiles; f++) {
    const char *name = files[f];
    int fd = name == NULL || strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
    if (fd < 0) {
      fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
      status = 1;
      continue;
    }
    struct counts c = {0, 0, 0};
    int e = count(fd, &c);
    if (fd != 0) close(fd);
    if (e) {
      fprintf(stderr, "wc: %s: %s\n", name ? name : "-", strerror(e));
      status = 1;
    }
    print(&c, name);
    sum.lines += c.lines; sum.words += c.words; sum.bytes += c.bytes;
  }
  if (nfiles > 1) print(&sum, "total");
  return fflush(stdout) == 0 ? status : 1;
}
