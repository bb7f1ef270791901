/* sh/test.h - the test and [ builtins (XCU test): string, integer and file operators, !, -a, -o
 * and parentheses. Up to four arguments follow POSIX's rules by argument count; more are
 * parsed as an expression (-o below -a below !), as dash does. Status 0 true, 1 false, 2 an
 * error (printed). */
#ifndef SH_TEST_H
#define SH_TEST_H

typedef struct tst { char **v; int n, i; int failed; const char *who; } tst;

static void test_error(tst *t, const char *fmt, const char *arg) {
  if (t->failed) return;
  t->failed = 1;
  fflush(stdout);
  fprintf(stderr, "sh: %s: ", t->who);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
}

static int test_unary_op(const char *s) {
  return s[0] == '-' && s[1] && !s[2] && strchr("bcdefghLnprSstuwxz", s[1]);
}
static int test_binary_op(const char *s) {
  static const char *const ops[] = { "=", "!=", "==", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef" };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) if (strcmp(s, ops[i]) == 0) return 1;
  return 0;
}

static long test_number(tst *t, const char *s) {
  const char *p = s;
  while (*p == ' ' || *p == '\t') p++;
  char *end;
  errno = 0;
  long v = strtol(p, &end, 10);
  while (*end == ' ' || *end == '\t') end++;
  if (end == p || *end || errno || !*p) { test_error(t, "Illegal number: %s", s); return 0; }
  return v;
}

static int test_unary(tst *t, char op, const char *a) {
  struct stat st;
  switch (op) {
    case 'n': return *a != 0;
    case 'z': return *a == 0;
    case 't': { long fd = test_number(t, a); return !t->failed && wv_isatty((int)fd) == 1; }
    case 'h': case 'L': return lstat(a, &st) == 0 && S_ISLNK(st.st_mode);
    case 'r': return access(a, R_OK) == 0;
    case 'w': return access(a, W_OK) == 0;
    case 'x': return access(a, X_OK) == 0;
  }
  if (stat(a, &st) != 0) return 0;
  switch (op) {
    case 'e': return 1;
    case 'f': return S_ISREG(st.st_mode);
    case 'd': return S_ISDIR(st.st_mode);
    case 'b': return S_ISBLK(st.st_mode);
    case 'c': return S_ISCHR(st.st_mode);
    case 'p': return S_ISFIFO(st.st_mode);
    case 'S': return S_ISSOCK(st.st_mode);
    case 's': return st.st_size > 0;
    case 'g': return (st.st_mode & S_ISGID) != 0;
    case 'u': return (st.st_mode & S_ISUID) != 0;
  }
  return 0;
}

static int test_binary(tst *t, const char *a, const char *op, const char *b) {
  if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0) return strcmp(a, b) == 0;
  if (strcmp(op, "!=") == 0) return strcmp(a, b) != 0;
  if (strcmp(op, "<") == 0) return strcmp(a, b) < 0;
  if (strcmp(op, ">") == 0) return strcmp(a, b) > 0;
  if (strcmp(op, "-nt") == 0 || strcmp(op, "-ot") == 0 || strcmp(op, "-ef") == 0) {
    struct stat sa, sb;
    int ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;
    if (op[1] == 'e') return ha && hb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    double ta = ha ? (double)sa.st_mtim.tv_sec + sa.st_mtim.tv_nsec / 1e9 : 0;
    double tb = hb ? (double)sb.st_mtim.tv_sec + sb.st_mtim.tv_nsec / 1e9 : 0;
    if (op[1] == 'n') return ha && (!hb || ta > tb);
    return hb && (!ha || ta < tb);
  }
  long x = test_number(t, a), y = test_number(t, b);
  if (t->failed) return 0;
  if (strcmp(op, "-eq") == 0) return x == y;
  if (strcmp(op, "-ne") == 0) return x != y;
  if (strcmp(op, "-lt") == 0) return x < y;
  if (strcmp(op, "-le") == 0) return x <= y;
  if (strcmp(op, "-gt") == 0) return x > y;
  return x >= y;
}

/* ---- more than four arguments: an expression ---- */

static int test_or(tst *t);
static const char *test_peek(tst *t, int k) { return t->i + k < t->n ? t->v[t->i + k] : NULL; }

static int test_primary(tst *t) {
  const char *a = test_peek(t, 0);
  if (!a) { test_error(t, "%s", "argument expected"); return 0; }
  if (strcmp(a, "(") == 0) {
    t->i++;
    int r = test_or(t);
    const char *c = test_peek(t, 0);
    if (!c || strcmp(c, ")") != 0) { test_error(t, "%s", "closing paren expected"); return 0; }
    t->i++;
    return r;
  }
  const char *b = test_peek(t, 1);
  if (b && test_binary_op(b) && test_peek(t, 2)) {
    t->i += 3;
    return test_binary(t, a, b, t->v[t->i - 1]);
  }
  if (test_unary_op(a) && b) {
    t->i += 2;
    return test_unary(t, a[1], b);
  }
  t->i++;
  return *a != 0;
}
static int test_not(tst *t) {
  const char *a = test_peek(t, 0);
  if (a && strcmp(a, "!") == 0) { t->i++; return !test_not(t); }
  return test_primary(t);
}
static int test_and(tst *t) {
  int r = test_not(t);
  while (test_peek(t, 0) && strcmp(test_peek(t, 0), "-a") == 0) { t->i++; int s = test_not(t); r = r && s; }
  return r;
}
static int test_or(tst *t) {
  int r = test_and(t);
  while (test_peek(t, 0) && strcmp(test_peek(t, 0), "-o") == 0) { t->i++; int s = test_and(t); r = r || s; }
  return r;
}

/* POSIX's rules for n <= 4 arguments at v. */
static int test_n(tst *t, char **v, int n) {
  switch (n) {
    case 0: return 0;
    case 1: return v[0][0] != 0;
    case 2:
      if (strcmp(v[0], "!") == 0) return !test_n(t, v + 1, 1);
      if (test_unary_op(v[0])) return test_unary(t, v[0][1], v[1]);
      test_error(t, "%s: unexpected operator", v[0]);
      return 0;
    case 3:
      if (test_binary_op(v[1])) return test_binary(t, v[0], v[1], v[2]);
      if (strcmp(v[1], "-a") == 0) return v[0][0] && v[2][0];
      if (strcmp(v[1], "-o") == 0) return v[0][0] || v[2][0];
      if (strcmp(v[0], "!") == 0) return !test_n(t, v + 1, 2);
      if (strcmp(v[0], "(") == 0 && strcmp(v[2], ")") == 0) return test_n(t, v + 1, 1);
      test_error(t, "%s: unexpected operator", v[1]);
      return 0;
    case 4:
      if (strcmp(v[0], "!") == 0) return !test_n(t, v + 1, 3);
      if (strcmp(v[0], "(") == 0 && strcmp(v[3], ")") == 0) return test_n(t, v + 1, 2);
      break;
  }
  t->v = v; t->n = n; t->i = 0;
  int r = test_or(t);
  if (!t->failed && t->i < n) test_error(t, "%s: unexpected operator", v[t->i]);
  return r;
}

static int bi_test(int argc, char **argv) {
  tst t = { NULL, 0, 0, 0, argv[0] };
  int n = argc - 1;
  if (strcmp(argv[0], "[") == 0) {
    if (n < 1 || strcmp(argv[argc - 1], "]") != 0) { test_error(&t, "%s", "missing ]"); return 2; }
    n--;
  }
  int r = test_n(&t, argv + 1, n);
  return t.failed ? 2 : !r;
}

#endif
