/* sh/parse.h - the lexer and the parser: text -> list of and-or lists of pipelines of commands.
 * Words keep their quotes; expansion (sh/expand.h) happens when a command runs, so `$?` and
 * assignments made earlier on the same line are seen. */
#ifndef SH_PARSE_H
#define SH_PARSE_H

enum tok_kind {
  T_WORD, T_IONUM, T_AND_IF, T_OR_IF, T_PIPE, T_SEMI, T_AMP, T_NL,
  T_LT, T_GT, T_DGREAT, T_GTAND, T_LTAND, T_LPAREN, T_RPAREN, T_EOF,
};
typedef struct token {
  int kind;
  size_t start, end; /* the token's bytes in the text */
} token;

/* Redirection operators. */
enum { R_IN = 1, R_OUT, R_APPEND, R_DUPOUT, R_DUPIN };
typedef struct redir {
  int fd;            /* the fd redirected (default 0 for < and <&, 1 for the others) */
  int op;            /* R_* */
  const char *word;  /* the target, unexpanded */
  struct redir *next;
} redir;
typedef struct command {
  const char **words; /* unexpanded words (assignments first, then the command and args) */
  int nwords;
  redir *redirs;      /* in the order written */
} command;
typedef struct pipeline {
  command **cmds;
  int n;
  int bang;           /* "! pipeline": the status is negated */
  const char *text;   /* the source text (jobs shows it) */
} pipeline;
enum { OP_AND = 1, OP_OR };
typedef struct andor {
  pipeline **pipes;
  int *ops;           /* ops[i] joins pipes[i] and pipes[i + 1] */
  int n;
  int bg;             /* ended by & */
  const char *text;
} andor;
typedef struct list {
  andor **items;
  int n;
} list;

enum { PARSE_OK, PARSE_INCOMPLETE, PARSE_ERROR };
typedef struct parse_result { int status; list *list; } parse_result;

typedef struct parser {
  const char *s;
  size_t pos;
  token tok;         /* the current token */
  int incomplete;    /* the lexer ran out of text inside a quote or after a backslash */
} parser;

static int is_meta(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' ||
         c == '(' || c == ')';
}

/* The end of a command substitution: s[i] is just after "$(". Returns the index after the
 * matching ')' (quotes and nested parentheses skipped), or strlen(s) with *incomplete set. */
static size_t skip_subst(const char *s, size_t i, int *incomplete) {
  int depth = 1;
  while (s[i]) {
    char c = s[i];
    if (c == '\\' && s[i + 1]) { i += 2; continue; }
    if (c == '\'') {
      const char *q = strchr(s + i + 1, '\'');
      if (!q) break;
      i = (size_t)(q - s) + 1;
      continue;
    }
    if (c == '"') {
      i++;
      while (s[i] && s[i] != '"') {
        if (s[i] == '\\' && s[i + 1]) i += 2;
        else if (s[i] == '$' && s[i + 1] == '(') i = skip_subst(s, i + 2, incomplete);
        else i++;
      }
      if (!s[i]) break;
      i++;
      continue;
    }
    if (c == '(') depth++;
    if (c == ')' && --depth == 0) return i + 1;
    i++;
  }
  *incomplete = 1;
  return strlen(s);
}

/* Reads the next token into p->tok. */
static void lex(parser *p) {
  const char *s = p->s;
  size_t i = p->pos;
  for (;;) {
    if (s[i] == ' ' || s[i] == '\t') { i++; continue; }
    if (s[i] == '\\' && s[i + 1] == '\n') { i += 2; continue; }
    if (s[i] == '#') { while (s[i] && s[i] != '\n') i++; continue; }
    break;
  }
  token t = { T_EOF, i, i };
  char c = s[i];
  if (!c) {
    t.kind = T_EOF;
  } else if (c == '\n') {
    t.kind = T_NL; i++;
  } else if (c == '&') {
    if (s[i + 1] == '&') { t.kind = T_AND_IF; i += 2; } else { t.kind = T_AMP; i++; }
  } else if (c == '|') {
    if (s[i + 1] == '|') { t.kind = T_OR_IF; i += 2; } else { t.kind = T_PIPE; i++; }
  } else if (c == ';') {
    t.kind = T_SEMI; i++;
  } else if (c == '(') {
    t.kind = T_LPAREN; i++;
  } else if (c == ')') {
    t.kind = T_RPAREN; i++;
  } else if (c == '<') {
    if (s[i + 1] == '&') { t.kind = T_LTAND; i += 2; } else { t.kind = T_LT; i++; }
  } else if (c == '>') {
    if (s[i + 1] == '>') { t.kind = T_DGREAT; i += 2; }
    else if (s[i + 1] == '&') { t.kind = T_GTAND; i += 2; }
    else if (s[i + 1] == '|') { t.kind = T_GT; i += 2; }
    else { t.kind = T_GT; i++; }
  } else {
    size_t j = i;
    int digits = 1;
    while (s[j] && !is_meta(s[j])) {
      char d = s[j];
      if (d < '0' || d > '9') digits = 0;
      if (d == '\\') {
        if (!s[j + 1]) { p->incomplete = 1; j++; break; }
        j += 2;
      } else if (d == '\'') {
        const char *q = strchr(s + j + 1, '\'');
        if (!q) { p->incomplete = 1; j = strlen(s); break; }
        j = (size_t)(q - s) + 1;
      } else if (d == '"') {
        j++;
        while (s[j] && s[j] != '"') {
          if (s[j] == '$' && s[j + 1] == '(') j = skip_subst(s, j + 2, &p->incomplete);
          else j += (s[j] == '\\' && s[j + 1]) ? 2 : 1;
        }
        if (!s[j]) { p->incomplete = 1; break; }
        j++;
      } else if (d == '$' && s[j + 1] == '(') {
        j = skip_subst(s, j + 2, &p->incomplete);
      } else if (d == '$' && s[j + 1] == '{') {
        const char *q = strchr(s + j + 2, '}');
        if (!q) { p->incomplete = 1; j = strlen(s); break; }
        j = (size_t)(q - s) + 1;
      } else {
        j++;
      }
    }
    t.kind = (digits && j - i <= 2 && (s[j] == '<' || s[j] == '>')) ? T_IONUM : T_WORD;
    i = j;
  }
  t.end = i;
  p->pos = i;
  p->tok = t;
}

static const char *tok_name(parser *p) {
  static char buf[16];
  switch (p->tok.kind) {
    case T_EOF: return "end of file";
    case T_NL: return "newline";
    default: {
      size_t n = p->tok.end - p->tok.start;
      if (n > sizeof buf - 1) n = sizeof buf - 1;
      memcpy(buf, p->s + p->tok.start, n);
      buf[n] = 0;
      return buf;
    }
  }
}

/* A growable array of pointers, copied into the arena when done. */
typedef struct ptrvec { void **p; int n, cap; } ptrvec;
static void pv_push(ptrvec *v, void *x) {
  if (v->n == v->cap) { v->cap = v->cap ? v->cap * 2 : 8; v->p = xrealloc(v->p, v->cap * sizeof *v->p); }
  v->p[v->n++] = x;
}
static void **pv_done(ptrvec *v) {
  void **out = arena_alloc((v->n + 1) * sizeof *out);
  if (v->n) memcpy(out, v->p, v->n * sizeof *out);
  free(v->p);
  v->p = NULL;
  return out;
}

/* PARSE_OK, or PARSE_INCOMPLETE / PARSE_ERROR (the error already printed). */
static int parse_fail(parser *p) {
  if (p->incomplete || p->tok.kind == T_EOF) return PARSE_INCOMPLETE;
  err_printf("syntax error near unexpected token `%s'", tok_name(p));
  return PARSE_ERROR;
}

static int parse_command(parser *p, command **out) {
  command *c = arena_alloc(sizeof *c);
  ptrvec words = {0};
  redir **tail = &c->redirs;
  for (;;) {
    int fd = -1;
    if (p->tok.kind == T_IONUM) {
      fd = atoi(p->s + p->tok.start);
      lex(p);
    }
    int k = p->tok.kind;
    if (k == T_LT || k == T_GT || k == T_DGREAT || k == T_GTAND || k == T_LTAND) {
      redir *r = arena_alloc(sizeof *r);
      r->op = k == T_LT ? R_IN : k == T_GT ? R_OUT : k == T_DGREAT ? R_APPEND : k == T_GTAND ? R_DUPOUT : R_DUPIN;
      r->fd = fd >= 0 ? fd : (r->op == R_IN || r->op == R_DUPIN) ? 0 : 1;
      lex(p);
      if (p->tok.kind != T_WORD && p->tok.kind != T_IONUM) { free(words.p); return parse_fail(p); }
      r->word = arena_strndup(p->s + p->tok.start, p->tok.end - p->tok.start);
      *tail = r;
      tail = &r->next;
      lex(p);
      continue;
    }
    if (fd >= 0) { free(words.p); return parse_fail(p); }
    if (k == T_WORD) {
      pv_push(&words, arena_strndup(p->s + p->tok.start, p->tok.end - p->tok.start));
      lex(p);
      continue;
    }
    break;
  }
  if (words.n == 0 && !c->redirs) { free(words.p); return parse_fail(p); }
  c->nwords = words.n;
  c->words = (const char **)pv_done(&words);
  *out = c;
  return PARSE_OK;
}

static void skip_newlines(parser *p) { while (p->tok.kind == T_NL) lex(p); }

static int parse_pipeline(parser *p, pipeline **out) {
  pipeline *pl = arena_alloc(sizeof *pl);
  size_t start = p->tok.start;
  if (p->tok.kind == T_WORD && p->tok.end - p->tok.start == 1 && p->s[p->tok.start] == '!') {
    pl->bang = 1;
    lex(p);
  }
  ptrvec cmds = {0};
  size_t end;
  for (;;) {
    command *c = NULL;
    int r = parse_command(p, &c);
    if (r != PARSE_OK) { free(cmds.p); return r; }
    pv_push(&cmds, c);
    end = p->tok.start;
    if (p->tok.kind != T_PIPE) break;
    lex(p);
    skip_newlines(p);
  }
  while (end > start && (p->s[end - 1] == ' ' || p->s[end - 1] == '\t')) end--;
  pl->n = cmds.n;
  pl->cmds = (command **)pv_done(&cmds);
  pl->text = arena_strndup(p->s + start, end - start);
  *out = pl;
  return PARSE_OK;
}

static int parse_andor(parser *p, andor **out) {
  andor *a = arena_alloc(sizeof *a);
  size_t start = p->tok.start;
  ptrvec pipes = {0};
  int ops[256];
  for (;;) {
    pipeline *pl = NULL;
    int r = parse_pipeline(p, &pl);
    if (r != PARSE_OK) { free(pipes.p); return r; }
    pv_push(&pipes, pl);
    if (p->tok.kind != T_AND_IF && p->tok.kind != T_OR_IF) break;
    if (pipes.n > 255) { free(pipes.p); err_printf("too many && and || in one list"); return PARSE_ERROR; }
    ops[pipes.n - 1] = p->tok.kind == T_AND_IF ? OP_AND : OP_OR;
    lex(p);
    skip_newlines(p);
  }
  size_t end = p->tok.start;
  while (end > start && (p->s[end - 1] == ' ' || p->s[end - 1] == '\t')) end--;
  a->n = pipes.n;
  a->pipes = (pipeline **)pv_done(&pipes);
  a->ops = arena_alloc(sizeof(int) * (size_t)a->n);
  memcpy(a->ops, ops, sizeof(int) * (size_t)(a->n - 1));
  a->text = arena_strndup(p->s + start, end - start);
  *out = a;
  return PARSE_OK;
}

/* Parses a whole text (one line, several joined lines, or a -c string). */
static parse_result parse_text(const char *s) {
  parser p = { s, 0, {0}, 0 };
  parse_result res = { PARSE_OK, NULL };
  ptrvec items = {0};
  lex(&p);
  for (;;) {
    skip_newlines(&p);
    if (p.tok.kind == T_EOF) break;
    andor *a = NULL;
    int r = parse_andor(&p, &a);
    if (r != PARSE_OK) { free(items.p); res.status = r; return res; }
    pv_push(&items, a);
    if (p.tok.kind == T_AMP) { a->bg = 1; lex(&p); }
    else if (p.tok.kind == T_SEMI) lex(&p);
    else if (p.tok.kind == T_NL) lex(&p);
    else if (p.tok.kind != T_EOF) { free(items.p); res.status = parse_fail(&p); return res; }
  }
  if (p.incomplete) { free(items.p); res.status = PARSE_INCOMPLETE; return res; }
  list *l = arena_alloc(sizeof *l);
  l->n = items.n;
  l->items = (andor **)pv_done(&items);
  res.list = l;
  return res;
}

#endif
