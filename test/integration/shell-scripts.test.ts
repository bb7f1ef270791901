// The shell's language (guests/src/sh.c): compound commands, functions, subshells,
// here-documents, test/[, $((...)), positional parameters. Every script is run three ways and
// compared byte for byte (stdout and exit status; stderr must be empty where dash's is):
//  - by dash (/bin/dash), natively: the reference;
//  - by our shell built natively with gcc (guests/build/native/sh);
//  - by our shell's wasm build under wVisor, as a user runs it:
//    `node dist/cli/main.js run --vfs / --env ... public/bin/sh.wasm -c SCRIPT`.
// Natively PATH starts with guests/build/native, so dash and our shell start the same cat, wc,
// seq, env... as wVisor's /bin has. A program started by the shell under wVisor does not start
// in the shell's directory yet (guests/src programs do not chdir to PWD), so programs are given
// absolute paths ("$T/f"); redirections, patterns, cd and test are the shell's own and use
// relative names. Each script starts with $T an empty directory (natively a
// fresh one, under wVisor the fresh kernel's /tmp) and HOME=$T. Scripts avoid what only one
// side has (printf, grep, sed are not wVisor programs; dash's echo expands backslashes, ours
// does not, so no backslashes are echoed).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const nativeDir = join(root, 'guests', 'build', 'native');
const nativeSh = join(nativeDir, 'sh');
const cli = join(root, 'dist', 'cli', 'main.js');
const wasmSh = join(root, 'public', 'bin', 'sh.wasm');
const PATH = `${nativeDir}:/usr/bin:/bin`;

interface Case {
  name: string;
  script: string;
  /** The script is given on stdin (no -c) instead. */
  stdin?: boolean;
  /**
   * 'syntax': a syntax error; 'runtime': an error the shell reports while running (bad number,
   * division by zero...). Their messages are worded differently from dash's ("dash: 1: Syntax
   * error: ..." against "sh: syntax error near unexpected token ..."), so for these stderr is
   * only required to be non-empty in all three, and stdout and the exit status must match.
   */
  error?: 'syntax' | 'runtime';
}

const cases: Case[] = [
  // ---- if ----
  { name: 'if/then/else', script: 'if true; then echo yes; else echo no; fi; if false; then echo yes; else echo no; fi' },
  { name: 'elif chain', script: 'for n in 1 2 3; do if [ $n = 1 ]; then echo one; elif [ $n = 2 ]; then echo two; else echo many; fi; done' },
  { name: 'if status: the branch\'s, 0 when none runs', script: 'if false; then :; fi; echo $?; if true; then false; fi; echo $?; if ! false; then echo negated; fi' },
  { name: 'if over several lines', script: 'x=3\nif [ "$x" -gt 2 ]\nthen\n  echo big\nelse\n  echo small\nfi\n' },
  { name: 'condition is a list and a pipeline', script: 'if echo a | wc -l > /dev/null; false || true; then echo list-ok; fi' },
  // ---- while / until ----
  { name: 'while with a counter', script: 'i=0; while [ $i -lt 5 ]; do echo $i; i=$((i+1)); done; echo end $i' },
  { name: 'until', script: 'i=0; until [ $i -ge 3 ]; do i=$((i+1)); echo $i; done' },
  { name: 'while status: last body status, 0 if never run', script: 'while false; do :; done; echo $?; i=0; while [ $i -lt 2 ]; do i=$((i+1)); false; done; echo $?' },
  { name: 'while read from a pipe', script: 'seq 3 | while read n; do echo "line $n"; done' },
  { name: 'while read from a file, IFS splitting', script: 'cd "$T"; echo "a b c" > f; echo "  d   e  " >> f; while read x rest; do echo "[$x] [$rest]"; done < f' },
  // ---- for ----
  { name: 'for over words', script: 'for x in a "b c" d; do echo "<$x>"; done; for x in; do echo never; done; echo $?' },
  { name: 'for over a pattern', script: 'cd "$T"; touch "$T/b.txt" "$T/a.txt" "$T/c.log"; for f in *.txt; do echo "$f"; done; for f in *.none; do echo "$f"; done' },
  { name: 'for without in: the positional parameters', script: 'set -- one "two words" three; for a; do echo "$a"; done; for a do echo "=$a"; done' },
  { name: 'for over $(...) output', script: 'for n in $(seq 2 4); do echo $((n * n)); done' },
  { name: 'break and continue', script: 'for i in 1 2 3 4 5; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done; while :; do echo once; break; done' },
  { name: 'break 2 and continue 2', script: 'for i in 1 2 3; do for j in a b c; do [ $j = b ] && continue 2; [ $i = 3 ] && break 2; echo $i$j; done; echo never; done; echo after' },
  // ---- case ----
  { name: 'case with patterns and alternatives', script: 'for f in x.c y.h Makefile z.cc; do case $f in *.c|*.cc) echo "$f C";; *.h) echo "$f header";; (M*) echo "$f make";; esac; done' },
  { name: 'case: quoted patterns, variables, brackets, default', script: 'p="*.c"; case a.c in $p) echo var-pattern;; esac; case a.c in "$p") echo literal;; *) echo default;; esac; case "a*" in "a*") echo quoted;; esac; case b in [abc]) echo bracket;; esac; case x in a\\*) no;; ?) echo one-char;; esac' },
  { name: 'case status and empty items', script: 'case a in b) echo no;; esac; echo $?; case a in a) ;; esac; echo $?; case a in a) false;; esac; echo $?' },
  { name: 'case over lines', script: 'v=two\ncase $v in\n  one)\n    echo 1\n    ;;\n  two)\n    echo 2\n    ;;\nesac\n' },
  // ---- groups and subshells ----
  { name: '{ } group with redirections', script: 'cd "$T"; { echo a; echo b; } > f; cat < f; { echo c; echo d; } | wc -l; { echo err >&2; } 2>&1 | wc -l' },
  { name: '( ) keeps variables and cd to itself', script: 'cd "$T"; mkdir "$T/d"; x=1; (x=2; cd d; echo "$x"; [ "$(pwd)" = "$T/d" ] && echo in-d); echo "$x"; [ "$(pwd)" = "$T" ] && echo back' },
  { name: '( ) exit status and exit', script: '(exit 3); echo $?; (false); echo $?; (exit 0) && echo ok; (echo in; exit 5; echo not); echo $?' },
  { name: '( ) in a pipeline', script: '( echo a; echo b; echo c ) | wc -l; echo x | ( read v; echo "got $v" )' },
  { name: '( ) sees unexported variables and functions, programs do not', script: 'u=unexported; export e=exported; f() { echo "f:$u"; }; ( echo "$u"; f ) | cat; env | while read l; do case $l in u=*) echo leaked;; e=*) echo "$l";; esac; done' },
  { name: '$$ and $? in subshells are the parent\'s', script: 'cd "$T"; echo $$ > a; (echo $$) > b; echo $$ | cat > c; x=$(echo $$); a=$(cat < a); [ "$x" = "$a" ] && [ "$(cat < b)" = "$a" ] && [ "$(cat < c)" = "$a" ] && echo same; false; (echo $?); false; echo $? | cat' },
  { name: '$(...) with compound commands', script: 'x=$(for i in 1 2 3; do echo $i; done); echo $x; y=$(if true; then echo t; fi); echo $y; echo "$(case q in q) echo case;; esac)"' },
  // ---- functions ----
  { name: 'function arguments and return', script: 'f() { echo "$# [$1] [$2]"; return 3; }; f a "b c"; echo $?; g() { false; return; }; g; echo $?; echo "$#"' },
  { name: 'recursion', script: 'fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 6' },
  { name: 'local (as dash: inherits the value until set)', script: 'x=outer; f() { local x; echo "in:$x"; x=inner; echo "in:$x"; }; f; echo "out:$x"; g() { local y=5; echo $y; }; g; echo "[$y]"' },
  { name: 'functions change globals; positional parameters come back', script: 'set -- p q; x=1; f() { x=2; echo "$1"; }; f arg; echo "$x $1 $2"' },
  { name: 'function in a pipeline and in $(...)', script: 'f() { echo "one $1"; echo two; }; f x | wc -l; v=$(f y); echo "$v"; f z | while read a b; do echo "$b"; done' },
  { name: 'function body with redirection, redefinition, unset -f', script: 'cd "$T"; f() { echo to-file; } > out; f; cat < out; f() { echo redefined; }; f; unset -f f; f 2>/dev/null; echo $?' },
  { name: 'exit inside a function ends the shell', script: 'f() { echo in; exit 4; echo not; }; f; echo notreached' },
  { name: 'functions calling functions', script: 'a() { echo a; }; b() { a; echo b; }; c() { b | wc -l; }; c' },
  // ---- here-documents ----
  { name: 'here-document with expansion', script: 'x=val\ncat <<EOF\nx is $x, sum $((1+2)), cmd $(echo sub), `echo bq`\n  indented\nEOF\necho after' },
  { name: 'here-document, quoted delimiter: no expansion', script: "cat <<'EOF'\n$HOME $(nope) `nope`\nEOF\ncat <<\"E\"\n$x\nE\n" },
  { name: '<<- strips leading tabs', script: 'cat <<-EOF\n\tone\n\t\ttwo\n\tEOF\necho done' },
  { name: 'here-document into a loop and a pipeline', script: 'while read a b; do echo "$b $a"; done <<EOF\n1 one\n2 two\nEOF\ncat <<EOF | wc -l\na\nb\nc\nEOF\n' },
  { name: 'two here-documents on one line', script: 'cat <<A; cat <<B\nfirst\nA\nsecond\nB\n' },
  { name: 'here-document in a function', script: 'f() {\n  cat <<EOF\nhello $1\nEOF\n}\nf world\nf again | wc -c\n' },
  // a body larger than the shell puts in a pipe (32 KiB) goes through a file in /tmp
  { name: 'a 40 KB here-document', script: `cat <<EOF | wc -c\n${'0123456789abcdefghijklmnopqrstuvwxyz_.-=\n'.repeat(1000)}EOF\ncd /tmp && for f in .sh-heredoc*; do echo "$f"; done` },
  // ---- test / [ ----
  { name: 'test: strings', script: '[ -z "" ] && echo z; [ -n "" ] || echo not-n; [ a = a ] && echo eq; [ a != b ] && echo ne; test abc && echo nonempty; [ "" ] || echo empty; [ ] || echo none; [ -n ] && echo one-arg' },
  { name: 'test: integers', script: '[ 3 -eq 3 ] && [ 3 -ne 2 ] && [ 2 -lt 3 ] && [ 3 -le 3 ] && [ 4 -gt 3 ] && [ 3 -ge 3 ] && echo ints; [ -5 -lt 2 ] && echo neg; [ 10 -gt 9 ] && echo numeric-not-string' },
  { name: 'test: files', script: 'cd "$T"; echo x > f; : > empty; mkdir "$T/d"; [ -e f ] && [ -f f ] && [ -s f ] && echo f; [ -s empty ] || echo empty; [ -d d ] && [ ! -f d ] && echo d; [ -e nope ] || echo none; [ -r f ] && [ -w f ] && echo rw' },
  { name: 'test: ! -a -o and parentheses', script: '[ 1 -eq 1 -a 2 -gt 1 ] && echo and; [ 1 -eq 2 -o 2 -gt 1 ] && echo or; [ ! 1 -eq 2 ] && echo not; [ \\( 1 -eq 1 \\) ] && echo paren; [ \\( a = b -o a = a \\) -a ! -z x ] && echo nested; test ! && echo bang-alone' },
  { name: 'test: a bad number is status 2', script: '[ 1 -eq a ]; echo $?; [ a b ]; echo $?', error: 'runtime' },
  // ---- arithmetic ----
  { name: '$(( )) operators', script: 'echo $((2+3*4)) $(((2+3)*4)) $((10/3)) $((10%3)) $((-7/2)) $((2<3)) $((3<=2)) $((1==1)) $((1!=1)) $((5&3)) $((5|3)) $((5^3)) $((1<<4)) $((256>>2)) $((!0)) $((~0))' },
  { name: '$(( )) variables, assignment, hex, octal, ?:, && ||', script: 'x=5; echo $((x*2)) $(($x+1)); echo $((x+=3)) $x; echo $((y=7)) $y; echo $((0x1f)) $((010)); echo $((x>3 ? 10 : 20)) $((0 && 1/0)) $((1 || 1/0)); unset z; echo $((z+1))' },
  { name: '$(( )) division by zero ends the script with 2', script: 'echo before; echo $((1/0)); echo after', error: 'runtime' },
  // ---- parameters ----
  { name: '$# $@ $* shift set --', script: 'set -- a "b c" d; echo $#; echo "$*"; for x in "$@"; do echo "[$x]"; done; shift; echo "$# $1"; shift 2; echo $#; set --; echo $#; for x in "$@"; do echo never; done' },
  { name: 'shift too far is an error', script: 'set -- a; shift 2; echo not-here', error: 'runtime' },
  { name: '$! and wait; a background group and a && b &', script: 'sleep 0.01 & p=$!; wait $p; echo "status $?"; [ -n "$p" ] && echo has-pid; { echo bg-group; } > /dev/null & wait; true && echo bg-list > /dev/null & wait; echo waited' },
  { name: 'eval and read', script: 'eval "x=1; echo \\$x"; cmd="echo evaluated"; eval $cmd; echo "p q r" | { read a b; echo "$b|$a"; }' },
  { name: 'backquotes', script: 'echo `echo hi` "`echo a b`"; x=`seq 3 | wc -l`; echo $x' },
  { name: 'return at the top level ends a -c script', script: 'echo a; return 3; echo b' },
  // ---- a script on stdin, as a student's file would be read ----
  { name: 'a multi-line script on stdin', stdin: true, script: '# count\ncount() {\n  n=0\n  for w in "$@"; do\n    n=$((n + 1))\n  done\n  echo $n\n}\ncount a b c\nif [ "$(count x y)" -eq 2 ]; then\n  echo two\nfi\ncase $(count) in\n  0) echo zero ;;\nesac\n' },
  // ---- syntax errors: status 2, something on stderr ----
  { name: 'syntax error: fi where a command is needed', script: 'if true; then fi', error: 'syntax' },
  { name: 'syntax error: missing done', script: 'while true; do echo x', error: 'syntax' },
  { name: 'syntax error: stray done', script: 'echo a; done', error: 'syntax' },
  { name: 'syntax error: for without a name', script: 'for do echo; done', error: 'syntax' },
  { name: 'syntax error: case without esac', script: 'case x in x) echo x;;', error: 'syntax' },
  { name: 'syntax error: unclosed group and empty subshell', script: '{ echo a', error: 'syntax' },
  { name: 'syntax error: ( ) with nothing inside', script: '( )', error: 'syntax' },
  { name: 'syntax error stops a script on stdin', stdin: true, script: 'echo first\nif then\necho never\n', error: 'syntax' },
];

interface Out { stdout: string; stderr: string; code: number | null }

const scratch: string[] = [];
function runNative(shell: string, c: Case): Out {
  const T = mkdtempSync(join(tmpdir(), 'wvisor-shs-'));
  scratch.push(T);
  const r = spawnSync(shell, c.stdin ? [] : ['-c', c.script], {
    cwd: T, input: c.stdin ? c.script : '', encoding: 'utf8', timeout: 20_000,
    env: { PATH, T, HOME: T, LC_ALL: 'C' },
  });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

function runWasm(c: Case): Promise<Out> {
  const args = [cli, 'run', '--vfs', '/', '--env', 'T=/tmp', '--env', 'HOME=/tmp', wasmSh, ...(c.stdin ? [] : ['-c', c.script])];
  return new Promise((res, rej) => {
    const p = execFile(process.execPath, args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      if (err && code === null) { rej(err); return; }
      res({ stdout, stderr, code });
    });
    p.stdin?.end(c.stdin ? c.script : '');
  });
}

const wasm = new Map<string, Out>();

beforeAll(async () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-guests.mjs'), '--native-only'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`native guest build failed:\n${r.stderr}${r.stdout}`);
  // The wasm runs are each a wVisor CLI process (about a second); two at a time.
  const queue = [...cases];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) wasm.set(c.name, await runWasm(c));
  };
  await Promise.all([worker(), worker()]);
}, 600_000);
afterAll(() => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('sh scripts: dash, our sh natively, our sh under wVisor', () => {
  it('has a case per construct (at least 40)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const c of cases) {
    it(c.name, () => {
      const ref = runNative('/bin/dash', c);
      const mine = runNative(nativeSh, c);
      const onWvisor = wasm.get(c.name);
      expect(onWvisor).toBeDefined();
      const strip = (o: Out) => ({ stdout: o.stdout, code: o.code });
      expect(strip(mine)).toEqual(strip(ref));
      expect(strip(onWvisor!)).toEqual(strip(ref));
      if (c.error) {
        if (c.error === 'syntax') expect(ref.code).toBe(2);
        expect(ref.stderr).not.toBe('');
        expect(mine.stderr).not.toBe('');
        expect(onWvisor!.stderr).not.toBe('');
      } else {
        expect(ref.stderr).toBe('');
        expect(mine.stderr).toBe('');
        expect(onWvisor!.stderr).toBe('');
      }
    });
  }
});
