/* isatty and tcgetattr on pipes, files and closed fds (no terminal in this test). */
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>
#include "common.h"

int main(void) {
  int p[2];
  pipe(p);
  errno = 0;
  int r = isatty(p[0]);
  say("isatty(pipe read end): %s\n", R(r));
  errno = 0;
  r = isatty(p[1]);
  say("isatty(pipe write end): %s\n", R(r));
  int fd = open("isatty.tmp", O_RDWR | O_CREAT | O_TRUNC, 0644);
  errno = 0;
  r = isatty(fd);
  say("isatty(regular file): %s\n", R(r));
  close(fd);
  unlink("isatty.tmp");
  errno = 0;
  r = isatty(fd);
  say("isatty(closed fd): %s\n", R(r));
  struct termios t;
  say("tcgetattr(pipe): %s\n", R(tcgetattr(p[0], &t)));
  say("tcsetattr(pipe): %s\n", R(tcsetattr(p[1], TCSANOW, &t)));
  say("tcgetpgrp(pipe): %s\n", R((int)tcgetpgrp(p[0])));
  say("tcsetpgrp(pipe): %s\n", R(tcsetpgrp(p[0], getpgrp())));
  /* the test runs us with stdin and stdout on pipes */
  errno = 0;
  r = isatty(0);
  say("isatty(0): %s\n", R(r));
  errno = 0;
  r = isatty(1);
  say("isatty(1): %s\n", R(r));
  struct termios raw;
  memset(&raw, 0, sizeof raw);
  raw.c_lflag = ICANON | ECHO | ISIG;
  cfmakeraw(&raw);
  say("cfmakeraw clears ICANON/ECHO/ISIG: %s, VMIN %d\n", (raw.c_lflag & (ICANON | ECHO | ISIG)) ? "no" : "yes", raw.c_cc[VMIN]);
  return 0;
}
