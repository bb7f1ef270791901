/* fork returns twice: 0 in the child, the child's pid in the parent; the child has a copy
 * of memory (a change in one is not seen by the other), of the stack (locals keep their
 * values) and of stdio's buffer state; wait collects each child's status; a chain of
 * forks (a child forking a grandchild) reports up the chain. */
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static int counter = 10;

static int depth_fork(int depth) {
  int local = depth * 100;
  if (depth == 0) return local;
  pid_t pid = fork();
  if (pid < 0) { say("fork failed: %s\n", en(errno)); return -1; }
  if (pid == 0) {
    int r = depth_fork(depth - 1);
    _exit(r / 100 + 1);
  }
  int st;
  waitpid(pid, &st, 0);
  say("depth %d: local %d, child %s\n", depth, local, status_str(st));
  return local + WEXITSTATUS(st) * 100;
}

int main(void) {
  pid_t me = getpid();
  char *heap = malloc(64);
  strcpy(heap, "parent's heap");
  pid_t pid = fork();
  if (pid < 0) { say("fork: %s\n", en(errno)); return 1; }
  if (pid == 0) {
    counter++;
    strcpy(heap, "child's heap");
    say("child: fork returned 0, ppid is parent: %d, own pid differs: %d, counter %d, %s\n",
        getppid() == me, getpid() != me, counter, heap);
    exit(7);
  }
  int st;
  pid_t w = waitpid(pid, &st, 0);
  say("parent: waited the child: %d, %s, counter %d, %s\n", w == pid, status_str(st), counter, heap);
  /* several children at once, reaped in any order */
  int sum = 0;
  for (int i = 0; i < 5; i++) {
    pid_t c = fork();
    if (c == 0) _exit(i + 1);
  }
  for (int i = 0; i < 5; i++) {
    if (wait(&st) > 0) sum += WEXITSTATUS(st);
  }
  say("five children: statuses add up to %d, then wait: %s\n", sum, R(wait(&st)));
  say("chain: %d\n", depth_fork(3));
  return 0;
}
