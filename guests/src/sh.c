/* sh - @desc a POSIX-ish shell: pipelines, redirections, here-documents, if/while/for/case, functions, subshells, test, $((...)), job control, line editing
 *
 * Usage: sh                 interactive when stdin is a terminal (line editing, job control),
 *                           otherwise reads commands from stdin line by line (no prompt)
 *        sh -c CMD [NAME [ARG...]]   runs CMD ($0 = NAME, $1... = ARGs)
 *        sh FILE [ARG...]   runs the script FILE
 *
 * Built on wasi-libc and wvisor.h only (the same source builds natively with gcc, where the
 * wv_* calls map to POSIX). wasi-libc has no fork: every external command is started with
 * wv_spawn and an fd map (a new process group per job under job control), builtins run in
 * the shell with fds 0-2 moved around them, and $(...), and a compound command or function
 * in a pipeline or in the background, are run by a spawned copy of the shell that is given
 * the unexported variables and the functions as a prelude script; a ( subshell ) run on its
 * own runs in the shell, which saves and restores its state around it (sh/exec.h says how).
 * No signal handlers either: finished and stopped jobs are found by polling
 * wv_waitpid(-1, WNOHANG | WUNTRACED) before each prompt, and the shell keeps ^C/^Z off
 * itself by owning the terminal's foreground group only while it reads a line, in raw mode
 * with ISIG cleared (it reads ^C as a byte and clears the line); the job gets the terminal,
 * in the modes the shell found, just after it is spawned, and the shell takes it back after.
 *
 * The language is POSIX sh's (XCU 2.9/2.10): simple commands, pipelines, && ||, ; &, { },
 * ( ), if/elif/else, while, until, for, case, functions with local and return, break and
 * continue N, here-documents (<< and <<-), $(...) and backquotes, $((...)), and the
 * builtins test/[, read, eval, ., set --, shift, echo, true, false besides the job-control
 * ones. Not there: set options (-e -u -x ...), trap, exec, readonly, getopts, alias, printf
 * (a program would be needed), fds above 9, ${X#pat} ${X%pat}.
 *
 * The pieces, one header each under sh/: str.h (strings, the per-line arena, global state),
 * vars.h (variables, environment, positional parameters), parse.h (lexer and parser into a
 * list / and-or / pipeline / command tree, compound commands), jobs.h (the job table,
 * terminal hand-over, notices), arith.h ($((...))), expand.h (word expansion), exec.h
 * (pipelines, redirections, compound commands, functions, child shells), test.h (test and [),
 * builtins.h, edit.h
 * (the line editor); main is below.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "wvisor.h"

#include "sh/str.h"
#include "sh/vars.h"
#include "sh/parse.h"
#include "sh/jobs.h"
#include "sh/arith.h"
#include "sh/expand.h"
#include "sh/exec.h"
#include "sh/test.h"
#include "sh/builtins.h"

/* Reads one line from fd 0 a byte at a time (so the programs a script starts can read the
 * rest of stdin), without the newline. Returns NULL at EOF with nothing read. */
static char *read_plain_line(void) {
  str s = {0};
  int got = 0;
  for (;;) {
    char c;
    ssize_t n = read(0, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got = 1;
    if (c == '\n') return str_take(&s);
    str_addc(&s, c);
  }
  if (!got) { free(s.p); return NULL; }
  return str_take(&s);
}

#include "sh/edit.h"


/* Runs commands read line by line from `next` until EOF or `exit`; a line that leaves a quote
 * open, ends in | && || or \, or leaves a compound command or here-document unfinished is
 * joined with the next one (interactively the prompt is PS2, "> "). */
static int run_lines(char *(*next)(int continuation)) {
  str buf = {0};
  for (;;) {
    if (sh.interactive && buf.n == 0) jobs_notify();
    char *line = next(buf.n > 0);
    if (!line && buf.n == 0 && !shell_may_exit()) continue; /* ^D with stopped jobs */
    if (line && edit_cancelled) { /* ^C: drop the line and any lines it continued */
      free(line);
      buf.n = 0;
      if (buf.p) buf.p[0] = 0;
      continue;
    }
    if (!line) {
      if (buf.n > 0) { /* a here-document may end at the end of the input */
        arena_reset();
        parse_result r = parse_text(buf.p, 1);
        if (r.status == PARSE_OK) {
          if (r.list) run_list(r.list);
        } else {
          if (r.status == PARSE_INCOMPLETE) err_printf("syntax error: unexpected end of file");
          sh.status = 2;
        }
      }
      break;
    }
    if (buf.n > 0) str_addc(&buf, '\n');
    str_adds(&buf, line);
    free(line);
    arena_reset();
    parse_result r = parse_text(buf.p, 0);
    if (r.status == PARSE_INCOMPLETE) continue;
    if (sh.interactive && buf.n > 0) history_add(buf.p);
    if (r.status == PARSE_ERROR) {
      sh.status = 2;
      if (!sh.interactive) break; /* as dash: a syntax error ends a script */
    } else if (r.list) {
      sh.intr = 0;
      run_list(r.list);
      sh.intr = 0;
      sh.breaking = sh.continuing = 0;
    }
    buf.n = 0;
    if (buf.p) buf.p[0] = 0;
    if (sh.exiting || (sh.returning && !sh.interactive)) break;
    sh.returning = 0;
  }
  free(buf.p);
  return sh.status;
}

static char *next_plain(int continuation) { (void)continuation; return read_plain_line(); }
static char *next_tty(int continuation) { return edit_read_line(continuation); }

static FILE *script_file;
static char *next_script(int continuation) {
  (void)continuation;
  str s = {0};
  int c, got = 0;
  while ((c = fgetc(script_file)) != EOF) {
    got = 1;
    if (c == '\n') return str_take(&s);
    str_addc(&s, (char)c);
  }
  if (!got) { free(s.p); return NULL; }
  return str_take(&s);
}

int main(int argc, char **argv) {
  vars_init(argc > 0 ? argv[0] : "sh");
  if (!sh.subshell) sh.pid = wv_getpid();
  setvbuf(stdout, NULL, _IOFBF, 8192);
  if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
    vars_set_positional(argc > 3 ? argv[3] : argv[0], argc > 4 ? argc - 4 : 0, argv + 4);
    arena_reset();
    parse_result r = parse_text(argv[2], 1);
    if (r.status == PARSE_INCOMPLETE) {
      err_printf("syntax error: unexpected end of file");
      return 2;
    }
    if (r.status == PARSE_ERROR) return 2;
    if (r.list) run_list(r.list);
    fflush(stdout);
    return sh.status;
  }
  if (argc >= 2 && strcmp(argv[1], "-c") == 0) {
    err_printf("-c: option requires an argument");
    return 2;
  }
  if (argc >= 2 && strcmp(argv[1], "-") != 0) {
    script_file = fopen(argv[1], "r");
    if (!script_file) {
      err_printf("%s: %s", argv[1], strerror(errno));
      return 127;
    }
    vars_set_positional(argv[1], argc - 2, argv + 2);
    int st = run_lines(next_script);
    fclose(script_file);
    fflush(stdout);
    return st;
  }
  if (wv_isatty(0) && wv_isatty(2)) {
    shell_init_interactive();
    int st = run_lines(next_tty);
    shell_leave_interactive();
    fflush(stdout);
    return st;
  }
  int st = run_lines(next_plain);
  fflush(stdout);
  return st;
}
