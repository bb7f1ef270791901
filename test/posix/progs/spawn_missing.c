/* posix_spawn of programs that are not there (the error is the return value), PATH search. */
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

static void try(const char *how, int p, const char *file) {
  char *argv[] = { (char *)file, "ran", NULL };
  pid_t pid = -1;
  int e = p ? posix_spawnp(&pid, file, NULL, NULL, argv, environ) : posix_spawn(&pid, file, NULL, NULL, argv, environ);
  int st = 0;
  if (e == 0) waitpid(pid, &st, 0);
  say("%s %s: %s%s%s\n", how, file, en(e), e == 0 ? ", " : "", e == 0 ? status_str(st) : "");
}

int main(void) {
  try("posix_spawn", 0, "/no/such/program");
  try("posix_spawn", 0, "no-such-program-here");
  try("posix_spawnp", 1, "no-such-program-here");
  try("posix_spawnp", 1, "");
  try("posix_spawn", 0, "/");
  try("posix_spawnp", 1, "echo");
  setenv("PATH", "/no/such/dir:/bin", 1);
  try("posix_spawnp, PATH=/no/such/dir:/bin,", 1, "echo");
  setenv("PATH", "/no/such/dir", 1);
  try("posix_spawnp, PATH=/no/such/dir,", 1, "echo");
  try("posix_spawnp, PATH=/no/such/dir, a path:", 1, "/bin/echo");
  setenv("PATH", "", 1);
  try("posix_spawnp, PATH empty,", 1, "echo");
  unsetenv("PATH");
  try("posix_spawnp, PATH unset,", 1, "echo");
  int st;
  say("no children left: %s\n", R(waitpid(-1, &st, WNOHANG)));
  return 0;
}
