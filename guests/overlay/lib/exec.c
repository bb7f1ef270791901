/* fork, vfork and the exec family over the kernel's proc_fork and proc_exec.
 *
 * fork: the kernel copies the task (memory, globals, stack, fd table sharing open
 * descriptions, group, session, seccomp filters) and both return from the call.
 * vfork is fork (POSIX allows it). execve sends the path, argv, envp and the
 * working directory, which lives in this program's memory (the kernel resolves a
 * relative path there, and the new program starts there: guests/overlay/lib/start.c);
 * it returns only on failure. execvp/execlp search $PATH (unset: /bin:/usr/bin)
 * as glibc does, and run a file the kernel refuses with ENOEXEC with /bin/sh, as
 * POSIX requires. */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

extern char **environ;

WVP_API pid_t fork(void) {
  int32_t pid;
  if (__wvp_ret(__wv_proc_fork(&pid))) return -1;
  return pid;
}

WVP_API pid_t vfork(void) { return fork(); }

/* Scratch for the working directory (exec runs one at a time). */
static char cwd_buf[PATH_MAX];

/* One execve of `path`: the errno it failed with. The kernel resolves a relative path against
 * the working directory sent with it (a "#!" interpreter gets the path as given, as on Linux). */
static int exec_one(const char *path, char *const argv[], char *const envp[]) {
  if (path[0] == 0) return ENOENT;
  if (!getcwd(cwd_buf, sizeof cwd_buf)) return errno;
  uint32_t argc = 0, envc = 0;
  while (argv && argv[argc]) argc++;
  while (envp && envp[envc]) envc++;
  wv_spawn_req r;
  memset(&r, 0, sizeof r);
  r.path = path;
  r.path_len = (uint32_t)strlen(path);
  r.argv = (const char *const *)argv;
  r.argc = argc;
  r.envp = (const char *const *)envp;
  r.envc = envc;
  r.cwd = cwd_buf;
  r.cwd_len = (uint32_t)strlen(cwd_buf);
  r.pgid = -1;
  return __wv_proc_exec(&r);
}

WVP_API int execve(const char *path, char *const argv[], char *const envp[]) {
  errno = exec_one(path, argv, envp);
  return -1;
}

WVP_API int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

/* POSIX: a file execve refused with ENOEXEC runs as a shell script, `sh file args...`. */
static int exec_script(const char *path, char *const argv[], char *const envp[]) {
  int argc = 0;
  while (argv && argv[argc]) argc++;
  char **sh = malloc(sizeof(char *) * (size_t)(argc + 2));
  if (!sh) return ENOMEM;
  sh[0] = "sh";
  sh[1] = (char *)path;
  for (int i = 1; i < argc; i++) sh[i + 1] = argv[i];
  sh[argc < 1 ? 2 : argc + 1] = NULL;
  int e = exec_one("/bin/sh", sh, envp);
  free(sh);
  return e;
}

static int execvpe_(const char *file, char *const argv[], char *const envp[]) {
  if (file[0] == 0) return ENOENT;
  if (strchr(file, '/')) {
    int e = exec_one(file, argv, envp);
    return e == ENOEXEC ? exec_script(file, argv, envp) : e;
  }
  const char *search = getenv("PATH");
  if (!search) search = "/bin:/usr/bin";
  static char dir[PATH_MAX], full[PATH_MAX];
  int got_eacces = 0, e = ENOENT;
  for (const char *s = search;; s++) {
    const char *end = strchr(s, ':');
    size_t len = end ? (size_t)(end - s) : strlen(s);
    if (len >= PATH_MAX) {
      e = ENAMETOOLONG;
    } else {
      memcpy(dir, s, len);
      dir[len] = 0;
      e = __wvp_join(full, sizeof full, len ? dir : ".", file);
      if (!e) e = exec_one(full, argv, envp);
      if (e == ENOEXEC) e = exec_script(full, argv, envp);
      if (e == EACCES) got_eacces = 1;
      else if (e != ENOENT && e != ENOTDIR && e != ENAMETOOLONG) return e;
    }
    if (!end) break;
    s = end;
  }
  return got_eacces ? EACCES : e;
}

WVP_API int execvp(const char *file, char *const argv[]) {
  errno = execvpe_(file, argv, environ);
  return -1;
}

WVP_API int execvpe(const char *file, char *const argv[], char *const envp[]) {
  errno = execvpe_(file, argv, envp);
  return -1;
}

/* The arguments of execl/execlp/execle after `arg0`, up to the NULL, as an argv (malloc'd). */
static char **collect(const char *arg0, va_list ap, char ***envp_out) {
  va_list count;
  va_copy(count, ap);
  size_t n = 1;
  while (va_arg(count, char *)) n++;
  va_end(count);
  char **argv = malloc(sizeof(char *) * (n + 1));
  if (!argv) return NULL;
  argv[0] = (char *)arg0;
  for (size_t i = 1; i <= n; i++) argv[i] = va_arg(ap, char *);
  if (envp_out) *envp_out = va_arg(ap, char **);
  return argv;
}

WVP_API int execl(const char *path, const char *arg0, ...) {
  va_list ap;
  va_start(ap, arg0);
  char **argv = collect(arg0, ap, NULL);
  va_end(ap);
  if (!argv) { errno = ENOMEM; return -1; }
  execve(path, argv, environ);
  int e = errno;
  free(argv);
  errno = e;
  return -1;
}

WVP_API int execle(const char *path, const char *arg0, ...) {
  va_list ap;
  va_start(ap, arg0);
  char **envp;
  char **argv = collect(arg0, ap, &envp);
  va_end(ap);
  if (!argv) { errno = ENOMEM; return -1; }
  execve(path, argv, envp);
  int e = errno;
  free(argv);
  errno = e;
  return -1;
}

WVP_API int execlp(const char *file, const char *arg0, ...) {
  va_list ap;
  va_start(ap, arg0);
  char **argv = collect(arg0, ap, NULL);
  va_end(ap);
  if (!argv) { errno = ENOMEM; return -1; }
  execvp(file, argv);
  int e = errno;
  free(argv);
  errno = e;
  return -1;
}
