/* sh/exec.h - running a parsed list: and-or lists, pipelines (wv_pipe + wv_spawn with an fd
 * map per command, a new process group per job under job control), redirections, and
 * builtins run inside the shell with fds 0-2 moved around them. */
#ifndef SH_EXEC_H
#define SH_EXEC_H

#define MAX_FD 10  /* redirections name fds 0..9 */

typedef int (*builtin_fn)(int argc, char **argv);
static builtin_fn builtin_find(const char *name);

/* Applies c's redirections to map (child fd -> shell fd, -1 closed). Files opened go in
 * opened[] for the caller to close. Returns 0 after printing an error. */
static int apply_redirs(const redir *r, int map[MAX_FD], int *opened, int *nopened) {
  for (; r; r = r->next) {
    if (r->fd >= MAX_FD) { err_printf("%d: Bad file descriptor", r->fd); return 0; }
    char *target = expand_string(r->word);
    if (r->op == R_DUPOUT || r->op == R_DUPIN) {
      if (strcmp(target, "-") == 0) {
        map[r->fd] = -1;
      } else if (target[0] >= '0' && target[0] <= '9' && target[1] == 0) {
        int m = target[0] - '0';
        if (map[m] < 0) { err_printf("%s: Bad file descriptor", target); free(target); return 0; }
        map[r->fd] = map[m];
      } else if (r->op == R_DUPOUT && r->fd == 1) { /* >&FILE: stdout and stderr to FILE */
        int fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0) { err_printf("%s: %s", target, strerror(errno)); free(target); return 0; }
        opened[(*nopened)++] = fd;
        map[1] = map[2] = fd;
      } else {
        err_printf("%s: ambiguous redirect", target);
        free(target);
        return 0;
      }
      free(target);
      continue;
    }
    int flags = r->op == R_IN ? O_RDONLY : r->op == R_OUT ? (O_WRONLY | O_CREAT | O_TRUNC) : (O_WRONLY | O_CREAT | O_APPEND);
    int fd = open(target, flags, 0666);
    if (fd < 0) { err_printf("%s: %s", target, strerror(errno)); free(target); return 0; }
    free(target);
    if (*nopened >= 2 * MAX_FD) { close(fd); err_printf("too many redirections"); return 0; }
    opened[(*nopened)++] = fd;
    map[r->fd] = fd;
  }
  return 1;
}

/* Runs a builtin with fds 0-2 as map says, restoring them afterwards. */
static int run_builtin(builtin_fn fn, fields *args, const int map[MAX_FD]) {
  int tmp[3], saved[3];
  for (int k = 0; k < 3; k++) {
    tmp[k] = saved[k] = -2; /* -2: fd k left alone */
    if (map[k] == k) continue;
    tmp[k] = map[k] >= 0 ? wv_dup(map[k]) : -1;
  }
  fflush(stdout);
  fflush(stderr);
  for (int k = 0; k < 3; k++) {
    if (tmp[k] == -2) continue;
    saved[k] = wv_dup(k);
    if (tmp[k] >= 0) { wv_dup2(tmp[k], k); close(tmp[k]); } else close(k);
  }
  int st = fn(args->n, args->v);
  fflush(stdout);
  fflush(stderr);
  for (int k = 0; k < 3; k++) {
    if (saved[k] == -2) continue;
    if (saved[k] >= 0) { wv_dup2(saved[k], k); close(saved[k]); } else close(k);
  }
  return st;
}

/* NAME=VALUE with an unquoted valid NAME. */
static int is_assignment(const char *w) {
  const char *eq = strchr(w, '=');
  return eq && name_ok(w, (size_t)(eq - w));
}

/* Starts one command. Returns its pid, or -1 with *status set after printing why. */
static int spawn_command(fields *args, fields *assigns, const int map[MAX_FD], int pgid, int *status) {
  wv_spawn_fd fds[MAX_FD];
  uint32_t nf = 0;
  for (int k = 0; k < MAX_FD; k++) if (map[k] >= 0) { fds[nf].child_fd = k; fds[nf].parent_fd = map[k]; nf++; }
  int nenv = 0;
  char **envp = vars_envp(assigns->v, assigns->n, &nenv);
  wv_spawn_req req;
  memset(&req, 0, sizeof req);
  const char *name = args->v[0];
  req.path = name;
  req.path_len = (uint32_t)strlen(name);
  req.argv = (const char *const *)args->v;
  req.argc = (uint32_t)args->n;
  req.envp = (const char *const *)envp;
  req.envc = (uint32_t)nenv;
#ifdef __wasi__
  /* wasi-libc keeps the working directory in the guest; the child starts there too. */
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd)) { req.cwd = cwd; req.cwd_len = (uint32_t)strlen(cwd); }
#endif
  req.fds = fds;
  req.nfds = nf;
  req.pgid = pgid;
  if (nf == 0) { /* every fd closed: still give the child a map, or it would inherit 0-2 */
    free_strv(envp);
    err_printf("%s: no file descriptors left open", name);
    *status = 1;
    return -1;
  }
  int pid = wv_spawn(&req);
  int e = errno;
  free_strv(envp);
  if (pid >= 0) return pid;
  /* The message goes where the command's stderr would have gone (sh -c 'foo 2>/dev/null'). */
  char msg[512];
  if (e == ENOENT && !strchr(name, '/')) {
    snprintf(msg, sizeof msg, "sh: %s: command not found\n", name);
    *status = 127;
  } else {
    snprintf(msg, sizeof msg, "sh: %s: %s\n", name, strerror(e));
    *status = e == ENOENT ? 127 : 126;
  }
  fflush(stdout);
  if (map[2] >= 0) {
    size_t len = strlen(msg), off = 0;
    while (off < len) {
      ssize_t w = write(map[2], msg + off, len - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      off += (size_t)w;
    }
  }
  return -1;
}

/* Runs one pipeline, in the foreground (waits) or the background. Returns its status. */
static int run_pipeline(pipeline *pl, int bg) {
  int n = pl->n;
  job *j = NULL;
  int prev_read = -1;
  int last_status = 0, last_spawned = 0;
  int jc = sh.interactive;
  for (int i = 0; i < n; i++) {
    command *c = pl->cmds[i];
    int pfd[2] = { -1, -1 };
    if (i < n - 1 && wv_pipe(pfd) < 0) {
      err_printf("pipe: %s", strerror(errno));
      last_status = 1;
      last_spawned = 0;
      break;
    }
    int map[MAX_FD];
    for (int k = 0; k < MAX_FD; k++) map[k] = k <= 2 ? k : -1;
    if (prev_read >= 0) map[0] = prev_read;
    if (pfd[1] >= 0) map[1] = pfd[1];
    int opened[2 * MAX_FD], nopened = 0;
    fields args = {0}, assigns = {0};
    int w = 0;
    subst_status = -1;
    for (; w < c->nwords && is_assignment(c->words[w]); w++) {
      const char *eq = strchr(c->words[w], '=');
      char *val = expand_string(eq + 1);
      str s = {0};
      str_addn(&s, c->words[w], (size_t)(eq - c->words[w]) + 1);
      str_adds(&s, val);
      free(val);
      fields_push(&assigns, str_take(&s));
    }
    for (; w < c->nwords; w++) expand_word(c->words[w], &args, EX_SPLIT | EX_GLOB);
    int status = 0, spawned = 0;
    builtin_fn fn;
    if (!apply_redirs(c->redirs, map, opened, &nopened)) {
      status = 1;
    } else if (args.n == 0) {
      if (subst_status >= 0) status = subst_status; /* x=$(false) */
      for (int k = 0; k < assigns.n; k++) {
        char *eq = strchr(assigns.v[k], '=');
        *eq = 0;
        var_set(assigns.v[k], eq + 1, 0);
      }
    } else if ((fn = bg && args.v[0][0] == '%' ? builtin_find("bg") : builtin_find(args.v[0]))) {
      status = run_builtin(fn, &args, map);
    } else {
      if (!j) j = job_new(pl->text);
      int pid = -1;
      if (!j) {
        err_printf("too many jobs");
        status = 1;
      } else if (j->nproc >= (int)(sizeof j->procs / sizeof j->procs[0])) {
        err_printf("too many commands in one pipeline");
        status = 1;
      } else {
        pid = spawn_command(&args, &assigns, map, jc ? (j->pgid ? j->pgid : 0) : -1, &status);
      }
      if (pid >= 0) {
        spawned = 1;
        j->procs[j->nproc].pid = pid;
        j->procs[j->nproc].state = P_RUNNING;
        j->nproc++;
        if (jc && !j->pgid) {
          j->pgid = pid;
          if (!bg) { term_cooked(); term_give(pid); }
        }
        if (bg) sh.last_bg = pid;
      }
    }
    for (int k = 0; k < nopened; k++) close(opened[k]);
    if (prev_read >= 0) close(prev_read);
    if (pfd[1] >= 0) close(pfd[1]);
    prev_read = pfd[0];
    fields_free(&args);
    fields_free(&assigns);
    if (i == n - 1) { last_status = status; last_spawned = spawned; }
  }
  if (prev_read >= 0) close(prev_read);
  if (j && j->nproc == 0) { job_free(j); j = NULL; }
  int status = last_status;
  if (j) {
    if (bg) {
      j->bg = 1;
      if (sh.interactive) { fflush(stdout); fprintf(stderr, "[%d] %d\n", j->id, j->procs[j->nproc - 1].pid); }
      return 0;
    }
    int st = job_wait_fg(j);
    if (last_spawned) status = st;
  }
  return pl->bang ? !status : status;
}

static void run_andor(andor *a) {
  /* Without fork the shell cannot put a whole "a && b" in the background: its pipelines run
   * in turn and only the last one goes to the background. */
  for (int i = 0; i < a->n; i++) {
    if (i > 0 && (a->ops[i - 1] == OP_AND) != (sh.status == 0)) continue;
    sh.status = run_pipeline(a->pipes[i], a->bg && i == a->n - 1);
    if (sh.exiting) return;
  }
}

static void run_list(list *l) {
  for (int i = 0; i < l->n && !sh.exiting; i++) {
    run_andor(l->items[i]);
    if (!sh.interactive) jobs_notify();
  }
}

#endif
