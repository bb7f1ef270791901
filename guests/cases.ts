/**
 * The guest programs' test cases: which program, with which arguments, stdin, environment and
 * files, and every known departure from Linux (the native build), with the reason. Shared by
 * guests/native-vs-nodewasi.test.ts (native vs node:wasi) and test/integration/differential.test.ts
 * (native and node:wasi vs the wVisor kernel), so a case added here runs everywhere.
 *
 * A departure lists the exact lines only the reference (native) prints and only the other runtime
 * prints, as multisets; a test fails when a run departs in any other way, or when a listed
 * departure no longer happens.
 */

/** A file tree to create before the run: path → contents, or {dir}, or {symlink: target}. */
export type Tree = Record<string, string | { dir: true } | { symlink: string }>;

/** Lines of one stream that differ from the native run's, and why. */
export interface Departure {
  why: string;
  /** The stream that differs; stdout when absent. */
  stream?: 'stderr';
  /** Lines only the native (Linux) run prints. */
  nativeOnly: string[];
}

export interface Case {
  /** Test name; defaults to the command line. */
  name?: string;
  prog: string;
  args?: string[];
  stdin?: string;
  env?: Record<string, string>;
  files?: Tree;
  /** A known departure of node:wasi from Linux: the differing lines of stdout (or stderr), and why. */
  nodeWasiDiffers?: Departure & { nodeWasiOnly: string[] };
  /** A known departure of wVisor from Linux (a WASI limit, not a kernel bug), and why. */
  wvisorDiffers?: Departure & { wvisorOnly: string[] };
}

export const textFile = 'line one\nline two two\n\n  spaced   words here  \nlast line without newline';
export const standardFiles: Tree = {
  'a.txt': textFile,
  'b.txt': 'b\n',
  'empty': '',
  sub: { dir: true },
  'sub/inner.txt': 'inner\n',
  'link': { symlink: 'a.txt' },
};

export const cases: Case[] = [
  { prog: 'hello' },
  { prog: 'true' },
  { prog: 'false' },
  { prog: 'echo', args: ['hello', 'there', '  spaced  '] },
  { prog: 'echo', args: ['-n', 'no', 'newline'] },
  { prog: 'echo' },
  { prog: 'cat', args: ['a.txt', 'b.txt'], files: standardFiles },
  { prog: 'cat', stdin: 'from stdin\n' },
  { prog: 'cat', args: ['b.txt', '-', 'b.txt'], stdin: 'middle\n', files: standardFiles },
  { prog: 'cat', args: ['missing', 'b.txt'], files: standardFiles },
  {
    prog: 'cat', args: ['sub'], files: standardFiles,
    nodeWasiDiffers: {
      why: 'a directory opened by wasi-libc has no fd_read right, so read() fails with EBADF; Linux gives EISDIR',
      stream: 'stderr', nativeOnly: ['cat: sub: Is a directory'], nodeWasiOnly: ['cat: sub: Bad file descriptor'],
    },
  },
  { prog: 'wc', args: ['a.txt'], files: standardFiles },
  { prog: 'wc', args: ['-l', 'a.txt'], files: standardFiles },
  { prog: 'wc', args: ['-w', '-c', 'a.txt', 'b.txt', 'empty'], files: standardFiles },
  { prog: 'wc', stdin: textFile },
  { prog: 'wc', args: ['-c'], stdin: textFile },
  { prog: 'wc', args: ['a.txt', 'missing'], files: standardFiles },
  { prog: 'head', args: ['-n', '2', 'a.txt'], files: standardFiles },
  { prog: 'head', args: ['-c', '7'], stdin: textFile },
  { prog: 'head', args: ['-n2', 'a.txt', 'b.txt'], files: standardFiles },
  { prog: 'head', stdin: Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') },
  { prog: 'seq', args: ['5'] },
  { prog: 'seq', args: ['3', '7'] },
  { prog: 'seq', args: ['10', '-3', '0'] },
  { prog: 'seq', args: ['1', '0.5', '3'] },
  { prog: 'seq', args: ['x'] },
  { prog: 'sleep', args: ['0.05'] },
  { prog: 'sleep', args: ['bogus'] },
  { prog: 'readline', stdin: 'alpha\nbeta\n\ngamma' },
  { prog: 'spin', args: ['1000000'] },
  { prog: 'counter', args: ['3', '10'] },
  { prog: 'env', env: { ALPHA: '1', BETA: 'two words', EMPTY: '' } },
  { prog: 'ls', files: standardFiles },
  { prog: 'ls', args: ['-1', 'sub', 'a.txt', 'missing'], files: standardFiles },
  {
    prog: 'ls', args: ['-a'], files: standardFiles,
    nodeWasiDiffers: {
      why: 'uvwasi fd_readdir uses libuv scandir, which drops "." and ".."; Linux getdents returns them',
      nativeOnly: ['.', '..'], nodeWasiOnly: [],
    },
  },
  {
    prog: 'ls', args: ['-l'], files: { f: 'abc', d: { dir: true }, s: { symlink: 'f' } },
    nodeWasiDiffers: {
      why: 'WASI filestat has no permission bits, so wasi-libc reports mode bits 0 (only the file type)',
      nativeOnly: ['drwxr-xr-x 2 4096 d', '-rw-r--r-- 1 3 f', 'lrwxrwxrwx 1 1 s -> f'],
      nodeWasiOnly: ['d--------- 2 4096 d', '---------- 1 3 f', 'l--------- 1 1 s -> f'],
    },
    wvisorDiffers: {
      why: 'the same WASI limit: filestat carries no permission bits for the kernel to report',
      nativeOnly: ['drwxr-xr-x 2 4096 d', '-rw-r--r-- 1 3 f', 'lrwxrwxrwx 1 1 s -> f'],
      wvisorOnly: ['d--------- 2 4096 d', '---------- 1 3 f', 'l--------- 1 1 s -> f'],
    },
  },
  { prog: 'stat', args: ['a.txt', 'sub', 'link', 'missing'], files: standardFiles },
  { prog: 'stat', args: ['-L', 'link'], files: standardFiles },
  { prog: 'mkdir', args: ['new', 'sub'], files: standardFiles },
  { prog: 'mkdir', args: ['-p', 'x/y/z', 'sub'], files: standardFiles },
  { prog: 'rm', args: ['a.txt', 'missing'], files: standardFiles },
  { prog: 'rm', args: ['sub'], files: standardFiles },
  { prog: 'rm', args: ['-rf', 'sub', 'missing', 'link'], files: standardFiles },
  { prog: 'touch', args: ['new', 'a.txt'], files: standardFiles },
  { prog: 'ln', args: ['a.txt', 'hard'], files: standardFiles },
  { prog: 'ln', args: ['-s', 'b.txt', 'soft'], files: standardFiles },
  { prog: 'ln', args: ['a.txt', 'b.txt'], files: standardFiles },
  { prog: 'mv', args: ['a.txt', 'renamed'], files: standardFiles },
  { prog: 'mv', args: ['b.txt', 'sub'], files: standardFiles },
  { prog: 'cp', args: ['a.txt', 'copy'], files: standardFiles },
  { prog: 'cp', args: ['b.txt', 'sub'], files: standardFiles },
  { prog: 't_args', args: ['one', 'two words', ''], env: { HOME: '/home/guest', A: '1', 'B': 'x=y' } },
  { prog: 't_args' },
  {
    prog: 't_clock',
    nodeWasiDiffers: {
      why: "uvwasi's clock_res_get for the thread CPU-time clock reports a coarse resolution (> 1 ms)",
      nativeOnly: ['thread_cputime: resolution > 0: yes, <= 1ms: yes'],
      nodeWasiOnly: ['thread_cputime: resolution > 0: yes, <= 1ms: no'],
    },
  },
  { prog: 't_random' },
  {
    prog: 't_fs',
    nodeWasiDiffers: {
      why: 'uvwasi: path_open ignores a cleared SYMLINK_FOLLOW on the last component (O_NOFOLLOW opens the target; Linux: ELOOP); ' +
        'path_filestat_set_times drops the nanoseconds; fd_readdir omits "." and ".."; a directory fd lacks fd_read, ' +
        'so read() gives EBADF (Linux: EISDIR)',
      nativeOnly: ['open symlink O_NOFOLLOW: ELOOP', 'mtime 1234567890.500000000', 'readdir d: . .. dl f s sub sub2',
        'readdir d/sub: . ..', 'read dir fd: EISDIR'],
      nodeWasiOnly: ['open symlink O_NOFOLLOW: ok', 'mtime 1234567890.000000000', 'readdir d: dl f s sub sub2',
        'readdir d/sub:', 'read dir fd: EBADF'],
    },
  },
  { prog: 'segv' },
  { prog: 'divzero' },
  { prog: 'abort' },
];
