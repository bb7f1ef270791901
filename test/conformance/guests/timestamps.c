/*
 * wasi-testsuite fd_filestat_set, path_filestat and symlink_filestat: times set with
 * fd_filestat_set_times / path_filestat_set_times read back exactly, to the nanosecond, and the
 * flags are validated. The suite sets "mtim - 100"; this guest sets times with a fixed sub-second
 * part (…123456789 ns) so a runtime that rounds always shows it (and one that does not never
 * does): each result line says "exact", or how it came back ("rounded to µs" when it equals the
 * time truncated to whole microseconds, else "off by N ns").
 * Usage: timestamps SCRATCH-DIRECTORY [refused]
 */
#include "conf.h"

static __wasi_filestat_t fstat_of(__wasi_fd_t fd) {
  __wasi_filestat_t st;
  need("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
  return st;
}

static __wasi_filestat_t stat_at(__wasi_fd_t dir, const char *path, int follow) {
  __wasi_filestat_t st;
  need("path_filestat_get", __wasi_path_filestat_get(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, &st));
  return st;
}

/** A time one second before `t`'s second, plus `frac` ns. */
static __wasi_timestamp_t target(__wasi_timestamp_t t, __wasi_timestamp_t frac) {
  return (t / 1000000000ull - 1) * 1000000000ull + frac;
}

static void compare(const char *key, __wasi_timestamp_t got, __wasi_timestamp_t want) {
  if (got == want) printf("%s: exact\n", key);
  else if (got == want / 1000 * 1000) printf("%s: rounded to µs\n", key);
  else printf("%s: off by %lld ns\n", key, (long long)(got - want));
}

static void same(const char *key, __wasi_timestamp_t a, __wasi_timestamp_t b) {
  printf("%s: %s\n", key, a == b ? "unchanged" : "changed");
}

int main(int argc, char **argv) {
  const char *path = scratch_arg(argc, argv);
  /* "refused" as a second argument: also the calls path_filestat_set_times must refuse (below). */
  int refused = argc > 2 && strcmp(argv[2], "refused") == 0;
  __wasi_fd_t base = scratch_dir(path, NULL);
  __wasi_fd_t dir = create_tmp_dir(base, "timestamps_dir.cleanup");

  /* fd_filestat_set */
  __wasi_fd_t fd;
  need("path_open(file)", __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT,
      __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_GET
        | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES, 0, 0, &fd));
  __wasi_filestat_t st = fstat_of(fd);
  printf("new file size: %llu\n", (unsigned long long)st.size);
  res("fd_filestat_set_size(100)", __wasi_fd_filestat_set_size(fd, 100));
  st = fstat_of(fd);
  printf("size after set_size: %llu\n", (unsigned long long)st.size);
  __wasi_timestamp_t old_atim = st.atim, mtim = target(st.mtim, 123456789);
  res("fd_filestat_set_times(MTIM)", __wasi_fd_filestat_set_times(fd, 0, mtim, __WASI_FSTFLAGS_MTIM));
  st = fstat_of(fd);
  printf("size after set_times: %llu\n", (unsigned long long)st.size);
  compare("fd_filestat_set_times mtim", st.mtim, mtim);
  same("atim after setting only mtim", st.atim, old_atim);
  __wasi_timestamp_t atim = target(st.atim, 987654321);
  res("fd_filestat_set_times(ATIM)", __wasi_fd_filestat_set_times(fd, atim, 0, __WASI_FSTFLAGS_ATIM));
  compare("fd_filestat_set_times atim", fstat_of(fd).atim, atim);
  res("fd_filestat_set_times(ATIM|ATIM_NOW)",
      __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  need("fd_close", __wasi_fd_close(fd));

  /* path_filestat */
  st = stat_at(dir, "file", 0);
  mtim = target(st.mtim, 555555555);
  res("path_filestat_set_times(MTIM)", __wasi_path_filestat_set_times(dir, 0, "file", 0, mtim, __WASI_FSTFLAGS_MTIM));
  compare("path_filestat_set_times mtim", stat_at(dir, "file", 0).mtim, mtim);
  if (refused) {
    /* Through a second fd for the directory: node:wasi's uvwasi returns EINVAL here without
       unlocking the fd's mutex, so any later call on that fd hangs and the runtime aborts when it
       tears the fd table down (uvwasi's bug, Node 20): hence a run of its own. */
    __wasi_fd_t spare;
    need("path_open(spare dir fd)", __wasi_path_open(base, 0, "timestamps_dir.cleanup", __WASI_OFLAGS_DIRECTORY,
        __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES, 0, 0, &spare));
    res("path_filestat_set_times(MTIM|MTIM_NOW)", __wasi_path_filestat_set_times(spare, 0, "file", 0, mtim,
                                                  __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
    compare("mtim after the refused call", stat_at(dir, "file", 0).mtim, mtim);
    __wasi_fd_t spare2;
    need("path_open(spare dir fd)", __wasi_path_open(base, 0, "timestamps_dir.cleanup", __WASI_OFLAGS_DIRECTORY,
        __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES, 0, 0, &spare2));
    res("path_filestat_set_times(ATIM|ATIM_NOW)", __wasi_path_filestat_set_times(spare2, 0, "file", 0, 0,
                                                  __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  }

  /* symlink_filestat: times of the link itself, and through it */
  __wasi_filestat_t file_st = stat_at(dir, "file", 0);
  need("path_symlink", __wasi_path_symlink("file", dir, "symlink"));
  __wasi_filestat_t sym_st = stat_at(dir, "symlink", 0);
  __wasi_timestamp_t sym_mtim = target(sym_st.mtim, 222222222);
  res("path_filestat_set_times(symlink, nofollow)",
      __wasi_path_filestat_set_times(dir, 0, "symlink", 0, sym_mtim, __WASI_FSTFLAGS_MTIM));
  compare("symlink mtim", stat_at(dir, "symlink", 0).mtim, sym_mtim);
  same("target mtim after setting the link's", stat_at(dir, "file", 0).mtim, file_st.mtim);
  same("followed symlink mtim vs target", stat_at(dir, "symlink", 1).mtim, file_st.mtim);
  __wasi_timestamp_t via = target(file_st.mtim, 333333333);
  res("path_filestat_set_times(symlink, follow)", __wasi_path_filestat_set_times(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW,
                                                  "symlink", 0, via, __WASI_FSTFLAGS_MTIM));
  compare("target mtim set through the symlink", stat_at(dir, "file", 0).mtim, via);

  need("path_unlink_file", __wasi_path_unlink_file(dir, "symlink"));
  need("path_unlink_file", __wasi_path_unlink_file(dir, "file"));
  need("fd_close", __wasi_fd_close(dir));
  need("path_remove_directory", __wasi_path_remove_directory(base, "timestamps_dir.cleanup"));
  return 0;
}
