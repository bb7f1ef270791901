/**
 * Test support (imported only by tests; no Node APIs, so it compiles with the
 * kernel): a table of filesystem cases, a generator of the C program that
 * runs them natively on Linux, and a runner that performs them on a VFS and
 * prints the same format. Tests build the C program with gcc, run it in a
 * temp directory, and compare its output with the VFS's case by case, so the
 * expected errno comes from Linux, never from our own belief.
 */
import { errnoNames } from '../abi/errno.js';
import { FileType, OFlags, type NodeHandle } from './types.js';
import type { Vfs } from './vfs.js';

/** One filesystem operation, relative to the case's base directory. */
export type Op =
  | { op: 'mkdir'; path: string }
  | { op: 'file'; path: string; size?: number }
  | { op: 'symlink'; target: string; path: string }
  | { op: 'link'; from: string; to: string; follow?: boolean }
  | { op: 'rename'; from: string; to: string }
  | { op: 'unlink'; path: string }
  | { op: 'rmdir'; path: string }
  | { op: 'readlink'; path: string }
  | { op: 'open'; path: string; oflags?: ('CREAT' | 'DIRECTORY' | 'EXCL' | 'TRUNC')[]; follow?: boolean; write?: boolean }
  | { op: 'stat'; path: string; follow?: boolean };

export interface Case {
  name: string;
  setup?: Op[];
  test: Op;
}

const long255 = 'n'.repeat(255);
const long256 = 'n'.repeat(256);

/** A chain of `n` symlinks l1 → l2 → ... → ln → f. */
function chain(n: number): Op[] {
  const ops: Op[] = [{ op: 'file', path: 'f', size: 3 }];
  for (let i = 1; i <= n; i++) ops.push({ op: 'symlink', target: i === n ? 'f' : `l${i + 1}`, path: `l${i}` });
  return ops;
}

/** Common starting tree: d/ (with sub/ and sub/g), e/ (empty), f (3 bytes), links. */
const tree: Op[] = [
  { op: 'mkdir', path: 'd' },
  { op: 'mkdir', path: 'd/sub' },
  { op: 'file', path: 'd/sub/g', size: 5 },
  { op: 'mkdir', path: 'e' },
  { op: 'file', path: 'f', size: 3 },
  { op: 'symlink', target: 'f', path: 'lf' },
  { op: 'symlink', target: 'd', path: 'ld' },
  { op: 'symlink', target: 'nowhere', path: 'dangling' },
  { op: 'symlink', target: 'loop2', path: 'loop1' },
  { op: 'symlink', target: 'loop1', path: 'loop2' },
  { op: 'symlink', target: 'self', path: 'self' },
  { op: 'symlink', target: '../f', path: 'd/up' },
  { op: 'symlink', target: 'f/', path: 'fslash' },
  { op: 'symlink', target: '.', path: 'dot' },
];

const C: Case[] = [];
const add = (name: string, test: Op, setup: Op[] = tree): void => { C.push({ name, setup, test }); };

// ---- path resolution (stat) ----
add('stat file', { op: 'stat', path: 'f' });
add('stat dir', { op: 'stat', path: 'd' });
add('stat missing', { op: 'stat', path: 'missing' });
add('stat empty path', { op: 'stat', path: '' });
add('stat file trailing slash', { op: 'stat', path: 'f/' });
add('stat dir trailing slashes', { op: 'stat', path: 'd//' });
add('stat through file', { op: 'stat', path: 'f/x' });
add('stat file/.', { op: 'stat', path: 'f/.' });
add('stat file/..', { op: 'stat', path: 'f/..' });
add('stat through missing', { op: 'stat', path: 'missing/x' });
add('stat dot dot walk', { op: 'stat', path: 'd/./sub/../sub/g' });
add('stat d/..', { op: 'stat', path: 'd/..' });
add('stat .', { op: 'stat', path: '.' });
add('stat double slash inside', { op: 'stat', path: 'd//sub///g' });
add('stat symlink follow', { op: 'stat', path: 'lf' });
add('stat symlink nofollow', { op: 'stat', path: 'lf', follow: false });
add('stat dir symlink slash nofollow', { op: 'stat', path: 'ld/', follow: false });
add('stat file symlink slash', { op: 'stat', path: 'lf/' });
add('stat dangling follow', { op: 'stat', path: 'dangling' });
add('stat dangling nofollow', { op: 'stat', path: 'dangling', follow: false });
add('stat dangling slash nofollow', { op: 'stat', path: 'dangling/', follow: false });
add('stat loop follow', { op: 'stat', path: 'loop1' });
add('stat loop nofollow', { op: 'stat', path: 'loop1', follow: false });
add('stat self loop', { op: 'stat', path: 'self' });
add('stat through loop', { op: 'stat', path: 'loop1/x', follow: false });
add('stat intermediate symlink', { op: 'stat', path: 'ld/sub/g', follow: false });
add('stat relative dotdot target', { op: 'stat', path: 'd/up' });
add('stat dotdot after symlink', { op: 'stat', path: 'ld/sub/..' });
add('stat target with slash', { op: 'stat', path: 'fslash' });
add('stat symlink to dot', { op: 'stat', path: 'dot/d/sub' });
add('stat through dangling', { op: 'stat', path: 'dangling/x' });
add('stat name 255', { op: 'stat', path: long255 });
add('stat name 256', { op: 'stat', path: long256 });
add('stat name 256 inside', { op: 'stat', path: `d/${long256}/x` });
add('stat missing then 256', { op: 'stat', path: `missing/${long256}` });
add('stat chain 40', { op: 'stat', path: 'l1' }, chain(40));
add('stat chain 41', { op: 'stat', path: 'l1' }, chain(41));
add('stat chain 40 as dir part', { op: 'stat', path: 'l1/x' }, chain(40));

// ---- mkdir ----
add('mkdir new', { op: 'mkdir', path: 'new' });
add('mkdir new trailing slash', { op: 'mkdir', path: 'new/' });
add('mkdir existing dir', { op: 'mkdir', path: 'd' });
add('mkdir existing file', { op: 'mkdir', path: 'f' });
add('mkdir over dangling symlink', { op: 'mkdir', path: 'dangling' });
add('mkdir over dir symlink slash', { op: 'mkdir', path: 'ld/' });
add('mkdir in missing', { op: 'mkdir', path: 'missing/new' });
add('mkdir in file', { op: 'mkdir', path: 'f/new' });
add('mkdir .', { op: 'mkdir', path: '.' });
add('mkdir ..', { op: 'mkdir', path: 'd/..' });
add('mkdir long', { op: 'mkdir', path: long256 });
add('mkdir 255', { op: 'mkdir', path: long255 });
add('mkdir through symlink', { op: 'mkdir', path: 'ld/new' });

// ---- rmdir ----
add('rmdir empty', { op: 'rmdir', path: 'e' });
add('rmdir empty slash', { op: 'rmdir', path: 'e/' });
add('rmdir non-empty', { op: 'rmdir', path: 'd' });
add('rmdir file', { op: 'rmdir', path: 'f' });
add('rmdir file slash', { op: 'rmdir', path: 'f/' });
add('rmdir symlink to dir', { op: 'rmdir', path: 'ld' });
add('rmdir symlink to dir slash', { op: 'rmdir', path: 'ld/' });
add('rmdir missing', { op: 'rmdir', path: 'missing' });
add('rmdir .', { op: 'rmdir', path: '.' });
add('rmdir e/.', { op: 'rmdir', path: 'e/.' });
add('rmdir ..', { op: 'rmdir', path: 'd/sub/..' });

// ---- unlink ----
add('unlink file', { op: 'unlink', path: 'f' });
add('unlink file slash', { op: 'unlink', path: 'f/' });
add('unlink dir', { op: 'unlink', path: 'e' });
add('unlink dir slash', { op: 'unlink', path: 'e/' });
add('unlink symlink', { op: 'unlink', path: 'ld' });
add('unlink symlink to dir slash', { op: 'unlink', path: 'ld/' });
add('unlink dangling', { op: 'unlink', path: 'dangling' });
add('unlink missing', { op: 'unlink', path: 'missing' });
add('unlink missing slash', { op: 'unlink', path: 'missing/' });
add('unlink .', { op: 'unlink', path: '.' });
add('unlink ..', { op: 'unlink', path: 'd/..' });
add('unlink through symlink', { op: 'unlink', path: 'ld/sub/g' });

// ---- rename ----
add('rename file to new', { op: 'rename', from: 'f', to: 'new' });
add('rename file over file', { op: 'rename', from: 'f', to: 'd/sub/g' });
add('rename file over dir', { op: 'rename', from: 'f', to: 'e' });
add('rename dir over file', { op: 'rename', from: 'e', to: 'f' });
add('rename dir over empty dir', { op: 'rename', from: 'd', to: 'e' });
add('rename dir over non-empty dir', { op: 'rename', from: 'e', to: 'd' });
add('rename dir into own subtree', { op: 'rename', from: 'd', to: 'd/sub/x' });
add('rename dir into itself', { op: 'rename', from: 'd', to: 'd/x' });
add('rename dir onto its ancestor', { op: 'rename', from: 'd/sub', to: 'd' });
add('rename dir to itself', { op: 'rename', from: 'd', to: 'd' });
add('rename dir to new slash', { op: 'rename', from: 'e', to: 'new/' });
add('rename dir slash to new', { op: 'rename', from: 'e/', to: 'new' });
add('rename file to new slash', { op: 'rename', from: 'f', to: 'new/' });
add('rename file slash', { op: 'rename', from: 'f/', to: 'new' });
add('rename missing', { op: 'rename', from: 'missing', to: 'new' });
add('rename into missing dir', { op: 'rename', from: 'f', to: 'missing/new' });
add('rename into file', { op: 'rename', from: 'f', to: 'lf/x' });
add('rename .', { op: 'rename', from: '.', to: 'new' });
add('rename to ..', { op: 'rename', from: 'f', to: 'd/..' });
add('rename hard links', { op: 'rename', from: 'f', to: 'h' }, [...tree, { op: 'link', from: 'f', to: 'h' }]);
add('rename symlink', { op: 'rename', from: 'ld', to: 'e/ld2' });
add('rename file over symlink', { op: 'rename', from: 'f', to: 'ld' });
add('rename dir over dir symlink', { op: 'rename', from: 'e', to: 'ld' });
add('rename dir moves', { op: 'rename', from: 'd/sub', to: 'e/moved' });
add('rename over dangling', { op: 'rename', from: 'e', to: 'dangling' });
add('rename name 256', { op: 'rename', from: 'f', to: long256 });

// ---- link ----
add('link file', { op: 'link', from: 'f', to: 'h' });
add('link dir', { op: 'link', from: 'd', to: 'h' });
add('link over existing', { op: 'link', from: 'f', to: 'e' });
add('link over dangling', { op: 'link', from: 'f', to: 'dangling' });
add('link missing', { op: 'link', from: 'missing', to: 'h' });
add('link to slash', { op: 'link', from: 'f', to: 'h/' });
add('link from slash', { op: 'link', from: 'f/', to: 'h' });
add('link symlink nofollow', { op: 'link', from: 'lf', to: 'h' });
add('link symlink follow', { op: 'link', from: 'lf', to: 'h', follow: true });
add('link dangling follow', { op: 'link', from: 'dangling', to: 'h', follow: true });
add('link dir symlink follow', { op: 'link', from: 'ld', to: 'h', follow: true });
add('link to .', { op: 'link', from: 'f', to: '.' });
add('link into missing', { op: 'link', from: 'f', to: 'missing/h' });
add('link dir to existing', { op: 'link', from: 'd', to: 'f' });

// ---- symlink ----
add('symlink new', { op: 'symlink', target: 'whatever', path: 'new' });
add('symlink over file', { op: 'symlink', target: 'x', path: 'f' });
add('symlink over dangling', { op: 'symlink', target: 'x', path: 'dangling' });
add('symlink slash', { op: 'symlink', target: 'x', path: 'new/' });
add('symlink existing slash', { op: 'symlink', target: 'x', path: 'e/' });
add('symlink .', { op: 'symlink', target: 'x', path: '.' });
add('symlink empty target', { op: 'symlink', target: '', path: 'new' });
add('symlink in missing', { op: 'symlink', target: 'x', path: 'missing/new' });

// ---- readlink ----
add('readlink symlink', { op: 'readlink', path: 'ld' });
add('readlink file', { op: 'readlink', path: 'f' });
add('readlink dir', { op: 'readlink', path: 'd' });
add('readlink missing', { op: 'readlink', path: 'missing' });
add('readlink dir symlink slash', { op: 'readlink', path: 'ld/' });
add('readlink via intermediate', { op: 'readlink', path: 'ld/up' });

// ---- open ----
add('open file', { op: 'open', path: 'f' });
add('open file for write', { op: 'open', path: 'f', write: true });
add('open dir', { op: 'open', path: 'd' });
add('open dir for write', { op: 'open', path: 'd', write: true });
add('open dir trunc', { op: 'open', path: 'd', oflags: ['TRUNC'] });
add('open file trunc', { op: 'open', path: 'f', oflags: ['TRUNC'], write: true });
add('open directory on file', { op: 'open', path: 'f', oflags: ['DIRECTORY'] });
add('open directory on dir', { op: 'open', path: 'd', oflags: ['DIRECTORY'] });
add('open file slash', { op: 'open', path: 'f/' });
add('open missing', { op: 'open', path: 'missing' });
add('open creat new', { op: 'open', path: 'new', oflags: ['CREAT'], write: true });
add('open creat existing', { op: 'open', path: 'f', oflags: ['CREAT'], write: true });
add('open creat excl existing', { op: 'open', path: 'f', oflags: ['CREAT', 'EXCL'], write: true });
add('open creat excl dangling', { op: 'open', path: 'dangling', oflags: ['CREAT', 'EXCL'], write: true });
add('open creat excl symlink to file', { op: 'open', path: 'lf', oflags: ['CREAT', 'EXCL'], write: true });
add('open creat dangling follow', { op: 'open', path: 'dangling', oflags: ['CREAT'], write: true });
add('open creat dangling nofollow', { op: 'open', path: 'dangling', oflags: ['CREAT'], write: true, follow: false });
add('open creat dir', { op: 'open', path: 'd', oflags: ['CREAT'] });
add('open creat new slash', { op: 'open', path: 'new/', oflags: ['CREAT'], write: true });
add('open creat dir slash', { op: 'open', path: 'd/', oflags: ['CREAT'] });
add('open creat file slash', { op: 'open', path: 'f/', oflags: ['CREAT'] });
add('open creat .', { op: 'open', path: '.', oflags: ['CREAT'] });
add('open creat excl .', { op: 'open', path: '.', oflags: ['CREAT', 'EXCL'] });
add('open creat directory', { op: 'open', path: 'new', oflags: ['CREAT', 'DIRECTORY'] });
add('open creat in missing', { op: 'open', path: 'missing/new', oflags: ['CREAT'], write: true });
add('open creat trunc existing', { op: 'open', path: 'f', oflags: ['CREAT', 'TRUNC'], write: true });
add('open creat through dir symlink', { op: 'open', path: 'ld/new', oflags: ['CREAT'], write: true });
add('open creat via symlink chain', { op: 'open', path: 'a1', oflags: ['CREAT'], write: true },
  [...tree, { op: 'symlink', target: 'a2', path: 'a1' }, { op: 'symlink', target: 'd/made', path: 'a2' }]);
add('open creat dangling to missing dir', { op: 'open', path: 'b1', oflags: ['CREAT'], write: true },
  [...tree, { op: 'symlink', target: 'nodir/x', path: 'b1' }]);
add('open creat symlink target slash', { op: 'open', path: 'b1', oflags: ['CREAT'], write: true },
  [...tree, { op: 'symlink', target: 'newdir/', path: 'b1' }]);
add('open creat loop', { op: 'open', path: 'loop1', oflags: ['CREAT'], write: true });
add('open symlink nofollow', { op: 'open', path: 'lf', follow: false });
add('open dir symlink nofollow', { op: 'open', path: 'ld', follow: false });
add('open dir symlink nofollow directory', { op: 'open', path: 'ld', follow: false, oflags: ['DIRECTORY'] });
add('open dir symlink slash nofollow', { op: 'open', path: 'ld/', follow: false });
add('open symlink follow', { op: 'open', path: 'lf' });
add('open loop', { op: 'open', path: 'loop1' });
add('open long name creat', { op: 'open', path: long256, oflags: ['CREAT'], write: true });

export const linuxCases: readonly Case[] = C;

// ---------------------------------------------------------------------------
// Native side: the C program (built and run by the tests).

const ERRNO_NAMES = [
  'EPERM', 'ENOENT', 'EIO', 'EBADF', 'EACCES', 'EBUSY', 'EEXIST', 'EXDEV', 'ENOTDIR', 'EISDIR',
  'EINVAL', 'ENOSPC', 'EFBIG', 'EMLINK', 'ENAMETOOLONG', 'ENOTEMPTY', 'ELOOP', 'EROFS', 'ENXIO',
];

const cstr = (s: string): string => JSON.stringify(s);

function cOp(op: Op): string {
  switch (op.op) {
    case 'mkdir': return `res(mkdirat(d, ${cstr(op.path)}, 0777));`;
    case 'file': return `res(mkfile(d, ${cstr(op.path)}, ${op.size ?? 0}));`;
    case 'symlink': return `res(symlinkat(${cstr(op.target)}, d, ${cstr(op.path)}));`;
    case 'link': return `res(linkat(d, ${cstr(op.from)}, d, ${cstr(op.to)}, ${op.follow ? 'AT_SYMLINK_FOLLOW' : '0'}));`;
    case 'rename': return `res(renameat(d, ${cstr(op.from)}, d, ${cstr(op.to)}));`;
    case 'unlink': return `res(unlinkat(d, ${cstr(op.path)}, 0));`;
    case 'rmdir': return `res(unlinkat(d, ${cstr(op.path)}, AT_REMOVEDIR));`;
    case 'readlink': return `do_readlink(d, ${cstr(op.path)});`;
    case 'stat': return `do_stat(d, ${cstr(op.path)}, ${op.follow === false ? 'AT_SYMLINK_NOFOLLOW' : '0'});`;
    case 'open': {
      const f = (op.oflags ?? []).map((o) => `O_${o}`);
      f.push(op.write ? 'O_RDWR' : 'O_RDONLY');
      if (op.follow === false) f.push('O_NOFOLLOW');
      return `do_open(d, ${cstr(op.path)}, ${f.join('|')});`;
    }
  }
}

export function cProgram(cases: readonly Case[]): string {
  const body = cases.map((c, i) => `
  { int d = fresh(${i}); printf("== %s\\n", ${cstr(c.name)});
${(c.setup ?? []).map((op) => `    ${cOp(op)} setup_check();`).join('\n')}
    ${cOp(c.test)} printf("result: %s\\n", R);
    printf("tree:\\n"); dump(d, ""); close(d); }`).join('\n');
  return `#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char R[1024];
static int top;

static const char *ename(int e) {
  switch (e) {
${ERRNO_NAMES.map((n) => `    case ${n}: return "${n}";`).join('\n')}
    default: { static char b[32]; snprintf(b, sizeof b, "E#%d", e); return b; }
  }
}
static void res(int rc) { if (rc < 0) snprintf(R, sizeof R, "%s", ename(errno)); else snprintf(R, sizeof R, "OK"); }
static void setup_check(void) { if (strncmp(R, "OK", 2) != 0) printf("setup failed: %s\\n", R); }
static const char *tname(mode_t m) {
  return S_ISDIR(m) ? "dir" : S_ISREG(m) ? "file" : S_ISLNK(m) ? "symlink" : S_ISCHR(m) ? "chardev" : "other";
}
static void describe(struct stat *st) {
  if (S_ISDIR(st->st_mode)) snprintf(R, sizeof R, "OK dir nlink=%lu", (unsigned long)st->st_nlink);
  else snprintf(R, sizeof R, "OK %s nlink=%lu size=%lld", tname(st->st_mode), (unsigned long)st->st_nlink, (long long)st->st_size);
}
static int mkfile(int d, const char *p, int size) {
  int fd = openat(d, p, O_CREAT | O_EXCL | O_WRONLY, 0666);
  if (fd < 0) return -1;
  for (int i = 0; i < size; i++) if (write(fd, "x", 1) != 1) { close(fd); return -1; }
  return close(fd);
}
static void do_stat(int d, const char *p, int flags) {
  struct stat st;
  if (fstatat(d, p, &st, flags) < 0) { res(-1); return; }
  describe(&st);
}
static void do_open(int d, const char *p, int flags) {
  int fd = openat(d, p, flags, 0666);
  if (fd < 0) { res(-1); return; }
  struct stat st; fstat(fd, &st); describe(&st); close(fd);
}
static void do_readlink(int d, const char *p) {
  char b[512]; ssize_t n = readlinkat(d, p, b, sizeof b - 1);
  if (n < 0) { res(-1); return; }
  b[n] = 0; snprintf(R, sizeof R, "OK %s", b);
}
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void dump(int d, const char *prefix) {
  int fd = openat(d, prefix[0] ? prefix : ".", O_DIRECTORY | O_RDONLY);
  DIR *dir = fdopendir(fd);
  char *names[256]; int n = 0; struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    names[n++] = strdup(e->d_name);
  }
  closedir(dir);
  qsort(names, n, sizeof *names, cmp);
  for (int i = 0; i < n; i++) {
    char path[1024]; snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "/" : "", names[i]);
    struct stat st; fstatat(d, path, &st, AT_SYMLINK_NOFOLLOW);
    if (S_ISLNK(st.st_mode)) {
      char b[512]; ssize_t k = readlinkat(d, path, b, sizeof b - 1); b[k < 0 ? 0 : k] = 0;
      printf("  %s symlink -> %s\\n", path, b);
    } else if (S_ISDIR(st.st_mode)) {
      printf("  %s dir nlink=%lu\\n", path, (unsigned long)st.st_nlink);
      dump(d, path);
    } else {
      printf("  %s %s nlink=%lu size=%lld\\n", path, tname(st.st_mode), (unsigned long)st.st_nlink, (long long)st.st_size);
    }
    free(names[i]);
  }
}
static int fresh(int i) {
  char name[32]; snprintf(name, sizeof name, "c%d", i);
  mkdirat(top, name, 0777);
  return openat(top, name, O_DIRECTORY | O_RDONLY);
}
int main(int argc, char **argv) {
  top = open(argv[1], O_DIRECTORY | O_RDONLY);
  if (argc < 2 || top < 0) { perror("top"); return 2; }
${body}
  return 0;
}
`;
}

// ---------------------------------------------------------------------------
// VFS side: the same operations, the same output format.

const OFLAG_BITS = { CREAT: OFlags.CREAT, DIRECTORY: OFlags.DIRECTORY, EXCL: OFlags.EXCL, TRUNC: OFlags.TRUNC };

const TYPE_NAMES: Partial<Record<FileType, string>> = {
  [FileType.DIRECTORY]: 'dir', [FileType.REGULAR_FILE]: 'file',
  [FileType.SYMBOLIC_LINK]: 'symlink', [FileType.CHARACTER_DEVICE]: 'chardev',
};

function vfsOp(vfs: Vfs, d: NodeHandle, op: Op): string {
  const res = (e: number): string => (e === 0 ? 'OK' : errnoNames[e]!);
  const describe = (h: NodeHandle): string => {
    const s = vfs.stat(h);
    if (typeof s === 'number') return errnoNames[s]!;
    if (s.filetype === FileType.DIRECTORY) return `OK dir nlink=${s.nlink}`;
    return `OK ${TYPE_NAMES[s.filetype] ?? 'other'} nlink=${s.nlink} size=${s.size}`;
  };
  switch (op.op) {
    case 'mkdir': return res(vfs.mkdir(d, op.path));
    case 'file': {
      const h = vfs.open(d, op.path, { oflags: OFlags.CREAT | OFlags.EXCL, write: true });
      if (typeof h === 'number') return res(h);
      const n = vfs.write(h, 0, new Uint8Array(op.size ?? 0).fill(0x78));
      vfs.close(h);
      return n < 0 ? res(-n) : 'OK';
    }
    case 'symlink': return res(vfs.symlink(op.target, d, op.path));
    case 'link': return res(vfs.link(d, op.from, op.follow ?? false, d, op.to));
    case 'rename': return res(vfs.rename(d, op.from, d, op.to));
    case 'unlink': return res(vfs.unlink(d, op.path));
    case 'rmdir': return res(vfs.rmdir(d, op.path));
    case 'readlink': {
      const t = vfs.readlink(d, op.path);
      return typeof t === 'number' ? res(t) : `OK ${t}`;
    }
    case 'stat': {
      const h = vfs.resolve(d, op.path, op.follow ?? true);
      return typeof h === 'number' ? res(h) : describe(h);
    }
    case 'open': {
      let oflags = 0;
      for (const o of op.oflags ?? []) oflags |= OFLAG_BITS[o];
      const h = vfs.open(d, op.path, { oflags, follow: op.follow ?? true, write: op.write ?? false });
      if (typeof h === 'number') return res(h);
      const out = describe(h);
      vfs.close(h);
      return out;
    }
  }
}

function vfsDump(vfs: Vfs, d: NodeHandle, prefix: string, out: string[]): void {
  const dir = prefix === '' ? d : vfs.resolve(d, prefix, false);
  if (typeof dir === 'number') throw new Error(`dump: ${prefix}: ${errnoNames[dir]}`);
  const ents = vfs.readdir(dir);
  if (typeof ents === 'number') throw new Error(`readdir ${prefix}: ${errnoNames[ents]}`);
  const names = ents.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const s = vfs.statAt(d, path, false);
    if (typeof s === 'number') throw new Error(`dump stat ${path}: ${errnoNames[s]}`);
    if (s.filetype === FileType.SYMBOLIC_LINK) out.push(`  ${path} symlink -> ${vfs.readlink(d, path) as string}`);
    else if (s.filetype === FileType.DIRECTORY) {
      out.push(`  ${path} dir nlink=${s.nlink}`);
      vfsDump(vfs, d, path, out);
    } else out.push(`  ${path} ${TYPE_NAMES[s.filetype] ?? 'other'} nlink=${s.nlink} size=${s.size}`);
  }
}

/**
 * Runs case `c` in the empty directory `d` of `vfs` and reports, in the C
 * program's format, the result and the tree left behind.
 */
export function runOnVfs(vfs: Vfs, d: NodeHandle, c: Case): string {
  const out = [`== ${c.name}`];
  for (const op of c.setup ?? []) {
    const r = vfsOp(vfs, d, op);
    if (!r.startsWith('OK')) out.push(`setup failed: ${r}`);
  }
  out.push(`result: ${vfsOp(vfs, d, c.test)}`);
  out.push('tree:');
  vfsDump(vfs, d, '', out);
  return out.join('\n');
}

