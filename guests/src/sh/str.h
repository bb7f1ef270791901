/* sh/str.h - growable strings, the per-line arena, the shell's global state and its error printer. */
#ifndef SH_STR_H
#define SH_STR_H

/* A growable NUL-terminated byte string. */
typedef struct str {
  char *p;   /* the bytes, NUL-terminated once anything was added; NULL while empty */
  size_t n;  /* length, without the NUL */
  size_t cap;
} str;

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) { fputs("sh: out of memory\n", stderr); exit(2); }
  return p;
}
static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) { fputs("sh: out of memory\n", stderr); exit(2); }
  return p;
}
static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

static void str_reserve(str *s, size_t more) {
  if (s->n + more + 1 <= s->cap) return;
  size_t cap = s->cap ? s->cap * 2 : 32;
  while (cap < s->n + more + 1) cap *= 2;
  s->p = xrealloc(s->p, cap);
  s->cap = cap;
}
static void str_addn(str *s, const char *p, size_t n) {
  str_reserve(s, n);
  memcpy(s->p + s->n, p, n);
  s->n += n;
  s->p[s->n] = 0;
}
static void str_addc(str *s, char c) { str_addn(s, &c, 1); }
static void str_adds(str *s, const char *p) { str_addn(s, p, strlen(p)); }
static void str_printf(str *s, const char *fmt, ...) {
  va_list ap;
  char tmp[512];
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  str_addn(s, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}
/* Hands the bytes over (never NULL) and empties s. */
static char *str_take(str *s) {
  char *p = s->p ? s->p : xstrdup("");
  s->p = NULL; s->n = s->cap = 0;
  return p;
}

/* ---- the arena: the parse tree of one line lives here, freed before the next ---- */

typedef struct arena_block { struct arena_block *next; size_t used, cap; char data[]; } arena_block;
static arena_block *arena_head;

static arena_block *arena_kept; /* this block and those after it hold function definitions */

static void arena_reset(void) {
  while (arena_head && arena_head != arena_kept) { arena_block *b = arena_head; arena_head = b->next; free(b); }
}
/* Keeps everything allocated so far (a function's body lives as long as the shell). */
static void arena_keep(void) {
  if (!arena_head) return;
  arena_head->cap = arena_head->used; /* later allocations go to a new block */
  arena_kept = arena_head;
}
static void *arena_alloc(size_t n) {
  n = (n + 7) & ~(size_t)7;
  if (!arena_head || arena_head->used + n > arena_head->cap) {
    size_t cap = n > 8192 ? n : 8192;
    arena_block *b = xmalloc(sizeof *b + cap);
    b->next = arena_head; b->used = 0; b->cap = cap;
    arena_head = b;
  }
  void *p = arena_head->data + arena_head->used;
  arena_head->used += n;
  memset(p, 0, n);
  return p;
}
/* A point in the arena to go back to: what expanding one command allocates (names looked up,
 * pattern pieces, eval's parse trees) is given back after it, so a loop running for ever does
 * not grow the shell. Nothing goes back past a function definition (arena_keep). */
typedef struct arena_mark { arena_block *head; size_t used; } arena_mark;
static arena_mark arena_here(void) {
  arena_mark m = { arena_head, arena_head ? arena_head->used : 0 };
  return m;
}
static void arena_back(arena_mark m) {
  for (arena_block *b = arena_head; b && b != m.head; b = b->next) if (b == arena_kept) return;
  while (arena_head && arena_head != m.head) { arena_block *b = arena_head; arena_head = b->next; free(b); }
  if (arena_head && arena_head != arena_kept && m.used <= arena_head->used) arena_head->used = m.used;
}
static char *arena_strndup(const char *s, size_t n) {
  char *p = arena_alloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

#define MAX_FD 10  /* redirections name fds 0..9 */

/* ---- the shell's state ---- */

struct shell {
  int status;        /* $?: the last pipeline's exit status */
  int pid;           /* $$ */
  int last_bg;       /* $!: the pid of the last background job (0: none yet) */
  int interactive;   /* reading from a terminal with line editing and job control */
  int exiting;       /* the exit builtin ran: stop reading commands */
  int pgid;          /* the shell's own process group (interactive) */
  int tty_saved;     /* tmodes holds the terminal's modes */
  wv_termios tmodes; /* the terminal's modes as the shell found them; jobs run with these */
  int breaking;      /* break N ran: loops left to leave */
  int continuing;    /* continue N ran: loops left to skip to their next round */
  int returning;     /* return ran: leave the function (or the script) */
  int loop_depth;    /* loops running, for break/continue */
  int func_depth;    /* functions running, for return and local */
  int intr;          /* a foreground job died of ^C (interactive): the rest of the line is not run */
  int subshell;      /* started by a shell for a subshell, $(...) or a pipeline's compound command */
  int expand_failed; /* an expansion failed (bad arithmetic, ${X?}): the command is not run */
};
static struct shell sh;

/* Prints "sh: MESSAGE" on stderr. */
static void err_printf(const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fputs("sh: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

#endif
