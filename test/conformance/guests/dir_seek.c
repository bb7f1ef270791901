/*
 * wasi-testsuite directory_seek and dir_fd_op_failures: data calls on a directory fd fail.
 * Prints one "key: ERRNO" line per call; conformance.test.ts holds the errnos the suite accepts.
 */
#include "conf.h"

static void data_calls(const char *who, __wasi_fd_t fd) {
  char key[128];
  __wasi_filesize_t off;
  static const struct { const char *name; __wasi_whence_t w; } whences[] = {
    { "CUR", __WASI_WHENCE_CUR }, { "SET", __WASI_WHENCE_SET }, { "END", __WASI_WHENCE_END } };
  for (int i = 0; i < 3; i++) {
    snprintf(key, sizeof key, "%s fd_seek(0, %s)", who, whences[i].name);
    res(key, __wasi_fd_seek(fd, 0, whences[i].w, &off));
  }
  snprintf(key, sizeof key, "%s fd_tell", who);
  res(key, __wasi_fd_tell(fd, &off));
  char buf[128];
  __wasi_iovec_t iov = { (uint8_t *)buf, sizeof buf };
  __wasi_ciovec_t ciov = { (const uint8_t *)buf, sizeof buf };
  __wasi_size_t n;
  snprintf(key, sizeof key, "%s fd_read", who);
  res(key, __wasi_fd_read(fd, &iov, 1, &n));
  snprintf(key, sizeof key, "%s fd_pread", who);
  res(key, __wasi_fd_pread(fd, &iov, 1, 0, &n));
  snprintf(key, sizeof key, "%s fd_write", who);
  res(key, __wasi_fd_write(fd, &ciov, 1, &n));
  snprintf(key, sizeof key, "%s fd_pwrite", who);
  res(key, __wasi_fd_pwrite(fd, &ciov, 1, 0, &n));
  snprintf(key, sizeof key, "%s fd_allocate", who);
  res(key, __wasi_fd_allocate(fd, 0, 1));
  snprintf(key, sizeof key, "%s fd_filestat_set_size", who);
  res(key, __wasi_fd_filestat_set_size(fd, 0));
  __wasi_fdstat_t st;
  need("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &st));
  snprintf(key, sizeof key, "%s rights FD_SEEK", who);
  printf("%s: %s\n", key, st.fs_rights_base & __WASI_RIGHTS_FD_SEEK ? "present" : "absent");
  snprintf(key, sizeof key, "%s rights FD_TELL", who);
  printf("%s: %s\n", key, st.fs_rights_base & __WASI_RIGHTS_FD_TELL ? "present" : "absent");
}

int main(int argc, char **argv) {
  const char *path = scratch_arg(argc, argv);
  __wasi_fd_t pre;
  __wasi_fd_t dir = scratch_dir(path, &pre);

  data_calls("preopen", pre);
  data_calls("scratch", dir);

  /* directory_seek: ask for FD_SEEK when opening a directory; it must not be granted. */
  need("path_create_directory", __wasi_path_create_directory(dir, "directory_seek_dir"));
  __wasi_fd_t fd;
  res("path_open(dir, rights FD_SEEK)", __wasi_path_open(dir, 0, "directory_seek_dir", __WASI_OFLAGS_DIRECTORY,
                                                         __WASI_RIGHTS_FD_SEEK, 0, 0, &fd));
  __wasi_filesize_t off;
  res("asked-for-seek fd_seek(0, CUR)", __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &off));
  __wasi_fdstat_t st;
  need("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &st));
  printf("asked-for-seek filetype: %s\n", st.fs_filetype == __WASI_FILETYPE_DIRECTORY ? "directory" : "other");
  printf("asked-for-seek rights FD_SEEK: %s\n", st.fs_rights_base & __WASI_RIGHTS_FD_SEEK ? "present" : "absent");
  need("fd_close", __wasi_fd_close(fd));
  need("path_remove_directory", __wasi_path_remove_directory(dir, "directory_seek_dir"));
  need("fd_close(scratch)", __wasi_fd_close(dir));
  return 0;
}
