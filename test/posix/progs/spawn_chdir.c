/* posix_spawn file action addchdir_np: the child's working directory, and addopen relative to it. */
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

int main(int argc, char **argv) {
  char cwd[4096];
  if (argc >= 3 && strcmp(argv[2], "child") == 0) {
    if (!getcwd(cwd, sizeof cwd)) return 1;
    const char *base = strrchr(cwd, '/');
    say("child cwd ends in: %s\n", base ? base + 1 : cwd);
    return 0;
  }
  const char *self = argv[1];
  mkdir("chdir.d", 0755);
  mkdir("chdir.d/inner", 0755);
  char *cargv[] = { (char *)self, (char *)self, "child", NULL };
  posix_spawn_file_actions_t fa;
  pid_t pid;
  int st, e;

  e = posix_spawn(&pid, self, NULL, NULL, cargv, environ);
  waitpid(pid, &st, 0);
  say("no action: %s %s\n", en(e), status_str(st));

  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addchdir_np(&fa, "chdir.d");
  e = posix_spawn(&pid, self, &fa, NULL, cargv, environ);
  waitpid(pid, &st, 0);
  posix_spawn_file_actions_destroy(&fa);
  say("chdir chdir.d: %s %s\n", en(e), status_str(st));

  /* two chdirs compose; an open after them is relative to the result */
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addchdir_np(&fa, "chdir.d");
  posix_spawn_file_actions_addchdir_np(&fa, "inner");
  posix_spawn_file_actions_addopen(&fa, 1, "made-here", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char *eargv[] = { "echo", "in inner", NULL };
  e = posix_spawnp(&pid, "echo", &fa, NULL, eargv, environ);
  waitpid(pid, &st, 0);
  posix_spawn_file_actions_destroy(&fa);
  struct stat sb;
  say("chdir, chdir, open: %s %s; chdir.d/inner/made-here %s, %lld bytes\n", en(e), status_str(st),
      stat("chdir.d/inner/made-here", &sb) == 0 ? "exists" : en(errno), stat("chdir.d/inner/made-here", &sb) == 0 ? (long long)sb.st_size : -1LL);
  unlink("chdir.d/inner/made-here");

  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addchdir_np(&fa, "no-such-dir");
  e = posix_spawn(&pid, self, &fa, NULL, cargv, environ);
  posix_spawn_file_actions_destroy(&fa);
  say("chdir to a missing dir: %s\n", en(e));

  int fd = open("chdir.d/file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  close(fd);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addchdir_np(&fa, "chdir.d/file");
  e = posix_spawn(&pid, self, &fa, NULL, cargv, environ);
  posix_spawn_file_actions_destroy(&fa);
  say("chdir to a file: %s\n", en(e));
  unlink("chdir.d/file");

  /* the parent's own directory is unchanged */
  if (!getcwd(cwd, sizeof cwd)) return 1;
  say("parent still where it was: %s\n", access("chdir.d", F_OK) == 0 ? "yes" : "no");
  rmdir("chdir.d/inner");
  rmdir("chdir.d");
  return 0;
}
