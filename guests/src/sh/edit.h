/* sh/edit.h - the line editor used when stdin is a terminal: the terminal is put in
 * non-canonical, no-echo, no-signal mode to read a line (and left so until a job gets the
 * terminal: term_cooked in sh/jobs.h), and the shell edits it itself
 * (insert, backspace, ^U ^W ^A ^E ^K, arrows, history, tab completion; ^C clears the line,
 * ^D on an empty line ends the shell). Output goes to stderr, as a shell's prompt does. */
#ifndef SH_EDIT_H
#define SH_EDIT_H

static int edit_cancelled; /* the last line was abandoned with ^C */

typedef struct editor {
  str buf;            /* the line */
  size_t pos;         /* the cursor, a byte offset at a character start */
  const char *prompt;
  int hidx;           /* the history entry shown; nhistory: the line being typed */
  char *typed;        /* the line being typed, kept while browsing history */
  size_t cols;        /* the terminal's width, read when the line starts */
  size_t row;         /* the cursor's row below the prompt's first row */
} editor;

static void out_write(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(2, p, n);
    if (w < 0) { if (errno == EINTR) continue; return; }
    p += w;
    n -= (size_t)w;
  }
}
static void out_str(const char *s) { out_write(s, strlen(s)); }

static int is_cont(unsigned char c) { return (c & 0xc0) == 0x80; }
static size_t width(const char *p, size_t n) {
  size_t w = 0;
  for (size_t i = 0; i < n; i++) if (!is_cont((unsigned char)p[i])) w++;
  return w;
}

/* The terminal's width in columns (80 when it cannot say). */
static size_t term_cols(void) {
  wv_winsize ws;
  memset(&ws, 0, sizeof ws);
#ifdef __wasi__
  if (__wv_tiocgwinsz(0, &ws) != 0) ws.ws_col = 0;
#else
  struct winsize w;
  if (ioctl(0, TIOCGWINSZ, &w) == 0) ws.ws_col = w.ws_col;
#endif
  return ws.ws_col ? ws.ws_col : 80;
}

/* Redraws the prompt and the line, which may wrap over several rows, and puts the cursor at
 * pos. A line that exactly fills its last row gets a newline, so that the cursor is on the
 * next row (terminals defer the wrap otherwise). */
static void redraw(editor *e) {
  str o = {0};
  if (e->row) str_printf(&o, "\x1b[%zuA", e->row);
  str_adds(&o, "\r");
  str_adds(&o, e->prompt);
  if (e->buf.n) str_addn(&o, e->buf.p, e->buf.n);
  str_adds(&o, "\x1b[J");
  size_t pw = width(e->prompt, strlen(e->prompt));
  size_t end = pw + width(e->buf.p, e->buf.n);
  if (end > 0 && end % e->cols == 0) str_adds(&o, "\n");
  size_t at = pw + width(e->buf.p, e->pos);
  size_t end_row = end / e->cols, row = at / e->cols, col = at % e->cols;
  if (end_row > row) str_printf(&o, "\x1b[%zuA", end_row - row);
  str_adds(&o, "\r");
  if (col) str_printf(&o, "\x1b[%zuC", col);
  e->row = row;
  out_write(o.p, o.n);
  free(o.p);
}
/* Moves the cursor below the line (before output that must not overwrite it). */
static void move_below(editor *e) {
  size_t pw = width(e->prompt, strlen(e->prompt));
  size_t end_row = (pw + width(e->buf.p, e->buf.n)) / e->cols;
  if (end_row > e->row) {
    char tmp[32];
    snprintf(tmp, sizeof tmp, "\x1b[%zuB", end_row - e->row);
    out_str(tmp);
  }
  out_str("\r\n");
  e->row = 0;
}

static void set_line(editor *e, const char *s) {
  e->buf.n = 0;
  str_adds(&e->buf, s);
  e->pos = e->buf.n;
}
static void insert(editor *e, const char *s, size_t n) {
  str_reserve(&e->buf, n);
  if (!e->buf.p) str_adds(&e->buf, "");
  memmove(e->buf.p + e->pos + n, e->buf.p + e->pos, e->buf.n - e->pos + 1);
  memcpy(e->buf.p + e->pos, s, n);
  e->buf.n += n;
  e->pos += n;
}
static void delete_range(editor *e, size_t from, size_t to) {
  if (to <= from) return;
  memmove(e->buf.p + from, e->buf.p + to, e->buf.n - to + 1);
  e->buf.n -= to - from;
  e->pos = from;
}
static size_t prev_char(editor *e, size_t p) {
  if (p == 0) return 0;
  p--;
  while (p > 0 && is_cont((unsigned char)e->buf.p[p])) p--;
  return p;
}
static size_t next_char(editor *e, size_t p) {
  if (p >= e->buf.n) return e->buf.n;
  p++;
  while (p < e->buf.n && is_cont((unsigned char)e->buf.p[p])) p++;
  return p;
}

static void history_move(editor *e, int delta) {
  int to = e->hidx + delta;
  if (to < 0 || to > nhistory) return;
  if (e->hidx == nhistory) { free(e->typed); e->typed = xstrdup(e->buf.p ? e->buf.p : ""); }
  e->hidx = to;
  set_line(e, to == nhistory ? (e->typed ? e->typed : "") : history[to]);
}

/* ---- completion ---- */

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Adds the names in dir starting with prefix; with dirs_slash, directories get a '/'. */
static void add_dir_matches(fields *f, const char *dir, const char *prefix, int dirs_slash) {
  DIR *d = opendir(*dir ? dir : ".");
  if (!d) return;
  size_t pl = strlen(prefix);
  struct dirent *de;
  while ((de = readdir(d))) {
    const char *nm = de->d_name;
    if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0) continue;
    if (nm[0] == '.' && prefix[0] != '.') continue;
    if (strncmp(nm, prefix, pl) != 0) continue;
    str s = {0};
    str_adds(&s, nm);
    if (dirs_slash) {
      str path = {0};
      str_adds(&path, *dir ? dir : "./");
      str_adds(&path, nm);
      struct stat st;
      if (stat(path.p, &st) == 0 && S_ISDIR(st.st_mode)) str_addc(&s, '/');
      free(path.p);
    }
    fields_push(f, str_take(&s));
  }
  closedir(d);
}

static void complete(editor *e) {
  const char *b = e->buf.p ? e->buf.p : "";
  size_t ws = e->pos;
  while (ws > 0 && !strchr(" \t|;&<>", b[ws - 1])) ws--;
  size_t k = ws;
  while (k > 0 && (b[k - 1] == ' ' || b[k - 1] == '\t')) k--;
  int command_pos = k == 0 || strchr("|;&", b[k - 1]);
  char *word = arena_strndup(b + ws, e->pos - ws);
  fields f = {0};
  const char *prefix;
  if (command_pos && !strchr(word, '/')) {
    prefix = word;
    for (int i = 0; i < NBUILTINS; i++)
      if (strncmp(builtins[i].name, word, strlen(word)) == 0) fields_push(&f, xstrdup(builtins[i].name));
    add_dir_matches(&f, "/bin/", word, 0);
    int kept = 0; /* wVisor's test programs (@test) are not offered */
    for (int i = 0; i < f.n; i++) {
      if (program_hidden(f.v[i])) free(f.v[i]);
      else f.v[kept++] = f.v[i];
    }
    if (f.v) f.v[kept] = NULL;
    f.n = kept;
  } else {
    char *slash = strrchr(word, '/');
    char *dir = slash ? arena_strndup(word, (size_t)(slash - word) + 1) : "";
    prefix = slash ? slash + 1 : word;
    add_dir_matches(&f, dir, prefix, 1);
  }
  if (f.n > 1) {
    qsort(f.v, (size_t)f.n, sizeof *f.v, cmp_cstr);
    int u = 1;
    for (int i = 1; i < f.n; i++) {
      if (strcmp(f.v[i], f.v[u - 1]) == 0) free(f.v[i]);
      else f.v[u++] = f.v[i];
    }
    f.n = u;
    f.v[u] = NULL;
  }
  size_t pl = strlen(prefix);
  if (f.n == 0) {
    out_str("\a");
  } else if (f.n == 1) {
    const char *m = f.v[0];
    size_t ml = strlen(m);
    for (size_t i = pl; i < ml; i++) {
      if (strchr(" \t'\"\\|;&<>()$*?[", m[i])) insert(e, "\\", 1);
      insert(e, m + i, 1);
    }
    if (ml == 0 || m[ml - 1] != '/') insert(e, " ", 1);
  } else {
    size_t common = strlen(f.v[0]);
    for (int i = 1; i < f.n; i++) {
      size_t c = 0;
      while (c < common && f.v[i][c] == f.v[0][c]) c++;
      common = c;
    }
    if (common > pl) {
      insert(e, f.v[0] + pl, common - pl);
    } else {
      move_below(e);
      str o = {0};
      size_t col = 0;
      for (int i = 0; i < f.n; i++) {
        size_t l = strlen(f.v[i]);
        if (col && col + l + 2 > e->cols) { str_adds(&o, "\r\n"); col = 0; }
        str_adds(&o, f.v[i]);
        str_adds(&o, "  ");
        col += l + 2;
      }
      str_adds(&o, "\r\n");
      out_write(o.p, o.n);
      free(o.p);
    }
  }
  fields_free(&f);
}

/* Reads a CSI/SS3 sequence after ESC; returns its final byte (0 if none) and, for "N~"
 * sequences, the number in *num. */
static int read_escape(int *num) {
  unsigned char c;
  *num = 0;
  if (read(0, &c, 1) != 1) return 0;
  if (c != '[' && c != 'O') return 0;
  for (;;) {
    if (read(0, &c, 1) != 1) return 0;
    if (c >= '0' && c <= '9') { *num = *num * 10 + (c - '0'); continue; }
    if (c == ';') continue;
    return c;
  }
}

/* Reads one line from the terminal with editing. Returns a malloc'd line, or NULL at EOF. */
static char *edit_read_line(int continuation) {
  const char *prompt = edit_prompt_override ? edit_prompt_override : var_get(continuation ? "PS2" : "PS1");
  if (!prompt) prompt = continuation ? "> " : "$ ";
  edit_cancelled = 0;
  fflush(stdout);
  int raw_ok = 0;
  if (sh.tty_saved) {
    wv_termios raw = sh.tmodes;
    raw.c_lflag &= ~(uint32_t)(WV_ICANON | WV_ECHO | WV_ISIG | WV_IEXTEN);
    raw.c_cc[WV_VMIN] = 1;
    raw.c_cc[WV_VTIME] = 0;
    raw_ok = wv_tcsetattr(0, WV_TCSADRAIN, &raw) == 0;
  }
  if (!raw_ok) { /* a terminal without settable modes: read plainly, after a prompt */
    out_str(prompt);
    char *line = read_plain_line();
    return line;
  }
  editor e = { {0}, 0, prompt, nhistory, NULL, term_cols(), 0 };
  str_adds(&e.buf, "");
  out_str(prompt);
  char *result = NULL;
  for (;;) {
    unsigned char c;
    ssize_t n = read(0, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { move_below(&e); break; }
    if (c == '\r' || c == '\n') {
      move_below(&e);
      result = str_take(&e.buf);
      break;
    }
    switch (c) {
      case 3: /* ^C */
        out_str("^C");
        move_below(&e);
        edit_cancelled = 1;
        sh.status = 130;
        result = xstrdup("");
        break;
      case 4: /* ^D */
        if (e.buf.n == 0) {
          if (!continuation) out_str("exit");
          move_below(&e);
          goto done;
        }
        delete_range(&e, e.pos, next_char(&e, e.pos));
        break;
      case 0x7f: case 8: /* backspace */
        delete_range(&e, prev_char(&e, e.pos), e.pos);
        break;
      case 0x15: /* ^U */
        delete_range(&e, 0, e.pos);
        break;
      case 0x17: { /* ^W */
        size_t p = e.pos;
        while (p > 0 && (e.buf.p[p - 1] == ' ' || e.buf.p[p - 1] == '\t')) p--;
        while (p > 0 && e.buf.p[p - 1] != ' ' && e.buf.p[p - 1] != '\t') p--;
        delete_range(&e, p, e.pos);
        break;
      }
      case 0x0b: /* ^K */
        e.buf.n = e.pos;
        e.buf.p[e.pos] = 0;
        break;
      case 1: e.pos = 0; break;                         /* ^A */
      case 5: e.pos = e.buf.n; break;                   /* ^E */
      case 2: e.pos = prev_char(&e, e.pos); break;      /* ^B */
      case 6: e.pos = next_char(&e, e.pos); break;      /* ^F */
      case 0x10: history_move(&e, -1); break;           /* ^P */
      case 0x0e: history_move(&e, 1); break;            /* ^N */
      case 0x0c: out_str("\x1b[H\x1b[2J"); e.row = 0; break; /* ^L */
      case '\t': complete(&e); break;
      case 0x1b: {
        int num;
        int f = read_escape(&num);
        if (f == 'A') history_move(&e, -1);
        else if (f == 'B') history_move(&e, 1);
        else if (f == 'C') e.pos = next_char(&e, e.pos);
        else if (f == 'D') e.pos = prev_char(&e, e.pos);
        else if (f == 'H' || (f == '~' && (num == 1 || num == 7))) e.pos = 0;
        else if (f == 'F' || (f == '~' && (num == 4 || num == 8))) e.pos = e.buf.n;
        else if (f == '~' && num == 3) delete_range(&e, e.pos, next_char(&e, e.pos));
        break;
      }
      default:
        if (c >= 0x20) {
          char ch = (char)c;
          int at_end = e.pos == e.buf.n;
          insert(&e, &ch, 1);
          size_t w = width(e.prompt, strlen(e.prompt)) + width(e.buf.p, e.buf.n);
          if (at_end && w % e.cols != 0) { /* appending within a row: echo it, no redraw */
            out_write(&ch, 1);
            e.row = w / e.cols;
            continue;
          }
        }
        break;
    }
    if (result) break;
    redraw(&e);
  }
done:
  free(e.buf.p);
  free(e.typed);
  /* The terminal stays raw (^C a byte, not SIGINT to the shell) until a job gets it. */
  return result;
}

#endif
