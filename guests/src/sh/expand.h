/* sh/expand.h - word expansion: ~, $NAME ${NAME} ${NAME:-w} ${#NAME} $? $$ $! $# $0..$9 $@ $*,
 * $(command) and `command` (run by a spawned copy of the shell), $((arithmetic)), quote removal, field splitting of unquoted expansions on IFS white space, and pathname
 * expansion (* ? [...]) of unquoted pattern characters. */
#ifndef SH_EXPAND_H
#define SH_EXPAND_H

/* A growable list of malloc'd strings, NULL-terminated. */
typedef struct fields { char **v; int n, cap; } fields;
static void fields_push(fields *f, char *s) {
  if (f->n + 2 > f->cap) { f->cap = f->cap ? f->cap * 2 : 8; f->v = xrealloc(f->v, f->cap * sizeof *f->v); }
  f->v[f->n++] = s;
  f->v[f->n] = NULL;
}
static void fields_free(fields *f) {
  for (int i = 0; i < f->n; i++) free(f->v[i]);
  free(f->v);
  f->v = NULL; f->n = f->cap = 0;
}

enum { EX_SPLIT = 1, EX_GLOB = 2, EX_PAT = 4 /* the field is a pattern: quoted pattern characters escaped */ };

static char *expand_string(const char *w);

static char *join_params(void) {
  str s = {0};
  for (int i = 0; i < nparams; i++) { if (i) str_addc(&s, ' '); str_adds(&s, params[i]); }
  return str_take(&s);
}

/* The value of a one-character special parameter or a digit, or NULL when unset. */
static char *special_param(char c) {
  char buf[32];
  switch (c) {
    case '?': snprintf(buf, sizeof buf, "%d", sh.status); return xstrdup(buf);
    case '$': snprintf(buf, sizeof buf, "%d", sh.pid); return xstrdup(buf);
    case '!': if (!sh.last_bg) return xstrdup(""); snprintf(buf, sizeof buf, "%d", sh.last_bg); return xstrdup(buf);
    case '#': snprintf(buf, sizeof buf, "%d", nparams); return xstrdup(buf);
    case '-': return xstrdup(sh.interactive ? "i" : "");
    case '@': case '*': return join_params();
    case '0': return xstrdup(arg0 ? arg0 : "sh");
    default:
      if (c >= '1' && c <= '9') return c - '1' < nparams ? xstrdup(params[c - '1']) : NULL;
      return NULL;
  }
}

static char *lookup(const char *name, size_t n) {
  if (n == 1 && !name_ok(name, 1)) return special_param(name[0]);
  if (n > 0 && name[0] >= '0' && name[0] <= '9') {
    int k = atoi(name);
    if (k == 0) return xstrdup(arg0 ? arg0 : "sh");
    return k <= nparams ? xstrdup(params[k - 1]) : NULL;
  }
  char *nm = arena_strndup(name, n);
  const char *v = var_get(nm);
  return v ? xstrdup(v) : NULL;
}

/* The status of the last command substitution in the command being expanded (-1: none);
 * a command of assignments only exits with it. */
static int subst_status = -1;

/* Starts a copy of the shell running script (after a prelude recreating the unexported
 * variables and functions) with fds as map says; the positional parameters are args when
 * given, else the shell's. Defined in sh/exec.h. */
static int spawn_shell(const char *script, char **args, int nargs, const int map[MAX_FD], int pgid);
static int vfd[MAX_FD] = { 0, 1, 2, -1, -1, -1, -1, -1, -1, -1 };

/* $(CMD): runs CMD in a new shell (this program, spawned: there is no fork) with stdout to a
 * pipe, and returns its output without trailing newlines. */
static char *command_subst(const char *cmd) {
  int pfd[2];
  if (wv_pipe(pfd) < 0) { err_printf("pipe: %s", strerror(errno)); return xstrdup(""); }
  int map[MAX_FD];
  for (int k = 0; k < MAX_FD; k++) map[k] = -1;
  map[0] = vfd[0];
  map[1] = pfd[1];
  map[2] = vfd[2];
  fflush(stdout);
  int pid = spawn_shell(cmd, NULL, 0, map, -1);
  int e = errno;
  close(pfd[1]);
  str out = {0};
  if (pid < 0) {
    err_printf("cannot run a shell for $(...): %s", strerror(e));
    subst_status = 126;
  } else {
    char buf[4096];
    for (;;) {
      ssize_t n = read(pfd[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      str_addn(&out, buf, (size_t)n);
    }
    int st = 0;
    while (wv_waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    subst_status = status_code(st);
  }
  close(pfd[0]);
  while (out.n > 0 && out.p[out.n - 1] == '\n') out.p[--out.n] = 0;
  return str_take(&out);
}

/* `CMD`: w[*i] is the opening backquote; in_dq: inside double quotes (there \" is a quote). */
static char *backquote_subst(const char *w, size_t *i, int in_dq) {
  str cmd = {0};
  size_t j = *i + 1;
  while (w[j] && w[j] != '`') {
    if (w[j] == '\\' && w[j + 1] && (strchr("$`\\", w[j + 1]) || (in_dq && w[j + 1] == '"'))) j++;
    str_addc(&cmd, w[j++]);
  }
  *i = w[j] ? j + 1 : j;
  char *out = command_subst(cmd.p ? cmd.p : "");
  free(cmd.p);
  return out;
}

/* Expands the parameter at w[*i] == '$'; advances *i past it. Returns a malloc'd value, or
 * NULL when it is unset; *literal is set when '$' was not an expansion (it stays a '$'). */
static char *expand_param(const char *w, size_t *i, int *literal) {
  size_t j = *i + 1;
  *literal = 0;
  if (w[j] == '(' && w[j + 1] == '(') { /* $((EXPR)) */
    int incomplete = 0;
    size_t end = skip_subst(w, j + 1, &incomplete);
    if (end >= j + 4 && w[end - 1] == ')' && w[end - 2] == ')') {
      *i = end;
      char *inner = expand_string(arena_strndup(w + j + 2, end - j - 4));
      long v = arith_eval(inner);
      free(inner);
      char buf[32];
      snprintf(buf, sizeof buf, "%ld", v);
      return xstrdup(buf);
    }
  }
  if (w[j] == '(') {
    int incomplete = 0;
    size_t end = skip_subst(w, j + 1, &incomplete);
    *i = end;
    char *inner = arena_strndup(w + j + 1, end > j + 1 ? end - j - 2 : 0);
    return command_subst(inner);
  }
  if (w[j] == '{') {
    size_t k = j + 1, close = k;
    while (w[close] && w[close] != '}') close++;
    *i = w[close] ? close + 1 : close;
    if (w[k] == '#' && close > k + 1) { /* ${#NAME} */
      char *v = lookup(w + k + 1, close - k - 1);
      char buf[32];
      snprintf(buf, sizeof buf, "%zu", v ? strlen(v) : (size_t)0);
      free(v);
      return xstrdup(buf);
    }
    size_t e = k;
    if (w[e] && strchr("?$!#@*-", w[e]) && e + 1 <= close) e++;
    else while (e < close && (w[e] == '_' || (w[e] >= 'A' && w[e] <= 'Z') || (w[e] >= 'a' && w[e] <= 'z') ||
                              (w[e] >= '0' && w[e] <= '9'))) e++;
    if (e == k) { err_printf("${%.*s}: bad substitution", (int)(close - k), w + k); return xstrdup(""); }
    char *v = lookup(w + k, e - k);
    if (e == close) return v;
    int colon = w[e] == ':';
    char op = w[e + colon];
    char *word = arena_strndup(w + e + colon + 1, close > e + colon + 1 ? close - (e + colon + 1) : 0);
    int unset = !v || (colon && !*v);
    switch (op) {
      case '-': if (unset) { free(v); return expand_string(word); } return v;
      case '=':
        if (unset) {
          free(v);
          char *val = expand_string(word);
          char *nm = arena_strndup(w + k, e - k);
          if (name_ok(nm, strlen(nm))) var_set(nm, val, 0);
          return val;
        }
        return v;
      case '+': free(v); return unset ? xstrdup("") : expand_string(word);
      case '?':
        if (unset) {
          char *msg = expand_string(word);
          err_printf("%.*s: %s", (int)(e - k), w + k, *msg ? msg : "parameter not set");
          free(msg);
          sh.expand_failed = 1;
          return xstrdup("");
        }
        return v;
      default:
        free(v);
        err_printf("${%.*s}: bad substitution", (int)(close - k), w + k);
        return xstrdup("");
    }
  }
  if (w[j] && strchr("?$!#@*-0123456789", w[j])) {
    *i = j + 1;
    return special_param(w[j]);
  }
  size_t e = j;
  while (w[e] == '_' || (w[e] >= 'A' && w[e] <= 'Z') || (w[e] >= 'a' && w[e] <= 'z') || (w[e] >= '0' && w[e] <= '9')) e++;
  if (e == j) { *literal = 1; *i = j; return NULL; }
  *i = e;
  return lookup(w + j, e - j);
}

/* ---- pathname expansion ---- */

/* pat has an unescaped * or ?, or a [ with its closing ] (a lone [, as in `[ $x = 1 ]`, is an
 * ordinary character). */
static int has_glob(const char *pat) {
  for (const char *p = pat; *p; p++) {
    if (*p == '\\' && p[1]) { p++; continue; }
    if (*p == '*' || *p == '?') return 1;
    if (*p == '[') {
      const char *q = p + 1;
      if (*q == '!' || *q == '^') q++;
      if (*q == ']') q++;
      for (; *q && *q != '/'; q++) {
        if (*q == '\\' && q[1]) { q++; continue; }
        if (*q == ']') return 1;
      }
    }
  }
  return 0;
}
static char *unescape(const char *p, size_t n) {
  str s = {0};
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\\' && i + 1 < n) i++;
    str_addc(&s, p[i]);
  }
  return str_take(&s);
}
static void glob_dir(const char *prefix, const char *rest, fields *out) {
  const char *slash = strchr(rest, '/');
  size_t clen = slash ? (size_t)(slash - rest) : strlen(rest);
  char *comp = arena_strndup(rest, clen);
  if (!has_glob(comp)) {
    char *lit = unescape(comp, clen);
    str path = {0};
    str_adds(&path, prefix);
    str_adds(&path, lit);
    free(lit);
    struct stat st;
    if (slash) {
      str_addc(&path, '/');
      glob_dir(path.p, slash + 1, out);
      free(path.p);
    } else if (lstat(path.p, &st) == 0) {
      fields_push(out, str_take(&path));
    } else {
      free(path.p);
    }
    return;
  }
  DIR *d = opendir(*prefix ? prefix : ".");
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' && comp[0] != '.') continue;
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (fnmatch(comp, e->d_name, FNM_PERIOD) != 0) continue;
    str path = {0};
    str_adds(&path, prefix);
    str_adds(&path, e->d_name);
    if (slash) {
      struct stat st;
      if (stat(path.p, &st) == 0 && S_ISDIR(st.st_mode)) {
        str_addc(&path, '/');
        glob_dir(path.p, slash + 1, out);
      }
      free(path.p);
    } else {
      fields_push(out, str_take(&path));
    }
  }
  closedir(d);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The field being built: its text, its pattern (quoted pattern characters escaped), whether
 * it exists even if empty (it had quotes), whether it has unquoted pattern characters. */
typedef struct field_builder { str text, pat; int have, glob; } field_builder;

static void fb_add(field_builder *b, char c, int quoted) {
  str_addc(&b->text, c);
  if (quoted && (c == '*' || c == '?' || c == '[' || c == '\\')) str_addc(&b->pat, '\\');
  if (!quoted && (c == '*' || c == '?' || c == '[')) b->glob = 1;
  str_addc(&b->pat, c);
  b->have = 1;
}
static void fb_end(field_builder *b, fields *out, int flags) {
  if (flags & EX_PAT) {
    fields_push(out, b->pat.p ? str_take(&b->pat) : xstrdup(""));
    free(b->text.p);
    memset(b, 0, sizeof *b);
    return;
  }
  if (b->have || b->text.n) {
    int before = out->n;
    if ((flags & EX_GLOB) && b->glob && b->pat.p && has_glob(b->pat.p)) {
      const char *pat = b->pat.p;
      if (pat[0] == '/') glob_dir("/", pat + 1, out);
      else glob_dir("", pat, out);
      if (out->n > before) qsort(out->v + before, (size_t)(out->n - before), sizeof *out->v, cmp_str);
    }
    if (out->n == before) fields_push(out, str_take(&b->text));
  }
  free(b->text.p); free(b->pat.p);
  memset(b, 0, sizeof *b);
}
/* Adds an expansion's value: split on IFS white space when unquoted and splitting. */
static void fb_value(field_builder *b, const char *v, int quoted, int flags, fields *out) {
  if (quoted || !(flags & EX_SPLIT)) {
    for (const char *p = v; *p; p++) fb_add(b, *p, quoted);
    return;
  }
  for (const char *p = v; *p; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\n') {
      if (b->have || b->text.n) fb_end(b, out, flags);
    } else {
      fb_add(b, *p, 0);
    }
  }
}

/* Expands one word into fields appended to out. */
static void expand_word(const char *w, fields *out, int flags) {
  field_builder b = {0};
  size_t i = 0;
  if (nparams == 0 && strcmp(w, "\"$@\"") == 0 && !(flags & EX_PAT)) return; /* "$@" with no parameters: no field */
  if (w[0] == '~' && (w[1] == 0 || w[1] == '/')) {
    const char *home = var_get("HOME");
    fb_value(&b, home ? home : "/", 1, flags, out);
    i = 1;
  }
  while (w[i]) {
    char c = w[i];
    if (c == '\'') {
      b.have = 1;
      i++;
      while (w[i] && w[i] != '\'') fb_add(&b, w[i++], 1);
      if (w[i]) i++;
    } else if (c == '"') {
      b.have = 1;
      i++;
      while (w[i] && w[i] != '"') {
        if (w[i] == '\\' && w[i + 1] && strchr("$`\"\\\n", w[i + 1])) {
          if (w[i + 1] != '\n') fb_add(&b, w[i + 1], 1);
          i += 2;
        } else if (w[i] == '`') {
          char *v = backquote_subst(w, &i, 1);
          fb_value(&b, v, 1, flags, out);
          free(v);
        } else if (w[i] == '$') {
          if (w[i + 1] == '@' && nparams > 0) { /* "$@": one field per parameter */
            for (int k = 0; k < nparams; k++) {
              if (k) fb_end(&b, out, flags & ~EX_GLOB);
              b.have = 1;
              fb_value(&b, params[k], 1, flags, out);
            }
            i += 2;
            continue;
          }
          int literal;
          char *v = expand_param(w, &i, &literal);
          if (literal) { fb_add(&b, '$', 1); i++; }
          else if (v) fb_value(&b, v, 1, flags, out);
          free(v);
        } else {
          fb_add(&b, w[i++], 1);
        }
      }
      if (w[i]) i++;
    } else if (c == '\\') {
      if (w[i + 1] == '\n') { i += 2; continue; }
      if (w[i + 1]) { fb_add(&b, w[i + 1], 1); i += 2; } else i++;
    } else if (c == '`') {
      char *v = backquote_subst(w, &i, 0);
      fb_value(&b, v, 0, flags, out);
      free(v);
    } else if (c == '$') {
      int literal;
      char *v = expand_param(w, &i, &literal);
      if (literal) { fb_add(&b, '$', 0); i++; }
      else if (v) fb_value(&b, v, 0, flags, out);
      free(v);
    } else {
      fb_add(&b, c, 0);
      i++;
    }
  }
  fb_end(&b, out, flags);
}

/* Expands a word to one string: no splitting, no globbing (redirection targets, assignments). */
static char *expand_string(const char *w) {
  fields f = {0};
  expand_word(w, &f, 0);
  str s = {0};
  for (int k = 0; k < f.n; k++) { if (k) str_addc(&s, ' '); str_adds(&s, f.v[k]); }
  fields_free(&f);
  return str_take(&s);
}

/* Expands a case pattern: the pattern characters that were quoted are escaped. */
static char *expand_pattern(const char *w) {
  fields f = {0};
  expand_word(w, &f, EX_PAT);
  char *p = f.n ? xstrdup(f.v[0]) : xstrdup("");
  fields_free(&f);
  return p;
}

/* A here-document's body: $ expansions, `...`, and \ before $ ` \ newline. */
static char *expand_heredoc(const char *w) {
  str s = {0};
  size_t i = 0;
  while (w[i]) {
    if (w[i] == '\\' && w[i + 1] && strchr("$`\\\n", w[i + 1])) {
      if (w[i + 1] != '\n') str_addc(&s, w[i + 1]);
      i += 2;
    } else if (w[i] == '`') {
      char *v = backquote_subst(w, &i, 0);
      str_adds(&s, v);
      free(v);
    } else if (w[i] == '$') {
      int literal;
      char *v = expand_param(w, &i, &literal);
      if (literal) { str_addc(&s, '$'); i++; }
      else if (v) str_adds(&s, v);
      free(v);
    } else {
      str_addc(&s, w[i++]);
    }
  }
  return str_take(&s);
}

#endif
