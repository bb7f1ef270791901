/* posix_spawn and posix_spawnp over the kernel's spawn call.
 *
 * The kernel's spawn starts a program with an fd map (child fd <- parent fd),
 * a working directory and a process group; it has no exec to run file actions
 * in the child. So the file actions run here, in order, on a model of the
 * child's fd table: close and dup2 edit the model, open opens the file in the
 * parent (relative to the child's working directory so far) and maps it,
 * chdir checks and records the directory. The fds opened for the child are
 * closed again once the kernel has copied them. Errors are returned as
 * posix_spawn's value, as glibc reports a failing file action or exec. (fork
 * and execve exist too, guests/overlay/lib/exec.c; spawn stays one kernel call,
 * without a copy of the parent.) */
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>
#include "internal.h"

enum { FA_CLOSE, FA_DUP2, FA_OPEN, FA_CHDIR };

struct action {
  int op;
  int fd;
  int newfd;
  int oflag;
  mode_t mode;
  char *path;
};

#define ALL_FLAGS (POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | \
  POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSCHEDPARAM | POSIX_SPAWN_SETSCHEDULER | \
  POSIX_SPAWN_USEVFORK | POSIX_SPAWN_SETSID)

/* Bit 0 of the spawn request's flags (guests/include/wvisor.h). */
#ifndef WV_SPAWN_SETSID
#define WV_SPAWN_SETSID 1
#endif
/* Bit 1: the child also gets every fd of the caller the map does not name that is open and not
 * close-on-exec, as an exec keeps them; a map entry with parent_fd -1 closes that fd in the child
 * (src/kernel/sys/sys-proc.ts). */
#define WV_SPAWN_EXEC_FDS 2

static int valid_fd(int fd) { return fd >= 0 && fd < WVP_MAX_FDS; }

WVP_API int posix_spawnattr_init(posix_spawnattr_t *a) { memset(a, 0, sizeof *a); return 0; }
WVP_API int posix_spawnattr_destroy(posix_spawnattr_t *a) { (void)a; return 0; }
WVP_API int posix_spawnattr_setflags(posix_spawnattr_t *a, short flags) {
  if (flags & ~ALL_FLAGS) return EINVAL;
  a->__flags = flags;
  return 0;
}
WVP_API int posix_spawnattr_getflags(const posix_spawnattr_t *restrict a, short *restrict flags) {
  *flags = (short)a->__flags;
  return 0;
}
WVP_API int posix_spawnattr_setpgroup(posix_spawnattr_t *a, pid_t pgrp) { a->__pgrp = pgrp; return 0; }
WVP_API int posix_spawnattr_getpgroup(const posix_spawnattr_t *restrict a, pid_t *restrict pgrp) {
  *pgrp = a->__pgrp;
  return 0;
}

WVP_API int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa) { memset(fa, 0, sizeof *fa); return 0; }

WVP_API int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa) {
  struct action *acts = fa->__actions;
  for (int i = 0; i < fa->__used; i++) free(acts[i].path);
  free(acts);
  memset(fa, 0, sizeof *fa);
  return 0;
}

static struct action *add(posix_spawn_file_actions_t *fa) {
  if (fa->__used == fa->__allocated) {
    int n = fa->__allocated ? fa->__allocated * 2 : 8;
    struct action *a = realloc(fa->__actions, (size_t)n * sizeof *a);
    if (!a) return NULL;
    fa->__actions = a;
    fa->__allocated = n;
  }
  struct action *a = (struct action *)fa->__actions + fa->__used++;
  memset(a, 0, sizeof *a);
  return a;
}

WVP_API int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd) {
  if (!valid_fd(fd)) return EBADF;
  struct action *a = add(fa);
  if (!a) return ENOMEM;
  a->op = FA_CLOSE;
  a->fd = fd;
  return 0;
}

WVP_API int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd) {
  if (!valid_fd(fd) || !valid_fd(newfd)) return EBADF;
  struct action *a = add(fa);
  if (!a) return ENOMEM;
  a->op = FA_DUP2;
  a->fd = fd;
  a->newfd = newfd;
  return 0;
}

WVP_API int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *restrict fa, int fd,
                                     const char *restrict path, int oflag, mode_t mode) {
  if (!valid_fd(fd)) return EBADF;
  char *p = strdup(path);
  if (!p) return ENOMEM;
  struct action *a = add(fa);
  if (!a) { free(p); return ENOMEM; }
  a->op = FA_OPEN;
  a->fd = fd;
  a->path = p;
  a->oflag = oflag;
  a->mode = mode;
  return 0;
}

WVP_API int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *restrict fa, const char *restrict path) {
  char *p = strdup(path);
  if (!p) return ENOMEM;
  struct action *a = add(fa);
  if (!a) { free(p); return ENOMEM; }
  a->op = FA_CHDIR;
  a->path = p;
  return 0;
}

/* The child as the file actions leave it. */
#define UNTOUCHED (-2)         /* the parent's fd, kept if it is open and not close-on-exec */
#define CLOSED (-1)
struct plan {
  int child[WVP_MAX_FDS];   /* child fd -> parent fd (a dup2 or open made it), or UNTOUCHED, CLOSED */
  int opened[WVP_MAX_FDS];  /* fds opened for the child, closed after the spawn */
  int nopened;
  char cwd[PATH_MAX];       /* the child's working directory */
  /* Scratch space (kept off the guest's small stack). */
  wv_spawn_fd map[WVP_MAX_FDS];
  char path[PATH_MAX], saved[PATH_MAX], dir[PATH_MAX], rel[PATH_MAX], abs[PATH_MAX];
};

#define join __wvp_join

static void plan_free(struct plan *p) {
  for (int i = 0; i < p->nopened; i++) close(p->opened[i]);
  free(p);
}

/* Runs the attributes' checks and the file actions on a model of the child. */
static int plan_make(struct plan **out, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *at) {
  int flags = at ? at->__flags : 0;
  /* glibc's child calls setsid() before setpgid(): a session leader cannot move, EPERM. */
  if ((flags & POSIX_SPAWN_SETSID) && (flags & POSIX_SPAWN_SETPGROUP)) return EPERM;
  if ((flags & POSIX_SPAWN_SETPGROUP) && at->__pgrp < 0) return EINVAL;
  struct plan *p = malloc(sizeof *p);
  if (!p) return ENOMEM;
  p->nopened = 0;
  if (!getcwd(p->cwd, sizeof p->cwd)) { free(p); return errno; }
  /* File actions run where Linux runs them, before the exec: every fd of the
   * parent is there (close-on-exec ones too); a dup2 or open result is not
   * close-on-exec. */
  for (int fd = 0; fd < WVP_MAX_FDS; fd++) p->child[fd] = UNTOUCHED;
  const struct action *acts = fa ? fa->__actions : NULL;
  for (int i = 0; fa && i < fa->__used; i++) {
    const struct action *a = &acts[i];
    switch (a->op) {
      case FA_CLOSE:
        p->child[a->fd] = CLOSED;
        break;
      case FA_DUP2: {
        int src = p->child[a->fd];
        if (src == UNTOUCHED) src = __wvp_fd_open(a->fd) == 0 ? a->fd : CLOSED;
        if (src == CLOSED) { plan_free(p); return EBADF; }
        p->child[a->newfd] = src;
        break;
      }
      case FA_OPEN: {
        int e = join(p->path, sizeof p->path, p->cwd, a->path);
        if (e) { plan_free(p); return e; }
        int fd = open(p->path, a->oflag, a->mode);
        if (fd < 0) { e = errno; plan_free(p); return e; }
        p->opened[p->nopened++] = fd;
        p->child[a->fd] = fd;
        break;
      }
      case FA_CHDIR: {
        /* chdir there and back (wasi-libc's working directory lives in the
         * program), for chdir's own errors and getcwd's spelling. */
        int e = join(p->path, sizeof p->path, p->cwd, a->path);
        if (!e && !getcwd(p->saved, sizeof p->saved)) e = errno;
        if (!e && chdir(p->path) != 0) e = errno;
        else if (!e) {
          if (!getcwd(p->cwd, sizeof p->cwd)) e = errno;
          chdir(p->saved);
        }
        if (e) { plan_free(p); return e; }
        break;
      }
    }
  }
  /* The exec: untouched fds stay when open and not close-on-exec. The kernel knows which those are
   * (WV_SPAWN_EXEC_FDS below): the map names only the fds the file actions made or closed. */
  *out = p;
  return 0;
}

/* One spawn of an absolute path with a made plan. */
static int spawn_one(pid_t *pidp, const char *path, struct plan *p, const posix_spawnattr_t *at,
                     char *const argv[], char *const envp[]) {
  wv_spawn_fd *map = p->map;
  uint32_t n = 0, argc = 0, envc = 0;
  for (int fd = 0; fd < WVP_MAX_FDS; fd++) {
    if (p->child[fd] == UNTOUCHED) continue;
    map[n].child_fd = fd;
    map[n].parent_fd = p->child[fd] >= 0 ? p->child[fd] : -1; /* -1: closed in the child */
    n++;
  }
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
  r.cwd = p->cwd;
  r.cwd_len = (uint32_t)strlen(p->cwd);
  r.fds = map;
  r.nfds = n;
  int flags = at ? at->__flags : 0;
  r.pgid = (flags & POSIX_SPAWN_SETPGROUP) ? at->__pgrp : -1;
  r.flags = ((flags & POSIX_SPAWN_SETSID) ? WV_SPAWN_SETSID : 0) | WV_SPAWN_EXEC_FDS;
  int32_t pid = 0;
  int32_t e = __wv_spawn(&r, &pid);
  if (e == EISDIR) e = EACCES; /* execve(2) of a directory */
  if (e) return e;
  if (pidp) *pidp = pid;
  return 0;
}

WVP_API int posix_spawn(pid_t *restrict pidp, const char *restrict path, const posix_spawn_file_actions_t *fa,
                const posix_spawnattr_t *restrict at, char *const argv[], char *const envp[]) {
  struct plan *p;
  int e = plan_make(&p, fa, at);
  if (e) return e;
  if (!getcwd(p->dir, sizeof p->dir)) e = errno;
  else if (path[0] == 0) e = ENOENT;
  else e = join(p->abs, sizeof p->abs, p->dir, path);
  if (!e) e = spawn_one(pidp, p->abs, p, at, argv, envp);
  plan_free(p);
  return e;
}

/* posix_spawnp: a file without '/' is looked for in $PATH (unset: /bin:/usr/bin), as glibc
 * does: ENOENT, ENOTDIR and EACCES go on to the next directory, EACCES is reported when
 * nothing ran and one was seen, any other error stops the search. */
WVP_API int posix_spawnp(pid_t *restrict pidp, const char *restrict file, const posix_spawn_file_actions_t *fa,
                 const posix_spawnattr_t *restrict at, char *const argv[], char *const envp[]) {
  if (strchr(file, '/')) return posix_spawn(pidp, file, fa, at, argv, envp);
  if (file[0] == 0) return ENOENT;
  struct plan *p;
  int e = plan_make(&p, fa, at);
  if (e) return e;
  const char *search = getenv("PATH");
  if (!search) search = "/bin:/usr/bin";
  char *cwd = p->saved, *dir = p->dir, *rel = p->rel, *abs = p->abs;
  int got_eacces = 0;
  e = ENOENT;
  if (!getcwd(cwd, PATH_MAX)) { e = errno; plan_free(p); return e; }
  for (const char *s = search;; s++) {
    const char *end = strchr(s, ':');
    size_t len = end ? (size_t)(end - s) : strlen(s);
    if (len >= PATH_MAX) { e = ENAMETOOLONG; }
    else {
      memcpy(dir, s, len);
      dir[len] = 0;
      int je = join(rel, PATH_MAX, len ? dir : ".", file);
      if (!je) je = join(abs, PATH_MAX, cwd, rel);
      e = je ? je : spawn_one(pidp, abs, p, at, argv, envp);
      if (e == 0) break;
      if (e == EACCES) got_eacces = 1;
      else if (e != ENOENT && e != ENOTDIR && e != ENAMETOOLONG) break;
    }
    if (!end) break;
    s = end;
  }
  if (e && got_eacces && (e == ENOENT || e == ENOTDIR || e == ENAMETOOLONG)) e = EACCES;
  plan_free(p);
  return e;
}
