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
    char *name = xstrdup(*e);
    name[eq - *e] = 0;
    var_set(name, eq + 1, 1);
    free(name);
  }
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
