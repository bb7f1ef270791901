/* t_fs - @test @desc test: files and directories (open/read/write/pread/pwrite/lseek/ftruncate/stat/link/symlink/rename/readdir/utimensat...), errno as names */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

/* Prints "what: ok" (or the value) when r >= 0, else "what: ENAME". */
static long show(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, errname(errno));
  else printf("%s: %ld\n", what, r);
  return r;
}
#define OK(what, call) show(what, (long)(call))

/* Opens and closes at once, printing "ok" (fd numbers differ between platforms) or the errno. */
static void open_show(const char *what, int fd) {
  if (fd < 0) printf("%s: %s\n", what, errname(errno));
  else { printf("%s: ok\n", what); close(fd); }
}
#define OPEN(what, call) open_show(what, call)

static const char *kind(mode_t m) {
  return S_ISREG(m) ? "file" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "symlink" : "other";
}

static void show_stat(const char *what, int r, const struct stat *st) {
  if (r != 0) printf("%s: %s\n", what, errname(errno));
  else if (S_ISDIR(st->st_mode)) /* a directory's size depends on the file system: not shown */
    printf("%s: %s nlink %lu\n", what, kind(st->st_mode), (unsigned long)st->st_nlink);
  else printf("%s: %s size %lld nlink %lu\n", what, kind(st->st_mode), (long long)st->st_size,
              (unsigned long)st->st_nlink);
}

static void show_read(const char *what, long n, const char *buf) {
  if (n < 0) printf("%s: %s\n", what, errname(errno));
  else printf("%s: %ld [%.*s]\n", what, n, (int)n, buf);
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) { printf("opendir %s: %s\n", dir, errname(errno)); return; }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, cmp);
  printf("readdir %s:", dir);
  for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
  printf("\n");
}

int main(void) {
  char buf[256];
  struct stat st;
  int fd, fd2;

  /* directories */
  OK("mkdir d", mkdir("d", 0755));
  OK("mkdir d again", mkdir("d", 0755));
  OK("mkdir missing/x", mkdir("missing/x", 0755));
  show_stat("stat d", stat("d", &st), &st);

  /* create, write, positional I/O, seek */
  fd = open("d/f", O_CREAT | O_RDWR | O_TRUNC, 0644);
  printf("open d/f creat: %s\n", fd >= 0 ? "ok" : errname(errno));
  close(fd);
  fd = open("d/f", O_RDWR);
  OK("write", write(fd, "hello world", 11));
  OK("pwrite HELLO at 0", pwrite(fd, "HELLO", 5, 0));
  show_read("pread 5 at 6", pread(fd, buf, 5, 6), buf);
  OK("lseek cur after pread (unchanged)", lseek(fd, 0, SEEK_CUR));
  OK("lseek end", lseek(fd, 0, SEEK_END));
  OK("lseek set 3", lseek(fd, 3, SEEK_SET));
  show_read("read 20", read(fd, buf, 20), buf);
  show_read("read at eof", read(fd, buf, 20), buf);
  OK("lseek negative", lseek(fd, -100, SEEK_SET));
  OK("lseek bad whence", lseek(fd, 0, 42));
  OK("lseek past end 20", lseek(fd, 20, SEEK_SET));
  OK("write at 20", write(fd, "!", 1));
  show_stat("fstat after sparse write", fstat(fd, &st), &st);
  show_read("pread hole", pread(fd, buf, 4, 11), buf);
  printf("hole bytes are zero: %s\n", buf[0] == 0 && buf[3] == 0 ? "yes" : "no");
  OK("ftruncate 5", ftruncate(fd, 5));
  show_stat("fstat after ftruncate", fstat(fd, &st), &st);
  OK("ftruncate -1", ftruncate(fd, -1));
  OK("close", close(fd));
  OK("close again", close(fd));
  OK("read closed fd", read(fd, buf, 1));

  /* access modes */
  fd = open("d/f", O_RDONLY);
  OK("write to O_RDONLY fd", write(fd, "x", 1));
  close(fd);
  fd = open("d/f", O_WRONLY);
  OK("read from O_WRONLY fd", read(fd, buf, 1));
  close(fd);
  fd = open("d/f", O_WRONLY | O_APPEND);
  OK("append write", write(fd, "++", 2));
  OK("append lseek cur", lseek(fd, 0, SEEK_CUR));
  close(fd);
  fd = open("d/f", O_RDONLY);
  show_read("read after append", read(fd, buf, sizeof buf), buf);
  close(fd);

  /* open errors */
  OPEN("open missing", open("d/nope", O_RDONLY));
  OPEN("open excl existing", open("d/f", O_CREAT | O_EXCL | O_WRONLY, 0644));
  OPEN("open dir for writing", open("d", O_WRONLY));
  OPEN("open file as directory", open("d/f", O_RDONLY | O_DIRECTORY));
  OPEN("open file/ trailing slash", open("d/f/", O_RDONLY));
  OPEN("open through file", open("d/f/x", O_RDONLY));
  fd = open("d/g", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  printf("creat d/g: %s\n", fd >= 0 ? "ok" : errname(errno));
  close(fd);
  show_stat("stat d/g", stat("d/g", &st), &st);
  show_stat("stat missing", stat("d/nope", &st), &st);

  /* links */
  OK("link d/f d/h", link("d/f", "d/h"));
  show_stat("stat d/f after link", stat("d/f", &st), &st);
  OK("link onto existing", link("d/f", "d/g"));
  OK("link missing", link("d/nope", "d/x"));
  OK("symlink f d/s", symlink("f", "d/s"));
  OK("symlink onto existing", symlink("f", "d/g"));
  ssize_t n = readlink("d/s", buf, sizeof buf);
  show_read("readlink d/s", (long)n, buf);
  OK("readlink regular file", readlink("d/f", buf, sizeof buf));
  OK("readlink missing", readlink("d/nope", buf, sizeof buf));
  show_stat("lstat d/s", lstat("d/s", &st), &st);
  show_stat("stat d/s", stat("d/s", &st), &st);
  OK("symlink dangling d/dl", symlink("nowhere", "d/dl"));
  show_stat("stat dangling", stat("d/dl", &st), &st);
  show_stat("lstat dangling", lstat("d/dl", &st), &st);
  fd = open("d/s", O_RDONLY);
  show_read("read through symlink", fd < 0 ? -1 : read(fd, buf, sizeof buf), buf);
  if (fd >= 0) close(fd);
  OPEN("open symlink O_NOFOLLOW", open("d/s", O_RDONLY | O_NOFOLLOW));

  /* rename and unlink */
  OK("rename d/h d/i", rename("d/h", "d/i"));
  show_stat("stat d/h after rename", stat("d/h", &st), &st);
  show_stat("stat d/i after rename", stat("d/i", &st), &st);
  OK("rename missing", rename("d/nope", "d/x"));
  OK("rename onto existing file", rename("d/g", "d/i"));
  show_stat("stat d/i after replace", stat("d/i", &st), &st);
  OK("mkdir d/sub", mkdir("d/sub", 0755));
  OK("mkdir d/sub2", mkdir("d/sub2", 0755));
  OK("mkdir d/sub2/x", mkdir("d/sub2/x", 0755));
  OK("rename file onto dir", rename("d/i", "d/sub"));
  OK("rename dir onto file", rename("d/sub", "d/i"));
  OK("rename dir onto non-empty dir", rename("d/sub", "d/sub2"));
  OK("rename dir into itself", rename("d/sub", "d/sub/inner"));
  OK("unlink d/i", unlink("d/i"));
  OK("unlink d/i again", unlink("d/i"));
  OK("unlink dir", unlink("d/sub"));
  OK("rmdir non-empty", rmdir("d/sub2"));
  OK("rmdir file", rmdir("d/f"));
  OK("rmdir d/sub2/x", rmdir("d/sub2/x"));

  /* timestamps */
  struct timespec ts[2] = { { 1000000000, 0 }, { 1234567890, 500000000 } };
  OK("utimensat d/f", utimensat(AT_FDCWD, "d/f", ts, 0));
  if (stat("d/f", &st) == 0) {
    printf("mtime %lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    printf("atime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
  }
  struct timespec omit[2] = { { 0, UTIME_OMIT }, { 1500000000, 0 } };
  OK("utimensat omit atime", utimensat(AT_FDCWD, "d/f", omit, 0));
  if (stat("d/f", &st) == 0) {
    printf("mtime %lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    printf("atime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
  }
  OK("utimensat missing", utimensat(AT_FDCWD, "d/nope", ts, 0));

  /* directory listing and fd-relative I/O */
  list("d");
  list("d/sub");
  fd2 = open("d", O_RDONLY | O_DIRECTORY);
  show_stat("fstat dir fd", fstat(fd2, &st), &st);
  OK("read dir fd", read(fd2, buf, 10));
  close(fd2);

  /* clean up, so the directory is left as found */
  unlink("d/f"); unlink("d/g"); unlink("d/s"); unlink("d/dl");
  rmdir("d/sub"); rmdir("d/sub2");
  OK("rmdir d", rmdir("d"));
  OK("stat d after cleanup", stat("d", &st));
  (void)n;
  return 0;
}
