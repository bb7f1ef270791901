// The shell guest (guests/src/sh.c), checked three ways:
//  - its native (gcc) build against dash (/bin/sh), the independent reference, for the language
//    (pipelines, redirections, quoting, variables, && ||, exit statuses) given by `-c` and as a
//    script on stdin; errors against bash's wording (dash words them differently);
//  - interactively in a real pseudo-terminal (Python's pty module drives it) for job control,
//    ^C, and line editing, with the processes' real states read from /proc;
//  - its wasm build under wVisor against its native build, for the non-interactive cases.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/kernel/sandbox.js';
import { createNodeSandbox } from '../../src/platform/node/node-sandbox.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const nativeDir = join(root, 'guests', 'build', 'native');
const nativeSh = join(nativeDir, 'sh');
/** Native runs find the guest programs first, so both shells run the same cat, wc, echo... */
const PATH = `${nativeDir}:/usr/bin:/bin`;

const scratch: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wvisor-sh-'));
  scratch.push(d);
  return d;
}

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-guests.mjs'), '--native-only'], {
    cwd: root, encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`native guest build failed:\n${r.stderr}${r.stdout}`);
}, 120_000);
afterAll(() => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Out { stdout: string; stderr: string; code: number | null }

/** Runs a shell (path) with args in a fresh directory $T, stdin given. */
function runHost(shell: string, args: string[], stdin = ''): Out & { files: string[] } {
  const T = freshDir();
  const r = spawnSync(shell, args, {
    cwd: T, input: stdin, encoding: 'utf8', timeout: 20_000,
    env: { PATH, T, HOME: T, LC_ALL: 'C' },
  });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, code: r.status, files: readdirSync(T).sort() };
}

/**
 * Scripts whose output POSIX defines. Each starts in $T (an empty directory). Programs get
 * absolute paths ($T/f): a wVisor child does not start in the shell's directory yet (see the
 * report), while redirections and patterns are the shell's own work and use relative names.
 */
const cases: Array<{ name: string; script: string; stdin?: string; ref?: string }> = [
  { name: 'pipeline', script: 'echo hello | wc -c' },
  { name: 'three-stage pipeline', script: 'seq 1 50 | head -n 7 | wc -l' },
  { name: 'pipeline status is the last command\'s', script: 'false | true; echo $?; true | false; echo $?' },
  { name: '! negates', script: '! false; echo $?; ! true; echo $?' },
  { name: '> and <', script: 'cd "$T" && echo one > f && cat < f && cat "$T/f"' },
  { name: '>> appends', script: 'cd "$T"; echo a > f; echo b >> f; echo c >>f; cat < f' },
  { name: '> truncates', script: 'cd "$T"; echo long-line > f; echo x > f; wc -c < f' },
  { name: '2> and 2>&1', script: 'cd "$T"; cat /nosuch 2> err; echo st=$?; cat < err; cat /nosuch 2>&1 | wc -l; cat /nosuch >out 2>&1; wc -l < out' },
  { name: '2>&1 order matters', script: 'cd "$T"; cat /nosuch 2>&1 >f | wc -l; wc -c < f' },
  { name: 'fd duplication to stderr', script: 'echo to-err >&2; echo to-out 1>&2 2>/dev/null' },
  { name: 'redirection before the command', script: 'cd "$T"; > f echo x; < f cat' },
  { name: '; && ||', script: 'true && echo a; false && echo b; false || echo c; true || echo d; false && echo e || echo f; true && false || echo g' },
  { name: 'newlines separate commands', script: 'echo one\necho two\n\n  echo three' },
  { name: 'comments', script: 'echo a # not this\n# nor this\necho b#c' },
  { name: 'single quotes', script: "echo 'a  b' '$HOME' 'x\"y' '' end" },
  { name: 'double quotes', script: 'X=val; echo "a  b" "$X" "${X}s" "\\$X" "q\\"q" "back\\\\slash" "" end' },
  { name: 'backslash', script: 'echo a\\ b \\$X \\\\ \\"q\\" \\\'s\\\'' },
  { name: 'backslash-newline joins', script: 'echo a\\\nb c\\\n d' },
  { name: 'empty quoted words stay', script: 'printf "[%s]" "" a "" ; echo' },
  { name: 'variables', script: 'A=1; B="two words"; echo $A ${A} "$B" $B; echo ${UNSET}x "${UNSET}"y; C=$A$A; echo $C' },
  { name: 'field splitting of unquoted expansions', script: 'X="a   b  c"; printf "<%s>" $X; echo; printf "<%s>" "$X"; echo; E=; printf "<%s>" $E x; echo' },
  { name: '${...} forms', script: 'A=set; echo ${A:-d} ${U:-d} ${U-d} ${A:+alt} ${U:+alt}x ${#A}; echo ${N:=assigned} $N' },
  { name: 'command substitution', script: 'x=$(echo hi); echo "[$x]"; echo $(seq 3) "$(seq 2)"; y=$(false); echo $?; echo "$(echo "a)b")" $(echo \'q)\'); A=unexported; echo $(echo $A); echo "$(echo $(echo nested))"; echo $(cat /nosuch)' },
  { name: '$? after failures', script: 'false; echo $?; sh_nosuch_cmd 2>/dev/null; echo $?; true; echo $?' },
  { name: 'exit status of the shell', script: 'echo before; exit 7; echo after' },
  { name: 'exit without argument keeps $?', script: 'false; exit' },
  { name: 'exit status is the last command\'s', script: 'true; false' },
  { name: 'assignment before a command is for that command only', script: 'V=outer; V=inner printenv V; echo $V' },
  { name: 'export and unset', script: 'export E1=x; printenv E1; E2=y; printenv E2 || echo not-exported; export E2; printenv E2; unset E1; printenv E1 || echo gone' },
  { name: 'cd and pwd', script: 'cd "$T"; mkdir -p "$T/d/e"; cd d/e && pwd | sed "s|$T||"; cd ..; pwd | sed "s|$T||"; cd /; pwd' },
  { name: 'patterns', script: 'cd "$T"; touch "$T/b.c" "$T/a.c" "$T/c.h" "$T/.hid"; echo *.c; echo *; echo ?.h; echo [ab].c; echo "*.c"; echo \\*.c; echo nomatch*' },
  { name: 'tilde', script: 'echo ~ | sed "s|$T|T|"; echo ~/x | sed "s|$T|T|"; echo "~"' },
  { name: 'special parameters', script: 'echo $#; test -n "$$" && echo pid-set; sleep 0.01 & test "$!" -gt 0 && echo bg-pid-set; wait' },
  { name: 'background job and wait', script: 'cd "$T"; sleep 0.1 > f & echo started; wait; echo done $?' },
  // A script on stdin whose second line is a program that reads the shell's own stdin.
  // dash reads a pipe in blocks and would run the data as commands; bash reads a byte at a
  // time, as POSIX asks of a shell reading commands from a non-seekable stdin.
  { name: 'a program reads the rest of the script', script: '', stdin: 'echo first\ncat\nthese lines are data for cat\n', ref: '/bin/bash' },
];

/** Cases that use host-only programs (printf, printenv, sed, test) or a child's working
 * directory stay native-only. */
const hostOnly = new Set([
  'empty quoted words stay', 'field splitting of unquoted expansions', 'assignment before a command is for that command only',
  'export and unset', 'cd and pwd', 'tilde', 'special parameters',
]);

describe('sh native build against dash', () => {
  for (const c of cases) {
    it(c.name, () => {
      const args = c.script ? ['-c', c.script] : [];
      const mine = runHost(nativeSh, args, c.stdin ?? '');
      const ref = runHost(c.ref ?? '/bin/dash', args, c.stdin ?? '');
      // stdout, exit status, files left in $T, and stderr (here only programs' own messages).
      expect(mine).toEqual(ref);
    });
  }

  it('runs the same scripts from stdin as with -c', () => {
    for (const c of cases.filter((x) => x.script && !x.script.includes('exit'))) {
      const fromStdin = runHost(nativeSh, [], c.script + '\n');
      const ref = runHost('/bin/dash', [], c.script + '\n');
      expect({ name: c.name, ...fromStdin }).toEqual({ name: c.name, ...ref });
    }
  });

  it('joins a line that leaves a quote open or ends in | && || with the next', () => {
    const script = "echo 'a\nb'\necho one |\nwc -l\ntrue &&\necho yes ||\necho no\n";
    expect(runHost(nativeSh, [], script)).toEqual(runHost('/bin/dash', [], script));
  });

  it('runs a script file with arguments', () => {
    const d = freshDir();
    writeFileSync(join(d, 's.sh'), 'echo "$#" "$1" "$2"\nexit 4\n');
    const mine = runHost(nativeSh, [join(d, 's.sh'), 'x', 'y z']);
    const ref = runHost('/bin/dash', [join(d, 's.sh'), 'x', 'y z']);
    expect(mine).toEqual(ref);
  });
});

/** bash's message without its "bash: line 1: " prefix, mine without "sh: ". */
const msg = (s: string, prefix: RegExp) => s.split('\n').filter(Boolean).map((l) => l.replace(prefix, ''));

describe('sh errors a person can act on', () => {
  const errs: Array<{ name: string; script: string }> = [
    { name: 'unknown command', script: 'nosuch_cmd_xyz arg' },
    { name: 'redirect into a missing directory', script: 'echo hi > /nope/x' },
    { name: 'input from a missing file', script: 'cat < /nope/in' },
    { name: 'cd into a missing directory', script: 'cd /nope/dir' },
    { name: 'a program\'s own error', script: 'cat nosuch' },
  ];
  for (const c of errs) {
    it(c.name, () => {
      const mine = runHost(nativeSh, ['-c', c.script]);
      const bash = runHost('/bin/bash', ['-c', c.script]);
      expect(msg(mine.stderr, /^sh: /)).toEqual(msg(bash.stderr, /^\/bin\/bash: (line 1: )?|^bash: (line 1: )?/));
      expect(mine.code).toBe(bash.code);
      expect(mine.stdout).toBe(bash.stdout);
    });
  }

  it('a syntax error exits 2 (as dash does) and names the token', () => {
    for (const script of ['echo a ; ; echo b', 'echo a | | wc', '&& echo x', 'echo >']) {
      const mine = runHost(nativeSh, ['-c', script]);
      const ref = runHost('/bin/dash', ['-c', script]);
      expect({ script, code: mine.code, stdout: mine.stdout }).toEqual({ script, code: ref.code, stdout: ref.stdout });
      expect(mine.stderr).toMatch(/^sh: syntax error/);
    }
  });
});

// ---- interactive, in a pseudo-terminal ----

/** Drives a program in a pty: send text, wait for a pattern, read a process's state from /proc. */
const DRIVER = String.raw`
import json, os, pty, re, select, sys, time
spec = json.load(sys.stdin)
pid, fd = pty.fork()
if pid == 0:
    import fcntl, struct, termios
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 24, spec.get('cols', 80), 0, 0))
    os.chdir(spec['cwd'])
    os.execve(spec['argv'][0], spec['argv'], spec['env'])
out = b''
caps = {}
def fail(step, why):
    print(json.dumps({'ok': False, 'step': step, 'why': why, 'out': out.decode('utf8', 'replace'), 'caps': caps}))
    try: os.kill(pid, 9)
    except OSError: pass
    sys.exit(0)
def pump(t):
    global out
    r, _, _ = select.select([fd], [], [], t)
    if r:
        try: b = os.read(fd, 65536)
        except OSError: return False
        if not b: return False
        out += b
    return True
def proc_state(p):
    try:
        with open('/proc/%d/stat' % p) as f: return f.read().rsplit(')', 1)[1].split()[0]
    except OSError: return 'gone'
mark = 0
for step in spec['steps']:
    if 'send' in step:
        mark = len(out)
        os.write(fd, step['send'].encode())
    if 'expect' in step:
        rx = re.compile(step['expect'].encode(), re.S)
        end = time.time() + step.get('timeout', 10)
        while True:
            m = rx.search(out, mark)
            if m:
                for k, v in m.groupdict().items(): caps[k] = v.decode()
                mark = m.end()
                break
            if time.time() > end: fail(step, 'timeout')
            if not pump(min(0.05, max(0, end - time.time()))): fail(step, 'eof')
    if 'state' in step:
        p = int(caps[step['state']])
        end = time.time() + step.get('timeout', 10)
        while proc_state(p) not in step['want']:
            if time.time() > end: fail(step, 'state %s' % proc_state(p))
            pump(0.02)
    if 'fg' in step:
        # who holds the terminal: the shell (a session leader: its pgid is its pid) or a job
        end = time.time() + step.get('timeout', 10)
        while (os.tcgetpgrp(fd) == pid) != (step['fg'] == 'shell'):
            if time.time() > end: fail(step, 'foreground group %d' % os.tcgetpgrp(fd))
            pump(0.01)
    if 'exit' in step:
        end = time.time() + 10
        while True:
            w, st = os.waitpid(pid, os.WNOHANG)
            if w == pid:
                caps['exit'] = str(os.waitstatus_to_exitcode(st))
                break
            if time.time() > end: fail(step, 'no exit')
            pump(0.02)
        print(json.dumps({'ok': True, 'out': out.decode('utf8', 'replace'), 'caps': caps}))
        sys.exit(0)
print(json.dumps({'ok': True, 'out': out.decode('utf8', 'replace'), 'caps': caps}))
os.kill(pid, 9)
`;

/** One step: send text; wait for a pattern (named groups are kept); wait until the process whose
 * pid a group captured is in a /proc state (or 'gone'); wait until the shell or a job holds the
 * terminal; wait for the shell to exit (caps.exit). */
type Step = {
  send?: string; expect?: string; timeout?: number; state?: string; want?: string[];
  fg?: 'shell' | 'job'; exit?: true;
};
interface PtyResult { ok: boolean; out: string; caps: Record<string, string>; step?: Step; why?: string }

/** Runs the native sh in a pty through steps. In an expected pattern "\r\n" also matches
 * "\r\r\n": the editor ends a line with \r\n and the tty's output processing (ONLCR) adds a \r. */
function inPty(steps: Step[], cwd = freshDir(), cols = 80): PtyResult {
  const loose = steps.map((s) => (s.expect ? { ...s, expect: s.expect.replaceAll('\r\n', '\r*\n') } : s));
  const r = spawnSync('/usr/bin/python3', ['-c', DRIVER], {
    input: JSON.stringify({ argv: [nativeSh], cwd, cols, env: { PATH, HOME: cwd, TERM: 'xterm', LC_ALL: 'C' }, steps: loose }),
    encoding: 'utf8', timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`pty driver failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout) as PtyResult;
  if (!res.ok) throw new Error(`step ${JSON.stringify(res.step)} failed (${res.why}); terminal so far:\n${JSON.stringify(res.out)}`);
  return res;
}
const PROMPT = '\\$ $';
/** A pattern followed by the next prompt: the shell is reading again, the terminal is raw, and
 * keys sent now reach the line editor (keys typed earlier go through the tty's own echo). */
const thenPrompt = (re: string) => `${re}\r\n${PROMPT}`;

describe('sh interactive, in a pty', () => {
  it('sleep 100 &, jobs, fg, ^Z stops it, bg resumes it, kill %1 ends it', () => {
    const r = inPty([
      { expect: PROMPT },
      { send: 'sleep 100 &\r', expect: thenPrompt('\\[1\\] (?P<pid>\\d+)') },
      { state: 'pid', want: ['S', 'R'] },
      { send: 'jobs\r', expect: thenPrompt('\\[1\\]\\+  Running                 sleep 100 &') },
      { send: 'fg\r', expect: 'fg\r\nsleep 100\r\n' },
      { fg: 'job' },
      { send: '\x1a', expect: thenPrompt('\\^Z\r\n\\[1\\]\\+  Stopped                 sleep 100') },
      { state: 'pid', want: ['T'] },
      { send: 'jobs\r', expect: thenPrompt('\\[1\\]\\+  Stopped                 sleep 100') },
      { send: 'bg\r', expect: thenPrompt('\\[1\\]\\+ sleep 100 &') },
      { state: 'pid', want: ['S', 'R'] },
      { send: 'jobs\r', expect: thenPrompt('\\[1\\]\\+  Running                 sleep 100 &') },
      { send: 'kill %1\r', expect: thenPrompt('kill %1\r\n\\[1\\]\\+  Terminated              sleep 100') },
      { state: 'pid', want: ['gone'] },
      { send: 'jobs\r', expect: thenPrompt('jobs') },
      { send: 'exit\r', exit: true },
    ]);
    expect(r.caps.exit).toBe('0');
  });

  it('exit with a stopped job warns once; the second exit hangs the job up', () => {
    const r = inPty([
      { expect: PROMPT },
      { send: 'sleep 100\r', expect: 'sleep 100\r\n' },
      { fg: 'job' },
      { send: '\x1a', expect: thenPrompt('\\[1\\]\\+  Stopped                 sleep 100') },
      // ps (/bin/ps, reading /proc) lists every process: the job's rows are those whose parent is this shell.
      { send: 'echo sh=$$; ps\r', expect: thenPrompt('sh=(?P<sh>\\d+)\r\n.*\\s(?P<pid>\\d+)\\s+(?P=sh)\\s+\\d+\\s+\\d+ T\\s+\\S+ sleep 100.*') },
      { send: 'exit\r', expect: thenPrompt('There are stopped jobs.') },
      { state: 'pid', want: ['T'] },
      { send: 'exit\r', exit: true },
      { state: 'pid', want: ['gone', 'Z'] },
    ]);
    // the refused exit set $? to 1 (as bash's does), which the second exit returns
    expect(r.caps.exit).toBe('1');
  });

  it('^C ends a foreground job and gives the prompt back within a second', () => {
    const r = inPty([
      { expect: PROMPT },
      { send: 'yes > /dev/null\r', expect: 'null\r\n' },
      { fg: 'job' },
      { send: '\x03', expect: '\\^C\r\n\\$ $', timeout: 1 },
      { send: 'echo status=$?\r', expect: thenPrompt('status=(?P<st>\\d+)') },
      { send: '\x04', exit: true },
    ]);
    expect(r.caps.st).toBe('130');
    expect(r.caps.exit).toBe('0');
  });

  it('a pipeline is one job: ^Z stops every process, %1 resumes it, ^C ends all', () => {
    inPty([
      { expect: PROMPT },
      { send: 'sleep 100 | sleep 100\r' },
      { fg: 'job' },
      { send: '\x1a', expect: thenPrompt('Stopped                 sleep 100 \\| sleep 100') },
      { send: 'echo sh=$$; ps\r', expect: thenPrompt('sh=(?P<sh>\\d+)\r\n.*\\s(?P<a>\\d+)\\s+(?P=sh)\\s+\\d+\\s+\\d+ T\\s+\\S+ sleep 100\r\n.*\\s(?P<b>\\d+)\\s+(?P=sh)\\s+\\d+\\s+\\d+ T\\s+\\S+ sleep 100.*') },
      { state: 'a', want: ['T'] },
      { state: 'b', want: ['T'] },
      { send: '%1\r', expect: 'sleep 100 \\| sleep 100\r\n' },
      { fg: 'job' },
      { state: 'a', want: ['S', 'R'] },
      { state: 'b', want: ['S', 'R'] },
      { send: '\x03', expect: '\\^C\r\n\\$ $' },
      { fg: 'shell' },
      { state: 'a', want: ['gone'] },
      { state: 'b', want: ['gone'] },
      { send: 'exit\r', exit: true },
    ]);
  });

  it('a finished background job is reported before the next prompt; exit N', () => {
    const r = inPty([
      { expect: PROMPT },
      { send: 'sleep 0.2 &\r', expect: thenPrompt('\\[1\\] \\d+') },
      { send: 'sleep 0.4\r', expect: thenPrompt('\\[1\\]\\+  Done                    sleep 0.2') },
      { send: 'sh -c "sleep 0.2; exit 4" &\r', expect: thenPrompt('\\[1\\] \\d+') },
      { send: 'sleep 0.4\r', expect: thenPrompt('\\[1\\]\\+  Exit 4                  sh -c "sleep 0.2; exit 4"') },
      { send: 'sh_nosuch &\r', expect: thenPrompt('sh: sh_nosuch: command not found') },
      { send: 'exit 3\r', exit: true },
    ]);
    expect(r.caps.exit).toBe('3');
  });

  it('edits the line: insert in the middle, backspace, ^U, ^W, ^A/^E, arrows', () => {
    inPty([
      { expect: PROMPT },
      { send: 'echo abd\x1b[DX\x1b[C\x7fc\r', expect: thenPrompt('\r\nabXc') },
      { send: 'garbage\x15echo clean\r', expect: thenPrompt('\r\nclean') },
      { send: 'echo keep drop\x17\r', expect: thenPrompt('\r\nkeep') },
      { send: 'cho one\x01e\x05 two\r', expect: thenPrompt('\r\none two') },
      // a two-byte character is one step for the arrows and backspace
      { send: 'echo a\xe9b\x1b[D\x7f\r', expect: thenPrompt('\r\nab') },
      { send: 'exit\r', exit: true },
    ]);
  });

  it('edits a line longer than the terminal is wide', () => {
    const long = 'echo 0123456789abcdefghijklmnopqrstuvwxyz';
    inPty([
      { expect: PROMPT },
      // ^A, five steps right (past "echo "), insert: the cursor crosses rows both ways
      { send: `${long}\x01\x1b[C\x1b[C\x1b[C\x1b[C\x1b[CX\r`, expect: thenPrompt('\r\nX0123456789abcdefghijklmnopqrstuvwxyz') },
      { send: '\x1b[A\x1b[D\x1b[D\x7f\r', expect: thenPrompt('\r\nX0123456789abcdefghijklmnopqrstuvwyz') },
      { send: 'exit\r', exit: true },
    ], freshDir(), 20);
  });

  it('recalls history with up/down and lists it', () => {
    inPty([
      { expect: PROMPT },
      { send: 'echo first\r', expect: thenPrompt('first') },
      { send: 'echo second\r', expect: thenPrompt('second') },
      // up, up: "echo first"; the list is then first, second, first
      { send: '\x1b[A\x1b[A\r', expect: thenPrompt('\r\nfirst') },
      // up x3, down: "echo second"
      { send: '\x1b[A\x1b[A\x1b[A\x1b[B\r', expect: thenPrompt('\r\nsecond') },
      // down past the newest entry gives back what was being typed
      { send: 'echo typed\x1b[A\x1b[B\r', expect: thenPrompt('\r\ntyped') },
      { send: 'history\r', expect: thenPrompt('    1  echo first\r\n    2  echo second\r\n    3  echo first\r\n    4  echo second\r\n    5  echo typed\r\n    6  history') },
      { send: 'exit\r', exit: true },
    ]);
  });

  it('completes builtins, programs and paths with tab', () => {
    const d = freshDir();
    writeFileSync(join(d, 'file-one.txt'), 'contents of one\n');
    writeFileSync(join(d, 'file-two.txt'), 'two\n');
    spawnSync('mkdir', [join(d, 'subdir')]);
    inPty([
      { expect: PROMPT },
      { send: 'histo\t', expect: 'history ' },
      { send: '\x15cat file-o\t\r', expect: thenPrompt('\r\ncontents of one') },
      { send: 'cat fi\t', expect: 'file-' },
      { send: '\t', expect: 'file-one.txt  file-two.txt' },
      { send: '\x15cd sub\t', expect: 'cd subdir/' },
      { send: '\r', expect: PROMPT },
      { send: 'pwd\r', expect: thenPrompt('/subdir') },
      { send: 'exit\r', exit: true },
    ], d);
  });

  it('an unfinished compound command, here-document or function continues at the PS2 prompt "> "', () => {
    inPty([
      { expect: PROMPT },
      { send: 'for i in 1 2\r', expect: '\r\n> $' },
      { send: 'do echo "n=$i"\r', expect: '\r\n> $' },
      { send: 'done\r', expect: thenPrompt('n=1\r\nn=2') },
      { send: 'cat <<EOF\r', expect: '\r\n> $' },
      { send: 'home is $HOME\r', expect: '\r\n> $' },
      { send: 'EOF\r', expect: thenPrompt('home is /\\S+') },
      { send: 'f() {\r', expect: '\r\n> $' },
      { send: 'echo "in f: $1"\r', expect: '\r\n> $' },
      { send: '}\r', expect: PROMPT },
      { send: 'f arg\r', expect: thenPrompt('in f: arg') },
      // ^C at the continuation prompt drops the unfinished command
      { send: 'if true; then\r', expect: '\r\n> $' },
      { send: '\x03', expect: '\\^C\r\n\\$ $' },
      { send: 'echo fresh\r', expect: thenPrompt('fresh') },
      { send: 'exit\r', exit: true },
    ]);
  });

  it('read at the terminal takes an edited line; ^C abandons it and the rest of the line', () => {
    const r = inPty([
      { expect: PROMPT },
      { send: 'read a b; echo "[$a] [$b]"\r', expect: 'b\\]"\r\n' },
      { send: 'hello bigg\x7f world\r', expect: thenPrompt('\\[hello\\] \\[big world\\]') },
      { send: 'read x; echo never\r', expect: 'never\r\n' },
      { send: '\x03', expect: '\\^C\r\n\\$ $' },
      { send: 'echo st=$?\r', expect: thenPrompt('st=(?P<st>\\d+)') },
      { send: 'exit\r', exit: true },
    ]);
    expect(r.caps.st).toBe('130');
    expect(r.out.slice(r.out.indexOf('^C'))).not.toContain('never');
  });

  it('^C on a job inside a loop ends the loop, not just the job', () => {
    const r = inPty([
      { expect: PROMPT },
      { send: 'while true; do sleep 10; done; echo after-loop\r', expect: 'after-loop\r\n' },
      { fg: 'job' },
      { send: '\x03', expect: '\\^C\r\n\\$ $', timeout: 2 },
      { send: 'echo status=$?\r', expect: thenPrompt('status=(?P<st>\\d+)') },
      { send: 'exit\r', exit: true },
    ]);
    expect(r.caps.st).toBe('130');
    // nothing after the loop ran either (as in bash): the ^C ends the whole line
    expect(r.out.slice(r.out.indexOf('^C'))).not.toContain('after-loop');
  });

  it('^C clears the line being typed; ^D on an empty line exits with the last status', () => {
    const r = inPty([
      { expect: PROMPT },
      { send: 'echo not run\x03', expect: '\\^C\r\n\\$ $' },
      { send: 'false\r', expect: thenPrompt('false') },
      { send: '\x04', exit: true },
    ]);
    expect(r.out).not.toContain('not run\r\n');
    expect(r.caps.exit).toBe('1');
  });
});

describe('sh line editor drawn by tmux (an independent terminal emulator)', () => {
  const sock = `wvisor-sh-${process.pid}`;
  const tmux = (...args: string[]) => {
    const r = spawnSync('tmux', ['-L', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  afterAll(() => { spawnSync('tmux', ['-L', sock, 'kill-server']); });

  /** The screen's rows (trailing blank ones dropped) and the cursor, as tmux shows them. */
  const screen = () => {
    const rows = tmux('capture-pane', '-t', 't', '-p').split('\n');
    while (rows.length && rows[rows.length - 1] === '') rows.pop();
    const [x, y] = tmux('display', '-t', 't', '-p', '#{cursor_x},#{cursor_y}').trim().split(',').map(Number);
    return { rows, cursor: [x, y] };
  };
  const until = async (want: { rows: string[]; cursor: number[] }) => {
    const end = Date.now() + 10_000;
    let got = screen();
    while (JSON.stringify(got) !== JSON.stringify(want)) {
      if (Date.now() > end) expect(got).toEqual(want);
      await new Promise((r) => setTimeout(r, 20));
      got = screen();
    }
  };

  it('a line longer than the terminal wraps; inserting, deleting and moving put the cursor where tmux says', async () => {
    const d = freshDir();
    tmux('new-session', '-d', '-x', '20', '-y', '8', '-s', 't',
      `env -i PATH=${PATH} HOME=${d} TERM=xterm ${nativeSh}`);
    await until({ rows: ['$'], cursor: [2, 0] });
    tmux('send-keys', '-t', 't', '-l', 'echo 0123456789abcdefghijklmnopqrstuvwxyz');
    tmux('send-keys', '-t', 't', 'C-a', 'Right', 'Right', 'Right', 'Right', 'Right');
    tmux('send-keys', '-t', 't', '-l', 'X');
    await until({ rows: ['$ echo X0123456789ab', 'cdefghijklmnopqrstuv', 'wxyz'], cursor: [8, 0] });
    // typing to the exact end of a row leaves the cursor at the start of the next one
    tmux('send-keys', '-t', 't', 'C-e');
    tmux('send-keys', '-t', 't', '-l', 'ABCDEFGHIJKLMNOP');
    await until({ rows: ['$ echo X0123456789ab', 'cdefghijklmnopqrstuv', 'wxyzABCDEFGHIJKLMNOP'], cursor: [0, 3] });
    tmux('send-keys', '-t', 't', 'BSpace');
    await until({ rows: ['$ echo X0123456789ab', 'cdefghijklmnopqrstuv', 'wxyzABCDEFGHIJKLMNO'], cursor: [19, 2] });
    tmux('send-keys', '-t', 't', ...Array<string>(25).fill('Left'));
    await until({ rows: ['$ echo X0123456789ab', 'cdefghijklmnopqrstuv', 'wxyzABCDEFGHIJKLMNO'], cursor: [14, 1] });
    tmux('send-keys', '-t', 't', 'Enter');
    await until({
      rows: ['$ echo X0123456789ab', 'cdefghijklmnopqrstuv', 'wxyzABCDEFGHIJKLMNO', 'X0123456789abcdefghi',
        'jklmnopqrstuvwxyzABC', 'DEFGHIJKLMNO', '$'],
      cursor: [2, 6],
    });
    // up recalls it, drawn over three rows from the prompt's row (the 8-row screen scrolls by one)
    tmux('send-keys', '-t', 't', 'Up');
    await until({
      rows: ['cdefghijklmnopqrstuv', 'wxyzABCDEFGHIJKLMNO', 'X0123456789abcdefghi', 'jklmnopqrstuvwxyzABC',
        'DEFGHIJKLMNO', '$ echo X0123456789ab', 'cdefghijklmnopqrstuv', 'wxyzABCDEFGHIJKLMNO'],
      cursor: [19, 7],
    });
    // ^U from the end clears the three rows back to the prompt
    tmux('send-keys', '-t', 't', 'C-u');
    await until({
      rows: ['cdefghijklmnopqrstuv', 'wxyzABCDEFGHIJKLMNO', 'X0123456789abcdefghi', 'jklmnopqrstuvwxyzABC',
        'DEFGHIJKLMNO', '$'],
      cursor: [2, 5],
    });
  });
});

// ---- the wasm build under wVisor ----

describe('sh wasm build under wVisor matches the native build', () => {
  let sb: Sandbox;
  beforeAll(() => { sb = createNodeSandbox(); });
  afterAll(() => sb?.shutdown());

  const wasmCases = cases.filter((c) => !hostOnly.has(c.name));
  wasmCases.forEach((c, i) => {
    it(c.name, async () => {
      const T = `/tmp/case${i}`;
      const mk = await sb.run({ argv: ['mkdir', '-p', T] });
      expect(mk.code).toBe(0);
      const argv = c.script ? ['sh', '-c', c.script] : ['sh'];
      const got = await sb.run({ argv, env: [`T=${T}`, `HOME=${T}`], stdin: c.stdin ?? '' });
      const listing = await sb.run({ argv: ['ls', '-a', T] });
      const native = runHost(nativeSh, c.script ? ['-c', c.script] : [], c.stdin ?? '');
      expect({ stdout: got.stdout, stderr: got.stderr, code: got.code }).toEqual(
        { stdout: native.stdout, stderr: native.stderr, code: native.code });
      expect(listing.stdout.split('\n').filter((f) => f && f !== '.' && f !== '..')).toEqual(native.files);
    });
  });

  it('echo hello | wc -c prints 6', async () => {
    const r = await sb.run({ argv: ['sh', '-c', 'echo hello | wc -c'] });
    expect(r).toMatchObject({ stdout: '6\n', stderr: '', code: 0 });
  });

  it('errors: command not found, a program\'s own, a redirect into a missing directory', async () => {
    const script = 'nosuch_cmd; echo $?; cat nosuch; echo $?; echo hi > /nope/x; echo $?';
    const r = await sb.run({ argv: ['sh', '-c', script] });
    const native = runHost(nativeSh, ['-c', script]);
    expect({ stdout: r.stdout, stderr: r.stderr, code: r.code }).toEqual(
      { stdout: native.stdout, stderr: native.stderr, code: native.code });
    expect(r.stderr).toBe('sh: nosuch_cmd: command not found\ncat: nosuch: No such file or directory\n' +
      'sh: /nope/x: No such file or directory\n');
  });

  it('runs background jobs and waits for them; kill by pid', async () => {
    const script = 'sleep 10 & P=$!; kill $P; wait $P; echo status=$?; sleep 0.05 & wait; echo waited';
    const r = await sb.run({ argv: ['sh', '-c', script] });
    const native = runHost(nativeSh, ['-c', script]);
    expect(r.stdout).toBe(native.stdout);
    expect(r.stdout).toBe('status=143\nwaited\n');
  });

  it('the manifest lists sh with its description', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'public', 'bin', 'manifest.json'), 'utf8')) as Array<{ name: string; description: string }>;
    expect(manifest.find((p) => p.name === 'sh')?.description).toMatch(/shell/);
  });
});

describe('sh wasm build on wVisor\'s terminal', () => {
  let sb: Sandbox;
  afterAll(() => sb?.shutdown());

  it('multi-line input: a loop, a here-document and a function continue at "> "', async () => {
    const box = createNodeSandbox();
    try {
      let out = '';
      const dec = new TextDecoder();
      const tty = box.openTerminal({ cols: 100, rows: 30, onOutput: (b) => { out += dec.decode(b, { stream: true }); } });
      const p = await box.spawn({ argv: ['sh'], terminal: tty, env: ['HOME=/home'] });
      const type = async (keys: string, re: RegExp) => {
        const mark = out.length;
        tty.input(keys);
        const end = Date.now() + 10_000;
        while (!re.test(out.slice(mark))) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${re}; terminal: ${JSON.stringify(out)}`);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      const more = /\r\n> $/;
      await type('', /\$ $/);
      await type('for i in 1 2\r', more);
      await type('do echo "n=$i"\r', more);
      await type('done\r', /\r\nn=1\r\nn=2\r\n\$ $/);
      await type('cat <<EOF\r', more);
      await type('home is $HOME\r', more);
      await type('EOF\r', /\r\nhome is \/home\r\n\$ $/);
      await type('f() {\r', more);
      await type('echo "in f: $1"; }\r', /\r\n\$ $/);
      await type('f arg | cat\r', /\r\nin f: arg\r\n\$ $/);
      tty.input('exit\r');
      expect((await p.exited).code).toBe(0);
    } finally {
      await box.shutdown();
    }
  });

  it('job control: &, jobs, fg, ^Z, bg, kill %1, ^C on yes, then ^D', async () => {
    sb = createNodeSandbox();
    let out = '';
    const dec = new TextDecoder();
    const tty = sb.openTerminal({ cols: 100, rows: 30, onOutput: (b) => { out += dec.decode(b, { stream: true }); } });
    const p = await sb.spawn({ argv: ['sh'], terminal: tty, env: ['HOME=/home'] });
    const until = async (cond: () => boolean, what: string, ms = 10_000) => {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; terminal: ${JSON.stringify(out)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    let mark = 0;
    /** Types keys and waits for a pattern in what the terminal shows after them. */
    const type = async (keys: string, re: RegExp, ms?: number) => {
      mark = out.length;
      tty.input(keys);
      await until(() => re.test(out.slice(mark)), String(re), ms);
    };
    const prompt = /\r\n\$ $/;
    const proc = (cmd: string) => sb.ps().find((x) => x.command.split(' ')[0] === cmd);
    /** The job (not the shell) holds the terminal: keys typed now signal it. */
    const jobHasTerminal = () => until(() => tty.fgPgid !== 0 && tty.fgPgid !== p.pid, 'the job to get the terminal');

    await until(() => out.endsWith('$ '), 'the prompt');
    await type('echo hello | wc -c\r', /\r\n6\r\n\$ $/);
    await type('sleep 100 &\r', /\[1\] \d+\r\n\$ $/);
    await type('jobs\r', /\[1\]\+  Running                 sleep 100 &\r\n\$ $/);
    await type('fg\r', /\r\nsleep 100\r\n/);
    await jobHasTerminal();
    await type('\x1a', /\[1\]\+  Stopped                 sleep 100\r\n\$ $/);
    expect(proc('sleep')?.state).toBe('stopped');
    await type('bg\r', /\[1\]\+ sleep 100 &\r\n\$ $/);
    await until(() => proc('sleep')?.state !== 'stopped', 'sleep to continue');
    // The shell waits up to a second for the job to end, so the notice comes before the prompt.
    await type('kill %1\r', /\[1\]\+  Terminated              sleep 100\r\n\$ $/, 5000);
    await until(() => proc('sleep') === undefined, 'sleep to be gone');
    await type('yes > /dev/null\r', /null\r+\n/);
    await jobHasTerminal();
    const t0 = Date.now();
    await type('\x03', /\^C\r\n\$ $/, 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    await type('echo $?\r', /\r\n130\r\n\$ $/);
    expect(out).toMatch(prompt);
    tty.input('\x04');
    expect((await p.exited).code).toBe(0);
  });
});
