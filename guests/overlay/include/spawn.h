/* wVisor's <spawn.h> (wasi-libc has none): posix_spawn and posix_spawnp over the
 * kernel's spawn call, with glibc's flag values and file actions (close, dup2,
 * open, chdir_np). Errors are returned, as POSIX says, never left in errno.
 *
 * The child inherits every open fd without close-on-exec (the kernel's flag, set
 * by the overlay's O_CLOEXEC, pipe2, dup3 and fcntl), as on Linux.
 * POSIX_SPAWN_SETSIGMASK and POSIX_SPAWN_SETSIGDEF are accepted; with no signal
 * masks or handlers in wVisor yet they change nothing (as on Linux with the
 * attribute's default empty sets). */
#ifndef _SPAWN_H
#define _SPAWN_H
#ifdef __cplusplus
extern "C" {
#endif

#include <sys/types.h>

#define POSIX_SPAWN_RESETIDS      0x01
#define POSIX_SPAWN_SETPGROUP     0x02
#define POSIX_SPAWN_SETSIGDEF     0x04
#define POSIX_SPAWN_SETSIGMASK    0x08
#define POSIX_SPAWN_SETSCHEDPARAM 0x10
#define POSIX_SPAWN_SETSCHEDULER  0x20
#define POSIX_SPAWN_USEVFORK      0x40
#define POSIX_SPAWN_SETSID        0x80

typedef struct {
  int __flags;
  pid_t __pgrp;
  int __pad[14];
} posix_spawnattr_t;

typedef struct {
  int __used;
  int __allocated;
  void *__actions;
  int __pad[13];
} posix_spawn_file_actions_t;

int posix_spawn(pid_t *__restrict, const char *__restrict, const posix_spawn_file_actions_t *,
                const posix_spawnattr_t *__restrict, char *const[], char *const[]);
int posix_spawnp(pid_t *__restrict, const char *__restrict, const posix_spawn_file_actions_t *,
                 const posix_spawnattr_t *__restrict, char *const[], char *const[]);

int posix_spawnattr_init(posix_spawnattr_t *);
int posix_spawnattr_destroy(posix_spawnattr_t *);
int posix_spawnattr_setflags(posix_spawnattr_t *, short);
int posix_spawnattr_getflags(const posix_spawnattr_t *__restrict, short *__restrict);
int posix_spawnattr_setpgroup(posix_spawnattr_t *, pid_t);
int posix_spawnattr_getpgroup(const posix_spawnattr_t *__restrict, pid_t *__restrict);

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *);
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *);
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *__restrict, int, const char *__restrict, int, mode_t);
int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *, int);
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *, int, int);
int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *__restrict, const char *__restrict);

#ifdef __cplusplus
}
#endif
#endif
