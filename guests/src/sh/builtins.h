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
  int functions = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-v") == 0) continue;
    if (strcmp(argv[i], "-f") == 0) { functions = 1; continue; }
    if (functions) { func_unset(argv[i]); continue; }
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


static int bi_true(int argc, char **argv) { (void)argc; (void)argv; return 0; }
static int bi_false(int argc, char **argv) { (void)argc; (void)argv; return 1; }

/* As /bin/echo: -n first leaves out the newline; no backslash escapes. */
static int bi_echo(int argc, char **argv) {
  int i = 1, newline = 1;
  if (i < argc && strcmp(argv[i], "-n") == 0) { newline = 0; i++; }
  for (int first = i; i < argc; i++) {
    if (i > first) putchar(' ');
    fputs(argv[i], stdout);
  }
  if (newline) putchar('\n');
  return fflush(stdout) == 0 ? 0 : 1;
}

/* A count for break, continue, shift, return: a number >= min, else an error (-1). */
static int count_arg(const char *who, const char *s, int min) {
  char *end;
  long n = strtol(s, &end, 10);
  if (*end || end == s || n < min) { err_printf("%s: Illegal number: %s", who, s); return -1; }
  return n > 100000 ? 100000 : (int)n;
}

static int bi_break(int argc, char **argv) {
  int n = argc > 1 ? count_arg(argv[0], argv[1], 1) : 1;
  if (n < 0) { if (!sh.interactive) sh.exiting = 1; return 2; }
  if (sh.loop_depth == 0) return 0;
  if (n > sh.loop_depth) n = sh.loop_depth;
  if (argv[0][0] == 'b') sh.breaking = n; else sh.continuing = n;
  return 0;
}

static int bi_return(int argc, char **argv) {
  int n = argc > 1 ? count_arg("return", argv[1], 0) : sh.status;
  if (n < 0) { if (!sh.interactive) sh.exiting = 1; return 2; }
  sh.returning = 1;
  return n & 0xff;
}

static int bi_local(int argc, char **argv) {
  if (sh.func_depth == 0) { err_printf("local: not in a function"); if (!sh.interactive) sh.exiting = 1; return 2; }
  int st = 0;
  for (int i = 1; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
    if (!name_ok(argv[i], n)) { err_printf("local: %s: bad variable name", argv[i]); st = 2; continue; }
    char *name = xstrdup(argv[i]);
    name[n] = 0;
    local_save(name, sh.func_depth);
    if (eq) var_set(name, eq + 1, 0);
    free(name);
  }
  return st;
}

static int bi_shift(int argc, char **argv) {
  int n = argc > 1 ? count_arg("shift", argv[1], 0) : 1;
  if (n < 0 || n > nparams) {
    if (n >= 0) err_printf("shift: can't shift that many");
    if (!sh.interactive) sh.exiting = 1;
    return 2;
  }
  for (int i = 0; i < n; i++) free(params[i]);
  memmove(params, params + n, (size_t)(nparams - n + 1) * sizeof *params);
  nparams -= n;
  return 0;
}

static int bi_set(int argc, char **argv) {
  if (argc == 1) {
    qsort(vars, (size_t)nvars, sizeof *vars, cmp_var);
    for (int i = 0; i < nvars; i++) {
      printf("%s='", vars[i].name);
      for (const char *p = vars[i].value; *p; p++) { if (*p == '\'') fputs("'\\''", stdout); else putchar(*p); }
      printf("'\n");
    }
    return 0;
  }
  int i = 1;
  if (strcmp(argv[1], "--") == 0) i = 2;
  else if (argv[1][0] == '-' || argv[1][0] == '+') {
    err_printf("set: %s: options are not supported (only set -- ARGS)", argv[1]);
    if (!sh.interactive) sh.exiting = 1;
    return 2;
  }
  char *zero = xstrdup(arg0 ? arg0 : "sh");
  for (int k = 0; k < nparams; k++) free(params[k]);
  free(params);
  vars_set_positional(zero, argc - i, argv + i);
  free(zero);
  return 0;
}

/* Parses and runs text in the shell (eval, .). */
static int run_text(const char *text) {
  parse_result r = parse_text(text, 1);
  if (r.status == PARSE_INCOMPLETE) { err_printf("syntax error: unexpected end of file"); r.status = PARSE_ERROR; }
  if (r.status == PARSE_ERROR) { if (!sh.interactive) sh.exiting = 1; return 2; }
  sh.status = 0;
  return exec_list(r.list);
}

static int bi_eval(int argc, char **argv) {
  str s = {0};
  for (int i = 1; i < argc; i++) { if (i > 1) str_addc(&s, ' '); str_adds(&s, argv[i]); }
  char *text = str_take(&s);
  int st = run_text(text);
  free(text);
  return st;
}

static int bi_dot(int argc, char **argv) {
  if (argc < 2) { err_printf(".: filename argument required"); return 2; }
  FILE *f = fopen(argv[1], "r");
  if (!f) { err_printf(".: cannot open %s: %s", argv[1], strerror(errno)); if (!sh.interactive) sh.exiting = 1; return 2; }
  str s = {0};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) str_addn(&s, buf, n);
  fclose(f);
  char *text = str_take(&s);
  int st = run_text(text);
  free(text);
  if (sh.returning) { sh.returning = 0; st = sh.status; }
  return st;
}

static const char *edit_prompt_override; /* the prompt edit_read_line shows instead of PS1/PS2 */
static int edit_cancelled;                /* (sh/edit.h) the last line was abandoned with ^C */
static char *edit_read_line(int continuation);

/* read [-r] [NAME...]: one line from stdin, a byte at a time (the rest stays for the next
 * reader), split on IFS into the names (the last takes the rest); REPLY with no name. Without
 * -r a backslash quotes the next character and backslash-newline joins lines. Status 1 at
 * end of file. */
static int bi_read(int argc, char **argv) {
  int i = 1, raw = 0;
  if (i < argc && strcmp(argv[i], "-r") == 0) { raw = 1; i++; }
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  str line = {0}, quoted = {0}; /* quoted: 1 for each byte that was escaped */
  int eof = 1;
  /* From the shell's terminal (interactive): the shell's line editor reads the line, with an
   * empty prompt; ^C abandons the read and the rest of the command line. */
  if (sh.interactive && sh.tty_saved && vfd[0] == 0 && wv_isatty(0) == 1) {
    edit_prompt_override = "";
    char *l = edit_read_line(1);
    edit_prompt_override = NULL;
    if (l && edit_cancelled) { free(l); sh.intr = 1; return 130; }
    if (l) {
      eof = 0;
      for (size_t k = 0; l[k]; k++) {
        if (l[k] == '\\' && !raw && l[k + 1]) { str_addc(&line, l[++k]); str_addc(&quoted, 1); continue; }
        str_addc(&line, l[k]);
        str_addc(&quoted, 0);
      }
      free(l);
    }
  }
  for (; eof;) {
    char c;
    ssize_t n = read(0, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (c == '\n') { eof = 0; break; }
    if (c == '\\' && !raw) {
      ssize_t m;
      do m = read(0, &c, 1); while (m < 0 && errno == EINTR);
      if (m <= 0) break;
      if (c == '\n') continue;
      str_addc(&line, c);
      str_addc(&quoted, 1);
      continue;
    }
    str_addc(&line, c);
    str_addc(&quoted, 0);
  }
  const char *ifs = var_get("IFS");
  if (!ifs) ifs = " \t\n";
  const char *p = line.p ? line.p : "";
  const char *q = quoted.p ? quoted.p : "";
  size_t len = line.n, k = 0;
#define IS_IFS(x) (!q[x] && p[x] && strchr(ifs, p[x]))
#define IS_WS(x) (IS_IFS(x) && (p[x] == ' ' || p[x] == '\t' || p[x] == '\n'))
  while (k < len && IS_WS(k)) k++;
  const char *def[] = { "REPLY" };
  char **names = i < argc ? argv + i : (char **)def;
  int nnames = i < argc ? argc - i : 1;
  for (int a = 0; a < nnames; a++) {
    if (!name_ok(names[a], strlen(names[a]))) { err_printf("read: %s: bad variable name", names[a]); free(line.p); free(quoted.p); return 2; }
    str v = {0};
    if (a == nnames - 1) { /* the rest, without trailing IFS white space */
      size_t e = len;
      while (e > k && IS_WS(e - 1)) e--;
      str_addn(&v, p + k, e - k);
      k = len;
    } else {
      while (k < len && !IS_IFS(k)) str_addc(&v, p[k++]);
      while (k < len && IS_WS(k)) k++;
      if (k < len && IS_IFS(k)) { k++; while (k < len && IS_WS(k)) k++; }
    }
    char *val = str_take(&v);
    var_set(names[a], val, 0);
    free(val);
  }
#undef IS_IFS
#undef IS_WS
  free(line.p);
  free(quoted.p);
  return eof ? 1 : 0;
}

static int bi_help(int argc, char **argv);

static const struct { const char *name; builtin_fn fn; const char *usage; } builtins[] = {
  {".", bi_dot, ". FILE                runs the commands in FILE in this shell"},
  {":", bi_colon, ":                     does nothing, successfully"},
  {"[", bi_test, "[ EXPR ]              test EXPR"},
  {"bg", bi_bg, "bg [%N]               continues a stopped job in the background"},
  {"break", bi_break, "break [N]             leaves N enclosing loops (default 1)"},
  {"cd", bi_cd, "cd [DIR | -]          changes the working directory (no DIR: $HOME, or /)"},
  {"clear", bi_clear, "clear                 clears the terminal"},
  {"continue", bi_break, "continue [N]          starts the next round of the Nth enclosing loop"},
  {"echo", bi_echo, "echo [-n] ARG...      prints the arguments (-n: no newline)"},
  {"eval", bi_eval, "eval ARG...           runs the arguments as a command"},
  {"exit", bi_exit, "exit [N]              leaves the shell with status N (default $?)"},
  {"export", bi_export, "export [NAME[=VALUE]...]  passes variables to programs; no NAME lists them"},
  {"false", bi_false, "false                 fails (status 1)"},
  {"fg", bi_fg, "fg [%N]               brings a job to the foreground (also: %N)"},
  {"help", bi_help, "help [-a]             this list and the programs in /bin"},
  {"history", bi_history, "history               the lines typed so far (up/down arrows recall them)"},
  {"jobs", bi_jobs, "jobs                  lists jobs: running, stopped, done"},
  {"kill", bi_kill, "kill [-SIG | -N] PID | %N ...  sends a signal (default TERM); kill -l lists them"},
  {"local", bi_local, "local NAME[=VALUE]... makes variables local to the function running"},
  {"pwd", bi_pwd, "pwd                   prints the working directory"},
  {"read", bi_read, "read [-r] NAME...     reads a line into variables, split on IFS"},
  {"return", bi_return, "return [N]            leaves a function with status N"},
  {"set", bi_set, "set [-- ARG...]       sets $1 $2 ...; no ARG lists the variables"},
  {"shift", bi_shift, "shift [N]             drops the first N positional parameters"},
  {"test", bi_test, "test EXPR             -e -f -d -r -w -x -s -z -n = != -eq -ne -lt -le -gt -ge ! -a -o ( )"},
  {"true", bi_true, "true                  succeeds"},
  {"unset", bi_unset, "unset [-f] NAME...    removes variables (-f: functions)"},
  {"wait", bi_wait, "wait [PID | %N]       waits for background jobs"},
};
#define NBUILTINS (int)(sizeof builtins / sizeof builtins[0])

/* The bundled programs: names, descriptions and @test flags, generated by scripts/build-guests.mjs. */
#include "wvisor-programs.h"

/* True for a bundled program that exists for wVisor's own tests (@test): help and completion skip it. */
static int program_hidden(const char *name) {
  for (int i = 0; i < WV_NPROGRAMS; i++) if (strcmp(wv_programs[i].name, name) == 0) return wv_programs[i].test;
  return 0;
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* help: the language, the builtins, then one line per program in /bin (help -a: test programs too). */
static int bi_help(int argc, char **argv) {
  int all = argc > 1 && strcmp(argv[1], "-a") == 0;
  if (argc > 2 || (argc == 2 && !all)) { err_printf("help: usage: help [-a]"); return 2; }
  printf("wVisor sh: pipelines (|), lists (; && || &), redirections (< > >> 2> 2>&1 <<EOF), quoting ('' \"\" \\),\n"
         "variables ($NAME ${NAME} $? $$ $! $# $@, NAME=VALUE), $(command), $((arithmetic)), patterns (* ? [...]),\n"
         "if/then/elif/else/fi, while/until/do/done, for NAME in WORDS, case WORD in PATTERN) ... ;; esac,\n"
         "{ list; }, ( subshell ), functions NAME() { ...; }, job control (^Z, jobs, fg, bg).\n"
         "Programs are found by name in /bin. Builtins:\n");
  for (int i = 0; i < NBUILTINS; i++) printf("  %s\n", builtins[i].usage);
  /* The programs: the bundled ones with their descriptions, and (under wVisor) any other
   * name in /bin, a program someone installed. */
  fields names = {0};
  for (int i = 0; i < WV_NPROGRAMS; i++) if (all || !wv_programs[i].test) fields_push(&names, xstrdup(wv_programs[i].name));
#ifdef __wasi__
  DIR *d = opendir("/bin");
  if (d) {
    struct dirent *de;
    while ((de = readdir(d))) {
      int known = de->d_name[0] == '.';
      for (int i = 0; i < WV_NPROGRAMS && !known; i++) known = strcmp(wv_programs[i].name, de->d_name) == 0;
      if (!known) fields_push(&names, xstrdup(de->d_name));
    }
    closedir(d);
  }
#endif
  qsort(names.v, (size_t)names.n, sizeof *names.v, cmp_name);
  int w = 0;
  for (int i = 0; i < names.n; i++) if ((int)strlen(names.v[i]) > w) w = (int)strlen(names.v[i]);
  printf("Programs%s (help -a: %s):\n", all ? ", test programs included" : "", all ? "this list" : "with wVisor's test programs");
  for (int i = 0; i < names.n; i++) {
    const char *desc = "(installed in /bin)";
    for (int k = 0; k < WV_NPROGRAMS; k++) if (strcmp(wv_programs[k].name, names.v[i]) == 0) desc = wv_programs[k].desc;
    printf("  %-*s  %s\n", w, names.v[i], desc);
    free(names.v[i]);
  }
  free(names.v);
  return 0;
}

static builtin_fn builtin_find(const char *name) {
  if (name[0] == '%') return bi_fg;
  for (int i = 0; i < NBUILTINS; i++) if (strcmp(builtins[i].name, name) == 0) return builtins[i].fn;
  return NULL;
}

#endif
