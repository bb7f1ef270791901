/* sh/jobs.h - the job table: pipelines started by the shell, their processes' states, the
 * terminal handed to a job's process group and back, and the Done/Stopped notices. */
#ifndef SH_JOBS_H
#define SH_JOBS_H

/* Linux signal numbers (wVisor uses them; wasi-libc has no signal.h without emulation). */
enum { SH_SIGHUP = 1, SH_SIGINT = 2, SH_SIGKILL = 9, SH_SIGPIPE = 13, SH_SIGTERM = 15, SH_SIGCONT = 18,
       SH_SIGSTOP = 19, SH_SIGTSTP = 20 };
static const struct { const char *name; int num; const char *text; } signal_table[] = {
  {"HUP", 1, "Hangup"}, {"INT", 2, "Interrupt"}, {"QUIT", 3, "Quit"}, {"ILL", 4, "Illegal instruction"},
  {"TRAP", 5, "Trace/breakpoint trap"}, {"ABRT", 6, "Aborted"}, {"BUS", 7, "Bus error"},
  {"FPE", 8, "Floating point exception"}, {"KILL", 9, "Killed"}, {"USR1", 10, "User defined signal 1"},
  {"SEGV", 11, "Segmentation fault"}, {"USR2", 12, "User defined signal 2"}, {"PIPE", 13, "Broken pipe"},
  {"ALRM", 14, "Alarm clock"}, {"TERM", 15, "Terminated"}, {"STKFLT", 16, "Stack fault"},
  {"CHLD", 17, "Child exited"}, {"CONT", 18, "Continued"}, {"STOP", 19, "Stopped (signal)"},
  {"TSTP", 20, "Stopped"}, {"TTIN", 21, "Stopped (tty input)"}, {"TTOU", 22, "Stopped (tty output)"},
  {"URG", 23, "Urgent I/O condition"}, {"XCPU", 24, "CPU time limit exceeded"},
  {"XFSZ", 25, "File size limit exceeded"}, {"VTALRM", 26, "Virtual timer expired"},
  {"PROF", 27, "Profiling timer expired"}, {"WINCH", 28, "Window changed"}, {"IO", 29, "I/O possible"},
  {"PWR", 30, "Power failure"}, {"SYS", 31, "Bad system call"},
};
#define NSIGNALS (int)(sizeof signal_table / sizeof signal_table[0])

static const char *signal_text(int sig) {
  for (int i = 0; i < NSIGNALS; i++) if (signal_table[i].num == sig) return signal_table[i].text;
  return "Unknown signal";
}
/* A signal by name (with or without SIG, any case) or number; -1 if unknown. */
static int signal_parse(const char *s) {
  if (*s >= '0' && *s <= '9') {
    char *end;
    long n = strtol(s, &end, 10);
    return *end || n < 0 || n > 64 ? -1 : (int)n;
  }
  if (strncasecmp(s, "SIG", 3) == 0) s += 3;
  for (int i = 0; i < NSIGNALS; i++) if (strcasecmp(signal_table[i].name, s) == 0) return signal_table[i].num;
  return -1;
}

enum { P_RUNNING, P_STOPPED, P_DONE };
typedef struct proc {
  int pid;
  int state;   /* P_* */
  int status;  /* the last wait status (Linux encoding) */
} proc;
typedef struct job {
  int id;         /* %N */
  int pgid;       /* its process group under job control, else 0 */
  proc procs[32];
  int nproc;
  char *cmd;      /* the pipeline's text */
  int bg;         /* running in the background (not waited for) */
  int notified;   /* its current stopped state was reported */
  int seq;        /* when it last became current: %+ is the highest (stopped jobs first) */
} job;

#define MAX_JOBS 64
static job *jobs[MAX_JOBS];
static int job_seq;

static void job_free(job *j);
static int job_state(const job *j);
static job *job_new(const char *cmd) {
  int id = 1;
  int full = 1;
  for (int i = 0; i < MAX_JOBS; i++) if (!jobs[i]) full = 0;
  if (full) /* forget finished jobs nobody asked about (a script's background jobs) */
    for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] && job_state(jobs[i]) == P_DONE) job_free(jobs[i]);
  for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] && jobs[i]->id >= id) id = jobs[i]->id + 1;
  for (int i = 0; i < MAX_JOBS; i++) {
    if (jobs[i]) continue;
    job *j = xmalloc(sizeof *j);
    memset(j, 0, sizeof *j);
    j->id = id;
    j->cmd = xstrdup(cmd);
    j->seq = ++job_seq;
    jobs[i] = j;
    return j;
  }
  return NULL;
}
static void job_free(job *j) {
  for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] == j) jobs[i] = NULL;
  free(j->cmd);
  free(j);
}
static int job_state(const job *j) {
  int stopped = 0;
  for (int i = 0; i < j->nproc; i++) {
    if (j->procs[i].state == P_RUNNING) return P_RUNNING;
    if (j->procs[i].state == P_STOPPED) stopped = 1;
  }
  return stopped ? P_STOPPED : P_DONE;
}
/* $? of a finished job: its last process's exit code, or 128 + the signal. */
static int status_code(int st) {
  if (WV_WIFEXITED(st)) return WV_WEXITSTATUS(st);
  if (WV_WIFSIGNALED(st)) return 128 + WV_WTERMSIG(st);
  if (WV_WIFSTOPPED(st)) return 128 + WV_WSTOPSIG(st);
  return 0;
}
static int job_last_status(const job *j) { return j->nproc ? j->procs[j->nproc - 1].status : 0; }

static void note_status(int pid, int st) {
  for (int i = 0; i < MAX_JOBS; i++) {
    job *j = jobs[i];
    if (!j) continue;
    for (int k = 0; k < j->nproc; k++) {
      if (j->procs[k].pid != pid) continue;
      if (WV_WIFCONTINUED(st)) {
        j->procs[k].state = P_RUNNING;
      } else if (WV_WIFSTOPPED(st)) {
        j->procs[k].state = P_STOPPED;
        j->procs[k].status = st;
        if (j->notified) { j->notified = 0; }
      } else {
        j->procs[k].state = P_DONE;
        j->procs[k].status = st;
      }
      return;
    }
  }
}
/* Collects every status change that is ready, without blocking. */
static void jobs_poll(void) {
  for (;;) {
    int st = 0;
    int pid = wv_waitpid(-1, &st, WV_WNOHANG | WV_WUNTRACED | WV_WCONTINUED);
    if (pid <= 0) return;
    note_status(pid, st);
  }
}

static job *job_by_id(int id) {
  for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] && jobs[i]->id == id) return jobs[i];
  return NULL;
}
/* The current (+) job, or with previous set the one before it (-): stopped jobs first, then
 * the most recently started or stopped. */
static long job_rank(const job *j) { return (job_state(j) == P_STOPPED ? 1L << 30 : 0) + j->seq; }
static job *job_current(int previous) {
  job *best = NULL, *second = NULL;
  for (int i = 0; i < MAX_JOBS; i++) {
    job *j = jobs[i];
    if (!j) continue;
    if (!best || job_rank(j) > job_rank(best)) { second = best; best = j; }
    else if (!second || job_rank(j) > job_rank(second)) second = j;
  }
  return previous ? second : best;
}
static char job_mark(const job *j) {
  if (j == job_current(0)) return '+';
  if (j == job_current(1)) return '-';
  return ' ';
}
/* "Done", "Exit 2", "Terminated", "Stopped", "Running". */
static const char *state_text(const job *j, char *buf, size_t n) {
  int s = job_state(j);
  if (s == P_RUNNING) return "Running";
  int st = s == P_STOPPED ? 0 : job_last_status(j);
  if (s == P_STOPPED) {
    for (int i = 0; i < j->nproc; i++) if (j->procs[i].state == P_STOPPED) st = j->procs[i].status;
    return signal_text(WV_WSTOPSIG(st));
  }
  if (WV_WIFSIGNALED(st)) return signal_text(WV_WTERMSIG(st));
  if (WV_WEXITSTATUS(st) == 0) return "Done";
  snprintf(buf, n, "Exit %d", WV_WEXITSTATUS(st));
  return buf;
}
/* "[1]+  Running                 sleep 100 &" */
static void job_print(FILE *f, const job *j) {
  char buf[32];
  int running = job_state(j) == P_RUNNING;
  fprintf(f, "[%d]%c  %-24s%s%s\n", j->id, job_mark(j), state_text(j, buf, sizeof buf), j->cmd, running ? " &" : "");
}

/* Reports finished background jobs (and forgets them) and newly stopped ones. A script
 * (not interactive) keeps finished jobs, so `wait PID` still finds their status. */
static void jobs_notify(void) {
  jobs_poll();
  if (!sh.interactive) return;
  for (int id = 1, left = 1; left; id++) {
    left = 0;
    for (int i = 0; i < MAX_JOBS; i++) if (jobs[i] && jobs[i]->id >= id) left = 1;
    job *j = job_by_id(id);
    if (!j) continue;
    int s = job_state(j);
    if (s == P_DONE) {
      if (sh.interactive) { fflush(stdout); job_print(stderr, j); }
      job_free(j);
    } else if (s == P_STOPPED && !j->notified) {
      if (sh.interactive) { fflush(stdout); job_print(stderr, j); }
      j->notified = 1;
    }
  }
}

/* ---- the terminal ---- */

/* Makes pgid the terminal's foreground group. Natively a background caller gets SIGTTOU,
 * ignored around the call only (an ignored signal would be inherited by spawned jobs). */
static void term_give(int pgid) {
#ifndef __wasi__
  signal(SIGTTOU, SIG_IGN);
#endif
  wv_tcsetpgrp(0, pgid);
#ifndef __wasi__
  signal(SIGTTOU, SIG_DFL);
#endif
}
/* Puts back the terminal's modes the shell found (the line editor leaves it raw, with ISIG
 * off, until a job is about to get the terminal: a ^C typed while the job is being started
 * must not reach the shell). */
static void term_cooked(void) {
  if (sh.tty_saved) wv_tcsetattr(0, WV_TCSADRAIN, &sh.tmodes);
}
/* Takes the terminal back after a job and restores the shell's modes. */
static void term_take(void) {
  term_give(sh.pgid);
  if (sh.tty_saved) wv_tcsetattr(0, WV_TCSADRAIN, &sh.tmodes);
}

/* Waits until no process of j runs (all done, or stopped); then, under job control, takes the
 * terminal back. Reports a stop (and a death by signal other than SIGINT/SIGPIPE) like bash. */
static int job_wait_fg(job *j) {
  while (job_state(j) == P_RUNNING) {
    int st = 0;
    int pid = wv_waitpid(-1, &st, WV_WUNTRACED);
    if (pid < 0) {
      if (errno == EINTR) continue;
      for (int k = 0; k < j->nproc; k++) if (j->procs[k].state != P_DONE) { j->procs[k].state = P_DONE; j->procs[k].status = 0; }
      break;
    }
    note_status(pid, st);
  }
  if (sh.interactive && j->pgid) term_take();
  int s = job_state(j);
  if (s == P_STOPPED) {
    j->bg = 0;
    j->seq = ++job_seq;
    if (sh.interactive) {
      fflush(stdout);
      fputc('\n', stderr);
      job_print(stderr, j);
    }
    j->notified = 1;
    for (int k = 0; k < j->nproc; k++) if (j->procs[k].state == P_STOPPED) return status_code(j->procs[k].status);
    return 128 + SH_SIGTSTP;
  }
  int st = job_last_status(j);
  if (sh.interactive && WV_WIFSIGNALED(st)) {
    int sig = WV_WTERMSIG(st);
    fflush(stdout);
    if (sig == SH_SIGINT) { fputc('\n', stderr); sh.intr = 1; }
    else if (sig != SH_SIGPIPE) fprintf(stderr, "%s\n", signal_text(sig));
  }
  job_free(j);
  return status_code(st);
}

/* Continues j in the foreground (fg) or the background (bg). */
static int job_continue(job *j, int fg) {
  for (int k = 0; k < j->nproc; k++) if (j->procs[k].state == P_STOPPED) j->procs[k].state = P_RUNNING;
  j->notified = 0;
  if (fg) {
    j->bg = 0;
    fflush(stdout);
    printf("%s\n", j->cmd);
    fflush(stdout);
    if (j->pgid) { term_cooked(); term_give(j->pgid); }
  } else {
    j->bg = 1;
    j->seq = ++job_seq;
  }
  if (j->pgid) wv_kill(-j->pgid, SH_SIGCONT);
  else for (int k = 0; k < j->nproc; k++) if (j->procs[k].state == P_RUNNING) wv_kill(j->procs[k].pid, SH_SIGCONT);
  if (fg) return job_wait_fg(j);
  printf("[%d]%c %s &\n", j->id, job_mark(j), j->cmd);
  return 0;
}

/* ---- interactive start and end ---- */

static void shell_init_interactive(void) {
  sh.interactive = 1;
  int pg = wv_getpgid(sh.pid);
  if (pg != sh.pid && wv_setpgid(sh.pid, sh.pid) == 0) pg = sh.pid;
  sh.pgid = pg > 0 ? pg : sh.pid;
  term_give(sh.pgid);
  if (wv_tcgetattr(0, &sh.tmodes) == 0) sh.tty_saved = 1;
}
/* Whether an interactive shell may leave now: with stopped jobs it says so once and stays
 * (as bash does); asked again, it leaves. */
static int shell_may_exit(void) {
  static int warned;
  if (!sh.interactive || warned) return 1;
  jobs_poll();
  for (int i = 0; i < MAX_JOBS; i++) {
    if (jobs[i] && job_state(jobs[i]) == P_STOPPED) {
      fflush(stdout);
      fputs("There are stopped jobs.\n", stderr);
      warned = 1;
      return 0;
    }
  }
  return 1;
}
/* Leaving: stopped jobs get SIGHUP and SIGCONT (what Linux does to a stopped process group
 * orphaned by its session leader's exit), and the terminal gets its modes back. */
static void shell_leave_interactive(void) {
  for (int i = 0; i < MAX_JOBS; i++) {
    job *j = jobs[i];
    if (!j || !j->pgid || job_state(j) != P_STOPPED) continue;
    wv_kill(-j->pgid, SH_SIGHUP);
    wv_kill(-j->pgid, SH_SIGCONT);
  }
  if (sh.tty_saved) wv_tcsetattr(0, WV_TCSADRAIN, &sh.tmodes);
}

#endif
