/* popen, pclose and system: posix_spawn of /bin/sh -c, as glibc and musl do. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "internal.h"

extern char **environ;

struct popened {
  FILE *f;
  int fd;
  pid_t pid;
  struct popened *next;
};
static struct popened *open_list;

WVP_API FILE *popen(const char *cmd, const char *mode) {
  int reading = mode[0] == 'r';
  if ((mode[0] != 'r' && mode[0] != 'w') || strspn(mode + 1, "e") != strlen(mode + 1)) {
    errno = EINVAL;
    return NULL;
  }
  struct popened *e = malloc(sizeof *e);
  if (!e) return NULL;
  int p[2];
  /* As glibc: both ends close-on-exec (no other child gets them), the parent's end cleared again below
   * unless the mode has 'e'. */
  if (pipe2(p, O_CLOEXEC) < 0) { free(e); return NULL; }
  int mine = reading ? p[0] : p[1], theirs = reading ? p[1] : p[0];
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  int err = posix_spawn_file_actions_adddup2(&fa, theirs, reading ? 1 : 0);
  /* POSIX: the child holds none of the earlier popen() streams. */
  for (struct popened *o = open_list; !err && o; o = o->next) err = posix_spawn_file_actions_addclose(&fa, o->fd);
  char *argv[] = { "sh", "-c", (char *)cmd, NULL };
  pid_t pid = -1;
  if (!err) err = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(theirs);
  if (!err && !strchr(mode + 1, 'e')) fcntl(mine, F_SETFD, 0);
  FILE *f = err ? NULL : fdopen(mine, reading ? "r" : "w");
  if (!f) {
    if (!err) err = errno;
    close(mine);
    free(e);
    if (pid > 0) waitpid(pid, NULL, 0);
    errno = err;
    return NULL;
  }
  e->f = f;
  e->fd = mine;
  e->pid = pid;
  e->next = open_list;
  open_list = e;
  return f;
}

WVP_API int pclose(FILE *f) {
  struct popened **pp = &open_list;
  while (*pp && (*pp)->f != f) pp = &(*pp)->next;
  struct popened *e = *pp;
  if (!e) { errno = ECHILD; return -1; }
  *pp = e->next;
  pid_t pid = e->pid;
  free(e);
  fclose(f);
  int st;
  pid_t r;
  while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR) {}
  return r < 0 ? -1 : st;
}

WVP_API int system(const char *cmd) {
  /* system(NULL): whether a shell runs, asked as glibc asks it (the guest's own view of the
   * file system may not include /bin: spawn looks there in the kernel's tree). */
  if (!cmd) return system("exit 0") == 0;
  char *argv[] = { "sh", "-c", (char *)cmd, NULL };
  pid_t pid;
  int err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
  if (err) {
    errno = err;
    return 127 << 8; /* POSIX: as if the shell had run _exit(127) */
  }
  int st;
  pid_t r;
  while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR) {}
  return r < 0 ? -1 : st;
}
