/* sh/builtins.h - the commands the shell runs itself, and the history list they share with
 * the line editor. true, false, echo and the rest are programs in /bin. */
#ifndef SH_BUILTINS_H
#define SH_BUILTINS_H

/* ---- history ---- */

#define MAX_HISTORY 500
static char *history[MAX_HISTORY];
static int nhistory;     /* entries held */
static int history_base; /* the number of the first entry held, minus 1 */

static void history_add(const char *line) {
  size_t n = strlen(line);
  while (n && (line[n - 1] == ' ' || line[n - 1] == '\t')) n--;
  if (n == 0) return;
  if (nhistory && strlen(history[nhistory - 1]) == n && strncmp(history[nhistory - 1], line, n) == 0) return;
  if (nhistory == MAX_HISTORY) {
    free(history[0]);
    memmove(history, history + 1, (MAX_HISTORY - 1) * sizeof *history);
    nhistory--;
    history_base++;
  }
  char *s = xmalloc(n + 1);
  memcpy(s, line, n);
  s[n] = 0;
  history[nhistory++] = s;
}

/* ---- job specs ---- */

/* %N, %%, %+, %-, %PREFIX, or no spec (the current job). Prints an error when none matches. */
static job *job_from_spec(const char *who, const char *spec) {
  job *j = NULL;
  if (!spec || strcmp(spec, "%%") == 0 || strcmp(spec, "%+") == 0 || strcmp(spec, "%") == 0) {
    j = job_current(0);
  } else if (strcmp(spec, "%-") == 0) {
    j = job_current(1);
  } else {
    const char *s = spec[0] == '%' ? spec + 1 : spec;
    if (*s >= '0' && *s <= '9') {
      j = job_by_id(atoi(s));
    } else {
      for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i] && strncmp(jobs[i]->cmd, s, strlen(s)) == 0 && (!j || jobs[i]->seq > j->seq)) j = jobs[i];
    }
  }
  if (j && job_state(j) == P_DONE) j = NULL;
  if (!j) err_printf("%s: %s: no such job", who, spec ? spec : "current");
  return j;
}

/* ---- the builtins ---- */

static int bi_colon(int argc, char **argv) { (void)argc; (void)argv; return 0; }

static int bi_cd(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : var_get("HOME");
  int print = 0;
  if (!dir || !*dir) dir = "/";
  if (strcmp(dir, "-") == 0) {
    dir = var_get("OLDPWD");
    if (!dir) { err_printf("cd: OLDPWD not set"); return 1; }
    print = 1;
  }
  char *target = xstrdup(dir);
  char old[PATH_MAX];
  if (!getcwd(old, sizeof old)) old[0] = 0;
  if (chdir(target) < 0) {
    err_printf("cd: %s: %s", target, strerror(errno));
    free(target);
    return 1;
  }
  free(target);
  char cwd[PATH_MAX];
  if (old[0]) var_set("OLDPWD", old, 0);
  if (getcwd(cwd, sizeof cwd)) {
    var_set("PWD", cwd, 0);
    if (print) printf("%s\n", cwd);
  }
  return 0;
}

static int bi_pwd(int argc, char **argv) {
  (void)argc; (void)argv;
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) { err_printf("pwd: %s", strerror(errno)); return 1; }
  printf("%s\n", cwd);
  return 0;
}

static int cmp_var(const void *a, const void *b) {
  return strcmp(((const var *)a)->name, ((const var *)b)->name);
}
static int bi_export(int argc, char **argv) {
  int st = 0;
  if (argc == 1 || (argc == 2 && strcmp(argv[1], "-p") == 0)) {
    qsort(vars, (size_t)nvars, sizeof *vars, cmp_var);
    for (int i = 0; i < nvars; i++) {
      if (!vars[i].exported) continue;
      printf("export %s='", vars[i].name);
      for (const char *p = vars[i].value; *p; p++) {
        if (*p == '\'') fputs("'\\''", stdout); else putchar(*p);
      }
      printf("'\n");
    }
    return 0;
  }
  for (int i = 1; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
    if (!name_ok(argv[i], n)) { err_printf("export: `%s': not a valid identifier", argv[i]); st = 1; continue; }
    char *name = xstrdup(argv[i]);
    name[n] = 0;
    if (eq) var_set(name, eq + 1, 1);
    else if (var_get(name)) var_set(name, var_get(name), 1);
    else var_set(name, "", 1);
    free(name);
  }
  return st;
}

static int bi_unset(int argc, char **argv) {
  int st = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-v") == 0) continue;
    if (!name_ok(argv[i], strlen(argv[i]))) { err_printf("unset: `%s': not a valid identifier", argv[i]); st = 1; continue; }
    var_unset(argv[i]);
  }
  return st;
}

static int bi_exit(int argc, char **argv) {
  if (!shell_may_exit()) return 1;
  sh.exiting = 1;
  if (argc > 1) {
    char *end;
    long n = strtol(argv[1], &end, 10);
    if (*end || end == argv[1]) { err_printf("exit: %s: numeric argument required", argv[1]); return 2; }
    return (int)(n & 0xff);
  }
  return sh.status;
}

static int bi_jobs(int argc, char **argv) {
  (void)argc; (void)argv;
  jobs_poll();
  for (int id = 1, left = 1; left; id++) {
    left = 0;
    for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] && jobs[i]->id >= id) left = 1;
    job *j = job_by_id(id);
    if (!j) continue;
    job_print(stdout, j);
    if (job_state(j) == P_DONE) job_free(j);
    else if (job_state(j) == P_STOPPED) j->notified = 1;
  }
  return 0;
}

static int bi_fg(int argc, char **argv) {
  const char *spec = argv[0][0] == '%' ? argv[0] : argc > 1 ? argv[1] : NULL;
  if (!sh.interactive) { err_printf("fg: no job control"); return 1; }
  job *j = job_from_spec("fg", spec);
  return j ? job_continue(j, 1) : 1;
}

static int bi_bg(int argc, char **argv) {
  const char *spec = argv[0][0] == '%' ? argv[0] : argc > 1 ? argv[1] : NULL;
  if (!sh.interactive) { err_printf("bg: no job control"); return 1; }
  job *j = job_from_spec("bg", spec);
  if (!j) return 1;
  if (job_state(j) == P_RUNNING) { err_printf("bg: job %d already in background", j->id); return 0; }
  return job_continue(j, 0);
}

static int bi_wait(int argc, char **argv) {
  int st = 0;
  if (argc == 1) {
    for (;;) {
      int any = 0;
      for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] && job_state(jobs[i]) == P_RUNNING) any = 1;
      if (!any) break;
      int s = 0;
      int pid = wv_waitpid(-1, &s, WV_WUNTRACED);
      if (pid < 0) { if (errno == EINTR) continue; break; }
      note_status(pid, s);
    }
    for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] && job_state(jobs[i]) == P_DONE) job_free(jobs[i]);
    return 0;
  }
  for (int a = 1; a < argc; a++) {
    job *j = NULL;
    if (argv[a][0] == '%') {
      j = job_from_spec("wait", argv[a]);
      if (!j) { st = 127; continue; }
    } else {
      int pid = atoi(argv[a]);
      for (int i = 0; i < MAX_JOBS && !j; i++)
        for (int k = 0; jobs[i] && k < jobs[i]->nproc; k++) if (jobs[i]->procs[k].pid == pid) j = jobs[i];
      if (!j) { err_printf("wait: pid %s is not a child of this shell", argv[a]); st = 127; continue; }
    }
    while (job_state(j) == P_RUNNING) {
      int s = 0;
      int pid = wv_waitpid(-1, &s, WV_WUNTRACED);
      if (pid < 0) { if (errno == EINTR) continue; break; }
      note_status(pid, s);
    }
    st = status_code(job_last_status(j));
    if (job_state(j) == P_DONE) job_free(j);
  }
  return st;
}

static int bi_kill(int argc, char **argv) {
  int sig = SH_SIGTERM, i = 1, st = 0;
  if (argc > 1 && strcmp(argv[1], "-l") == 0) {
    if (argc > 2) {
      int n = atoi(argv[2]);
      if (n > 128) n -= 128;
      for (int k = 0; k < NSIGNALS; k++) if (signal_table[k].num == n) { printf("%s\n", signal_table[k].name); return 0; }
      err_printf("kill: %s: invalid signal specification", argv[2]);
      return 1;
    }
    for (int k = 0; k < NSIGNALS; k++) printf("%2d) SIG%s\n", signal_table[k].num, signal_table[k].name);
    return 0;
  }
  if (i < argc && strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
    sig = signal_parse(argv[i + 1]);
    if (sig < 0) { err_printf("kill: %s: invalid signal specification", argv[i + 1]); return 1; }
    i += 2;
  } else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
    sig = signal_parse(argv[i] + 1);
    if (sig < 0) { err_printf("kill: %s: invalid signal specification", argv[i] + 1); return 1; }
    i++;
  }
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (i >= argc) { err_printf("kill: usage: kill [-s SIGNAL | -SIGNAL] pid | %%job ..."); return 2; }
  job *killed = NULL;
  for (; i < argc; i++) {
    if (argv[i][0] == '%') {
      job *j = job_from_spec("kill", argv[i]);
      if (!j) { st = 1; continue; }
      int stopped = job_state(j) == P_STOPPED;
      int r = 0;
      if (j->pgid) r = wv_kill(-j->pgid, sig);
      else for (int k = 0; k < j->nproc; k++) if (j->procs[k].state != P_DONE) r |= wv_kill(j->procs[k].pid, sig);
      if (r < 0) { err_printf("kill: %s: %s", argv[i], strerror(errno)); st = 1; continue; }
      killed = j;
      /* A stopped job only acts on a signal once continued (as bash does). */
      if (stopped && sig != SH_SIGKILL && sig != SH_SIGCONT && sig != SH_SIGSTOP && sig != SH_SIGTSTP && sig != 0) {
        if (j->pgid) wv_kill(-j->pgid, SH_SIGCONT);
        else for (int k = 0; k < j->nproc; k++) if (j->procs[k].state != P_DONE) wv_kill(j->procs[k].pid, SH_SIGCONT);
      }
      continue;
    }
    char *end;
    long pid = strtol(argv[i], &end, 10);
    if (*end || end == argv[i]) {
      err_printf("kill: %s: arguments must be process or job IDs", argv[i]);
      st = 1;
      continue;
    }
    if (wv_kill((int)pid, sig) < 0) {
      err_printf("kill: (%ld) - %s", pid, strerror(errno));
      st = 1;
    }
  }
  /* Give a signalled job up to a second to change state, so the notice comes before the next
   * prompt rather than one prompt later (a job that ignores the signal costs the wait). */
  int harmless = sig == 0 || sig == SH_SIGCONT || sig == 17 /* CHLD */ || sig == 23 /* URG */ || sig == 28 /* WINCH */;
  if (killed && sh.interactive && !harmless) {
    for (int t = 0; t < 200; t++) {
      jobs_poll();
      int any = 0;
      for (int k = 0; k < MAX_JOBS; k++) if (jobs[k] == killed) any = 1;
      if (!any || job_state(killed) != P_RUNNING) break;
      struct timespec ts = { 0, 5 * 1000 * 1000 };
      nanosleep(&ts, NULL);
    }
  }
  return st;
}

static int bi_ps(int argc, char **argv) {
  (void)argc; (void)argv;
  jobs_poll();
  printf("%7s %7s %7s %-4s %s\n", "PID", "PGID", "JOB", "STAT", "COMMAND");
  int pg = wv_getpgid(sh.pid);
  printf("%7d %7d %7s %-4s %s\n", sh.pid, pg, "-", "R", "sh");
  for (int id = 1, left = 1; left; id++) {
    left = 0;
    for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] && jobs[i]->id >= id) left = 1;
    job *j = job_by_id(id);
    if (!j) continue;
    for (int k = 0; k < j->nproc; k++) {
      const proc *p = &j->procs[k];
      char jid[16];
      snprintf(jid, sizeof jid, "%%%d", j->id);
      int g = j->pgid ? j->pgid : wv_getpgid(p->pid);
      const char *stat = p->state == P_RUNNING ? "R" : p->state == P_STOPPED ? "T" : "Z";
      printf("%7d %7d %7s %-4s %s\n", p->pid, g, jid, stat, j->cmd);
    }
  }
  return 0;
}

static int bi_history(int argc, char **argv) {
  (void)argc; (void)argv;
  for (int i = 0; i < nhistory; i++) printf("%5d  %s\n", history_base + i + 1, history[i]);
  return 0;
}

static int bi_clear(int argc, char **argv) {
  (void)argc; (void)argv;
  /* Cursor home, erase the screen and the scrollback (as ncurses' clear does on xterm). */
  fputs("\033[H\033[2J\033[3J", stdout);
  fflush(stdout);
  return 0;
}

static int bi_help(int argc, char **argv);

static const struct { const char *name; builtin_fn fn; const char *usage; } builtins[] = {
  {":", bi_colon, ":                     does nothing, successfully"},
  {"bg", bi_bg, "bg [%N]               continues a stopped job in the background"},
  {"cd", bi_cd, "cd [DIR | -]          changes the working directory (no DIR: $HOME, or /)"},
  {"clear", bi_clear, "clear                 clears the terminal"},
  {"exit", bi_exit, "exit [N]              leaves the shell with status N (default $?)"},
  {"export", bi_export, "export [NAME[=VALUE]...]  passes variables to programs; no NAME lists them"},
  {"fg", bi_fg, "fg [%N]               brings a job to the foreground (also: %N)"},
  {"help", bi_help, "help                  this list"},
  {"history", bi_history, "history               the lines typed so far (up/down arrows recall them)"},
  {"jobs", bi_jobs, "jobs                  lists jobs: running, stopped, done"},
  {"kill", bi_kill, "kill [-SIG | -N] PID | %N ...  sends a signal (default TERM); kill -l lists them"},
  {"ps", bi_ps, "ps                    the shell and its jobs' processes"},
  {"pwd", bi_pwd, "pwd                   prints the working directory"},
  {"unset", bi_unset, "unset NAME...         removes variables"},
  {"wait", bi_wait, "wait [PID | %N]       waits for background jobs"},
};
#define NBUILTINS (int)(sizeof builtins / sizeof builtins[0])

static int bi_help(int argc, char **argv) {
  (void)argc; (void)argv;
  printf("wVisor sh: pipelines (|), lists (; && || &), redirections (< > >> 2> 2>&1), quoting ('' \"\" \\),\n"
         "variables ($NAME ${NAME} $? $$ $!, NAME=VALUE), $(command), patterns (* ? [...]), job control (^Z, jobs, fg, bg).\n"
         "Programs are found by name in /bin. Builtins:\n");
  for (int i = 0; i < NBUILTINS; i++) printf("  %s\n", builtins[i].usage);
  return 0;
}

static builtin_fn builtin_find(const char *name) {
  if (name[0] == '%') return bi_fg;
  for (int i = 0; i < NBUILTINS; i++) if (strcmp(builtins[i].name, name) == 0) return builtins[i].fn;
  return NULL;
}

#endif
