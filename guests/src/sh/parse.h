/* sh/parse.h - the lexer and the parser (POSIX XCU 2.9/2.10): text -> a list of and-or lists of
 * pipelines of commands, where a command is a simple command, a compound command (`{ }`,
 * `( )`, if, while, until, for, case) with its redirections, or a function definition.
 * Words keep their quotes; expansion (sh/expand.h) happens when a command runs, so `$?` and
 * assignments made earlier on the same line are seen. Here-document bodies are read by the
 * lexer at the newline after their operator. Every command and and-or list keeps its source
 * text (with the bodies of its here-documents), which is what a child shell is given when the
 * command must run in another process (sh/exec.h). */
#ifndef SH_PARSE_H
#define SH_PARSE_H

enum tok_kind {
  T_WORD, T_IONUM, T_AND_IF, T_OR_IF, T_PIPE, T_SEMI, T_DSEMI, T_AMP, T_NL,
  T_LT, T_GT, T_DGREAT, T_GTAND, T_LTAND, T_DLESS, T_DLESSDASH, T_LPAREN, T_RPAREN, T_EOF,
};
typedef struct token {
  int kind;
  size_t start, end; /* the token's bytes in the text */
} token;

/* Redirection operators. */
enum { R_IN = 1, R_OUT, R_APPEND, R_DUPOUT, R_DUPIN, R_HEREDOC };
typedef struct redir {
  int fd;            /* the fd redirected (default 0 for < <& <<, 1 for the others) */
  int op;            /* R_* */
  const char *word;  /* the target, unexpanded; for << the delimiter as written */
  const char *body;  /* <<: the here-document (leading tabs gone for <<-) */
  int quoted;        /* <<: the delimiter had quotes: the body is not expanded */
  int strip;         /* <<- */
  size_t op_pos;     /* where the operator is in the text */
  size_t raw_start, raw_end; /* <<: the body and delimiter lines in the text */
  struct redir *next;
  struct redir *next_pending;
} redir;

struct list;
enum { N_SIMPLE, N_BRACE, N_SUBSHELL, N_IF, N_WHILE, N_UNTIL, N_FOR, N_CASE, N_FUNCDEF };
typedef struct case_item {
  const char **pats;
  int npats;
  struct list *body;  /* may be empty */
} case_item;
typedef struct command {
  int kind;           /* N_* */
  const char **words; /* simple: assignments first, then the command and args; for: the words
                         after `in`; case: words[0] is the subject */
  int nwords;
  int has_in;         /* for: `in` was written (else "$@") */
  redir *redirs;      /* in the order written */
  struct list *a, *b, *c; /* if: condition, then, else (elif: c holds one if); while/until:
                             condition, body; for: b body; { } and ( ): a */
  const char *name;   /* for NAME; NAME() */
  struct command *body; /* NAME() body */
  case_item **items;
  int nitems;
  size_t start, end;  /* the source span */
  const char *text;   /* the source text, with the bodies of its here-documents */
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
  size_t start, end;
  const char *text;   /* as command.text */
} andor;
typedef struct list {
  andor **items;
  int n;
} list;

enum { PARSE_OK, PARSE_INCOMPLETE, PARSE_ERROR };
typedef struct parse_result { int status; list *list; } parse_result;

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
  v->n = v->cap = 0;
  return out;
}

typedef struct parser {
  const char *s;
  size_t pos;
  token tok;         /* the current token */
  size_t prev_end;   /* the end of the token before it */
  int incomplete;    /* the lexer ran out of text inside a quote, after a backslash, or in a here-document */
  int final;         /* no more text will come: a here-document may end at the end of the text */
  redir *pending, **pending_tail; /* here-documents whose bodies come after the next newline */
  ptrvec heredocs;   /* every here-document, for the texts */
  ptrvec cmds;       /* every command and and-or list (tagged), for the texts */
  int depth;         /* nesting, to refuse absurd inputs */
} parser;

static int is_meta(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' ||
         c == '(' || c == ')';
}

/* The index after the backquote closing the one just before s[i], or strlen(s) with
 * *incomplete set. */
static size_t skip_backquote(const char *s, size_t i, int *incomplete) {
  while (s[i] && s[i] != '`') i += (s[i] == '\\' && s[i + 1]) ? 2 : 1;
  if (!s[i]) { *incomplete = 1; return i; }
  return i + 1;
}

/* The end of a command substitution: s[i] is just after "$(". Returns the index after the
 * matching ')' (quotes and nested parentheses skipped), or strlen(s) with *incomplete set. */
static int word_at(const char *s, size_t start, size_t i, const char *w) {
  size_t n = strlen(w);
  if (strncmp(s + i, w, n) != 0) return 0;
  if (i > start && !strchr(" \t\n;&|(", s[i - 1])) return 0;
  return !s[i + n] || strchr(" \t\n;&|)", s[i + n]);
}
/* s[i] starts a command: only blanks since the text's start, an operator, or a reserved word
 * that a command follows. */
static int at_command_start(const char *s, size_t start, size_t i) {
  while (i > start && (s[i - 1] == ' ' || s[i - 1] == '\t')) i--;
  if (i == start || strchr(";&|(\n", s[i - 1])) return 1;
  static const char *const kw[] = { "then", "do", "else", "elif", "if", "while", "until", "{", "!" };
  for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++) {
    size_t n = strlen(kw[k]);
    if (i - start >= n && strncmp(s + i - n, kw[k], n) == 0 && (i - start == n || strchr(" \t\n;&|(", s[i - n - 1])))
      return 1;
  }
  return 0;
}
static size_t skip_subst(const char *s, size_t i, int *incomplete) {
  int depth = 1, in_case = 0; /* in_case: a `case` is open: its patterns end in ')' */
  size_t start = i;
  while (s[i]) {
    char c = s[i];
    if (word_at(s, start, i, "case") && at_command_start(s, start, i)) { in_case++; i += 4; continue; }
    if (in_case && word_at(s, start, i, "esac")) { in_case--; i += 4; continue; }
    if (c == '#' && (i == start || strchr(" \t\n", s[i - 1]))) { while (s[i] && s[i] != '\n') i++; continue; }
    if (c == ')' && depth == 1 && in_case) { i++; continue; }
    if (c == '\\' && s[i + 1]) { i += 2; continue; }
    if (c == '\'') {
      const char *q = strchr(s + i + 1, '\'');
      if (!q) break;
      i = (size_t)(q - s) + 1;
      continue;
    }
    if (c == '`') { i = skip_backquote(s, i + 1, incomplete); continue; }
    if (c == '"') {
      i++;
      while (s[i] && s[i] != '"') {
        if (s[i] == '\\' && s[i + 1]) i += 2;
        else if (s[i] == '$' && s[i + 1] == '(') i = skip_subst(s, i + 2, incomplete);
        else if (s[i] == '`') i = skip_backquote(s, i + 1, incomplete);
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

/* Reads the bodies of the pending here-documents from s[i] (just after a newline); returns
 * the index after them. */
static size_t read_heredocs(parser *p, size_t i) {
  const char *s = p->s;
  for (redir *r = p->pending; r; r = r->next_pending) {
    str body = {0};
    r->raw_start = i;
    int found = 0;
    while (s[i]) {
      size_t ls = i;
      while (s[i] && s[i] != '\n') i++;
      size_t le = i;
      if (s[i] == '\n') i++;
      if (r->strip) while (ls < le && s[ls] == '\t') ls++;
      if (le - ls == strlen(r->word) && strncmp(s + ls, r->word, le - ls) == 0) { found = 1; break; }
      str_addn(&body, s + ls, le - ls);
      if (s[le] == '\n') str_addc(&body, '\n');
    }
    r->raw_end = i;
    if (!found && !p->final) p->incomplete = 1;
    r->body = arena_strndup(body.p ? body.p : "", body.n);
    free(body.p);
  }
  p->pending = NULL;
  p->pending_tail = &p->pending;
  return i;
}

/* Reads the next token into p->tok. */
static void lex(parser *p) {
  const char *s = p->s;
  size_t i = p->pos;
  p->prev_end = p->tok.end;
  for (;;) {
    if (s[i] == ' ' || s[i] == '\t') { i++; continue; }
    if (s[i] == '\\' && s[i + 1] == '\n') { i += 2; continue; }
    if (s[i] == '#') { while (s[i] && s[i] != '\n') i++; continue; }
    break;
  }
  token t = { T_EOF, i, i };
  char c = s[i];
  size_t after = 0; /* where the next token starts, when not at t.end (here-documents) */
  if (!c) {
    t.kind = T_EOF;
    if (p->pending) { read_heredocs(p, i); if (!p->final) p->incomplete = 1; }
  } else if (c == '\n') {
    t.kind = T_NL; i++;
    if (p->pending) after = read_heredocs(p, i);
  } else if (c == '&') {
    if (s[i + 1] == '&') { t.kind = T_AND_IF; i += 2; } else { t.kind = T_AMP; i++; }
  } else if (c == '|') {
    if (s[i + 1] == '|') { t.kind = T_OR_IF; i += 2; } else { t.kind = T_PIPE; i++; }
  } else if (c == ';') {
    if (s[i + 1] == ';') { t.kind = T_DSEMI; i += 2; } else { t.kind = T_SEMI; i++; }
  } else if (c == '(') {
    t.kind = T_LPAREN; i++;
  } else if (c == ')') {
    t.kind = T_RPAREN; i++;
  } else if (c == '<') {
    if (s[i + 1] == '&') { t.kind = T_LTAND; i += 2; }
    else if (s[i + 1] == '<' && s[i + 2] == '-') { t.kind = T_DLESSDASH; i += 3; }
    else if (s[i + 1] == '<') { t.kind = T_DLESS; i += 2; }
    else { t.kind = T_LT; i++; }
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
          else if (s[j] == '`') j = skip_backquote(s, j + 1, &p->incomplete);
          else j += (s[j] == '\\' && s[j + 1]) ? 2 : 1;
        }
        if (!s[j]) { p->incomplete = 1; break; }
        j++;
      } else if (d == '`') {
        j = skip_backquote(s, j + 1, &p->incomplete);
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
  p->pos = after ? after : i;
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

/* PARSE_OK, or PARSE_INCOMPLETE / PARSE_ERROR (the error already printed). */
static int parse_fail(parser *p) {
  if (p->incomplete || p->tok.kind == T_EOF) return PARSE_INCOMPLETE;
  err_printf("syntax error near unexpected token `%s'", tok_name(p));
  return PARSE_ERROR;
}

/* The current token is the unquoted word kw. */
static int tok_is(parser *p, const char *kw) {
  size_t n = p->tok.end - p->tok.start;
  return p->tok.kind == T_WORD && n == strlen(kw) && strncmp(p->s + p->tok.start, kw, n) == 0;
}
/* A reserved word that ends a list (then, fi, done, ...). */
static int tok_ends_list(parser *p) {
  static const char *const ends[] = { "then", "else", "elif", "fi", "do", "done", "esac", "}" };
  for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) if (tok_is(p, ends[i])) return 1;
  return 0;
}
static int tok_starts_compound(parser *p) {
  return p->tok.kind == T_LPAREN || tok_is(p, "{") || tok_is(p, "if") || tok_is(p, "while") || tok_is(p, "until") ||
         tok_is(p, "for") || tok_is(p, "case");
}
static char *tok_text(parser *p) { return arena_strndup(p->s + p->tok.start, p->tok.end - p->tok.start); }

static void skip_newlines(parser *p) { while (p->tok.kind == T_NL) lex(p); }

static int parse_list(parser *p, list **out);
static int parse_command(parser *p, command **out);

/* One redirection at the current token (an IO number or an operator); 0: not one. */
static int is_redir_tok(int k) {
  return k == T_IONUM || k == T_LT || k == T_GT || k == T_DGREAT || k == T_GTAND || k == T_LTAND || k == T_DLESS ||
         k == T_DLESSDASH;
}
static int parse_redir(parser *p, redir ***tail) {
  int fd = -1;
  size_t op_pos = p->tok.start;
  if (p->tok.kind == T_IONUM) {
    fd = atoi(p->s + p->tok.start);
    lex(p);
  }
  int k = p->tok.kind;
  if (!(k == T_LT || k == T_GT || k == T_DGREAT || k == T_GTAND || k == T_LTAND || k == T_DLESS || k == T_DLESSDASH))
    return parse_fail(p);
  redir *r = arena_alloc(sizeof *r);
  r->op = k == T_LT ? R_IN : k == T_GT ? R_OUT : k == T_DGREAT ? R_APPEND : k == T_GTAND ? R_DUPOUT
        : k == T_LTAND ? R_DUPIN : R_HEREDOC;
  r->strip = k == T_DLESSDASH;
  r->op_pos = op_pos;
  r->fd = fd >= 0 ? fd : (r->op == R_IN || r->op == R_DUPIN || r->op == R_HEREDOC) ? 0 : 1;
  lex(p);
  if (p->tok.kind != T_WORD && p->tok.kind != T_IONUM) return parse_fail(p);
  r->word = tok_text(p);
  if (r->op == R_HEREDOC) { /* the delimiter: quote removal; quoted: no expansion of the body */
    str d = {0};
    for (const char *w = r->word; *w; w++) {
      if (*w == '\'' || *w == '"') { r->quoted = 1; continue; }
      if (*w == '\\') { r->quoted = 1; if (w[1]) w++; else continue; }
      str_addc(&d, *w);
    }
    r->word = arena_strndup(d.p ? d.p : "", d.n);
    free(d.p);
    *p->pending_tail = r;
    p->pending_tail = &r->next_pending;
    pv_push(&p->heredocs, r);
  }
  **tail = r;
  *tail = &r->next;
  lex(p);
  return PARSE_OK;
}
static int parse_redirs(parser *p, redir ***tail) {
  while (is_redir_tok(p->tok.kind)) {
    int r = parse_redir(p, tail);
    if (r != PARSE_OK) return r;
  }
  return PARSE_OK;
}

static command *new_command(parser *p, int kind) {
  command *c = arena_alloc(sizeof *c);
  c->kind = kind;
  c->start = p->tok.start;
  pv_push(&p->cmds, c);
  return c;
}
/* Expects the reserved word kw and reads past it. */
static int expect_word(parser *p, const char *kw) {
  if (!tok_is(p, kw)) return parse_fail(p);
  lex(p);
  return PARSE_OK;
}
/* A compound_list that must not be empty, ended by the reserved word kw (read past it). */
static int parse_body(parser *p, list **out, const char *kw) {
  int r = parse_list(p, out);
  if (r != PARSE_OK) return r;
  if ((*out)->n == 0) return parse_fail(p);
  return kw ? expect_word(p, kw) : PARSE_OK;
}

static int parse_if(parser *p, command *c) {
  int r;
  lex(p); /* if / elif */
  if ((r = parse_body(p, &c->a, "then")) != PARSE_OK) return r;
  if ((r = parse_body(p, &c->b, NULL)) != PARSE_OK) return r;
  if (tok_is(p, "elif")) {
    command *e = new_command(p, N_IF);
    if ((r = parse_if(p, e)) != PARSE_OK) return r;
    e->end = p->prev_end;
    list *l = arena_alloc(sizeof *l);
    andor *a = arena_alloc(sizeof *a);
    pipeline *pl = arena_alloc(sizeof *pl);
    pl->cmds = arena_alloc(2 * sizeof *pl->cmds);
    pl->cmds[0] = e;
    pl->n = 1;
    pl->text = "elif";
    a->pipes = arena_alloc(2 * sizeof *a->pipes);
    a->pipes[0] = pl;
    a->n = 1;
    a->ops = arena_alloc(sizeof(int));
    l->items = arena_alloc(2 * sizeof *l->items);
    l->items[0] = a;
    l->n = 1;
    c->c = l;
    return PARSE_OK; /* the inner if read the fi */
  }
  if (tok_is(p, "else")) {
    lex(p);
    if ((r = parse_body(p, &c->c, NULL)) != PARSE_OK) return r;
  }
  return expect_word(p, "fi");
}

static int parse_for(parser *p, command *c) {
  lex(p);
  if (p->tok.kind != T_WORD || !name_ok(p->s + p->tok.start, p->tok.end - p->tok.start)) return parse_fail(p);
  c->name = tok_text(p);
  lex(p);
  skip_newlines(p);
  if (tok_is(p, "in")) {
    c->has_in = 1;
    lex(p);
    ptrvec words = {0};
    while (p->tok.kind == T_WORD || p->tok.kind == T_IONUM) { pv_push(&words, tok_text(p)); lex(p); }
    c->nwords = words.n;
    c->words = (const char **)pv_done(&words);
    if (p->tok.kind != T_SEMI && p->tok.kind != T_NL) return parse_fail(p);
    lex(p);
    skip_newlines(p);
  } else if (p->tok.kind == T_SEMI) {
    lex(p);
    skip_newlines(p);
  }
  int r = expect_word(p, "do");
  if (r != PARSE_OK) return r;
  return parse_body(p, &c->b, "done");
}

static int parse_case(parser *p, command *c) {
  lex(p);
  if (p->tok.kind != T_WORD && p->tok.kind != T_IONUM) return parse_fail(p);
  c->words = arena_alloc(2 * sizeof *c->words);
  c->words[0] = tok_text(p);
  c->nwords = 1;
  lex(p);
  skip_newlines(p);
  int r = expect_word(p, "in");
  if (r != PARSE_OK) return r;
  ptrvec items = {0};
  for (;;) {
    skip_newlines(p);
    if (tok_is(p, "esac")) break;
    case_item *it = arena_alloc(sizeof *it);
    ptrvec pats = {0};
    if (p->tok.kind == T_LPAREN) lex(p);
    for (;;) {
      if (p->tok.kind != T_WORD && p->tok.kind != T_IONUM) { free(pats.p); free(items.p); return parse_fail(p); }
      pv_push(&pats, tok_text(p));
      lex(p);
      if (p->tok.kind == T_PIPE) { lex(p); continue; }
      break;
    }
    if (p->tok.kind != T_RPAREN) { free(pats.p); free(items.p); return parse_fail(p); }
    lex(p);
    it->npats = pats.n;
    it->pats = (const char **)pv_done(&pats);
    if ((r = parse_list(p, &it->body)) != PARSE_OK) { free(items.p); return r; }
    pv_push(&items, it);
    if (p->tok.kind == T_DSEMI) { lex(p); continue; }
    if (tok_is(p, "esac")) break;
    free(items.p);
    return parse_fail(p);
  }
  lex(p); /* esac */
  c->nitems = items.n;
  c->items = (case_item **)pv_done(&items);
  return PARSE_OK;
}

/* A compound command at the current token, with its redirections. */
static int parse_compound(parser *p, command **out) {
  int r;
  command *c;
  if (++p->depth > 200) { err_printf("commands nested too deeply"); return PARSE_ERROR; }
  if (p->tok.kind == T_LPAREN) {
    c = new_command(p, N_SUBSHELL);
    lex(p);
    if ((r = parse_list(p, &c->a)) != PARSE_OK) return r;
    if (c->a->n == 0 || p->tok.kind != T_RPAREN) return parse_fail(p);
    lex(p);
  } else if (tok_is(p, "{")) {
    c = new_command(p, N_BRACE);
    lex(p);
    if ((r = parse_body(p, &c->a, "}")) != PARSE_OK) return r;
  } else if (tok_is(p, "if")) {
    c = new_command(p, N_IF);
    if ((r = parse_if(p, c)) != PARSE_OK) return r;
  } else if (tok_is(p, "while") || tok_is(p, "until")) {
    c = new_command(p, tok_is(p, "while") ? N_WHILE : N_UNTIL);
    lex(p);
    if ((r = parse_body(p, &c->a, "do")) != PARSE_OK) return r;
    if ((r = parse_body(p, &c->b, "done")) != PARSE_OK) return r;
  } else if (tok_is(p, "for")) {
    c = new_command(p, N_FOR);
    if ((r = parse_for(p, c)) != PARSE_OK) return r;
  } else if (tok_is(p, "case")) {
    c = new_command(p, N_CASE);
    if ((r = parse_case(p, c)) != PARSE_OK) return r;
  } else {
    return parse_fail(p);
  }
  redir **tail = &c->redirs;
  if ((r = parse_redirs(p, &tail)) != PARSE_OK) return r;
  c->end = p->prev_end;
  p->depth--;
  *out = c;
  return PARSE_OK;
}

static int parse_command(parser *p, command **out) {
  if (tok_starts_compound(p)) return parse_compound(p, out);
  if (tok_ends_list(p)) return parse_fail(p);
  command *c = new_command(p, N_SIMPLE);
  ptrvec words = {0};
  redir **tail = &c->redirs;
  for (;;) {
    int k = p->tok.kind;
    if (is_redir_tok(k)) {
      int r = parse_redir(p, &tail);
      if (r != PARSE_OK) { free(words.p); return r; }
      continue;
    }
    if (k == T_WORD) {
      pv_push(&words, tok_text(p));
      lex(p);
      continue;
    }
    if (k == T_LPAREN && words.n == 1 && !c->redirs && name_ok(words.p[0], strlen(words.p[0]))) {
      /* NAME ( ) compound-command */
      c->kind = N_FUNCDEF;
      c->name = words.p[0];
      free(words.p);
      lex(p);
      if (p->tok.kind != T_RPAREN) return parse_fail(p);
      lex(p);
      skip_newlines(p);
      if (!tok_starts_compound(p)) return parse_fail(p);
      int r = parse_compound(p, &c->body);
      if (r != PARSE_OK) return r;
      c->end = p->prev_end;
      *out = c;
      return PARSE_OK;
    }
    break;
  }
  if (words.n == 0 && !c->redirs) { free(words.p); return parse_fail(p); }
  c->nwords = words.n;
  c->words = (const char **)pv_done(&words);
  c->end = p->prev_end;
  *out = c;
  return PARSE_OK;
}

static int parse_pipeline(parser *p, pipeline **out) {
  pipeline *pl = arena_alloc(sizeof *pl);
  size_t start = p->tok.start;
  if (tok_is(p, "!")) {
    pl->bang = 1;
    lex(p);
  }
  ptrvec cmds = {0};
  for (;;) {
    command *c = NULL;
    int r = parse_command(p, &c);
    if (r != PARSE_OK) { free(cmds.p); return r; }
    pv_push(&cmds, c);
    if (p->tok.kind != T_PIPE) break;
    lex(p);
    skip_newlines(p);
  }
  size_t end = p->prev_end;
  pl->n = cmds.n;
  pl->cmds = (command **)pv_done(&cmds);
  pl->text = arena_strndup(p->s + start, end > start ? end - start : 0);
  *out = pl;
  return PARSE_OK;
}

/* and-or lists are put in p->cmds tagged (low bit set) so their texts are filled too. */
static int parse_andor(parser *p, andor **out) {
  andor *a = arena_alloc(sizeof *a);
  a->start = p->tok.start;
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
  a->end = p->prev_end;
  a->n = pipes.n;
  a->pipes = (pipeline **)pv_done(&pipes);
  a->ops = arena_alloc(sizeof(int) * (size_t)a->n);
  memcpy(a->ops, ops, sizeof(int) * (size_t)(a->n - 1));
  pv_push(&p->cmds, (char *)a + 1);
  *out = a;
  return PARSE_OK;
}

/* A list of and-or lists separated by ; & or newlines, up to a token that cannot start a
 * command (EOF, `)`, `;;`, or a reserved word like `then`). May be empty. */
static int parse_list(parser *p, list **out) {
  list *l = arena_alloc(sizeof *l);
  ptrvec items = {0};
  for (;;) {
    skip_newlines(p);
    int k = p->tok.kind;
    if (k == T_EOF || k == T_RPAREN || k == T_DSEMI || tok_ends_list(p)) break;
    andor *a = NULL;
    int r = parse_andor(p, &a);
    if (r != PARSE_OK) { free(items.p); return r; }
    pv_push(&items, a);
    if (p->tok.kind == T_AMP) { a->bg = 1; lex(p); }
    else if (p->tok.kind == T_SEMI || p->tok.kind == T_NL) lex(p);
    else break;
  }
  l->n = items.n;
  l->items = (andor **)pv_done(&items);
  *out = l;
  return PARSE_OK;
}

/* The source text from start to end, followed by the bodies of the here-documents written
 * in it whose bodies come after it. */
static const char *span_text(parser *p, size_t start, size_t end) {
  str t = {0};
  str_addn(&t, p->s + start, end > start ? end - start : 0);
  for (int i = 0; i < p->heredocs.n; i++) {
    redir *r = p->heredocs.p[i];
    if (r->op_pos < start || r->op_pos >= end || r->raw_start < end) continue;
    str_addc(&t, '\n');
    str_addn(&t, p->s + r->raw_start, r->raw_end - r->raw_start);
    if (t.n && t.p[t.n - 1] == '\n') t.p[--t.n] = 0;
  }
  char *out = arena_strndup(t.p ? t.p : "", t.n);
  free(t.p);
  return out;
}

/* Parses a whole text (one line, several joined lines, or a -c string). final: no more text
 * will follow (a here-document may end at the end of the text, as in dash). */
static parse_result parse_text(const char *s, int final) {
  parser p;
  memset(&p, 0, sizeof p);
  p.s = s;
  p.final = final;
  p.pending_tail = &p.pending;
  parse_result res = { PARSE_OK, NULL };
  lex(&p);
  list *l = NULL;
  int r = parse_list(&p, &l);
  if (r == PARSE_OK && p.tok.kind != T_EOF) r = parse_fail(&p);
  if (r == PARSE_OK && p.incomplete) r = PARSE_INCOMPLETE;
  if (r == PARSE_OK) {
    for (int i = 0; i < p.cmds.n; i++) {
      uintptr_t u = (uintptr_t)p.cmds.p[i];
      if (u & 1) { andor *a = (andor *)(u - 1); a->text = span_text(&p, a->start, a->end); }
      else { command *c = p.cmds.p[i]; c->text = span_text(&p, c->start, c->end); }
    }
  }
  free(p.cmds.p);
  free(p.heredocs.p);
  res.status = r;
  res.list = r == PARSE_OK ? l : NULL;
  return res;
}

#endif
