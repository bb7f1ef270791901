/* fork then exec: the exec'd program keeps the pid, parent and working directory and gets
 * the new argv and environment; execve's errors come back to the caller (ENOENT, EACCES for
 * a directory, ENOEXEC for a file that is neither a program nor a script); a "#!" script runs
 * with its interpreter and the script's path as an argument; execvp runs a file without "#!"
 * with /bin/sh as POSIX requires, posix_spawnp does not. */
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
extern char **environ;

static int child(char **argv) {
  char cwd[256];
  say("exec'd: pid kept %d, parent kept %d, argv[3] %s, FOO=%s, cwd ends in /w: %d\n",
      atoi(argv[3]) == getpid(), atoi(argv[4]) == getppid(), argv[5], getenv("FOO") ? getenv("FOO") : "(unset)",
      getcwd(cwd, sizeof cwd) && strcmp(cwd + strlen(cwd) - 2, "/w") == 0);
  return 42;
}

static void write_file(const char *name, const char *text, int mode) {
  int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (write(fd, text, strlen(text)) < 0) say("write failed\n");
  close(fd);
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "child") == 0) return child(argv);
  const char *self = argv[1];
  int st;
  pid_t pid = fork();
  if (pid == 0) {
    char me[16], parent[16];
    snprintf(me, sizeof me, "%d", getpid());
    snprintf(parent, sizeof parent, "%d", getppid());
    char *args[] = { (char *)self, (char *)self, "child", me, parent, "third", NULL };
    char *env[] = { "FOO=bar", NULL };
    execve(self, args, env);
    say("execve failed: %s\n", en(errno));
    _exit(1);
  }
  waitpid(pid, &st, 0);
  say("child: %s\n", status_str(st));

  char *none[] = { "x", NULL };
  say("execve of a missing file: %s\n", R(execve("./missing", none, environ)));
  say("execv of a directory: %s\n", R(execv(".", none)));
  write_file("plain.txt", "echo this is not a script\n", 0755);
  say("execve of a text file: %s\n", R(execve("./plain.txt", none, environ)));
  say("execvp of a missing name: %s\n", R(execvp("no-such-program-anywhere", none)));

  write_file("script.sh", "#!/bin/sh\necho script says $0 $1 $2\nexit 5\n", 0755);
  pid = fork();
  if (pid == 0) {
    char *args[] = { "script.sh", "one", "two", NULL };
    execv("./script.sh", args);
    _exit(1);
  }
  waitpid(pid, &st, 0);
  say("#! script: %s\n", status_str(st));

  pid = fork();
  if (pid == 0) {
    char *args[] = { "plain.txt", NULL };
    execvp("./plain.txt", args);
    _exit(1);
  }
  waitpid(pid, &st, 0);
  say("execvp of a file without #!: %s\n", status_str(st));

  char *args[] = { "plain.txt", NULL };
  say("posix_spawnp of it: %s\n", en(posix_spawnp(&pid, "./plain.txt", NULL, NULL, args, environ)));

  pid = fork();
  if (pid == 0) {
    execlp("sh", "sh", "-c", "echo sh found in PATH; exit 3", (char *)0);
    _exit(1);
  }
  waitpid(pid, &st, 0);
  say("execlp sh: %s\n", status_str(st));
  unlink("plain.txt");
  unlink("script.sh");
  return 0;
}
