/* termios and the terminal's foreground group over wvisor_v1. */
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "internal.h"

WVP_API int tcgetattr(int fd, struct termios *t) {
  wv_termios w;
  if (__wvp_ret(__wv_tcgetattr(fd, &w))) return -1;
  memset(t, 0, sizeof *t);
  t->c_iflag = w.c_iflag;
  t->c_oflag = w.c_oflag;
  t->c_cflag = w.c_cflag;
  t->c_lflag = w.c_lflag;
  memcpy(t->c_cc, w.c_cc, sizeof t->c_cc < sizeof w.c_cc ? sizeof t->c_cc : sizeof w.c_cc);
  t->__c_ispeed = t->__c_ospeed = t->c_cflag & CBAUD;
  return 0;
}

WVP_API int tcsetattr(int fd, int action, const struct termios *t) {
  wv_termios w;
  memset(&w, 0, sizeof w);
  w.c_iflag = t->c_iflag;
  w.c_oflag = t->c_oflag;
  w.c_cflag = t->c_cflag;
  w.c_lflag = t->c_lflag;
  memcpy(w.c_cc, t->c_cc, sizeof t->c_cc < sizeof w.c_cc ? sizeof t->c_cc : sizeof w.c_cc);
  return __wvp_ret(__wv_tcsetattr(fd, action, &w));
}

WVP_API pid_t tcgetpgrp(int fd) {
  int32_t g;
  if (__wvp_ret(__wv_tcgetpgrp(fd, &g))) return -1;
  return g;
}

WVP_API int tcsetpgrp(int fd, pid_t pgid) { return __wvp_ret(__wv_tcsetpgrp(fd, pgid)); }

WVP_API speed_t cfgetospeed(const struct termios *t) { return t->c_cflag & CBAUD; }
WVP_API speed_t cfgetispeed(const struct termios *t) { return cfgetospeed(t); }

WVP_API int cfsetospeed(struct termios *t, speed_t speed) {
  if (speed & ~CBAUD) { errno = EINVAL; return -1; }
  t->c_cflag = (t->c_cflag & ~CBAUD) | speed;
  t->__c_ospeed = speed;
  return 0;
}
WVP_API int cfsetispeed(struct termios *t, speed_t speed) { return speed ? cfsetospeed(t, speed) : 0; }
WVP_API int cfsetspeed(struct termios *t, speed_t speed) { return cfsetospeed(t, speed); }

WVP_API void cfmakeraw(struct termios *t) {
  t->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  t->c_oflag &= ~OPOST;
  t->c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t->c_cflag &= ~(CSIZE | PARENB);
  t->c_cflag |= CS8;
  t->c_cc[VMIN] = 1;
  t->c_cc[VTIME] = 0;
}
