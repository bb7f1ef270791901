/* seccomp - @desc runs a command under a seccomp profile, says what a profile does with a call (profiles in /etc/seccomp) */
/*
 * The playground's counterpart of `wvisor seccomp` (src/cli/seccomp-command.ts):
 *
 *   seccomp                              lists the profiles in /etc/seccomp
 *   seccomp calls PROFILE                every wVisor call and the profile's verdict on it
 *   seccomp explain PROFILE CALL [ARG...] the verdict on one call, the instruction path, the rule
 *   seccomp run PROFILE COMMAND [ARG...] runs COMMAND with the profile's filter installed
 *
 * The page puts each profile there compiled by the kernel's profile compiler
 * (src/kernel/seccomp/profile.ts): NAME.json (the profile), NAME.bpf (the
 * classic BPF program, struct sock_filter entries), NAME.notes (one line
 * "INDEX NOTE" per instruction: the profile rule it implements) and `calls`
 * (one line "nr NAME" per wVisor call, "alias LINUX WVISOR" per Linux name).
 * `run` installs the filter with the seccomp call as any program can (with
 * no_new_privs), then spawns the command, which inherits it. `explain` runs
 * the filter here with its own classic BPF interpreter on the seccomp_data
 * the kernel would build, and prints what `wvisor seccomp explain` prints.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "wvisor.h"

#define DIR_ "/etc/seccomp/"
#define MAX_CALLS 512

static struct { uint32_t nr; char name[48]; } calls[MAX_CALLS];
static int ncalls;
static struct { char linux_name[48]; char call[48]; } aliases[MAX_CALLS];
static int naliases;

static void die(const char *msg) {
  fprintf(stderr, "seccomp: %s\n", msg);
  exit(2);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap + 1);
  for (;;) {
    if (n == cap) buf = realloc(buf, (cap *= 2) + 1);
    size_t got = fread(buf + n, 1, cap - n, f);
    if (got == 0) break;
    n += got;
  }
  fclose(f);
  buf[n] = 0;
  if (len) *len = n;
  return buf;
}

static void load_calls(void) {
  char *text = read_file(DIR_ "calls", NULL);
  if (!text) die("cannot read " DIR_ "calls: the page writes it at start (is this the playground?)");
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char a[48], b[48];
    if (sscanf(line, "alias %47s %47s", a, b) == 2 && naliases < MAX_CALLS) {
      strcpy(aliases[naliases].linux_name, a);
      strcpy(aliases[naliases++].call, b);
    } else if (sscanf(line, "%47s %47s", a, b) == 2 && ncalls < MAX_CALLS) {
      calls[ncalls].nr = (uint32_t)strtoul(a, NULL, 10);
      strcpy(calls[ncalls++].name, b);
    }
  }
  free(text);
}

static int call_nr(const char *name) {
  for (int i = 0; i < ncalls; i++) if (strcmp(calls[i].name, name) == 0) return (int)calls[i].nr;
  return -1;
}

/* ---- a profile's program ---- */

typedef struct { wv_sock_filter *insns; uint32_t len; char **notes; } program;

static program load_program(const char *profile) {
  char path[256];
  program p = {0};
  if (strchr(profile, '/') || strlen(profile) > 100) die("a profile is named by its file name in " DIR_ " (see `seccomp`)");
  snprintf(path, sizeof path, DIR_ "%s.bpf", profile);
  size_t n = 0;
  char *bytes = read_file(path, &n);
  if (!bytes) {
    fprintf(stderr, "seccomp: no profile \"%s\" in " DIR_ "; `seccomp` lists them\n", profile);
    exit(2);
  }
  if (n == 0 || n % 8) die("the .bpf file is not a whole number of 8-byte instructions");
  p.len = (uint32_t)(n / 8);
  p.insns = calloc(p.len, sizeof *p.insns);
  for (uint32_t i = 0; i < p.len; i++) {
    const unsigned char *b = (const unsigned char *)bytes + i * 8;
    p.insns[i].code = (uint16_t)(b[0] | b[1] << 8);
    p.insns[i].jt = b[2];
    p.insns[i].jf = b[3];
    p.insns[i].k = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24;
  }
  free(bytes);
  p.notes = calloc(p.len, sizeof *p.notes);
  snprintf(path, sizeof path, DIR_ "%s.notes", profile);
  char *text = read_file(path, NULL);
  if (text) {
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
      char *sp = strchr(line, ' ');
      if (!sp) continue;
      unsigned long i = strtoul(line, NULL, 10);
      if (i < p.len) p.notes[i] = strdup(sp + 1);
    }
    free(text);
  }
  return p;
}

/* Runs the program on seccomp_data (16 words) as Linux's classic BPF does; `path` gets the
 * instructions executed. Returns the filter's value. */
static uint32_t run_filter(const program *p, const uint32_t data[16], uint32_t *path, uint32_t *npath) {
  uint32_t A = 0, X = 0, M[16] = {0}, pc = 0;
  *npath = 0;
  while (pc < p->len) {
    const wv_sock_filter *in = &p->insns[pc];
    path[(*npath)++] = pc;
    uint32_t k = in->k, src = (in->code & 0x08) ? X : k;
    switch (in->code & 0x07) {
      case 0x00: /* LD */
        if (in->code == 0x20) A = k / 4 < 16 ? data[k / 4] : 0;
        else if (in->code == 0x00) A = k;
        else if (in->code == 0x60) A = M[k & 15];
        else if (in->code == 0x80) A = 64;
        break;
      case 0x01: /* LDX */
        if (in->code == 0x01) X = k;
        else if (in->code == 0x61) X = M[k & 15];
        else if (in->code == 0x81) X = 64;
        break;
      case 0x02: M[k & 15] = A; break;
      case 0x03: M[k & 15] = X; break;
      case 0x04: /* ALU */
        switch (in->code & 0xf0) {
          case 0x00: A += src; break;
          case 0x10: A -= src; break;
          case 0x20: A *= src; break;
          case 0x30: if (src == 0) return 0; A /= src; break;
          case 0x40: A |= src; break;
          case 0x50: A &= src; break;
          case 0x60: A = src < 32 ? A << src : 0; break;
          case 0x70: A = src < 32 ? A >> src : 0; break;
          case 0x80: A = (uint32_t)-(int32_t)A; break;
          case 0x90: if (src == 0) return 0; A %= src; break;
          case 0xa0: A ^= src; break;
        }
        break;
      case 0x05: { /* JMP */
        int taken;
        switch (in->code & 0xf0) {
          case 0x00: pc += 1 + k; continue;
          case 0x10: taken = A == src; break;
          case 0x20: taken = A > src; break;
          case 0x30: taken = A >= src; break;
          default: taken = (A & src) != 0; break;
        }
        pc += 1 + (taken ? in->jt : in->jf);
        continue;
      }
      case 0x06: return (in->code & 0x18) == 0x10 ? A : k;
      case 0x07: if (in->code == 0x07) X = A; else A = X; break;
    }
    pc++;
  }
  return 0; /* the verifier refuses a program that can run off its end */
}

/* As src/kernel/seccomp/actions.ts describeRet. */
static const char *describe(uint32_t ret) {
  static char buf[64];
  uint32_t data = ret & 0xffff, full = ret & 0xffff0000U;
  const char *name;
  int with_data;
  switch (full) {
    case WV_SECCOMP_RET_KILL_PROCESS: name = "KILL_PROCESS"; with_data = 0; break;
    case WV_SECCOMP_RET_KILL_THREAD: name = "KILL_THREAD"; with_data = 0; break;
    case WV_SECCOMP_RET_TRAP: name = "TRAP"; with_data = 1; break;
    case WV_SECCOMP_RET_ERRNO: name = "ERRNO"; with_data = 1; break;
    case 0x7fc00000U: name = "USER_NOTIF"; with_data = 0; break;
    case WV_SECCOMP_RET_TRACE: name = "TRACE"; with_data = 1; break;
    case WV_SECCOMP_RET_LOG: name = "LOG"; with_data = 0; break;
    case WV_SECCOMP_RET_ALLOW: name = "ALLOW"; with_data = 0; break;
    default:
      snprintf(buf, sizeof buf, "unknown action 0x%x (treated as KILL_PROCESS)", (unsigned)full);
      return buf;
  }
  if (data || with_data) snprintf(buf, sizeof buf, "%s(%u)", name, (unsigned)data);
  else snprintf(buf, sizeof buf, "%s", name);
  return buf;
}

static void explain_one(const program *p, const char *name, int nr, int nargs, char **args) {
  uint32_t data[16] = {0}, path[4096], npath;
  data[0] = (uint32_t)nr;
  data[1] = WV_AUDIT_ARCH;
  for (int i = 0; i < nargs; i++) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(args[i], &end, 0);
    if (args[i][0] == '-') v = (unsigned long long)strtoll(args[i], &end, 0);
    if (*end || end == args[i] || errno) {
      fprintf(stderr, "seccomp: argument \"%s\" is not an integer (decimal or 0x hex, up to 64 bits)\n", args[i]);
      exit(2);
    }
    data[4 + 2 * i] = (uint32_t)v;
    data[5 + 2 * i] = (uint32_t)(v >> 32);
  }
  uint32_t ret = run_filter(p, data, path, &npath);
  uint32_t last = npath ? path[npath - 1] : 0;
  if ((ret & 0xffff0000U) == WV_SECCOMP_RET_ALLOW) {
    printf("%s: ALLOW (every filter allowed it)\n", name);
  } else {
    printf("%s: %s, decided by filter 0 (of 1, 0 = oldest) at instruction %u\n", name, describe(ret), (unsigned)last);
    if (p->notes[last]) printf("  rule: %s\n", p->notes[last]);
  }
  printf("  filter 0: %s via instructions", describe(ret));
  for (uint32_t i = 0; i < npath; i++) printf("%s%u", i ? " \xe2\x86\x92 " : " ", (unsigned)path[i]);
  printf("\n");
}

static int cmd_explain(int argc, char **argv) {
  if (argc < 2) die("usage: seccomp explain PROFILE CALL [ARG...] (CALL: fd_write, or a Linux name such as write)");
  if (argc > 8) die("at most 6 arguments");
  load_calls();
  program p = load_program(argv[0]);
  const char *call = argv[1];
  int nr = call_nr(call);
  if (nr >= 0) {
    explain_one(&p, call, nr, argc - 2, argv + 2);
    return 0;
  }
  int found = 0;
  for (int i = 0; i < naliases; i++) if (strcmp(aliases[i].linux_name, call) == 0) found++;
  if (!found) {
    fprintf(stderr, "seccomp: unknown call \"%s\": name a wVisor call (fd_write) or a Linux call with a wVisor counterpart"
      " (`seccomp calls PROFILE` lists wVisor's)\n", call);
    return 2;
  }
  printf("%s is Linux's name for", call);
  for (int i = 0, n = 0; i < naliases; i++) if (strcmp(aliases[i].linux_name, call) == 0) printf("%s %s", n++ ? "," : "", aliases[i].call);
  printf("; arguments are given in wVisor's order\n");
  for (int i = 0; i < naliases; i++) {
    if (strcmp(aliases[i].linux_name, call) == 0) explain_one(&p, aliases[i].call, call_nr(aliases[i].call), argc - 2, argv + 2);
  }
  return 0;
}

static int cmd_calls(int argc, char **argv) {
  if (argc != 1) die("usage: seccomp calls PROFILE");
  load_calls();
  program p = load_program(argv[0]);
  int allowed = 0;
  for (int i = 0; i < ncalls; i++) {
    uint32_t data[16] = {0}, path[4096], npath;
    data[0] = calls[i].nr;
    data[1] = WV_AUDIT_ARCH;
    uint32_t ret = run_filter(&p, data, path, &npath);
    if ((ret & 0xffff0000U) == WV_SECCOMP_RET_ALLOW) allowed++;
    printf("%-24s %s\n", calls[i].name, describe(ret));
  }
  printf("%d of %d calls allowed (with all arguments 0)\n", allowed, ncalls);
  return 0;
}

static int cmd_run(int argc, char **argv) {
  if (argc < 2) die("usage: seccomp run PROFILE COMMAND [ARG...]");
  program p = load_program(argv[0]);
  if (wv_set_no_new_privs() < 0) { fprintf(stderr, "seccomp: no_new_privs: %s\n", strerror(errno)); return 1; }
  if (wv_seccomp_filter(0, p.insns, p.len) < 0) {
    fprintf(stderr, "seccomp: cannot install the filter: %s\n", strerror(errno));
    return 1;
  }
  int pid = wv_spawnv(argv[1], (const char *const *)argv + 1);
  if (pid < 0) {
    fprintf(stderr, "seccomp: cannot start %s: %s (the profile may refuse spawn)\n", argv[1], strerror(errno));
    return 126;
  }
  int status = 0;
  while (wv_waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) { fprintf(stderr, "seccomp: wait: %s\n", strerror(errno)); return 1; }
  }
  if ((status & 0x7f) == 0) return (status >> 8) & 0xff;
  int sig = status & 0x7f;
  fprintf(stderr, "seccomp: %s was killed by %s%s\n", argv[1], signame(sig),
    sig == 31 ? " (the filter's KILL action)" : "");
  return 128 + sig;
}

static int cmd_list(void) {
  DIR *d = opendir(DIR_);
  if (!d) die("no " DIR_ " directory: the page writes the profiles there at start");
  struct dirent *e;
  printf("profiles in " DIR_ " (see NAME.json for each):\n");
  char *names[64];
  int n = 0;
  while ((e = readdir(d)) && n < 64) {
    size_t len = strlen(e->d_name);
    if (len > 4 && strcmp(e->d_name + len - 4, ".bpf") == 0) names[n++] = strndup(e->d_name, len - 4);
  }
  closedir(d);
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      if (strcmp(names[j], names[i]) < 0) { char *t = names[i]; names[i] = names[j]; names[j] = t; }
  for (int i = 0; i < n; i++) printf("  %s\n", names[i]);
  printf("usage: seccomp calls PROFILE | seccomp explain PROFILE CALL [ARG...] | seccomp run PROFILE COMMAND [ARG...]\n");
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "list") == 0) return cmd_list();
  if (strcmp(argv[1], "explain") == 0) return cmd_explain(argc - 2, argv + 2);
  if (strcmp(argv[1], "calls") == 0) return cmd_calls(argc - 2, argv + 2);
  if (strcmp(argv[1], "run") == 0) return cmd_run(argc - 2, argv + 2);
  fprintf(stderr, "seccomp: unknown command \"%s\"; try: seccomp list | calls | explain | run\n", argv[1]);
  return 2;
}
