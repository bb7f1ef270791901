import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/kernel/sandbox.js';
import { captureKernel } from '../../src/kernel/snapshot/capture.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/kernel/snapshot/format.js';
import { restoreKernel } from '../../src/kernel/snapshot/restore.js';
import { NodePlatform } from '../../src/platform/node/node-platform.js';
import { nodeCodec } from '../../src/cli/snapshot.js';
import { TaskState } from '../../src/kernel/task.js';
import type { Tty } from '../../src/kernel/tty.js';
import { createNodeSandbox } from '../../src/platform/node/node-sandbox.js';

/**
 * Guests in a session on a kernel tty: what they see (isatty, termios, window
 * size, foreground group) and job control driven by typed keys. The expected
 * values are Linux's (a pty after `stty sane`; the C guest t_tty.c builds
 * natively too, and its `info` mode prints the same on a Linux pty).
 */

const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const sb of sandboxes.splice(0)) sb.shutdown();
});

/** Polls until cond() holds (never a fixed sleep). */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function terminal(cols = 80, rows = 24): { sb: Sandbox; tty: Tty; screen: () => string } {
  const sb = createNodeSandbox();
  sandboxes.push(sb);
  let out = '';
  const dec = new TextDecoder();
  const tty = sb.openTerminal({ cols, rows, onOutput: (b) => { out += dec.decode(b, { stream: true }); } });
  return { sb, tty, screen: () => out };
}

/** Runs a command on a Linux pty: its session's controlling terminal, `stty sane`, 40x100. */
const PTY_RUN = join(__dirname, '../fixtures/pty/run.py');

let nativeDir: string | undefined;
afterAll(() => { if (nativeDir) rmSync(nativeDir, { recursive: true, force: true }); });

/** t_tty's output natively on Linux: built with gcc, run on a pty. */
function onLinux(args: string[]): string {
  if (!nativeDir) {
    nativeDir = mkdtempSync(join(tmpdir(), 'wvisor-tty-'));
    execFileSync('gcc', ['-O2', '-D_GNU_SOURCE', '-Iguests/include', 'guests/src/t_tty.c', '-o', join(nativeDir, 't_tty')]);
  }
  // run.py ends with the command's "[status N]" line: the screen is what comes before it.
  return execFileSync('/usr/bin/python3', [PTY_RUN, join(nativeDir, 't_tty'), ...args], { encoding: 'utf8' })
    .replace(/\[status -?\d+\]\n$/, '');
}

describe('t_tty on wVisor\'s terminal vs on a Linux pty', () => {
  it.each([[['info']], [['bg', 'cat']], [['vmin0']]])('t_tty %s', async (args) => {
    const { sb, tty, screen } = terminal(100, 40);
    const p = await sb.spawn({ argv: ['t_tty', ...args], terminal: tty });
    await p.exited;
    expect(screen()).toBe(onLinux(args));
  });
});

describe('a guest on the terminal', () => {
  it('sees a terminal with Linux\'s sane modes, its window size, and its own group in the foreground', async () => {
    const { sb, tty, screen } = terminal(100, 40);
    const p = await sb.spawn({ argv: ['t_tty', 'info'], terminal: tty });
    expect((await p.exited).code).toBe(0);
    expect(screen()).toBe([
      'isatty(0): 1', 'isatty(1): 1', 'isatty(2): 1',
      'isatty(pipe): 0 ENOTTY', 'tcgetpgrp(pipe): -1 ENOTTY',
      'tcgetpgrp is own group: 1', 'session leader: 1',
      'tcsetpgrp(no such group): -1 ESRCH',
      'iflag ICRNL 1 oflag OPOST 1 ONLCR 1 lflag ISIG 1 ICANON 1 ECHO 1 ECHOE 1 ECHOK 1 IEXTEN 1',
      'cc INTR 3 QUIT 28 ERASE 127 KILL 21 EOF 4 TIME 0 MIN 1 SUSP 26 WERASE 23',
      'tcsetattr(bad action): -1 EINVAL',
      'winsize 40 rows 100 cols',
      '',
    ].join('\r\n'));
  });

  it('edits and echoes a line (backspace, ^U, ^W), reads it with ICRNL, and ends at ^D', async () => {
    const { sb, tty, screen } = terminal();
    const p = await sb.spawn({ argv: ['readline'], terminal: tty });
    tty.input('helo\x7fp\x7f\x7flo wrold\x17world\r');
    await until(() => screen().includes('line 1: helo world\r\n'), 'the first line');
    tty.input('junk\x15two\r');
    await until(() => screen().includes('line 2:'), 'the second line');
    tty.input('\x04');
    expect((await p.exited).code).toBe(0);
    expect(screen()).toBe('helo\b \bp\b \b\b \blo wrold\b \b\b \b\b \b\b \b\b \bworld\r\nline 1: helo world\r\n'
      + 'junk\b \b\b \b\b \b\b \btwo\r\nline 2: two\r\n');
  });

  it('^C sends SIGINT to the foreground job, not to the session leader', async () => {
    const { sb, tty, screen } = terminal();
    const p = await sb.spawn({ argv: ['t_tty', 'fg', 'cat'], terminal: tty });
    await until(() => screen().includes('tcgetpgrp is the job'), 'cat in the foreground');
    tty.input('abc\r');
    await until(() => screen().includes('abc\r\nabc\r\n'), 'cat to echo a line');
    tty.input('\x03');
    expect((await p.exited).code).toBe(0);
    expect(screen()).toContain('^Ccat: killed by SIGINT\r\n');
  });

  it('^Z stops a CPU-bound foreground job (wait WUNTRACED sees SIGTSTP); fg continues it; ^\\ quits it', async () => {
    const { sb, tty, screen } = terminal();
    const p = await sb.spawn({ argv: ['t_tty', 'fg', 'spin'], terminal: tty });
    await until(() => screen().includes('tcgetpgrp is the job'), 'spin in the foreground');
    const spin = () => sb.ps().find((x) => x.command === 'spin');
    await until(() => (spin()?.cpuMs ?? 0) > 20, 'spin to run');
    tty.input('\x1a');
    await until(() => screen().includes('spin: stopped by SIGTSTP'), 'the stop to be reported');
    await until(() => screen().includes('continued'), 'the job to be continued');
    const cpu = spin()!.cpuMs;
    await until(() => (spin()?.cpuMs ?? 0) > cpu + 20, 'spin to run again');
    expect(spin()!.state).toBe(TaskState.Running);
    tty.input('\x1c');
    expect((await p.exited).code).toBe(0);
    expect(screen()).toContain('^\\spin: killed by SIGQUIT\r\n');
  });

  it('a background reader of the terminal is stopped by SIGTTIN', async () => {
    const { sb, tty, screen } = terminal();
    const p = await sb.spawn({ argv: ['t_tty', 'bg', 'cat'], terminal: tty });
    expect((await p.exited).code).toBe(0);
    expect(screen()).toContain('job cat: tcgetpgrp is the driver\r\ncat: stopped by SIGTTIN\r\ncat: killed by SIGKILL\r\n');
  });

  it('a background writer writes (TOSTOP is off)', async () => {
    const { sb, tty, screen } = terminal();
    const p = await sb.spawn({ argv: ['t_tty', 'bg', 'echo', 'from', 'the', 'background'], terminal: tty });
    expect((await p.exited).code).toBe(0);
    expect(screen()).toContain('from the background\r\necho: exited 0\r\n');
  });

  it('the session leader reads its terminal (it is the foreground) and sees EOF at ^D', async () => {
    const { sb, tty, screen } = terminal();
    const p = await sb.spawn({ argv: ['cat'], terminal: tty });
    tty.input('x\r\x04');
    expect((await p.exited).code).toBe(0);
    expect(screen()).toBe('x\r\nx\r\n');
  });

  it('non-canonical, no echo, VMIN=1: every byte as typed; modes restored after', async () => {
    const { sb, tty, screen } = terminal();
    const p = await sb.spawn({ argv: ['t_tty', 'raw'], terminal: tty });
    await until(() => screen().includes('raw\r\n'), 'raw mode');
    tty.input('a\x7f\x15\rq');
    expect((await p.exited).code).toBe(0);
    // No echo, no editing: DEL and ^U are data; ICRNL still maps CR to NL.
    expect(screen()).toBe('raw\r\nbyte 61\r\nbyte 7f\r\nbyte 15\r\nbyte 0a\r\nbyte 71\r\nrestored\r\n');
  });

  it('non-canonical mode keeps ISIG: ^C interrupts the reader', async () => {
    const { sb, tty, screen } = terminal();
    const p = await sb.spawn({ argv: ['t_tty', 'raw'], terminal: tty });
    await until(() => screen().includes('raw\r\n'), 'raw mode');
    tty.input('\x03');
    expect((await p.exited).signal).toBe(2);
    // ECHO is off, so ^C is not echoed.
    expect(screen()).toBe('raw\r\n');
  });

  it('VMIN=0 VTIME=0: a read returns 0 at once when nothing was typed', async () => {
    const { sb, tty, screen } = terminal();
    const p = await sb.spawn({ argv: ['t_tty', 'vmin0'], terminal: tty });
    expect((await p.exited).code).toBe(0);
    expect(screen()).toBe('read 0\r\n');
  });

  it('resize changes what TIOCGWINSZ reports', async () => {
    const { sb, tty, screen } = terminal(80, 24);
    const p = await sb.spawn({ argv: ['t_tty', 'winch'], terminal: tty });
    await until(() => screen().includes('ready'), 'the guest');
    tty.input('\r');
    await until(() => screen().includes('24 rows 80 cols'), 'the first size');
    tty.resize(132, 50);
    tty.input('\r');
    await until(() => screen().includes('50 rows 132 cols'), 'the new size');
    tty.input('\x04');
    expect((await p.exited).code).toBe(0);
  });

  it('the terminal is free again once its session leader exits', async () => {
    const { sb, tty, screen } = terminal();
    const p = await sb.spawn({ argv: ['echo', 'one'], terminal: tty });
    await p.exited;
    const q = await sb.spawn({ argv: ['echo', 'two'], terminal: tty });
    await q.exited;
    expect(screen()).toBe('one\r\ntwo\r\n');
  });
});

describe('snapshots of a terminal', () => {
  it('keep its modes, size, foreground group and the line being typed; the reader goes on after restore', async () => {
    const { sb, tty, screen } = terminal(90, 30);
    const p = await sb.spawn({ argv: ['readline'], terminal: tty });
    tty.input('one\r');
    await until(() => screen().includes('line 1: one\r\n'), 'the first line');
    await until(() => sb.ps().find((x) => x.pid === p.pid)?.state === TaskState.Blocked, 'the next read');
    tty.input('tw');
    const st = await captureKernel(sb.kernel);
    const bytes = await encodeSnapshot({ writer: 'test', takenAt: 0, state: st, modules: {}, host: {} }, nodeCodec);
    const loaded = await sb.kernel.modules.load(sb.kernel.readFile('/bin/readline') as Uint8Array);
    sb.shutdown();

    const file = await decodeSnapshot(bytes, nodeCodec);
    const k = await restoreKernel(new NodePlatform(), file.state, async () => loaded.module);
    const sb2 = new Sandbox(k);
    sandboxes.push(sb2);
    const tty2 = sb2.terminal('pts/0')!;
    expect([tty2.cols, tty2.rows, tty2.fgPgid]).toEqual([90, 30, p.pid]);
    let out = '';
    tty2.attach((b) => { out += new TextDecoder().decode(b); });
    tty2.input('o\r');
    await until(() => out.includes('line 2: two\r\n'), 'the line finished after the restore');
    tty2.input('\x04');
    expect(await k.tasks.get(p.pid)!.exited).toBe(0);
  });
});
