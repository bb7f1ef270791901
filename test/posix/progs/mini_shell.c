/* A small shell: reads command lines, splits words, handles "a | b | c", "< file", "> file"
 * and "2>&1"-free redirections with fork, execvp, dup2, pipe and waitpid, and reports each
 * pipeline's status. The commands (echo, cat, wc, sh) come from PATH. */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

#define MAXW 32

static void run_line(char *line) {
  char *cmds[8][MAXW];
  char *in = NULL, *out = NULL;
  int ncmd = 0, nw = 0;
  for (char *tok = strtok(line, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
    if (strcmp(tok, "|") == 0) { cmds[ncmd][nw] = NULL; ncmd++; nw = 0; continue; }
    if (strcmp(tok, "<") == 0) { in = strtok(NULL, " \t\n"); continue; }
    if (strcmp(tok, ">") == 0) { out = strtok(NULL, " \t\n"); continue; }
    cmds[ncmd][nw++] = tok;
  }
  cmds[ncmd][nw] = NULL;
  ncmd++;
  pid_t pids[8];
  int prev = -1;
  for (int i = 0; i < ncmd; i++) {
    int p[2] = { -1, -1 };
    if (i + 1 < ncmd && pipe(p) < 0) { say("pipe: %s\n", en(errno)); return; }
    pids[i] = fork();
    if (pids[i] == 0) {
      if (prev >= 0) { dup2(prev, 0); close(prev); }
      else if (in) { int f = open(in, O_RDONLY); if (f < 0) { say("%s: %s\n", in, en(errno)); _exit(1); } dup2(f, 0); close(f); }
      if (p[1] >= 0) { dup2(p[1], 1); close(p[1]); close(p[0]); }
      else if (out) { int f = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644); dup2(f, 1); close(f); }
      execvp(cmds[i][0], cmds[i]);
      say("%s: %s\n", cmds[i][0], en(errno));
      _exit(127);
    }
    if (prev >= 0) close(prev);
    if (p[1] >= 0) close(p[1]);
    prev = p[0];
  }
  int st = 0;
  for (int i = 0; i < ncmd; i++) waitpid(pids[i], &st, 0);
  say("[%s]\n", status_str(st));
}

int main(void) {
  char lines[][128] = {
    "echo hello world",
    "echo one two three | wc -w",
    "echo to a file > out.txt",
    "cat < out.txt",
    "cat out.txt | cat | wc -c",
    "no-such-command here",
    "false",
  };
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
    say("$ %s\n", lines[i]);
    run_line(lines[i]);
  }
  unlink("out.txt");
  return 0;
}
