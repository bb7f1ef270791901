import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Errno } from './abi/errno.js';
import { WOULD_BLOCK } from './file.js';
import { Sandbox } from './sandbox.js';
import { NodePlatform } from '../platform/node/node-platform.js';
import {
  BRKINT, ECHO, ECHOCTL, ECHOE, ECHOK, ECHOKE, ECHONL, ICANON, ICRNL, IEXTEN, IMAXBEL, ISIG, IUTF8, IXON, NOFLSH, ONLCR,
  OPOST, saneTermios, TCSAFLUSH, TCSANOW, type Tty, VEOL, VMIN, VTIME,
} from './tty.js';

/**
 * The line discipline, case by case, against Linux itself: each case is run
 * on a real Linux pty (python3's pty module; `stty sane`, then the case's
 * modes), and what the master side saw (echo) and what reads of the slave
 * returned must be what wVisor's tty gives for the same keys.
 */

interface Case {
  name: string;
  /** Keys typed, one string per write to the terminal (latin1: one char = one byte). */
  input: string[];
  /** Flag bits to set / clear after `stty sane`. */
  iset?: number; iclr?: number; oset?: number; oclr?: number; lset?: number; lclr?: number;
  /** Control characters to change (index → value). */
  cc?: Record<number, number>;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

const cases: Case[] = [
  { name: 'a line, echoed, CR mapped to NL', input: ['hello\r'] },
  { name: 'backspace (DEL) erases with "\\b \\b"', input: ['helo\x7f\x7flp\r'] },
  { name: 'erase at line start does nothing', input: ['\x7f\x7fa\r'] },
  { name: '^U kills the line (ECHOKE: erased char by char)', input: ['abc def\x15xyz\r'] },
  { name: '^U without ECHOKE echoes ^U and a newline', input: ['abc\x15x\r'], lclr: ECHOKE },
  { name: '^W erases a word (alnums, then stops)', input: ['foo bar/baz\x17\r'] },
  { name: '^W skips trailing blanks first', input: ['foo bar  \x17\x17x\r'] },
  { name: '^D at line start is EOF (read returns 0)', input: ['\x04'] },
  { name: '^D mid-line ends the line without a newline', input: ['abc\x04'] },
  { name: '^D twice: a line, then EOF', input: ['abc\x04\x04'] },
  { name: 'control characters echo as ^X (ECHOCTL)', input: ['a\x01b\r'] },
  { name: 'erasing a ^X erases two columns', input: ['a\x01\x7f\r'] },
  { name: 'without ECHOCTL a control character echoes as itself', input: ['a\x01\x7f\r'], lclr: ECHOCTL },
  { name: 'erasing a tab goes back to the tab stop', input: ['ab\tc\x7f\x7f\r'] },
  { name: 'erasing a tab at line start', input: ['\t\x7f\r'] },
  { name: 'in the middle of output: tab erase counts from the column', input: ['x\r', 'abc\t\x7f\r'] },
  { name: 'no echo', input: ['secret\r'], lclr: ECHO },
  { name: 'no echo but ECHONL', input: ['secret\r'], lclr: ECHO, lset: ECHONL },
  { name: '^C flushes the line and echoes ^C', input: ['abc\x03def\r'] },
  { name: '^C with NOFLSH keeps the line', input: ['abc\x03def\r'], lset: NOFLSH },
  { name: '^Z and ^\\ echo', input: ['\x1a', '\x1c'] },
  { name: 'without ISIG ^C is data', input: ['a\x03b\r'], lclr: ISIG },
  { name: 'non-canonical: bytes as typed, no editing', input: ['ab\x7fc\r'], lclr: ICANON },
  { name: 'non-canonical VMIN=0', input: ['xy'], lclr: ICANON, cc: { [VMIN]: 0, [VTIME]: 0 } },
  { name: 'non-canonical without echo', input: ['q\x15'], lclr: ICANON | ECHO },
  { name: 'without ICRNL CR is data (echoed ^M)', input: ['abc\rdef\n'], iclr: ICRNL },
  { name: 'IUTF8: erase removes a whole character', input: [utf8('aé\x7f\r')], iset: IUTF8 },
  { name: 'without IUTF8 erase removes one byte', input: [utf8('aé\x7f\r')] },
  { name: 'IUTF8: ^W over UTF-8 letters', input: [utf8('x ñandú\x17\r')], iset: IUTF8 },
  { name: 'without OPOST echo is raw', input: ['a\rb\r'], oclr: OPOST },
  { name: 'without ONLCR', input: ['a\r'], oclr: ONLCR },
  { name: 'VEOL ends a line too', input: ['ab;cd\r'], cc: { [VEOL]: 59 } },
  { name: 'erase without ECHOE echoes the erase character', input: ['ab\x7f\r'], lclr: ECHOE },
  { name: 'kill without ECHO', input: ['ab\x15c\r'], lclr: ECHO },
  { name: 'several lines in one write, read one at a time', input: ['one\rtwo\rthr'] },
];

const REFERENCE = String.raw`
import fcntl, json, os, pty, subprocess, sys, termios, time
def drain(fd):
    out = b''
    while True:
        try:
            b = os.read(fd, 65536)
        except (BlockingIOError, OSError):
            return out
        if not b:
            return out
        out += b
res = {'cases': []}
m, s = pty.openpty()
subprocess.run(['stty', 'sane'], stdin=s, check=True)
a = termios.tcgetattr(s)
res['sane'] = {'iflag': a[0], 'oflag': a[1], 'cflag': a[2], 'lflag': a[3], 'cc': [c if isinstance(c, int) else c[0] for c in a[6]]}
os.close(m); os.close(s)
for c in json.loads(sys.stdin.read()):
    m, s = pty.openpty()
    subprocess.run(['stty', 'sane'], stdin=s, check=True)
    a = termios.tcgetattr(s)
    a[0] = (a[0] | c['iset']) & ~c['iclr']
    a[1] = (a[1] | c['oset']) & ~c['oclr']
    a[3] = (a[3] | c['lset']) & ~c['lclr']
    for k, v in c['cc'].items():
        a[6][int(k)] = v if isinstance(a[6][int(k)], int) else bytes([v])
    termios.tcsetattr(s, termios.TCSANOW, a)
    for fd in (m, s):
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
    echo = b''
    for chunk in c['input']:
        os.write(m, chunk.encode('latin1'))
        time.sleep(0.04)
        echo += drain(m)
    reads = []
    zeros = 0
    while len(reads) < 10 and zeros < 2:
        try:
            b = os.read(s, 4096)
        except BlockingIOError:
            break
        reads.append(b.decode('latin1'))
        zeros = zeros + 1 if not b else 0
    res['cases'].append({'echo': echo.decode('latin1'), 'reads': reads})
    os.close(m); os.close(s)
print(json.dumps(res))
`;

interface Seen { echo: string; reads: string[] }

function linux(): { sane: { iflag: number; oflag: number; cflag: number; lflag: number; cc: number[] }; cases: Seen[] } {
  const input = JSON.stringify(cases.map((c) => ({ input: c.input, iset: c.iset ?? 0, iclr: c.iclr ?? 0, oset: c.oset ?? 0,
    oclr: c.oclr ?? 0, lset: c.lset ?? 0, lclr: c.lclr ?? 0, cc: c.cc ?? {} })));
  return JSON.parse(execFileSync('python3', ['-c', REFERENCE], { input, encoding: 'utf8' }));
}

const sb = new Sandbox(new NodePlatform());
afterAll(() => sb.shutdown());

function run(c: Case): Seen {
  let echo = '';
  const tty = sb.openTerminal({ utf8: false, onOutput: (b) => { echo += Buffer.from(b).toString('latin1'); } });
  const t = saneTermios();
  t.iflag = (t.iflag | (c.iset ?? 0)) & ~(c.iclr ?? 0);
  t.oflag = (t.oflag | (c.oset ?? 0)) & ~(c.oclr ?? 0);
  t.lflag = (t.lflag | (c.lset ?? 0)) & ~(c.lclr ?? 0);
  for (const [k, v] of Object.entries(c.cc ?? {})) t.cc[Number(k)] = v;
  expect(tty.setAttr(TCSANOW, t)).toBe(Errno.SUCCESS);
  for (const chunk of c.input) tty.input(Buffer.from(chunk, 'latin1'));
  const reads = readAll(tty);
  tty.hangup();
  return { echo, reads };
}

function readAll(tty: Tty): string[] {
  const reads: string[] = [];
  const buf = new Uint8Array(4096);
  let zeros = 0;
  while (reads.length < 10 && zeros < 2) {
    const n = tty.read(null, buf, true);
    if (n === -Errno.AGAIN) break;
    expect(n).toBeGreaterThanOrEqual(0);
    reads.push(Buffer.from(buf.subarray(0, n)).toString('latin1'));
    zeros = n === 0 ? zeros + 1 : 0;
  }
  return reads;
}

describe('tty line discipline vs a Linux pty', () => {
  const ref = linux();

  it('defaults are Linux\'s after `stty sane`', () => {
    const t = saneTermios();
    expect({ iflag: t.iflag, oflag: t.oflag, cflag: t.cflag, lflag: t.lflag }).toEqual(
      { iflag: ref.sane.iflag, oflag: ref.sane.oflag, cflag: ref.sane.cflag, lflag: ref.sane.lflag });
    expect([...t.cc.subarray(0, 17)]).toEqual(ref.sane.cc.slice(0, 17));
    // The flags named in the defaults, spelled out (a second check of the constants' values).
    expect(t.iflag).toBe(BRKINT | ICRNL | IXON | IMAXBEL);
    expect(t.lflag).toBe(ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN);
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    expect(run(cases[i])).toEqual(ref.cases[i]);
  });
});

describe('tty modes', () => {
  it('tcsetattr refuses an unknown action; TCSAFLUSH drops unread input', () => {
    const tty = sb.openTerminal({});
    expect(tty.setAttr(7, saneTermios())).toBe(Errno.INVAL);
    tty.input('typed ahead\r');
    expect(tty.setAttr(TCSAFLUSH, saneTermios())).toBe(Errno.SUCCESS);
    expect(tty.read(null, new Uint8Array(64), true)).toBe(-Errno.AGAIN);
    tty.hangup();
  });

  it('leaving canonical mode makes the line being typed readable; a blocking read waits', () => {
    const tty = sb.openTerminal({});
    tty.input('par');
    expect(tty.read(null, new Uint8Array(64), false)).toBe(WOULD_BLOCK);
    const t = saneTermios();
    t.lflag &= ~ICANON;
    tty.setAttr(TCSANOW, t);
    const buf = new Uint8Array(64);
    expect(tty.read(null, buf, false)).toBe(3);
    expect(Buffer.from(buf.subarray(0, 3)).toString()).toBe('par');
    tty.hangup();
  });

  it('output: ONLCR, and a paused host sink holds output until it settles', async () => {
    const chunks: string[] = [];
    let release!: () => void;
    const tty = sb.openTerminal({ onOutput: (b) => {
      chunks.push(Buffer.from(b).toString());
      return new Promise<void>((r) => { release = r; });
    } });
    expect(tty.write(Buffer.from('a\nb\n'))).toBe(4);
    const a = tty.pipe.arena;
    a.tryWrite(tty.pipe.ring, Buffer.from('c\n'), 99);
    tty.drainRing();
    expect(chunks).toEqual(['a\r\nb\r\n']);
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(chunks).toEqual(['a\r\nb\r\n', 'c\r\n']);
    tty.hangup();
  });

  it('resize validates its arguments', () => {
    const tty = sb.openTerminal({ cols: 80, rows: 24 });
    expect(() => tty.resize(0, 24)).toThrow(/not valid/);
    tty.resize(100, 30);
    expect([tty.cols, tty.rows]).toEqual([100, 30]);
    tty.hangup();
  });
});
