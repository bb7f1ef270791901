import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import binaryen from 'binaryen';
import { describe, expect, it } from 'vitest';

/** The CLI as a user runs it (built by `npm run build:node`). */
const cli = join(__dirname, '../../dist/cli/main.js');
const bin = join(__dirname, '../../public/bin');
const tmp = mkdtempSync(join(tmpdir(), 'wvisor-cli-'));

function wvisor(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { input: input ?? '', encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('wvisor run', () => {
  it('runs a module and passes its exit code through', () => {
    expect(wvisor(['run', join(bin, 'hello.wasm')])).toMatchObject({ code: 0, stdout: 'hello, world\n' });
    expect(wvisor(['run', join(bin, 'false.wasm')]).code).toBe(1);
  });

  it('wires stdin and stdout through pipes', () => {
    expect(wvisor(['run', join(bin, 'wc.wasm'), '-c'], 'hello\n').stdout.trim()).toBe('6');
  });

  it('gives the guest only the environment passed with --env', () => {
    const r = wvisor(['run', '--env', 'A=1', '--env=B=two', join(bin, 'env.wasm')]);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['A=1', 'B=two']);
  });

  it('exits with 128+N when the guest dies of signal N', () => {
    const r = wvisor(['run', join(bin, 'segv.wasm')]);
    expect(r.code).toBe(128 + 11);
    expect(r.stderr).toMatch(/out of bounds/);
  });

  it('mounts a host directory with --dir HOST::GUEST', () => {
    writeFileSync(join(tmp, 'greeting.txt'), 'hi from the host\n');
    const r = wvisor(['run', '--dir', `${tmp}::/data`, join(bin, 'cat.wasm'), '/data/greeting.txt']);
    expect(r).toMatchObject({ code: 0, stdout: 'hi from the host\n' });
  });

  // Bad input: one clear line, a non-zero exit, never a stack trace.
  const notWasm = join(tmp, 'not.wasm');
  writeFileSync(notWasm, 'this is text');
  const corrupt = join(tmp, 'corrupt.wasm');
  writeFileSync(corrupt, Buffer.concat([readFileSync(join(bin, 'hello.wasm')).subarray(0, 200)]));
  const badImport = join(tmp, 'bad-import.wasm');
  const mod = binaryen.parseText('(module (import "env" "nope" (func)) (memory (export "memory") 1) (func (export "_start")))');
  writeFileSync(badImport, mod.emitBinary());
  mod.dispose();
  const cases: Array<[string, string[], RegExp]> = [
    ['missing module', ['run', join(tmp, 'nope.wasm')], /cannot read module .*nope\.wasm: no such file/],
    ['not wasm', ['run', notWasm], /not a WebAssembly module/],
    ['corrupt module', ['run', corrupt], /corrupt WebAssembly module/],
    ['missing import', ['run', badImport], /imports function "env\.nope", which wVisor does not provide/],
    ['no module given', ['run'], /no module given/],
    ['unknown option', ['run', '--frobnicate', 'x.wasm'], /unknown option --frobnicate/],
    ['unknown command', ['frob'], /unknown command "frob"/],
    ['bad --env', ['run', '--env', '=VALUE', join(bin, 'hello.wasm')], /--env =VALUE: give NAME=VALUE, or NAME for the host's value/],
    ['snapshot not a snapshot', ['restore', notWasm], /not a wVisor snapshot/],
    ['snapshot missing', ['restore', join(tmp, 'none.snap')], /cannot read .*none\.snap: no such file/],
  ];
  it.each(cases)('%s: one clear line, exit code 2', (_name, args, message) => {
    const r = wvisor(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('wvisor run --snapshot / wvisor restore', () => {
  it('continues a task saved in a sleep and gives the same output as an uninterrupted run', () => {
    const whole = wvisor(['run', join(bin, 'counter.wasm'), '5', '20']);
    expect(whole.stdout).toBe('1\n2\n3\n4\n5\n');
    for (const at of [3, 9, 12]) {
      const snap = join(tmp, `counter-${at}.snap`);
      const first = wvisor(['run', '--snapshot', snap, '--snapshot-at-syscall', String(at), join(bin, 'counter.wasm'), '5', '20']);
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(/saved \d+ bytes/);
      const rest = wvisor(['restore', snap]);
      expect(rest.code).toBe(0);
      expect(first.stdout + rest.stdout).toBe(whole.stdout);
    }
  });

  it('refuses a snapshot of another format version, or a corrupted one, with a clear line', () => {
    const snap = join(tmp, 'v.snap');
    wvisor(['run', '--snapshot', snap, '--snapshot-at-syscall', '3', join(bin, 'counter.wasm'), '3', '10']);
    const bytes = readFileSync(snap);
    const other = Buffer.from(bytes);
    other.writeUInt32LE(99, 8);
    writeFileSync(join(tmp, 'other.snap'), other);
    expect(wvisor(['restore', join(tmp, 'other.snap')]).stderr).toMatch(/format version 99 is not supported/);
    const broken = Buffer.from(bytes);
    broken[broken.length - 10] ^= 0xff;
    writeFileSync(join(tmp, 'broken.snap'), broken);
    const r = wvisor(['restore', join(tmp, 'broken.snap')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/corrupt/);
  });
});

describe('wvisor run on a host terminal', () => {
  const fixtures = join(__dirname, '../fixtures/pty');
  const onPty = (script: string, argv: string[]) =>
    execFileSync('/usr/bin/python3', [join(fixtures, script), ...argv], { encoding: 'utf8', timeout: 60_000 });

  it('gives the guest the kernel tty: t_tty prints what it prints natively on a Linux pty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wvisor-cli-tty-'));
    execFileSync('gcc', ['-O2', '-D_GNU_SOURCE', `-I${join(__dirname, '../../guests/include')}`,
      join(__dirname, '../../guests/src/t_tty.c'), '-o', join(dir, 't_tty')]);
    const native = onPty('run.py', [join(dir, 't_tty'), 'info']);
    expect(native).toContain('isatty(0): 1');
    expect(onPty('run.py', [process.execPath, cli, 'run', join(bin, 't_tty.wasm'), 'info'])).toBe(native);
  });

  it('runs sh interactively: keys through the line discipline, ^C to the foreground job, exit status out', () => {
    // The session redirects to /dev/null: wVisor's own tree preopened as "/" (without --vfs or --dir nothing is).
    const out = onPty('shell-session.py', [process.execPath, cli, 'run', '--vfs', '/', join(bin, 'sh.wasm')]);
    expect(out).toContain('6\r\n');
    expect(out).toContain('status 130');
    expect(out.trimEnd().endsWith('[status 3]')).toBe(true);
  });
});
