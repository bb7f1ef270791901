/* Signal state across fork and exec: a fork child keeps the parent's handlers, ignored signals
 * and mask (a handler it raises runs in the child); after execve caught signals are back to their
 * default, ignored ones stay ignored, and the mask stays. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static volatile sig_atomic_t got;
static void on_usr1(int sig) { got = sig; }

static const char *disp(int sig) {
  struct sigaction sa;
  sigaction(sig, NULL, &sa);
  return sa.sa_handler == SIG_DFL ? "default" : sa.sa_handler == SIG_IGN ? "ignored" : "caught";
}

static int blocked(int sig) {
  sigset_t s;
  sigprocmask(SIG_BLOCK, NULL, &s);
  return sigismember(&s, sig);
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[2], "child") == 0) {
    say("after exec: USR1 %s, USR2 %s, TERM blocked %d\n", disp(SIGUSR1), disp(SIGUSR2), blocked(SIGTERM));
    return 0;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  signal(SIGUSR2, SIG_IGN);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGTERM);
  sigprocmask(SIG_BLOCK, &s, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    raise(SIGUSR1);
    raise(SIGUSR2);
    say("fork child: USR1 %s, handler ran for %d, USR2 %s, TERM blocked %d\n", disp(SIGUSR1), got, disp(SIGUSR2),
        blocked(SIGTERM));
    char *args[] = { argv[1], argv[1], "child", NULL };
    execv(argv[1], args);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  say("child: %s, parent's handler ran: %d\n", status_str(st), got);
  return 0;
}
