/*
 * wasi-testsuite fd_fdstat_set_rights and truncation_rights: rights dropped with
 * fd_fdstat_set_rights are enforced, and can never be gained back. Plus the same on a pipe
 * (stderr), whose reads and writes wVisor's worker serves without the kernel unless told not to,
 * and (with "devnull" as a second argument, instead of the rest) on /dev/null, also served there.
 * Prints "key: value" lines; conformance.test.ts holds what the suite accepts.
 * Usage: rights SCRATCH-DIRECTORY [devnull]
 */
#include "conf.h"

static __wasi_rights_t rights_of(__wasi_fd_t fd) {
  __wasi_fdstat_t st;
  need("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &st));
  return st.fs_rights_base;
}

static void show_rights(const char *key, __wasi_fd_t fd, __wasi_rights_t which) {
  printf("%s: %s\n", key, (rights_of(fd) & which) == which ? "present" : "absent");
}

static void fd_fdstat_set_rights_case(__wasi_fd_t dir) {
  __wasi_fd_t fd;
  need("path_open(file.cleanup)", __wasi_path_open(dir, 0, "file.cleanup", __WASI_OFLAGS_CREAT,
      __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL
        | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE, 0, 0, &fd));
  uint8_t data[4] = { 0, 1, 2, 3 }, back[4] = { 9, 9, 9, 9 };
  __wasi_ciovec_t ciov = { data, sizeof data };
  __wasi_iovec_t iov = { back, sizeof back };
  __wasi_size_t n = 0;
  __wasi_filesize_t off;
  res("fd_write with FD_WRITE", __wasi_fd_write(fd, &ciov, 1, &n));
  res("fd_seek with FD_SEEK", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
  __wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, &n);
  printf("fd_read with FD_READ: %s, %d bytes, %s\n", errname(e), (int)n,
         memcmp(data, back, 4) == 0 ? "same bytes" : "different bytes");

  __wasi_rights_t before = rights_of(fd);
  res("drop FD_READ|FD_WRITE", __wasi_fd_fdstat_set_rights(fd, before & ~(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE), 0));
  show_rights("rights FD_READ after drop", fd, __WASI_RIGHTS_FD_READ);
  show_rights("rights FD_WRITE after drop", fd, __WASI_RIGHTS_FD_WRITE);
  show_rights("rights FD_SEEK after drop", fd, __WASI_RIGHTS_FD_SEEK);
  res("fd_read without FD_READ", __wasi_fd_read(fd, &iov, 1, &n));
  res("fd_write without FD_WRITE", __wasi_fd_write(fd, &ciov, 1, &n));
  res("fd_pread without FD_READ", __wasi_fd_pread(fd, &iov, 1, 0, &n));
  res("fd_pwrite without FD_WRITE", __wasi_fd_pwrite(fd, &ciov, 1, 0, &n));
  res("fd_seek still with FD_SEEK", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));

  __wasi_rights_t now = rights_of(fd);
  res("drop FD_FILESTAT_SET_SIZE", __wasi_fd_fdstat_set_rights(fd, now & ~__WASI_RIGHTS_FD_FILESTAT_SET_SIZE, 0));
  res("fd_filestat_set_size without FD_FILESTAT_SET_SIZE", __wasi_fd_filestat_set_size(fd, 0));

  __wasi_rights_t more = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL;
  res("regrant FD_READ|FD_WRITE", __wasi_fd_fdstat_set_rights(fd, rights_of(fd) | more, more));
  show_rights("rights FD_READ after regrant", fd, __WASI_RIGHTS_FD_READ);
  need("fd_close", __wasi_fd_close(fd));
  need("path_unlink_file", __wasi_path_unlink_file(dir, "file.cleanup"));
}

static void truncation_rights_case(__wasi_fd_t dir) {
  create_file(dir, "file");
  __wasi_fdstat_t st;
  need("fd_fdstat_get(dir)", __wasi_fd_fdstat_get(dir, &st));
  printf("dir filetype: %s\n", st.fs_filetype == __WASI_FILETYPE_DIRECTORY ? "directory" : "other");
  printf("dir fdflags: %d\n", st.fs_flags);
  printf("dir rights FD_FILESTAT_SET_SIZE: %s\n", st.fs_rights_base & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE ? "present" : "absent");
  printf("dir rights PATH_FILESTAT_SET_SIZE: %s\n", st.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE ? "present" : "absent");
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd);
  res("path_open(TRUNC)", e);
  if (e == 0) need("fd_close", __wasi_fd_close(fd));
  __wasi_rights_t base = st.fs_rights_base, inh = st.fs_rights_inheriting;
  res("drop inheriting FD_FILESTAT_SET_SIZE",
      __wasi_fd_fdstat_set_rights(dir, base, inh & ~__WASI_RIGHTS_FD_FILESTAT_SET_SIZE));
  inh &= ~__WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
  e = __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd);
  res("path_open(TRUNC) without inheriting FD_FILESTAT_SET_SIZE", e);
  if (e == 0) need("fd_close", __wasi_fd_close(fd));
  res("drop PATH_FILESTAT_SET_SIZE", __wasi_fd_fdstat_set_rights(dir, base & ~__WASI_RIGHTS_PATH_FILESTAT_SET_SIZE, inh));
  show_rights("dir rights PATH_FILESTAT_SET_SIZE after drop", dir, __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE);
  e = __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd);
  res("path_open(TRUNC) without PATH_FILESTAT_SET_SIZE", e);
  if (e == 0) need("fd_close", __wasi_fd_close(fd));
  e = __wasi_path_open(dir, 0, "file", 0, 0, 0, 0, &fd);
  res("path_open without TRUNC", e);
  if (e == 0) need("fd_close", __wasi_fd_close(fd));
  need("path_unlink_file", __wasi_path_unlink_file(dir, "file"));
}

/* stderr is a pipe here: wVisor's worker writes pipe rings itself, which must stop once FD_WRITE is gone. */
static void stderr_case(void) {
  __wasi_rights_t r = rights_of(2);
  const char *msg = "stderr before the drop\n";
  __wasi_ciovec_t ciov = { (const uint8_t *)msg, strlen(msg) };
  __wasi_size_t n;
  res("stderr fd_write with FD_WRITE", __wasi_fd_write(2, &ciov, 1, &n));
  res("stderr drop FD_WRITE", __wasi_fd_fdstat_set_rights(2, r & ~__WASI_RIGHTS_FD_WRITE, 0));
  const char *msg2 = "stderr after the drop (must not appear)\n";
  __wasi_ciovec_t ciov2 = { (const uint8_t *)msg2, strlen(msg2) };
  res("stderr fd_write without FD_WRITE", __wasi_fd_write(2, &ciov2, 1, &n));
}

/* /dev/null, under the "/" preopen (wVisor's own tree). */
static void devnull_case(void) {
  __wasi_fd_t pre;
  for (pre = 3;; pre++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(pre, &ps) != 0) { printf("/dev/null: no \"/\" preopen\n"); return; }
    char name[2];
    if (ps.u.dir.pr_name_len == 1 && __wasi_fd_prestat_dir_name(pre, (uint8_t *)name, 1) == 0 && name[0] == '/') break;
  }
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(pre, 0, "dev/null", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
  if (e != 0) { printf("/dev/null: %s\n", errname(e)); return; }
  char b[4] = "abc";
  __wasi_ciovec_t ciov = { (const uint8_t *)b, 3 };
  __wasi_iovec_t iov = { (uint8_t *)b, 3 };
  __wasi_size_t n;
  res("/dev/null fd_write with FD_WRITE", __wasi_fd_write(fd, &ciov, 1, &n));
  need("drop", __wasi_fd_fdstat_set_rights(fd, rights_of(fd) & ~(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE), 0));
  res("/dev/null fd_write without FD_WRITE", __wasi_fd_write(fd, &ciov, 1, &n));
  res("/dev/null fd_read without FD_READ", __wasi_fd_read(fd, &iov, 1, &n));
  need("fd_close", __wasi_fd_close(fd));
}

int main(int argc, char **argv) {
  const char *path = scratch_arg(argc, argv);
  if (argc > 2 && strcmp(argv[2], "devnull") == 0) {
    devnull_case();
    return 0;
  }
  __wasi_fd_t base = scratch_dir(path, NULL);
  __wasi_fd_t dir = create_tmp_dir(base, "rights_dir.cleanup");
  fd_fdstat_set_rights_case(dir);
  need("fd_close", __wasi_fd_close(dir));
  need("path_remove_directory", __wasi_path_remove_directory(base, "rights_dir.cleanup"));

  dir = create_tmp_dir(base, "truncation_rights_dir.cleanup");
  truncation_rights_case(dir);
  need("fd_close", __wasi_fd_close(dir));
  need("path_remove_directory", __wasi_path_remove_directory(base, "truncation_rights_dir.cleanup"));

  stderr_case();
  return 0;
}
