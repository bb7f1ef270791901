/* t_tty - @test @desc test (wVisor ABI): the terminal: termios, window size, foreground group, job control (fg/bg), raw reads */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include "common.h"
#include "wvisor.h"

#ifdef __wasi__
static int get_winsize(int fd, wv_winsize *w) { int32_t e = __wv_tiocgwinsz(fd, w); if (e) { errno = e; return -1; } return 0; }
#else
static int get_winsize(int fd, wv_winsize *w) {
  struct winsize n;
  if (ioctl(fd, TIOCGWINSZ, &n) < 0) return -1;
  w->ws_row = n.ws_row; w->ws_col = n.ws_col; w->ws_xpixel = n.ws_xpixel; w->ws_ypixel = n.ws_ypixel;
  return 0;
}
#endif

/* Modes (argv[1]):
 *   info            isatty, termios flags and control characters, window size, groups
 *   fg PROG ARGS    run PROG in its own group in the foreground; report how it stopped or ended;
 *                   a stopped job is continued in the foreground once (as `fg`), then reported again
 *   bg PROG ARGS    run PROG in its own group in the background; report how it stopped; kill it
 *   raw             non-canonical, no echo, VMIN=1 VTIME=0: print each byte read in hex until 'q'
 *   vmin0           non-canonical, VMIN=0 VTIME=0: one read, print its count and bytes
 *   winch           print the window size each time a line is read, until EOF */

static void report(const char *what, int st) {
  if (WV_WIFEXITED(st)) printf("%s: exited %d\n", what, WV_WEXITSTATUS(st));
  else if (WV_WIFSIGNALED(st)) printf("%s: killed by %s\n", what, signame(WV_WTERMSIG(st)));
  else if (WV_WIFSTOPPED(st)) printf("%s: stopped by %s\n", what, signame(WV_WSTOPSIG(st)));
  else printf("%s: status 0x%x\n", what, st);
  fflush(stdout);
}

static int spawn_group(char **argv) {
  wv_spawn_req r = {0};
  uint32_t n = 0;
  while (argv[n]) n++;
  r.path = argv[0];
  r.path_len = (uint32_t)strlen(argv[0]);
  r.argv = (const char *const *)argv;
  r.argc = n;
  r.pgid = 0;
  return wv_spawn(&r);
}

static int job(char **argv, int foreground) {
  int self = wv_getpgid(0);
  fflush(stdout);
  int pid = spawn_group(argv);
  if (pid < 0) { printf("spawn: %s\n", errname(errno)); return 1; }
  if (foreground && wv_tcsetpgrp(0, pid) < 0) printf("tcsetpgrp(child): %s\n", errname(errno));
  printf("job %s: tcgetpgrp is %s\n", argv[0], wv_tcgetpgrp(0) == pid ? "the job" : "the driver");
  fflush(stdout);
  int st = 0;
  if (wv_waitpid(pid, &st, WV_WUNTRACED) != pid) { printf("waitpid: %s\n", errname(errno)); return 1; }
  if (wv_tcsetpgrp(0, self) < 0) printf("tcsetpgrp(self): %s\n", errname(errno));
  report(argv[0], st);
  if (!WV_WIFSTOPPED(st)) return 0;
  if (!foreground) {
    wv_kill(-pid, 9);
    wv_waitpid(pid, &st, 0);
    report(argv[0], st);
    return 0;
  }
  /* fg: give the terminal back to the job and continue it. */
  wv_tcsetpgrp(0, pid);
  wv_kill(-pid, 18 /* SIGCONT */);
  printf("continued\n");
  fflush(stdout);
  if (wv_waitpid(pid, &st, WV_WUNTRACED) != pid) { printf("waitpid: %s\n", errname(errno)); return 1; }
  wv_tcsetpgrp(0, self);
  report(argv[0], st);
  if (WV_WIFSTOPPED(st)) { wv_kill(-pid, 9); wv_waitpid(pid, &st, 0); }
  return 0;
}

static void info(void) {
  for (int fd = 0; fd < 3; fd++) printf("isatty(%d): %d\n", fd, isatty(fd));
  int p[2];
  wv_pipe(p);
  /* (each result is taken before errno is read: argument order is unspecified) */
  int r = isatty(p[0]);
  printf("isatty(pipe): %d %s\n", r, errname(errno));
  r = wv_tcgetpgrp(p[0]);
  printf("tcgetpgrp(pipe): %d %s\n", r, errname(errno));
  printf("tcgetpgrp is own group: %d\n", wv_tcgetpgrp(0) == wv_getpgid(0));
  printf("session leader: %d\n", wv_getsid(0) == wv_getpid());
  r = wv_tcsetpgrp(0, 99999);
  printf("tcsetpgrp(no such group): %d %s\n", r, errname(errno));
  wv_termios t;
  if (wv_tcgetattr(0, &t) < 0) { printf("tcgetattr: %s\n", errname(errno)); return; }
  printf("iflag ICRNL %d oflag OPOST %d ONLCR %d lflag ISIG %d ICANON %d ECHO %d ECHOE %d ECHOK %d IEXTEN %d\n",
    !!(t.c_iflag & WV_ICRNL), !!(t.c_oflag & WV_OPOST), !!(t.c_oflag & WV_ONLCR), !!(t.c_lflag & WV_ISIG),
    !!(t.c_lflag & WV_ICANON), !!(t.c_lflag & WV_ECHO), !!(t.c_lflag & WV_ECHOE), !!(t.c_lflag & WV_ECHOK),
    !!(t.c_lflag & WV_IEXTEN));
  printf("cc INTR %d QUIT %d ERASE %d KILL %d EOF %d TIME %d MIN %d SUSP %d WERASE %d\n",
    t.c_cc[WV_VINTR], t.c_cc[WV_VQUIT], t.c_cc[WV_VERASE], t.c_cc[WV_VKILL], t.c_cc[WV_VEOF], t.c_cc[WV_VTIME],
    t.c_cc[WV_VMIN], t.c_cc[WV_VSUSP], t.c_cc[WV_VWERASE]);
  r = wv_tcsetattr(0, 7, &t);
  printf("tcsetattr(bad action): %d %s\n", r, errname(errno));
  wv_winsize w = {0};
  if (get_winsize(0, &w) == 0) printf("winsize %d rows %d cols\n", w.ws_row, w.ws_col);
}

static int raw(void) {
  wv_termios old, t;
  if (wv_tcgetattr(0, &old) < 0) { printf("tcgetattr: %s\n", errname(errno)); return 1; }
  t = old;
  t.c_lflag &= ~(WV_ICANON | WV_ECHO);
  t.c_cc[WV_VMIN] = 1;
  t.c_cc[WV_VTIME] = 0;
  wv_tcsetattr(0, WV_TCSAFLUSH, &t);
  printf("raw\n");
  fflush(stdout);
  unsigned char c;
  while (read(0, &c, 1) == 1) {
    printf("byte %02x\n", c);
    fflush(stdout);
    if (c == 'q') break;
  }
  wv_tcsetattr(0, WV_TCSANOW, &old);
  printf("restored\n");
  return 0;
}

static int vmin0(void) {
  wv_termios t;
  wv_tcgetattr(0, &t);
  t.c_lflag &= ~WV_ICANON;
  t.c_cc[WV_VMIN] = 0;
  t.c_cc[WV_VTIME] = 0;
  wv_tcsetattr(0, WV_TCSANOW, &t);
  char buf[64];
  ssize_t n = read(0, buf, sizeof buf);
  printf("read %zd\n", n);
  return 0;
}

static int winch(void) {
  char buf[256];
  printf("ready\n");
  fflush(stdout);
  while (fgets(buf, sizeof buf, stdin)) {
    wv_winsize w = {0};
    get_winsize(0, &w);
    printf("winsize %d rows %d cols\n", w.ws_row, w.ws_col);
    fflush(stdout);
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "info";
  if (strcmp(mode, "fg") == 0 && argc > 2) return job(argv + 2, 1);
  if (strcmp(mode, "bg") == 0 && argc > 2) return job(argv + 2, 0);
  if (strcmp(mode, "raw") == 0) return raw();
  if (strcmp(mode, "vmin0") == 0) return vmin0();
  if (strcmp(mode, "winch") == 0) return winch();
  info();
  return 0;
}
