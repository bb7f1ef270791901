/*
 * wasi-testsuite symlink_create, nofollow_errors, dangling_symlink and
 * path_symlink_trailing_slashes. Prints "key: ERRNO" lines; conformance.test.ts holds what the
 * suite accepts.
 */
#include "conf.h"

static void open_res(const char *key, __wasi_fd_t dir, int follow, const char *path, __wasi_oflags_t oflags) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, oflags, 0, 0, 0, &fd);
  res(key, e);
  if (e == 0) need("fd_close", __wasi_fd_close(fd));
}

int main(int argc, char **argv) {
  const char *path = scratch_arg(argc, argv);
  __wasi_fd_t base = scratch_dir(path, NULL);
  __wasi_fd_t dir = create_tmp_dir(base, "symlink_dir.cleanup");

  /* symlink_create */
  create_file(dir, "target");
  res("symlink to a file", __wasi_path_symlink("target", dir, "symlink"));
  open_res("open symlink to a file, follow", dir, 1, "symlink", 0);
  need("unlink", __wasi_path_unlink_file(dir, "symlink"));
  need("unlink", __wasi_path_unlink_file(dir, "target"));
  need("mkdir", __wasi_path_create_directory(dir, "target"));
  res("symlink to a directory", __wasi_path_symlink("target", dir, "symlink"));
  open_res("open symlink to a directory, follow, DIRECTORY", dir, 1, "symlink", __WASI_OFLAGS_DIRECTORY);
  need("unlink", __wasi_path_unlink_file(dir, "symlink"));
  need("rmdir", __wasi_path_remove_directory(dir, "target"));
  __wasi_errno_t e = __wasi_path_symlink("/", dir, "symlink");
  res("symlink to \"/\"", e);
  if (e == 0) need("unlink", __wasi_path_unlink_file(dir, "symlink"));
  e = __wasi_path_symlink("/etc/passwd", dir, "symlink");
  res("symlink to \"/etc/passwd\"", e);
  if (e == 0) need("unlink", __wasi_path_unlink_file(dir, "symlink"));

  /* nofollow_errors */
  need("mkdir", __wasi_path_create_directory(dir, "target"));
  need("symlink", __wasi_path_symlink("target", dir, "symlink"));
  open_res("dir symlink, nofollow, DIRECTORY", dir, 0, "symlink", __WASI_OFLAGS_DIRECTORY);
  open_res("dir symlink, nofollow", dir, 0, "symlink", 0);
  open_res("dir symlink, follow, DIRECTORY", dir, 1, "symlink", __WASI_OFLAGS_DIRECTORY);
  need("unlink", __wasi_path_unlink_file(dir, "symlink"));
  need("rmdir", __wasi_path_remove_directory(dir, "target"));
  create_file(dir, "target");
  need("symlink", __wasi_path_symlink("target", dir, "symlink"));
  open_res("file symlink, nofollow, DIRECTORY", dir, 0, "symlink", __WASI_OFLAGS_DIRECTORY);
  open_res("file symlink, nofollow", dir, 0, "symlink", 0);
  open_res("file symlink, follow, DIRECTORY", dir, 1, "symlink", __WASI_OFLAGS_DIRECTORY);
  need("unlink", __wasi_path_unlink_file(dir, "target"));
  need("unlink", __wasi_path_unlink_file(dir, "symlink"));

  /* dangling_symlink */
  res("dangling symlink", __wasi_path_symlink("target", dir, "dangling"));
  open_res("dangling symlink, nofollow, DIRECTORY", dir, 0, "dangling", __WASI_OFLAGS_DIRECTORY);
  open_res("dangling symlink, nofollow", dir, 0, "dangling", 0);
  need("unlink", __wasi_path_unlink_file(dir, "dangling"));

  /* path_symlink_trailing_slashes */
  res("symlink to \"target/\" (absent)", __wasi_path_symlink("source", dir, "target/"));
  need("mkdir", __wasi_path_create_directory(dir, "target"));
  res("symlink over a directory, \"target/\"", __wasi_path_symlink("source", dir, "target/"));
  res("symlink over a directory, \"target\"", __wasi_path_symlink("source", dir, "target"));
  need("rmdir", __wasi_path_remove_directory(dir, "target"));
  create_file(dir, "target");
  res("symlink over a file, \"target/\"", __wasi_path_symlink("source", dir, "target/"));
  res("symlink over a file, \"target\"", __wasi_path_symlink("source", dir, "target"));
  need("unlink", __wasi_path_unlink_file(dir, "target"));

  need("fd_close", __wasi_fd_close(dir));
  need("path_remove_directory", __wasi_path_remove_directory(base, "symlink_dir.cleanup"));
  return 0;
}
