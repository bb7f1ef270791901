/* readline - @test @desc reads lines from stdin and prints each as "line N: TEXT" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  unsigned long count = 0;
  while ((n = getline(&line, &cap, stdin)) >= 0) {
    if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
    printf("line %lu: %s\n", ++count, line);
    fflush(stdout);
  }
  free(line);
  return ferror(stdin) ? 1 : 0;
}
