/* sh/arith.h - $(( )) arithmetic (XCU 2.6.4): C's integer operators on longs, with variables
 * by name, decimal, octal (0N) and hex (0xN) constants, assignment operators, ?: and the
 * short-circuit && ||. The text has been through parameter expansion and command
 * substitution already. Errors print one line and set sh.expand_failed. */
#ifndef SH_ARITH_H
#define SH_ARITH_H

typedef struct arith {
  const char *s, *p;
  int failed;
  int noeval;   /* inside the side of && || ?: not taken: no assignments, no errors from / and % */
} arith;

static void arith_error(arith *a, const char *what) {
  if (a->failed) return;
  a->failed = 1;
  err_printf("arithmetic expression: %s: \"%s\"", what, a->s);
}
static void arith_space(arith *a) { while (*a->p == ' ' || *a->p == '\t' || *a->p == '\n') a->p++; }

/* A variable's value as a number (unset or empty: 0). */
static long arith_var(arith *a, const char *name) {
  const char *v = var_get(name);
  if (!v || !*v) return 0;
  char *end;
  errno = 0;
  long n = strtol(v, &end, 0);
  while (*end == ' ' || *end == '\t' || *end == '\n') end++;
  if (*end || errno) { arith_error(a, "bad number"); return 0; }
  return n;
}

static long arith_assign(arith *a);

static long arith_primary(arith *a) {
  arith_space(a);
  char c = *a->p;
  if (c == '(') {
    a->p++;
    long v = arith_assign(a);
    arith_space(a);
    if (*a->p != ')') { arith_error(a, "expecting ')'"); return 0; }
    a->p++;
    return v;
  }
  if (c >= '0' && c <= '9') {
    char *end;
    errno = 0;
    long v = strtol(a->p, &end, 0);
    if (errno || (end[0] && (end[0] == '_' || (end[0] >= 'a' && end[0] <= 'z') || (end[0] >= 'A' && end[0] <= 'Z') ||
                             (end[0] >= '0' && end[0] <= '9')))) {
      arith_error(a, "bad number");
      return 0;
    }
    a->p = end;
    return v;
  }
  if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
    const char *st = a->p;
    while (*a->p == '_' || (*a->p >= 'a' && *a->p <= 'z') || (*a->p >= 'A' && *a->p <= 'Z') || (*a->p >= '0' && *a->p <= '9')) a->p++;
    char *name = arena_strndup(st, (size_t)(a->p - st));
    return arith_var(a, name);
  }
  arith_error(a, "expecting primary");
  return 0;
}

static long arith_unary(arith *a) {
  arith_space(a);
  char c = *a->p;
  if ((c == '+' || c == '-') && a->p[1] == c) { arith_error(a, "expecting primary"); return 0; }
  if (c == '+') { a->p++; return arith_unary(a); }
  if (c == '-') { a->p++; return -arith_unary(a); }
  if (c == '!') { a->p++; return !arith_unary(a); }
  if (c == '~') { a->p++; return ~arith_unary(a); }
  return arith_primary(a);
}

/* The binary operator at p: its precedence (higher binds tighter) and length; 0 if none (an
 * assignment operator like += is not a binary operator). */
static int arith_binop(const char *p, int *len) {
  static const struct { const char *op; int prec; } two[] = {
    {"||", 1}, {"&&", 2}, {"==", 6}, {"!=", 6}, {"<=", 7}, {">=", 7}, {"<<", 8}, {">>", 8},
  };
  for (size_t i = 0; i < sizeof two / sizeof two[0]; i++) {
    if (p[0] != two[i].op[0] || p[1] != two[i].op[1]) continue;
    if (two[i].prec == 8 && p[2] == '=') return 0;
    *len = 2;
    return two[i].prec;
  }
  static const char one[] = "|^&<>+-*/%";
  static const int prec[] = { 3, 4, 5, 7, 7, 9, 9, 10, 10, 10 };
  const char *k = *p ? strchr(one, *p) : NULL;
  if (!k || p[1] == '=') return 0;
  *len = 1;
  return prec[k - one];
}

static long arith_binary(arith *a, int min) {
  long l = arith_unary(a);
  for (;;) {
    arith_space(a);
    int len = 0;
    int prec = arith_binop(a->p, &len);
    if (!prec || prec < min || a->failed) return l;
    char op0 = a->p[0], op1 = len > 1 ? a->p[1] : 0;
    a->p += len;
    int saved = a->noeval;
    if ((op0 == '&' && op1 == '&' && !l) || (op0 == '|' && op1 == '|' && l)) a->noeval = 1;
    long r = arith_binary(a, prec + 1);
    a->noeval = saved;
    switch (op0) {
      case '|': l = op1 ? (l || r) : (l | r); break;
      case '&': l = op1 ? (l && r) : (l & r); break;
      case '^': l ^= r; break;
      case '=': l = l == r; break;
      case '!': l = l != r; break;
      case '<': l = op1 == '<' ? (long)((unsigned long)l << (r & 63)) : op1 == '=' ? l <= r : l < r; break;
      case '>': l = op1 == '>' ? l >> (r & 63) : op1 == '=' ? l >= r : l > r; break;
      case '+': l = (long)((unsigned long)l + (unsigned long)r); break;
      case '-': l = (long)((unsigned long)l - (unsigned long)r); break;
      case '*': l = (long)((unsigned long)l * (unsigned long)r); break;
      case '/': case '%':
        if (r == 0) { if (!a->noeval) arith_error(a, "division by zero"); l = 0; break; }
        if (r == -1) { l = op0 == '/' ? (long)(0 - (unsigned long)l) : 0; break; }
        l = op0 == '/' ? l / r : l % r;
        break;
    }
  }
}

static long arith_cond(arith *a) {
  long c = arith_binary(a, 1);
  arith_space(a);
  if (*a->p != '?') return c;
  a->p++;
  int saved = a->noeval;
  if (!c) a->noeval = 1;
  long x = arith_assign(a);
  a->noeval = saved;
  arith_space(a);
  if (*a->p != ':') { arith_error(a, "expecting ':'"); return 0; }
  a->p++;
  if (c) a->noeval = 1;
  long y = arith_cond(a);
  a->noeval = saved;
  return c ? x : y;
}

static long arith_assign(arith *a) {
  arith_space(a);
  const char *st = a->p;
  if (*st == '_' || (*st >= 'a' && *st <= 'z') || (*st >= 'A' && *st <= 'Z')) {
    const char *e = st;
    while (*e == '_' || (*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') || (*e >= '0' && *e <= '9')) e++;
    const char *q = e;
    while (*q == ' ' || *q == '\t') q++;
    static const char *const aops[] = { "<<=", ">>=", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "=" };
    for (size_t i = 0; i < sizeof aops / sizeof aops[0]; i++) {
      size_t n = strlen(aops[i]);
      if (strncmp(q, aops[i], n) != 0 || (n == 1 && q[1] == '=')) continue;
      char *name = arena_strndup(st, (size_t)(e - st));
      a->p = q + n;
      long r = arith_assign(a);
      if (a->failed) return 0;
      long v = r;
      if (n > 1) {
        long l = arith_var(a, name);
        switch (aops[i][0]) {
          case '<': v = (long)((unsigned long)l << (r & 63)); break;
          case '>': v = l >> (r & 63); break;
          case '*': v = (long)((unsigned long)l * (unsigned long)r); break;
          case '+': v = (long)((unsigned long)l + (unsigned long)r); break;
          case '-': v = (long)((unsigned long)l - (unsigned long)r); break;
          case '&': v = l & r; break;
          case '^': v = l ^ r; break;
          case '|': v = l | r; break;
          case '/': case '%':
            if (r == 0) { if (!a->noeval) arith_error(a, "division by zero"); return 0; }
            v = r == -1 ? (aops[i][0] == '/' ? (long)(0 - (unsigned long)l) : 0) : aops[i][0] == '/' ? l / r : l % r;
            break;
        }
      }
      if (!a->noeval) {
        char buf[32];
        snprintf(buf, sizeof buf, "%ld", v);
        var_set(name, buf, 0);
      }
      return v;
    }
  }
  return arith_cond(a);
}

/* Evaluates expr; on error prints it, sets sh.expand_failed and returns 0. */
static long arith_eval(const char *expr) {
  arith a = { expr, expr, 0, 0 };
  arith_space(&a);
  long v = 0;
  if (*a.p) {
    v = arith_assign(&a);
    arith_space(&a);
    if (!a.failed && *a.p) arith_error(&a, "expecting EOF");
  }
  if (a.failed) { sh.expand_failed = 1; return 0; }
  return v;
}

#endif
