/* ps - @desc lists every process from /proc: pid, parent, group, session, state (R running, S sleeping, T stopped, Z zombie), CPU time, command */
/*
 * A plain WASI program (files only, no wvisor_v1 import): it reads /proc/PID/stat and
 * /proc/PID/cmdline as procps does, so the same source built natively lists Linux's processes
 * (test/integration/proc.test.ts compares it with procps' ps there).
 *
 *   ps        PID PPID PGID SID, S (the state letter of /proc/PID/stat), TIME (utime + stime
 *             as [DD-]HH:MM:SS), COMMAND (the arguments; a zombie's is "[comm] <defunct>")
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __wasi__
#define CLK_TCK_VALUE 100L /* Linux's USER_HZ, the unit wVisor's /proc uses */
#else
#define CLK_TCK_VALUE sysconf(_SC_CLK_TCK)
#endif

typedef struct {
  long pid, ppid, pgrp, sid;
  char state;
  unsigned long long utime, stime;
  char comm[64];
} stat_t;

/* Reads a whole (small) /proc file into buf: bytes read, or -1. */
static long read_file(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, cap - 1, f);
  int bad = ferror(f);
  fclose(f);
  if (bad) return -1;
  buf[n] = 0;
  return (long)n;
}

/*
 * Parses Linux's stat line: "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt
 * cminflt majflt cmajflt utime stime ...". comm may hold spaces and ')', so it ends at the
 * last ')' (as procps reads it). 0 on success.
 */
static int parse_stat(const char *line, stat_t *s) {
  const char *open = strchr(line, '(');
  const char *close = strrchr(line, ')');
  if (!open || !close || close < open) return -1;
  s->pid = strtol(line, NULL, 10);
  size_t len = (size_t)(close - open - 1);
  if (len >= sizeof s->comm) len = sizeof s->comm - 1;
  memcpy(s->comm, open + 1, len);
  s->comm[len] = 0;
  long tty_nr, tpgid;
  unsigned long flags, minflt, cminflt, majflt, cmajflt;
  int n = sscanf(close + 1, " %c %ld %ld %ld %ld %ld %lu %lu %lu %lu %lu %llu %llu",
                 &s->state, &s->ppid, &s->pgrp, &s->sid, &tty_nr, &tpgid, &flags,
                 &minflt, &cminflt, &majflt, &cmajflt, &s->utime, &s->stime);
  return n == 13 ? 0 : -1;
}

/* procps' TIME: [DD-]HH:MM:SS of whole seconds. */
static void format_time(unsigned long long ticks, char *out, size_t cap) {
  unsigned long long t = ticks / (unsigned long long)CLK_TCK_VALUE;
  unsigned long long d = t / 86400, h = t / 3600 % 24, m = t / 60 % 60, sec = t % 60;
  if (d) snprintf(out, cap, "%llu-%02llu:%02llu:%02llu", d, h, m, sec);
  else snprintf(out, cap, "%02llu:%02llu:%02llu", h, m, sec);
}

static int by_pid(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc > 1) {
    fprintf(stderr, "ps: takes no arguments (it lists every process)\n");
    return 2;
  }
  DIR *d = opendir("/proc");
  if (!d) {
    fprintf(stderr, "ps: cannot read /proc: %s\n", strerror(errno));
    return 1;
  }
  long *pids = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *nm = e->d_name;
    if (!isdigit((unsigned char)nm[0])) continue;
    char *end;
    long pid = strtol(nm, &end, 10);
    if (*end) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      long *np = realloc(pids, cap * sizeof *pids);
      if (!np) { fprintf(stderr, "ps: out of memory\n"); return 1; }
      pids = np;
    }
    pids[n++] = pid;
  }
  closedir(d);
  qsort(pids, n, sizeof *pids, by_pid);

  printf("%7s %7s %7s %7s S %8s COMMAND\n", "PID", "PPID", "PGID", "SID", "TIME");
  static char buf[65536];
  for (size_t i = 0; i < n; i++) {
    char path[64];
    stat_t s;
    snprintf(path, sizeof path, "/proc/%ld/stat", pids[i]);
    if (read_file(path, buf, sizeof buf) < 0 || parse_stat(buf, &s) != 0) continue; /* gone meanwhile */
    snprintf(path, sizeof path, "/proc/%ld/cmdline", pids[i]);
    long len = read_file(path, buf, sizeof buf);
    if (len > 0) {
      /* Arguments are NUL-terminated: join them with spaces. */
      while (len > 0 && buf[len - 1] == 0) len--;
      for (long k = 0; k < len; k++) if (buf[k] == 0 || buf[k] == '\n') buf[k] = ' ';
      buf[len] = 0;
    } else {
      snprintf(buf, sizeof buf, s.state == 'Z' ? "[%s] <defunct>" : "[%s]", s.comm);
    }
    char t[32];
    format_time(s.utime + s.stime, t, sizeof t);
    printf("%7ld %7ld %7ld %7ld %c %8s %s\n", s.pid, s.ppid, s.pgrp, s.sid, s.state, t, buf);
  }
  free(pids);
  return 0;
}
