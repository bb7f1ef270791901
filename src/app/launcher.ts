/**
 * TEMPORARY: a tiny line-based program launcher for the terminal, until the
 * shell (guests/src/sh.c) becomes the terminal's session leader. It edits one
 * line locally (printable characters, Backspace, Ctrl+C, Ctrl+U), splits it
 * into words (single and double quotes group) and runs `prog args` on the
 * kernel's tty: the program leads a session with the terminal as its
 * controlling terminal, so its output reaches xterm through the tty, and
 * while it runs every key goes to the tty (line editing, echo, ^C/^Z/^\,
 * ^D), then the exit status is shown, `$?` style. Built-ins: `help`,
 * `clear`. No pipes, no redirections, no job control of its own.
 */
import type { Terminal } from '@xterm/xterm';
import type { KernelClient } from '../platform/browser/kernel-client.js';
import type { RunResult } from '../platform/browser/protocol.js';

const PROMPT = '\x1b[1;32m$\x1b[0m ';
const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';
/** Environment every launched program gets. */
const ENV = ['PATH=/bin', 'HOME=/', 'USER=wvisor'];

/** Linux signal names for the exit line. */
const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL',
  11: 'SIGSEGV', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM', 31: 'SIGSYS',
};

/** Splits a line into words: blanks separate, '…' and "…" group (no escapes, no expansion). */
export function splitWords(line: string): string[] | { error: string } {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) return { error: `unclosed ${quote} quote` };
  if (inWord) words.push(cur);
  return words;
}

export class Launcher {
  /** The line being typed. */
  private line = '';
  /** The pid of the program running now, 0 while at the prompt, -1 while it starts. */
  private running = 0;
  /** Output that came while a spawn was not yet answered. */
  private early: Array<{ pid: number; stream: 'stdout' | 'stderr'; text: string }> = [];

  constructor(
    private readonly term: Terminal,
    private readonly kernel: KernelClient,
    /** Names of the programs in /bin, for `help`. */
    private readonly programs: string[],
  ) {
    kernel.on((e) => {
      if (e.kind !== 'output') return;
      // The worker posts a program's first output before it answers the spawn: hold it until the pid is known.
      if (this.running === -1) this.early.push(e);
      else if (e.pid === this.running) this.show(e.stream, e.text);
    });
    term.onData((data) => this.input(data));
  }

  /** Writes the launcher's own text ("\n" becomes "\r\n": the terminal does not convert). */
  private write(text: string): void {
    this.term.write(text.replace(/\r?\n/g, '\r\n'));
  }

  start(): void {
    this.write('Temporary launcher (no shell yet): type a program and its arguments, e.g. `echo hi`; `help` lists programs.\n');
    this.write(PROMPT);
  }

  private input(data: string): void {
    if (this.running !== 0) {
      // A program runs on the tty: every key goes to the kernel's line discipline (^C there sends SIGINT).
      if (this.running > 0) void this.kernel.request('ttyInput', { data });
      return;
    }
    for (const ch of data) {
      if (this.running !== 0) return;
      if (ch === '\r') {
        this.term.write('\r\n');
        const line = this.line;
        this.line = '';
        void this.execute(line);
        // The rest of a pasted text is dropped: the program has no stdin.
        return;
      }
      if (ch === '\x7f' || ch === '\b') {
        if (this.line.length > 0) {
          this.line = [...this.line].slice(0, -1).join('');
          this.term.write('\b \b');
        }
      } else if (ch === '\x03') {
        this.line = '';
        this.write('^C\n' + PROMPT);
      } else if (ch === '\x15') {
        this.term.write('\b \b'.repeat([...this.line].length));
        this.line = '';
      } else if (ch >= ' ' && ch !== '\x7f') {
        this.line += ch;
        this.term.write(ch);
      }
    }
  }

  /** Moves to the start of a new line unless the cursor is at the start of one (after a program's last "\n" or a "^C"). */
  private async newLine(): Promise<void> {
    // xterm parses writes asynchronously: an empty write's callback runs once everything before it is on screen.
    await new Promise<void>((r) => this.term.write('', r));
    if (this.term.buffer.active.cursorX !== 0) this.term.write('\r\n');
  }

  private show(stream: 'stdout' | 'stderr', text: string): void {
    this.write(stream === 'stderr' ? `${RED}${text}${RESET}` : text);
  }

  private async execute(line: string): Promise<void> {
    const words = splitWords(line);
    if (!Array.isArray(words)) {
      this.write(`${RED}${words.error}${RESET}\n${PROMPT}`);
      return;
    }
    if (words.length === 0) {
      this.write(PROMPT);
      return;
    }
    if (words[0] === 'clear') {
      this.term.clear();
      this.write('\x1b[2J\x1b[H' + PROMPT);
      return;
    }
    if (words[0] === 'help') {
      this.write(`programs in /bin: ${this.programs.join(' ')}\n`
        + 'The program runs on the terminal: Ctrl+C interrupts it, Ctrl+D ends its input.\n' + PROMPT);
      return;
    }
    this.running = -1;
    try {
      const { pid } = await this.kernel.request('spawn', {
        opts: { argv: words, env: ENV, stdin: '', keepStdinOpen: false, stream: false, terminal: true },
      });
      this.running = pid;
      for (const e of this.early) if (e.pid === pid) this.show(e.stream, e.text);
      this.early = [];
      const r = await this.kernel.request('wait', { pid });
      // The tty's output came before the wait's answer; start the status on a line of its own.
      await this.newLine();
      this.write(`${DIM}[${describeExit(r)}]${RESET}\n`);
    } catch (e) {
      await this.newLine();
      this.write(`${RED}${(e as Error).message}${RESET}\n`);
    } finally {
      this.running = 0;
      this.early = [];
      this.write(PROMPT);
    }
  }
}

/** `$?` and how: "exit 0", "exit 130: killed by SIGINT". */
function describeExit(r: RunResult): string {
  if (r.signal === null) return `exit ${r.shellCode}`;
  return `exit ${r.shellCode}: killed by ${SIGNAL_NAMES[r.signal] ?? `signal ${r.signal}`}`;
}
