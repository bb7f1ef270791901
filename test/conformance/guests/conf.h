/*
 * Shared by the conformance guests in this folder (built by ../conformance.test.ts): finding the
 * scratch directory through the preopen list, and printing results as "key: value" lines that the
 * test compares between wVisor and node:wasi and checks against wasi-testsuite's expectations.
 *
 * Each guest takes one argument, the guest path of a scratch directory (e.g. /data). It scans
 * the preopens (fd_prestat_get from fd 3 until EBADF), takes the one whose name is the longest
 * prefix of that path, and opens the rest of the path (or ".") from it with the preopen's own
 * rights, as wasi-testsuite's root_directory() does. So it works whether the runtime preopens
 * the directory itself (node:wasi, `wvisor run --dir` giving each directory its own preopen) or
 * only "/" above it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static inline const char *errname(__wasi_errno_t e) {
  switch (e) {
    case __WASI_ERRNO_SUCCESS: return "SUCCESS";
    case __WASI_ERRNO_ACCES: return "ACCES";
    case __WASI_ERRNO_BADF: return "BADF";
    case __WASI_ERRNO_EXIST: return "EXIST";
    case __WASI_ERRNO_INVAL: return "INVAL";
    case __WASI_ERRNO_ISDIR: return "ISDIR";
    case __WASI_ERRNO_LOOP: return "LOOP";
    case __WASI_ERRNO_NOENT: return "NOENT";
    case __WASI_ERRNO_NOSYS: return "NOSYS";
    case __WASI_ERRNO_NOTDIR: return "NOTDIR";
    case __WASI_ERRNO_NOTSUP: return "NOTSUP";
    case __WASI_ERRNO_PERM: return "PERM";
    case __WASI_ERRNO_PIPE: return "PIPE";
    case __WASI_ERRNO_SPIPE: return "SPIPE";
    case __WASI_ERRNO_NOTCAPABLE: return "NOTCAPABLE";
    default: {
      static char buf[32];
      snprintf(buf, sizeof buf, "errno %d", (int)e);
      return buf;
    }
  }
}

/** Prints "key: ERRNO". */
static inline void res(const char *key, __wasi_errno_t e) {
  printf("%s: %s\n", key, errname(e));
}

/** Dies with a message on stderr (a set-up step the case needs failed). */
static inline void need(const char *what, __wasi_errno_t e) {
  if (e == __WASI_ERRNO_SUCCESS) return;
  fprintf(stderr, "setup failed: %s: %s\n", what, errname(e));
  exit(2);
}

/** The preopen the scratch path lies under (fd), and the part of the path below it in `rest`. */
static inline __wasi_fd_t find_preopen(const char *path, const char **rest) {
  __wasi_fd_t best = (__wasi_fd_t)-1;
  size_t best_len = 0;
  for (__wasi_fd_t fd = 3;; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != __WASI_ERRNO_SUCCESS) break;
    if (ps.tag != __WASI_PREOPENTYPE_DIR) continue;
    size_t n = ps.u.dir.pr_name_len;
    char name[512];
    if (n >= sizeof name || __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, n) != __WASI_ERRNO_SUCCESS) continue;
    while (n > 1 && name[n - 1] == '/') n--; /* "/data/" names /data */
    name[n] = 0;
    int under = strcmp(name, "/") == 0 ? path[0] == '/'
      : strncmp(path, name, n) == 0 && (path[n] == 0 || path[n] == '/');
    if (under && (best == (__wasi_fd_t)-1 || n > best_len)) { best = fd; best_len = n; }
  }
  if (best == (__wasi_fd_t)-1) {
    fprintf(stderr, "no preopened directory holds %s\n", path);
    exit(2);
  }
  const char *r = path + best_len;
  while (*r == '/') r++;
  *rest = *r ? r : ".";
  return best;
}

/** A fresh directory fd for the scratch path, with the rights its preopen has (root_directory()). */
static inline __wasi_fd_t scratch_dir(const char *path, __wasi_fd_t *preopen) {
  const char *rest;
  __wasi_fd_t pre = find_preopen(path, &rest);
  if (preopen) *preopen = pre;
  __wasi_fdstat_t st;
  need("fd_fdstat_get(preopen)", __wasi_fd_fdstat_get(pre, &st));
  __wasi_fd_t fd;
  need("path_open(scratch)", __wasi_path_open(pre, 0, rest, __WASI_OFLAGS_DIRECTORY, st.fs_rights_base,
                                              st.fs_rights_inheriting, 0, &fd));
  return fd;
}

/** wasi-testsuite's create_tmp_dir: a subdirectory opened with the rights the suite's tests use. */
static inline __wasi_fd_t create_tmp_dir(__wasi_fd_t dir, const char *name) {
  need("path_create_directory(tmp)", __wasi_path_create_directory(dir, name));
  __wasi_fd_t fd;
  need("path_open(tmp)", __wasi_path_open(dir, 0, name, __WASI_OFLAGS_DIRECTORY,
      __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_CREATE_FILE
        | __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY | __WASI_RIGHTS_PATH_OPEN
        | __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET
        | __WASI_RIGHTS_PATH_READLINK | __WASI_RIGHTS_PATH_RENAME_SOURCE | __WASI_RIGHTS_PATH_RENAME_TARGET
        | __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE
        | __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES | __WASI_RIGHTS_PATH_SYMLINK,
      __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_GET
        | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET
        | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_PATH_FILESTAT_GET
        | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_ADVISE
        | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES,
      0, &fd));
  return fd;
}

/** wasi-testsuite's create_file: path_open(CREAT) with no rights, then close. */
static inline void create_file(__wasi_fd_t dir, const char *name) {
  __wasi_fd_t fd;
  need("path_open(create file)", __wasi_path_open(dir, 0, name, __WASI_OFLAGS_CREAT, 0, 0, 0, &fd));
  need("fd_close(created file)", __wasi_fd_close(fd));
}

static inline const char *scratch_arg(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s SCRATCH-DIRECTORY (a guest path under a preopen)\n", argv[0]);
    exit(2);
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  return argv[1];
}
