/* sh/exec.h - running a parsed list: and-or lists, pipelines (wv_pipe + wv_spawn with an fd
 * map per command, a new process group per job under job control), redirections, compound
 * commands and functions, and builtins run inside the shell with fds 0-2 moved around them.
 *
 * There is no fork, so what a POSIX shell runs in a forked copy of itself is done one of two
 * ways:
 *  - in the shell itself, when nothing runs beside it: a compound command or a function call
 *    that is a whole pipeline in the foreground, and `( list )` there too, which saves the
 *    shell's state (variables, exported or not, positional parameters, functions, local
 *    variables, the working directory, $!) and puts it back afterwards; `exit` in it ends
 *    only it. So `(cd /tmp; ls)` leaves the shell where it was, at no spawn's cost.
 *  - in a new copy of the shell (spawn_shell: `sh -c PRELUDE+TEXT`), when it runs beside
 *    other commands: a compound command or function call in a pipeline of two or more
 *    (`( a; b ) | c`, `f | wc -l`), in the background (`{ ...; } &`, `a && b &`), and
 *    $(...). The child gets the exported variables in its environment, as any program, and
 *    a prelude script that assigns the unexported ones and defines the functions (from their
 *    source text), plus $?, $$ and $! of the parent (the environment variable WVSH_SUBSHELL,
 *    which it removes), the positional parameters as its arguments, and the command's source
 *    text with its here-documents. A function called in a pipeline gets its expanded words
 *    as the child's arguments (the child runs "$@"), so they are not expanded twice.
 *    What differs from fork: fds above 9 are not passed; local variables of the function
 *    running are ordinary variables in the child.
 * A builtin in a pipeline of two or more runs in the shell (as before), so `echo x | read v`
 * sets v here, where dash's subshell would not.
 * Redirections of compound commands and functions are kept in a table of the shell's fds
 * 0..9 (vfd): a command run inside them starts from it, so the shell's own fds (a script
 * file, wVisor's preopened directories at fd 3...) are never moved. */
#ifndef SH_EXEC_H
#define SH_EXEC_H


typedef int (*builtin_fn)(int argc, char **argv);
static builtin_fn builtin_find(const char *name);

/* A here-document's text as a readable fd: a pipe when it fits (written before the command
 * starts), else a file in /tmp removed at once. -1 after printing why. */
static int heredoc_fd(const redir *r) {
  char *text = r->quoted ? xstrdup(r->body) : expand_heredoc(r->body);
  size_t n = strlen(text), off = 0;
  int fd = -1, wfd = -1;
  if (n <= 32768) {
    int pfd[2];
    if (wv_pipe(pfd) < 0) { err_printf("pipe: %s", strerror(errno)); free(text); return -1; }
    fd = pfd[0];
    wfd = pfd[1];
  } else {
    static int seq;
    char path[64];
    snprintf(path, sizeof path, "/tmp/.sh-heredoc-%d-%d", sh.pid, ++seq);
    wfd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (wfd >= 0) fd = open(path, O_RDONLY);
    unlink(path);
    if (wfd < 0 || fd < 0) {
      err_printf("here-document: %s: %s", path, strerror(errno));
      if (wfd >= 0) close(wfd);
      free(text);
      return -1;
    }
  }
  while (off < n) {
    ssize_t w = write(wfd, text + off, n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += (size_t)w;
  }
  close(wfd);
  free(text);
  return fd;
}

/* Applies c's redirections to map (child fd -> shell fd, -1 closed). Files opened go in
 * opened[] for the caller to close. Returns 0 after printing an error. */
static int apply_redirs(const redir *r, int map[MAX_FD], int *opened, int *nopened) {
  for (; r; r = r->next) {
    if (r->fd >= MAX_FD) { err_printf("%d: Bad file descriptor", r->fd); return 0; }
    if (r->op == R_HEREDOC) {
      if (*nopened >= 2 * MAX_FD) { err_printf("too many redirections"); return 0; }
      int fd = heredoc_fd(r);
      if (fd < 0) return 0;
      opened[(*nopened)++] = fd;
      map[r->fd] = fd;
      continue;
    }
    char *target = expand_string(r->word);
    if (sh.expand_failed) { free(target); return 0; }
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
        if (*nopened >= 2 * MAX_FD) { close(fd); err_printf("too many redirections"); free(target); return 0; }
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

/* ---- redirections of compound commands and functions: the vfd table ---- */

typedef struct fdsave { int vfd[MAX_FD]; int opened[2 * MAX_FD]; int nopened; } fdsave;

/* Applies redirections to the vfd table, remembering it in s. Returns 0 after an error. */
static int redir_push(const redir *r, fdsave *s) {
  memcpy(s->vfd, vfd, sizeof vfd);
  s->nopened = 0;
  if (!r) return 1;
  int map[MAX_FD];
  memcpy(map, vfd, sizeof map);
  if (!apply_redirs(r, map, s->opened, &s->nopened)) {
    for (int k = 0; k < s->nopened; k++) close(s->opened[k]);
    s->nopened = 0;
    return 0;
  }
  memcpy(vfd, map, sizeof map);
  return 1;
}
static void redir_pop(fdsave *s) {
  fflush(stdout);
  memcpy(vfd, s->vfd, sizeof vfd);
  for (int k = 0; k < s->nopened; k++) close(s->opened[k]);
  s->nopened = 0;
}

/* break, continue, return, exit or ^C: stop running commands here. */
static int interrupted(void) {
  return sh.exiting || sh.breaking || sh.continuing || sh.returning || sh.intr;
}

/* An expansion failed (it printed why): the command's status is 2, and a shell that is not
 * interactive stops, as dash does. */
static int expansion_failed(void) {
  if (!sh.expand_failed) return 0;
  sh.expand_failed = 0;
  if (!sh.interactive) sh.exiting = 1;
  return 1;
}

static int spawn_shell(const char *script, char **args, int nargs, const int map[MAX_FD], int pgid) {
#ifdef __wasi__
  static const char self[] = "sh";              /* /bin/sh: this shell */
#else
  static const char self[] = "/proc/self/exe";
#endif
  str text = {0};
  child_prelude(&text);
  str_adds(&text, script);
  fields argv = {0};
  fields_push(&argv, xstrdup("sh"));
  fields_push(&argv, xstrdup("-c"));
  fields_push(&argv, str_take(&text));
  fields_push(&argv, xstrdup(arg0 ? arg0 : "sh"));
  if (args) for (int k = 0; k < nargs; k++) fields_push(&argv, xstrdup(args[k]));
  else for (int k = 0; k < nparams; k++) fields_push(&argv, xstrdup(params[k]));
  char state[96];
  snprintf(state, sizeof state, "WVSH_SUBSHELL=%d %d %d", sh.status, sh.pid, sh.last_bg);
  char *extra[1] = { state };
  int nenv = 0;
  char **envp = vars_envp(extra, 1, &nenv);
  wv_spawn_fd fds[MAX_FD];
  uint32_t nf = 0;
  for (int k = 0; k < MAX_FD; k++) if (map[k] >= 0) { fds[nf].child_fd = k; fds[nf].parent_fd = map[k]; nf++; }
  wv_spawn_req req;
  memset(&req, 0, sizeof req);
  req.path = self;
  req.path_len = (uint32_t)strlen(self);
  req.argv = (const char *const *)argv.v;
  req.argc = (uint32_t)argv.n;
  req.envp = (const char *const *)envp;
  req.envc = (uint32_t)nenv;
#ifdef __wasi__
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd)) { req.cwd = cwd; req.cwd_len = (uint32_t)strlen(cwd); }
#endif
  req.fds = fds;
  req.nfds = nf;
  req.pgid = pgid;
  fflush(stdout);
  int pid = nf ? wv_spawn(&req) : (errno = EBADF, -1);
  int e = errno;
  fields_free(&argv);
  free_strv(envp);
  errno = e;
  return pid;
}

/* Adds a started process to the pipeline's job (made on the first one). */
static void job_add_proc(job **jp, const char *text, int pid, int bg) {
  int jc = sh.interactive;
  job *j = *jp;
  j->procs[j->nproc].pid = pid;
  j->procs[j->nproc].state = P_RUNNING;
  j->nproc++;
  if (jc && !j->pgid) {
    j->pgid = pid;
    if (!bg) { term_cooked(); term_give(pid); }
  }
  if (bg) sh.last_bg = pid;
  (void)text;
}

static int exec_list(list *l);
static int exec_compound(command *c);

/* Calls a function with args (args[0] its name) and fds as map says. */
static int call_function(func *f, fields *args, fields *assigns, const int map[MAX_FD]) {
  if (sh.func_depth >= 1000) { err_printf("%s: functions nested too deeply", f->name); return 2; }
  int saved_vfd[MAX_FD];
  memcpy(saved_vfd, vfd, sizeof vfd);
  memcpy(vfd, map, sizeof vfd);
  char **saved_params = params;
  int saved_n = nparams, saved_loops = sh.loop_depth;
  params = strv_dup(args->v + 1, args->n - 1);
  nparams = args->n - 1;
  int frame = ++sh.func_depth;
  for (int k = 0; k < assigns->n; k++) { /* NAME=VALUE f: for the call only */
    char *eq = strchr(assigns->v[k], '=');
    *eq = 0;
    local_save(assigns->v[k], frame);
    var_set(assigns->v[k], eq + 1, 1);
    *eq = '=';
  }
  sh.loop_depth = 0;
  struct command *body = f->body;
  int st = exec_compound(body);
  if (sh.returning) { sh.returning = 0; st = sh.status; }
  sh.breaking = sh.continuing = 0;
  sh.loop_depth = saved_loops;
  locals_restore(frame);
  sh.func_depth--;
  for (int k = 0; k < nparams; k++) free(params[k]);
  free(params);
  params = saved_params;
  nparams = saved_n;
  fflush(stdout);
  memcpy(vfd, saved_vfd, sizeof vfd);
  return st;
}

/* Special builtins are found before functions (XCU 2.9.1). */
static int is_special_builtin(const char *name) {
  static const char *const sp[] = { ":", ".", "break", "continue", "eval", "exit", "export", "local", "return", "set", "shift", "unset" };
  for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++) if (strcmp(sp[i], name) == 0) return 1;
  return 0;
}

/* Runs one pipeline, in the foreground (waits) or the background. Returns its status. */
static int run_pipeline(pipeline *pl, int bg) {
  int n = pl->n;
  if (n == 1 && !bg && pl->cmds[0]->kind != N_SIMPLE) { /* a compound command: in the shell */
    int st = exec_compound(pl->cmds[0]);
    return pl->bang ? !st : st;
  }
  job *j = NULL;
  int prev_read = -1;
  int last_status = 0, last_spawned = 0;
  int jc = sh.interactive;
  for (int i = 0; i < n; i++) {
    command *c = pl->cmds[i];
    arena_mark mark = arena_here();
    int pfd[2] = { -1, -1 };
    if (i < n - 1 && wv_pipe(pfd) < 0) {
      err_printf("pipe: %s", strerror(errno));
      last_status = 1;
      last_spawned = 0;
      break;
    }
    int map[MAX_FD];
    memcpy(map, vfd, sizeof map);
    if (prev_read >= 0) map[0] = prev_read;
    if (pfd[1] >= 0) map[1] = pfd[1];
    int opened[2 * MAX_FD], nopened = 0;
    fields args = {0}, assigns = {0};
    int status = 0, spawned = 0;
    const char *shell_text = NULL; /* run by a child shell: this script */
    func *fn_call = NULL;
    builtin_fn fn = NULL;
    int external = 0;
    if (c->kind != N_SIMPLE) {
      shell_text = c->text;
    } else {
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
      for (; w < c->nwords && !sh.expand_failed; w++) expand_word(c->words[w], &args, EX_SPLIT | EX_GLOB);
    }
    if (shell_text) {
      /* the redirections are in the text */
    } else if (expansion_failed()) {
      status = 2;
    } else if (!apply_redirs(c->redirs, map, opened, &nopened)) {
      status = expansion_failed() ? 2 : 1;
    } else if (args.n == 0) {
      if (subst_status >= 0) status = subst_status; /* x=$(false) */
      for (int k = 0; k < assigns.n; k++) {
        char *eq = strchr(assigns.v[k], '=');
        *eq = 0;
        var_set(assigns.v[k], eq + 1, 0);
      }
    } else if (bg && args.v[0][0] == '%') {
      status = run_builtin(builtin_find("bg"), &args, map);
    } else if (!is_special_builtin(args.v[0]) && (fn_call = func_find(args.v[0]))) {
      if (n == 1 && !bg) { status = call_function(fn_call, &args, &assigns, map); fn_call = NULL; }
      else shell_text = "\"$@\""; /* in a child shell, with the expanded words as its arguments */
    } else if ((fn = builtin_find(args.v[0]))) {
      status = run_builtin(fn, &args, map);
    } else {
      external = 1;
    }
    if (shell_text || external) {
      if (!j) j = job_new(pl->text);
      int pid = -1;
      if (!j) {
        err_printf("too many jobs");
        status = 1;
      } else if (j->nproc >= (int)(sizeof j->procs / sizeof j->procs[0])) {
        err_printf("too many commands in one pipeline");
        status = 1;
      } else if (shell_text) {
        pid = spawn_shell(shell_text, fn_call ? args.v : NULL, fn_call ? args.n : 0, map, jc ? (j->pgid ? j->pgid : 0) : -1);
        if (pid < 0) { err_printf("cannot start a shell: %s", strerror(errno)); status = 126; }
      } else {
        pid = spawn_command(&args, &assigns, map, jc ? (j->pgid ? j->pgid : 0) : -1, &status);
      }
      if (pid >= 0) {
        spawned = 1;
        job_add_proc(&j, pl->text, pid, bg);
      }
    }
    for (int k = 0; k < nopened; k++) close(opened[k]);
    if (prev_read >= 0) close(prev_read);
    if (pfd[1] >= 0) close(pfd[1]);
    prev_read = pfd[0];
    fields_free(&args);
    fields_free(&assigns);
    arena_back(mark);
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
  if (a->bg && a->n > 1) { /* a && b &: the whole list runs in a child shell, in the background */
    job *j = job_new(a->text);
    if (!j) { err_printf("too many jobs"); sh.status = 1; return; }
    int pid = spawn_shell(a->text, NULL, 0, vfd, sh.interactive ? 0 : -1);
    if (pid < 0) { err_printf("cannot start a shell: %s", strerror(errno)); job_free(j); sh.status = 126; return; }
    job_add_proc(&j, a->text, pid, 1);
    j->bg = 1;
    if (sh.interactive) { fflush(stdout); fprintf(stderr, "[%d] %d\n", j->id, pid); }
    sh.status = 0;
    return;
  }
  for (int i = 0; i < a->n; i++) {
    if (i > 0 && (a->ops[i - 1] == OP_AND) != (sh.status == 0)) continue;
    sh.status = run_pipeline(a->pipes[i], a->bg && i == a->n - 1);
    if (interrupted()) return;
  }
}

static int exec_list(list *l) {
  for (int i = 0; i < l->n && !interrupted(); i++) {
    run_andor(l->items[i]);
    if (!sh.interactive) jobs_notify();
  }
  return sh.status;
}

/* After a loop's body: whether to leave the loop (break, or continue of an outer loop). */
static int loop_done(void) {
  if (sh.breaking) { sh.breaking--; return 1; }
  if (sh.continuing) {
    sh.continuing--;
    return sh.continuing > 0;
  }
  return sh.exiting || sh.returning || sh.intr;
}

/* Runs a compound command (or a function definition) in the shell. */
static int exec_compound(command *c) {
  if (c->kind == N_FUNCDEF) {
    arena_keep();
    func_define(c->name, c->body, c->text);
    return 0;
  }
  fdsave fs;
  arena_mark mark = arena_here();
  int ok = redir_push(c->redirs, &fs);
  arena_back(mark);
  if (!ok) return expansion_failed() ? 2 : 1;
  int st = 0;
  switch (c->kind) {
    case N_BRACE:
      st = exec_list(c->a);
      break;
    case N_SUBSHELL: {
      shell_state saved;
      state_save(&saved);
      int loops = sh.loop_depth, depth = sh.func_depth;
      sh.loop_depth = 0;
      st = exec_list(c->a);
      if (sh.exiting) { sh.exiting = 0; st = sh.status; }
      if (sh.returning) st = sh.status;
      sh.breaking = sh.continuing = sh.returning = 0;
      sh.loop_depth = loops;
      sh.func_depth = depth;
      state_restore(&saved);
      break;
    }
    case N_IF:
      exec_list(c->a);
      if (interrupted()) { st = sh.status; break; }
      if (sh.status == 0) st = exec_list(c->b);
      else if (c->c) st = exec_list(c->c);
      else st = 0;
      break;
    case N_WHILE: case N_UNTIL: {
      sh.loop_depth++;
      for (;;) {
        int cond = exec_list(c->a);
        if (interrupted()) {
          if (loop_done()) break;
          continue;
        }
        if ((cond == 0) != (c->kind == N_WHILE)) break;
        st = exec_list(c->b);
        if (interrupted() && loop_done()) break;
      }
      sh.loop_depth--;
      break;
    }
    case N_FOR: {
      fields words = {0};
      if (c->has_in) {
        for (int w = 0; w < c->nwords && !sh.expand_failed; w++) expand_word(c->words[w], &words, EX_SPLIT | EX_GLOB);
        arena_back(mark);
      } else {
        for (int k = 0; k < nparams; k++) fields_push(&words, xstrdup(params[k]));
      }
      if (expansion_failed()) { fields_free(&words); st = 2; break; }
      sh.loop_depth++;
      for (int k = 0; k < words.n; k++) {
        var_set(c->name, words.v[k], 0);
        st = exec_list(c->b);
        if (interrupted() && loop_done()) break;
      }
      sh.loop_depth--;
      fields_free(&words);
      break;
    }
    case N_CASE: {
      char *subject = expand_string(c->words[0]);
      arena_back(mark);
      if (expansion_failed()) { free(subject); st = 2; break; }
      int matched = 0;
      for (int k = 0; k < c->nitems && !matched; k++) {
        case_item *it = c->items[k];
        for (int q = 0; q < it->npats && !matched; q++) {
          char *pat = expand_pattern(it->pats[q]);
          arena_back(mark);
          if (expansion_failed()) { free(pat); matched = -1; st = 2; break; }
          if (fnmatch(pat, subject, 0) == 0) matched = 1;
          free(pat);
        }
        if (matched == 1) st = exec_list(it->body);
        if (matched == 1 && it->body->n == 0) st = 0;
      }
      free(subject);
      break;
    }
  }
  redir_pop(&fs);
  return st;
}

/* Runs a parsed line (or script, or -c text). */
static void run_list(list *l) {
  exec_list(l);
}

#endif
