/* t_args - @test @desc test: prints argv and the environment (sorted), as the program receives them */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  const char *base = strrchr(argv[0], '/');
  printf("argc %d\n", argc);
  printf("argv[0] basename %s\n", base ? base + 1 : argv[0]);
  for (int i = 1; i < argc; i++) printf("argv[%d] [%s] len %zu\n", i, argv[i], strlen(argv[i]));
  printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
  size_t n = 0;
  while (environ && environ[n]) n++;
  char **sorted = malloc((n + 1) * sizeof *sorted);
  memcpy(sorted, environ, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, cmp);
  printf("environ count %zu\n", n);
  for (size_t i = 0; i < n; i++) printf("environ [%s]\n", sorted[i]);
  const char *home = getenv("HOME");
  printf("getenv HOME: %s\n", home ? home : "(unset)");
  printf("getenv NOPE: %s\n", getenv("NOPE") ? "set" : "(unset)");
  free(sorted);
  return 0;
}
