/* sh/vars.h - shell variables (exported ones form the environment children get) and the
 * positional parameters $0 $1 ... */
#ifndef SH_VARS_H
#define SH_VARS_H

typedef struct var {
  char *name;
  char *value;
  int exported;  /* passed to children in spawn's envp */
} var;

static var *vars;
static int nvars, capvars;
static char *arg0;         /* $0 */
static char **params;      /* $1 ... */
static int nparams;        /* $# */

static int name_ok(const char *s, size_t n) {
  if (n == 0 || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))) return 0;
  for (size_t i = 1; i < n; i++) {
    char c = s[i];
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return 0;
  }
  return 1;
}

static var *var_find(const char *name) {
  for (int i = 0; i < nvars; i++) if (strcmp(vars[i].name, name) == 0) return &vars[i];
  return NULL;
}
static const char *var_get(const char *name) {
  var *v = var_find(name);
  return v ? v->value : NULL;
}
/* Sets name=value; exported: 1 export, 0 leave the flag as it is. Keeps the libc environment
 * in step for exported variables (natively, spawn searches the shell's own PATH). */
static void var_set(const char *name, const char *value, int exported) {
  var *v = var_find(name);
  if (!v) {
    if (nvars == capvars) { capvars = capvars ? capvars * 2 : 32; vars = xrealloc(vars, capvars * sizeof *vars); }
    v = &vars[nvars++];
    v->name = xstrdup(name);
    v->value = NULL;
    v->exported = 0;
  }
  char *old = v->value;
  v->value = xstrdup(value ? value : "");
  free(old);
  if (exported) v->exported = 1;
  if (v->exported) setenv(name, v->value, 1);
}
static void var_unset(const char *name) {
  for (int i = 0; i < nvars; i++) {
    if (strcmp(vars[i].name, name) == 0) {
      free(vars[i].name); free(vars[i].value);
      vars[i] = vars[--nvars];
      unsetenv(name);
      return;
    }
  }
}
/* The environment of a child: exported variables plus `extra` (NAME=VALUE assignments
 * written before the command, which override). Returns a malloc'd array; *n gets the count. */
static char **vars_envp(char **extra, int nextra, int *n) {
  char **e = xmalloc((nvars + nextra + 1) * sizeof *e);
  int k = 0;
  for (int i = 0; i < nvars; i++) {
    if (!vars[i].exported) continue;
    int overridden = 0;
    size_t ln = strlen(vars[i].name);
    for (int j = 0; j < nextra; j++)
      if (strncmp(extra[j], vars[i].name, ln) == 0 && extra[j][ln] == '=') overridden = 1;
    if (overridden) continue;
    size_t len = ln + strlen(vars[i].value) + 2;
    e[k] = xmalloc(len);
    snprintf(e[k], len, "%s=%s", vars[i].name, vars[i].value);
    k++;
  }
  for (int j = 0; j < nextra; j++) e[k++] = xstrdup(extra[j]);
  e[k] = NULL;
  *n = k;
  return e;
}
static void free_strv(char **v) {
  if (!v) return;
  for (char **p = v; *p; p++) free(*p);
  free(v);
}


/* ---- functions ---- */

struct command;
typedef struct func {
  char *name;
  struct command *body; /* in the kept part of the arena */
  char *text;           /* "NAME() BODY" as written, for child shells */
} func;
static func *funcs;
static int nfuncs, capfuncs;

static func *func_find(const char *name) {
  for (int i = 0; i < nfuncs; i++) if (strcmp(funcs[i].name, name) == 0) return &funcs[i];
  return NULL;
}
static void func_define(const char *name, struct command *body, const char *text) {
  func *f = func_find(name);
  if (!f) {
    if (nfuncs == capfuncs) { capfuncs = capfuncs ? capfuncs * 2 : 16; funcs = xrealloc(funcs, capfuncs * sizeof *funcs); }
    f = &funcs[nfuncs++];
    f->name = xstrdup(name);
    f->text = NULL;
  }
  free(f->text);
  f->text = xstrdup(text);
  f->body = body;
}
static void func_unset(const char *name) {
  for (int i = 0; i < nfuncs; i++) {
    if (strcmp(funcs[i].name, name) != 0) continue;
    free(funcs[i].name); free(funcs[i].text);
    funcs[i] = funcs[--nfuncs];
    return;
  }
}

/* ---- local variables: what each `local NAME` hid, restored when its function returns ---- */

typedef struct saved_var { char *name; char *value; int exported; int frame; } saved_var;
static saved_var *locals;
static int nlocals, caplocals;

/* Makes name local to the running function (frame = sh.func_depth): remembers its value. */
static void local_save(const char *name, int frame) {
  for (int i = nlocals - 1; i >= 0 && locals[i].frame == frame; i--)
    if (strcmp(locals[i].name, name) == 0) return;
  if (nlocals == caplocals) { caplocals = caplocals ? caplocals * 2 : 16; locals = xrealloc(locals, caplocals * sizeof *locals); }
  var *v = var_find(name);
  saved_var *s = &locals[nlocals++];
  s->name = xstrdup(name);
  s->value = v ? xstrdup(v->value) : NULL;
  s->exported = v ? v->exported : 0;
  s->frame = frame;
}
/* Puts back the variables made local at frame and deeper. */
static void locals_restore(int frame) {
  while (nlocals > 0 && locals[nlocals - 1].frame >= frame) {
    saved_var *s = &locals[--nlocals];
    if (s->value) {
      var *v = var_find(s->name);
      if (v && v->exported && !s->exported) { v->exported = 0; unsetenv(s->name); }
      var_set(s->name, s->value, s->exported);
    } else {
      var_unset(s->name);
    }
    free(s->name); free(s->value);
  }
}

/* ---- the whole state, for a subshell run inside the shell ---- */

typedef struct shell_state {
  var *vars; int nvars;
  char *arg0; char **params; int nparams;
  func *funcs; int nfuncs;
  int nlocals;
  char *cwd;
  int last_bg;
} shell_state;

static char **strv_dup(char **v, int n) {
  char **o = xmalloc((size_t)(n + 1) * sizeof *o);
  for (int i = 0; i < n; i++) o[i] = xstrdup(v[i]);
  o[n] = NULL;
  return o;
}
static void state_save(shell_state *st) {
  st->vars = xmalloc((size_t)(nvars + 1) * sizeof *st->vars);
  for (int i = 0; i < nvars; i++) {
    st->vars[i].name = xstrdup(vars[i].name);
    st->vars[i].value = xstrdup(vars[i].value);
    st->vars[i].exported = vars[i].exported;
  }
  st->nvars = nvars;
  st->arg0 = xstrdup(arg0 ? arg0 : "sh");
  st->params = strv_dup(params, nparams);
  st->nparams = nparams;
  st->funcs = xmalloc((size_t)(nfuncs + 1) * sizeof *st->funcs);
  for (int i = 0; i < nfuncs; i++) {
    st->funcs[i].name = xstrdup(funcs[i].name);
    st->funcs[i].text = xstrdup(funcs[i].text);
    st->funcs[i].body = funcs[i].body;
  }
  st->nfuncs = nfuncs;
  st->nlocals = nlocals;
  char cwd[PATH_MAX];
  st->cwd = getcwd(cwd, sizeof cwd) ? xstrdup(cwd) : NULL;
  st->last_bg = sh.last_bg;
}
static void state_restore(shell_state *st) {
  for (int i = 0; i < nvars; i++) {
    if (vars[i].exported) unsetenv(vars[i].name);
    free(vars[i].name); free(vars[i].value);
  }
  free(vars);
  vars = st->vars; nvars = capvars = st->nvars;
  if (!vars) { vars = xmalloc(sizeof *vars); capvars = 0; }
  for (int i = 0; i < nvars; i++) if (vars[i].exported) setenv(vars[i].name, vars[i].value, 1);
  free(arg0);
  arg0 = st->arg0;
  for (int i = 0; i < nparams; i++) free(params[i]);
  free(params);
  params = st->params; nparams = st->nparams;
  for (int i = 0; i < nfuncs; i++) { free(funcs[i].name); free(funcs[i].text); }
  free(funcs);
  funcs = st->funcs; nfuncs = capfuncs = st->nfuncs;
  if (!capfuncs) { free(funcs); funcs = NULL; }
  while (nlocals > st->nlocals) { nlocals--; free(locals[nlocals].name); free(locals[nlocals].value); }
  if (st->cwd && chdir(st->cwd) < 0) err_printf("cd: %s: %s", st->cwd, strerror(errno));
  free(st->cwd);
  sh.last_bg = st->last_bg;
}

/* ---- what a child shell is told (there is no fork: a subshell in a pipeline, a function in
 * a pipeline, $(...) are run by a new copy of the shell) ---- */

static void str_add_quoted(str *s, const char *v) {
  str_addc(s, '\'');
  for (; *v; v++) { if (*v == '\'') str_adds(s, "'\\''"); else str_addc(s, *v); }
  str_addc(s, '\'');
}
/* A script that recreates the unexported variables and the functions (exported variables
 * travel in the environment, as to any program). */
static void child_prelude(str *s) {
  for (int i = 0; i < nvars; i++) {
    if (vars[i].exported) continue;
    str_adds(s, vars[i].name);
    str_addc(s, '=');
    str_add_quoted(s, vars[i].value);
    str_addc(s, '\n');
  }
  for (int i = 0; i < nfuncs; i++) { str_adds(s, funcs[i].text); str_addc(s, '\n'); }
}

static void vars_set_positional(const char *zero, int n, char **args) {
  free(arg0);
  arg0 = xstrdup(zero);
  params = xmalloc((n + 1) * sizeof *params);
  for (int i = 0; i < n; i++) params[i] = xstrdup(args[i]);
  params[n] = NULL;
  nparams = n;
}

static void vars_init(const char *zero) {
  extern char **environ;
  for (char **e = environ; e && *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq || !name_ok(*e, (size_t)(eq - *e))) continue;
    if (strncmp(*e, "WVSH_SUBSHELL=", 14) == 0) { /* "STATUS PID LASTBG" from the parent shell */
      sscanf(eq + 1, "%d %d %d", &sh.status, &sh.pid, &sh.last_bg);
      sh.subshell = 1;
      continue;
    }
    char *name = xstrdup(*e);
    name[eq - *e] = 0;
    var_set(name, eq + 1, 1);
    free(name);
  }
  unsetenv("WVSH_SUBSHELL");
  vars_set_positional(zero, 0, NULL);
  if (!var_get("PS1")) var_set("PS1", "$ ", 0);
  if (!var_get("IFS")) var_set("IFS", " \t\n", 0);
#ifdef __wasi__
  /* wVisor passes spawn's cwd as PWD; wasi-libc keeps the working directory itself and
   * starts at /, so move there (a shell started by a shell starts where that one was). */
  const char *pwd = var_get("PWD");
  if (pwd && pwd[0] == '/') chdir(pwd);
#endif
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd)) var_set("PWD", cwd, 0);
}

#endif
