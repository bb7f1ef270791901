import { Errno } from './abi/errno.js';
import { Sig } from './abi/signals.js';
import { FdFlags, FileType, type Filestat } from './abi/wasi-types.js';
import { Hint, ringHint } from './channel.js';
import { OpenFile, type Readiness, WOULD_BLOCK } from './file.js';
import type { Kernel } from './kernel.js';
import type { Pipe } from './pipe.js';
import type { Session } from './process-group.js';
import { sendSignal, signalGroup } from './task-signals.js';
import { type Task, TaskState } from './task.js';

/**
 * The terminal: a tty device with Linux's line discipline (n_tty), its
 * controlling-terminal and foreground-group rules, and the window size.
 *
 *   host keyboard --input()--> line discipline --read()--> guest (fd_read, held in the kernel)
 *                                  | echo
 *   guest fd_write --output ring--> kernel drain --OPOST/ONLCR--> host onOutput()
 *
 * Input is human speed, so it is processed in the kernel and reads block there
 * (WOULD_BLOCK + onReady). Output is not: a tty's fd hint points the task's
 * worker at an output ring (a pipe ring in the shared arena) it writes without
 * a round trip; the kernel drains the ring as it fills, applies output
 * processing and hands the bytes to the host. Echo goes the same way, after
 * draining the ring, so it never overtakes output written before it.
 *
 * Not implemented (the flags are kept and reported, not acted on): IXON/IXOFF
 * flow control (^S/^Q are ordinary characters), VLNEXT, VREPRINT, VDISCARD,
 * ECHOPRT, XCASE, parity. tcsetpgrp/tcsetattr from a background process do
 * not send SIGTTOU, and a background read is not refused for an ignored
 * SIGTTIN: signal dispositions (sigaction) do not exist yet, and without
 * them a shell could not take its terminal back.
 */

// ---- termios (Linux values; guests/include/wvisor.h) ------------------------

/** c_iflag bits. */
export const BRKINT = 0o2, INLCR = 0o100, IGNCR = 0o200, ICRNL = 0o400, IXON = 0o2000, IMAXBEL = 0o20000, IUTF8 = 0o40000;
/** c_oflag bits. */
export const OPOST = 0o1, ONLCR = 0o4;
/** c_cflag: B38400 | CS8 | CREAD, as a Linux pty after `stty sane`. */
export const CFLAG_DEFAULT = 0o277;
/** c_lflag bits. */
export const ISIG = 0o1, ICANON = 0o2, ECHO = 0o10, ECHOE = 0o20, ECHOK = 0o40, ECHONL = 0o100, NOFLSH = 0o200,
  TOSTOP = 0o400, ECHOCTL = 0o1000, ECHOKE = 0o4000, IEXTEN = 0o100000;
/** c_cc indexes. */
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSTART = 8, VSTOP = 9,
  VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14, VLNEXT = 15, VEOL2 = 16;
/** tcsetattr actions. */
export const TCSANOW = 0, TCSADRAIN = 1, TCSAFLUSH = 2;
/** Bytes of wv_termios (4 u32 flag words + cc[32]) and wv_winsize. */
export const TERMIOS_BYTES = 48;
export const WINSIZE_BYTES = 8;

/** The termios subset wVisor keeps (wv_termios). */
export interface Termios {
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  /** Control characters, 32 entries; 0 disables one (_POSIX_VDISABLE). */
  cc: Uint8Array;
}

/** Linux's settings for a pty after `stty sane` (checked against Linux in tty.test.ts). */
export function saneTermios(): Termios {
  const cc = new Uint8Array(32);
  cc.set([3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0]);
  return {
    iflag: BRKINT | ICRNL | IXON | IMAXBEL,
    oflag: OPOST | ONLCR,
    cflag: CFLAG_DEFAULT,
    lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    cc,
  };
}

export function encodeTermios(t: Termios, out: Uint8Array): number {
  const dv = new DataView(out.buffer, out.byteOffset, TERMIOS_BYTES);
  dv.setUint32(0, t.iflag, true);
  dv.setUint32(4, t.oflag, true);
  dv.setUint32(8, t.cflag, true);
  dv.setUint32(12, t.lflag, true);
  out.set(t.cc, 16);
  return TERMIOS_BYTES;
}

export function decodeTermios(b: Uint8Array): Termios {
  const dv = new DataView(b.buffer, b.byteOffset, TERMIOS_BYTES);
  return { iflag: dv.getUint32(0, true), oflag: dv.getUint32(4, true), cflag: dv.getUint32(8, true),
    lflag: dv.getUint32(12, true), cc: b.slice(16, 48) };
}

/** Output gathered this long before the host gets it (unless COALESCE_BYTES are waiting). */
const COALESCE_MS = 2;
const COALESCE_BYTES = 64 << 10;

/** Linux's N_TTY_BUF_SIZE: a canonical line holds at most this many bytes less one (room for the newline). */
export const TTY_BUF = 4096;
/** Non-canonical input kept unread at most; more typed (pasted) bytes are dropped. */
export const RAW_MAX = 1 << 16;

/** The kernel's ctype (lib/ctype.c): Latin-1 letters count as alphanumeric, 0x80..0x9f as control. */
function isCntrl(c: number): boolean { return c < 32 || c === 127 || (c >= 0x80 && c < 0xa0); }
function isAlnumK(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7)
    || c === 0xaa || c === 0xb5 || c === 0xba || (c >= 0xdf && c <= 0xff && c !== 0xf7);
}

/** How the host receives a terminal's output. A returned promise pauses output until it settles (flow control). */
export type TtyOutput = (bytes: Uint8Array) => void | Promise<void>;

/** What a snapshot saves of a tty (kernel-state.ts embeds it). */
export interface TtyState {
  name: string;
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  cc: number[];
  cols: number;
  rows: number;
  /** Session whose controlling terminal it is, or 0. */
  sid: number;
  /** Foreground process group id, or 0. */
  fgPgid: number;
  /** Complete canonical lines not yet read (an empty one is an end-of-file mark). */
  lines: Uint8Array[];
  /** The line being edited. */
  edit: Uint8Array;
  /** Non-canonical input not yet read. */
  raw: Uint8Array;
  column: number;
  canonColumn: number;
  /** Output written but not yet drained to the host. */
  output: Uint8Array;
  hungUp: boolean;
}

/**
 * One terminal (a pty's slave side, the host holding the master). Every open
 * of it is a {@link TtyFile}; they share this object.
 */
export class Tty {
  /** Modes. Changed by tcsetattr. @saved */
  termios: Termios = saneTermios();
  /** Window width in characters. Changed by the host (resize). @saved */
  cols: number;
  /** Window height in characters. Changed by the host (resize). @saved */
  rows: number;
  /** The session this is the controlling terminal of. Changed by spawn/open/session leader exit. @saved as sid */
  session: Session | null = null;
  /** Foreground process group id (0: none). Changed by tcsetpgrp and acquisition. @saved */
  fgPgid = 0;
  /** Canonical mode: complete lines ready for read(); an empty line is ^D at line start (EOF). @saved */
  private lines: Uint8Array[] = [];
  /** Canonical mode: the line being edited. @saved */
  private edit: number[] = [];
  /** Non-canonical mode: bytes ready for read(). @saved */
  private raw: number[] = [];
  /** Output column (for tab erase), as n_tty's ldata->column. Changed by output and echo. @saved */
  column = 0;
  /** Column where the line being edited started. @saved */
  private canonColumn = 0;
  /** monotonic ms of the last input byte (VTIME's inter-byte timer). @nosave timers restart */
  private lastInputMs = 0;
  /** The host went away: reads get EOF, kernel-side writes EIO. @saved */
  hungUp = false;
  /** Output ring the tasks' workers write into; read only by this tty. @saved as its undrained bytes (TtyState.output), into a new ring */
  readonly pipe: Pipe;
  /** Readers and pollers waiting for input (or a foreground change). @nosave held calls are re-issued */
  private readonly waiters = new Set<() => void>();
  /** The host's output sink; null until attached (after a restore). @nosave the host attaches again */
  private sink: TtyOutput | null;
  /** Output paused while the host's sink digests a chunk. @nosave */
  private paused = false;
  /** A drain of the output ring is scheduled. @nosave */
  private watching = false;
  /** Scratch buffer for draining the ring. @nosave */
  private readonly chunk = new Uint8Array(1 << 16);

  constructor(
    /** The kernel. @nosave the restoring kernel makes the tty */
    private readonly k: Kernel,
    /** Name under /dev ("pts/0"); snapshots name the tty by it. Fixed. @saved */
    readonly name: string,
    pipe: Pipe,
    opts: { cols: number; rows: number; onOutput?: TtyOutput },
  ) {
    this.pipe = pipe;
    pipe.openEnd(true);
    pipe.openEnd(false);
    this.cols = opts.cols;
    this.rows = opts.rows;
    this.sink = opts.onOutput ?? null;
    this.watchRing();
  }

  // ---- host side ------------------------------------------------------------

  /** Sets (or replaces) the host's output sink and sends it what is buffered. */
  attach(onOutput: TtyOutput): void {
    this.sink = onOutput;
    this.drainRing();
    this.watchRing();
  }

  /** Bytes typed by the person at the terminal (the host's keyboard), through the line discipline. */
  input(bytes: Uint8Array | string): void {
    const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    if (this.hungUp) return;
    this.lastInputMs = this.k.platform.monotonicMs();
    const echo: number[] = [];
    for (const c of b) this.receive(c, echo);
    this.flushEcho(echo);
    this.wake();
  }

  /** The window changed size: SIGWINCH to the foreground group when it did. */
  resize(cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1 || cols > 0xffff || rows > 0xffff) {
      throw new RangeError(`terminal size ${cols}x${rows} is not valid: give whole numbers of columns and rows from 1 to 65535`);
    }
    if (cols === this.cols && rows === this.rows) return;
    this.cols = cols;
    this.rows = rows;
    if (this.fgPgid > 0) signalGroup(this.k, this.fgPgid, Sig.WINCH);
  }

  /**
   * The host closed the terminal (Linux's hangup): the session leader and the
   * foreground group get SIGHUP then SIGCONT; reads see EOF from now on.
   */
  hangup(): void {
    if (this.hungUp) return;
    this.hungUp = true;
    const leader = this.session ? this.k.tasks.get(this.session.sid) : undefined;
    const fg = this.fgPgid;
    this.session = null;
    this.fgPgid = 0;
    if (leader) { sendSignal(this.k, leader, Sig.HUP); sendSignal(this.k, leader, Sig.CONT); }
    if (fg > 0) { signalGroup(this.k, fg, Sig.HUP); signalGroup(this.k, fg, Sig.CONT); }
    this.drainRing();
    this.refreshHints();
    this.wake();
    this.k.ttys.delete(this.name);
    this.pipe.closeEnd(true);
    this.pipe.closeEnd(false);
  }

  // ---- controlling terminal ---------------------------------------------------

  /** Makes this the controlling terminal of `t`'s session, `t`'s group in the foreground (spawn, open by a leader). */
  acquire(t: Task): boolean {
    if (this.session && this.session !== t.pgrp.session) return false;
    if (controllingTty(this.k, t)) return false;
    this.session = t.pgrp.session;
    this.fgPgid = t.pgid;
    this.wake();
    return true;
  }

  /** The session leader ended: the terminal is free; its foreground group gets SIGHUP and SIGCONT (Linux's disassociate_ctty). */
  leaderExited(): void {
    const fg = this.fgPgid;
    this.session = null;
    this.fgPgid = 0;
    if (fg > 0) { signalGroup(this.k, fg, Sig.HUP); signalGroup(this.k, fg, Sig.CONT); }
    this.wake();
  }

  /** tcsetpgrp's checks and effect. Returns an errno. */
  setForeground(t: Task, pgid: number): Errno {
    if (this.session === null || this.session !== t.pgrp.session) return Errno.NOTTY;
    if (pgid < 0) return Errno.INVAL;
    const g = this.k.findGroup(pgid);
    if (!g) return this.k.tasks.get(pgid)?.alive ? Errno.PERM : Errno.SRCH;
    if (g.session !== this.session) return Errno.PERM;
    this.fgPgid = pgid;
    this.wake();
    return Errno.SUCCESS;
  }

  // ---- modes ---------------------------------------------------------------------

  /** tcsetattr: TCSADRAIN waits for output (drained at once here), TCSAFLUSH also discards unread input. */
  setAttr(action: number, t: Termios): Errno {
    if (action !== TCSANOW && action !== TCSADRAIN && action !== TCSAFLUSH) return Errno.INVAL;
    this.drainRing();
    if (action === TCSAFLUSH) this.flushInput();
    const wasCanon = (this.termios.lflag & ICANON) !== 0;
    const tostopChanged = ((this.termios.lflag ^ t.lflag) & TOSTOP) !== 0;
    this.termios = { ...t, cc: t.cc.slice() };
    if (tostopChanged) this.refreshHints();
    const canon = (t.lflag & ICANON) !== 0;
    if (wasCanon && !canon) {
      // What was typed becomes readable as is (n_tty_set_termios).
      for (const l of this.lines) for (const c of l) this.raw.push(c);
      for (const c of this.edit) this.raw.push(c);
      this.lines = [];
      this.edit = [];
    } else if (!wasCanon && canon && this.raw.length > 0) {
      this.lines.push(Uint8Array.from(this.raw));
      this.raw = [];
    }
    this.wake();
    return Errno.SUCCESS;
  }

  /** Rewrites the fd hints of every open of this tty (writes switch between the ring and the kernel). */
  private refreshHints(): void {
    for (const t of this.k.tasks.values()) {
      for (const [fd, e] of t.fds.entries()) if (e.file instanceof TtyFile && e.file.tty === this) this.k.refreshHint(t, fd);
    }
  }

  private flushInput(): void {
    this.lines = [];
    this.edit = [];
    this.raw = [];
  }

  // ---- line discipline: input ---------------------------------------------------

  /** One input byte (n_tty_receive_char and friends); echo bytes are appended to `echo`. */
  private receive(c: number, echo: number[]): void {
    const { iflag, lflag, cc } = this.termios;
    if (c === 13) {
      if (iflag & IGNCR) return;
      if (iflag & ICRNL) c = 10;
    } else if (c === 10 && iflag & INLCR) c = 13;

    if (lflag & ISIG) {
      const sig = c === 0 ? 0 : c === cc[VINTR] ? Sig.INT : c === cc[VQUIT] ? Sig.QUIT : c === cc[VSUSP] ? Sig.TSTP : 0;
      if (sig) {
        if (!(lflag & NOFLSH)) {
          // Linux drops echo not yet output with the input (keys typed in the same write as the ^C).
          echo.length = 0;
          this.flushInput();
          this.discardOutput();
        }
        if (lflag & ECHO) this.echoChar(c, echo);
        this.flushEcho(echo);
        if (this.fgPgid > 0) signalGroup(this.k, this.fgPgid, sig);
        return;
      }
    }

    if (lflag & ICANON) {
      if (c !== 0 && (c === cc[VERASE] || c === cc[VKILL] || (c === cc[VWERASE] && lflag & IEXTEN))) {
        this.erase(c, echo);
        return;
      }
      if (c === 10) {
        if (lflag & (ECHO | ECHONL)) this.echoRaw(10, echo);
        this.pushLine(10);
        return;
      }
      if (c !== 0 && c === cc[VEOF]) {
        this.pushLine(-1);
        return;
      }
      if (c !== 0 && (c === cc[VEOL] || c === cc[VEOL2])) {
        if (lflag & ECHO) this.echoChar(c, echo);
        this.pushLine(c);
        return;
      }
      // A full line takes no more (one byte stays free for the newline).
      if (this.canonBytes() >= TTY_BUF - 1) return;
      if (lflag & ECHO) {
        if (this.edit.length === 0) this.canonColumn = this.columnAfter(echo);
        this.echoChar(c, echo);
      }
      this.edit.push(c);
      return;
    }

    if (lflag & ECHO) {
      if (c === 10) this.echoRaw(10, echo);
      else this.echoChar(c, echo);
    }
    if (this.raw.length < RAW_MAX) this.raw.push(c);
  }

  private canonBytes(): number {
    let n = this.edit.length;
    for (const l of this.lines) n += l.length;
    return n;
  }

  /** Ends the line being edited: with `term` appended (≥ 0), or none (VEOF: -1). */
  private pushLine(term: number): void {
    if (term >= 0) this.edit.push(term);
    this.lines.push(Uint8Array.from(this.edit));
    this.edit = [];
  }

  /** VERASE, VWERASE, VKILL (n_tty's eraser()). */
  private erase(c: number, echo: number[]): void {
    const { iflag, lflag, cc } = this.termios;
    if (this.edit.length === 0) return;
    const utf8 = (iflag & IUTF8) !== 0;
    const cont = (b: number) => utf8 && (b & 0xc0) === 0x80;
    const kind = c === cc[VERASE] ? 'erase' : c === cc[VWERASE] ? 'werase' : 'kill';
    if (kind === 'kill') {
      if (!(lflag & ECHO)) { this.edit = []; return; }
      if (!(lflag & ECHOK) || !(lflag & ECHOKE) || !(lflag & ECHOE)) {
        this.edit = [];
        this.echoChar(c, echo);
        if (lflag & ECHOK) this.echoRaw(10, echo);
        return;
      }
    }
    let seenAlnums = 0;
    while (this.edit.length > 0) {
      let head = this.edit.length;
      let ch: number;
      do { ch = this.edit[--head]; } while (cont(ch) && head > 0);
      if (cont(ch)) break;
      if (kind === 'werase') {
        if (isAlnumK(ch) || ch === 95) seenAlnums++;
        else if (seenAlnums) break;
      }
      this.edit.length = head;
      if (lflag & ECHO) {
        if (kind === 'erase' && !(lflag & ECHOE)) {
          this.echoChar(cc[VERASE], echo);
        } else if (ch === 9) {
          // Columns the tab took: count back to the line start or the previous tab.
          let cols = 0;
          let afterTab = false;
          for (let i = head - 1; i >= 0; i--) {
            const b = this.edit[i];
            if (b === 9) { afterTab = true; break; }
            if (isCntrl(b)) { if (lflag & ECHOCTL) cols += 2; } else if (!cont(b)) cols++;
          }
          if (!afterTab) cols += this.canonColumn;
          let bs = 8 - (cols & 7);
          const col = this.columnAfter(echo);
          if (bs > col) bs = col;
          for (let i = 0; i < bs; i++) this.echoRaw(8, echo);
        } else {
          if (isCntrl(ch) && lflag & ECHOCTL) echo.push(8, 32, 8);
          if (!isCntrl(ch) || lflag & ECHOCTL) echo.push(8, 32, 8);
        }
      }
      if (kind === 'erase') break;
    }
  }

  /** echo_char: a control character shows as ^X under ECHOCTL (not tab or newline). */
  private echoChar(c: number, echo: number[]): void {
    if (this.termios.lflag & ECHOCTL && isCntrl(c) && c !== 9 && c !== 10) echo.push(94, c ^ 0o100);
    else echo.push(c);
  }

  private echoRaw(c: number, echo: number[]): void {
    echo.push(c);
  }

  /** The output column once `echo` (not yet output) is written. */
  private columnAfter(echo: number[]): number {
    return echo.length === 0 ? this.column : this.trackColumn(Uint8Array.from(echo), this.column);
  }

  private flushEcho(echo: number[]): void {
    if (echo.length === 0) return;
    const bytes = Uint8Array.from(echo);
    echo.length = 0;
    this.drainRing();
    this.emit(bytes);
  }

  // ---- reading -----------------------------------------------------------------------

  /**
   * A read by `t` (null: the host or a kernel-internal read): job control,
   * then canonical (one line at most) or non-canonical (VMIN/VTIME) rules.
   * Returns bytes, -errno, or WOULD_BLOCK.
   */
  read(t: Task | null, dst: Uint8Array, nonblock: boolean): number {
    if (t && this.session !== null && this.session === t.pgrp.session && t.pgid !== this.fgPgid) {
      // A background read of the controlling terminal (n_tty's job_control()).
      if (t.pgrp.isOrphaned()) return -Errno.IO;
      signalGroup(this.k, t.pgid, Sig.TTIN);
      return WOULD_BLOCK;
    }
    if (t && t.state === TaskState.Stopped) return WOULD_BLOCK;
    if (this.termios.lflag & ICANON) {
      const line = this.lines[0];
      if (line === undefined) {
        if (this.hungUp) return 0;
        return nonblock ? -Errno.AGAIN : WOULD_BLOCK;
      }
      const n = Math.min(line.length, dst.length);
      dst.set(line.subarray(0, n));
      if (n === line.length) this.lines.shift();
      else this.lines[0] = line.subarray(n);
      return n;
    }
    const min = this.termios.cc[VMIN];
    const time = this.termios.cc[VTIME];
    const avail = this.raw.length;
    let ready: boolean;
    if (this.hungUp || dst.length === 0) ready = true;
    else if (min === 0 && time === 0) ready = true;
    else if (min === 0) ready = avail > 0 || this.timedOut(t);
    else if (avail >= Math.min(min, dst.length)) ready = true;
    else if (time > 0 && avail > 0) ready = this.k.platform.monotonicMs() - this.lastInputMs >= time * 100;
    else ready = false;
    if (!ready) return nonblock ? -Errno.AGAIN : WOULD_BLOCK;
    this.readTimers.delete(t);
    const n = Math.min(avail, dst.length);
    for (let i = 0; i < n; i++) dst[i] = this.raw[i];
    this.raw.splice(0, n);
    return n;
  }

  /** VMIN=0, VTIME>0: when each blocked reader's timer runs out (monotonic ms). @nosave held reads are re-issued */
  private readonly readTimers = new Map<Task | null, number>();

  private timedOut(t: Task | null): boolean {
    const now = this.k.platform.monotonicMs();
    const end = this.readTimers.get(t);
    if (end === undefined) {
      this.readTimers.set(t, now + this.termios.cc[VTIME] * 100);
      return false;
    }
    return now >= end;
  }

  /** When a blocked non-canonical read must be retried without new input (VTIME), in ms from now. */
  private retryInMs(t: Task | null): number | undefined {
    if (this.termios.lflag & ICANON || this.termios.cc[VTIME] === 0) return undefined;
    const now = this.k.platform.monotonicMs();
    if (this.termios.cc[VMIN] === 0) {
      const end = this.readTimers.get(t);
      return end === undefined ? undefined : Math.max(0, end - now);
    }
    if (this.raw.length === 0) return undefined;
    return Math.max(0, this.lastInputMs + this.termios.cc[VTIME] * 100 - now);
  }

  /** poll: readable when read() would not block (for the foreground). */
  readiness(): Readiness {
    let readable: boolean;
    if (this.hungUp) readable = true;
    else if (this.termios.lflag & ICANON) readable = this.lines.length > 0;
    else {
      const min = this.termios.cc[VMIN];
      const need = this.termios.cc[VTIME] === 0 && min > 0 ? min : 1;
      readable = this.raw.length >= need;
    }
    const nbytes = this.termios.lflag & ICANON ? (this.lines[0]?.length ?? 0) : this.raw.length;
    return { readable, writable: true, nbytes: BigInt(nbytes), hangup: this.hungUp };
  }

  /**
   * Calls cb once when a blocked read or poll may now succeed: input, a mode
   * or foreground change, a VTIME timer, or (for `t` stopped) its SIGCONT.
   */
  onReady(t: Task | null, cb: () => void): () => void {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unwatch: (() => void) | undefined;
    const fire = () => {
      if (done) return;
      done = true;
      this.waiters.delete(fire);
      if (timer !== undefined) clearTimeout(timer);
      unwatch?.();
      const prev = this.k.current;
      this.k.current = t;
      try { cb(); } finally { this.k.current = prev; }
    };
    this.waiters.add(fire);
    const ms = this.retryInMs(t);
    if (ms !== undefined) timer = setTimeout(fire, ms + 1);
    if (t && t.state === TaskState.Stopped) {
      // Retry once it runs again (a background reader gets SIGTTIN again, as Linux restarts the read).
      unwatch = this.k.watch(() => {
        if (t.state !== TaskState.Stopped) void Promise.resolve().then(fire);
      });
    }
    return () => {
      done = true;
      this.waiters.delete(fire);
      if (timer !== undefined) clearTimeout(timer);
      unwatch?.();
    };
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  // ---- output ---------------------------------------------------------------------------

  /** Output written by a task through the kernel (or the kernel itself): after what the ring holds. */
  write(bytes: Uint8Array): number {
    if (this.hungUp) return -Errno.IO;
    this.drainRing();
    this.emit(bytes);
    return bytes.length;
  }

  /** Applies output processing (OPOST: ONLCR) and hands the bytes to the host. */
  private emit(bytes: Uint8Array): void {
    let out = this.postprocess(bytes);
    // The host gets bytes of its own: a kernel write's bytes are a view of the task's shared channel page.
    if (out === bytes && !(out.buffer instanceof ArrayBuffer)) out = out.slice();
    if (!this.sink || this.hungUp) return;
    const p = this.sink(out);
    if (p) {
      this.paused = true;
      void p.then(() => this.resume(), () => this.resume());
    }
  }

  private resume(): void {
    this.paused = false;
    this.drainRing();
    this.watchRing();
  }

  /** OPOST/ONLCR ("\n" → "\r\n") and the column n_tty tracks for tab erase. */
  postprocess(bytes: Uint8Array): Uint8Array {
    const { oflag } = this.termios;
    if (!(oflag & OPOST)) return bytes;
    this.column = this.trackColumn(bytes, this.column);
    if (!(oflag & ONLCR)) return bytes;
    let nl = 0;
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) nl++;
    if (nl === 0) return bytes;
    const out = new Uint8Array(bytes.length + nl);
    let o = 0;
    let from = 0;
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) {
      out.set(bytes.subarray(from, i), o);
      o += i - from;
      out[o++] = 13;
      out[o++] = 10;
      from = i + 1;
    }
    out.set(bytes.subarray(from), o);
    return out;
  }

  /** The column after writing `bytes` from `col` (do_output_char's bookkeeping; only the tail after the last line end matters). */
  private trackColumn(bytes: Uint8Array, col: number): number {
    let start = 0;
    const nl = bytes.lastIndexOf(10);
    const cr = bytes.lastIndexOf(13);
    const last = Math.max(this.termios.oflag & ONLCR ? nl : -1, cr);
    if (last >= 0) { col = 0; start = last + 1; }
    const utf8 = (this.termios.iflag & IUTF8) !== 0;
    for (let i = start; i < bytes.length; i++) {
      const c = bytes[i];
      if (c === 9) col = (col | 7) + 1;
      else if (c === 8) { if (col > 0) col--; } else if (!isCntrl(c) && !(utf8 && (c & 0xc0) === 0x80)) col++;
    }
    return col;
  }

  /** Moves what tasks wrote into the output ring to the host (unless the host asked for a pause). */
  drainRing(): void {
    if (this.paused || (!this.sink && !this.hungUp)) return;
    const a = this.pipe.arena;
    for (;;) {
      const n = a.tryRead(this.pipe.ring, this.chunk, 0);
      if (n <= 0) return;
      this.emit(this.chunk.slice(0, n));
      if (this.paused) return;
    }
  }

  /** ^C/^Z/^\ discard output not yet shown (Linux's tty_driver_flush_buffer). */
  private discardOutput(): void {
    const a = this.pipe.arena;
    while (a.tryRead(this.pipe.ring, this.chunk, 0) > 0) { /* discard */ }
  }

  /**
   * Drains the ring whenever it changes. Output written a line at a time
   * (stdout is line-buffered on a terminal) is gathered for COALESCE_MS, so
   * the host gets a few large chunks, not one per line; a ring filling up is
   * drained at once. Echo does not wait (it drains the ring first).
   */
  private watchRing(): void {
    if (this.watching || this.hungUp) return;
    this.watching = true;
    this.pipe.onChange(() => {
      const go = () => {
        this.watching = false;
        if (this.hungUp) return;
        this.drainRing();
        if (!this.paused && this.sink) this.watchRing();
      };
      if (this.pipe.arena.used(this.pipe.ring) >= COALESCE_BYTES) go();
      else setTimeout(go, COALESCE_MS);
    });
  }

  // ---- snapshots -----------------------------------------------------------------------------

  save(): TtyState {
    const t = this.termios;
    return { name: this.name, iflag: t.iflag, oflag: t.oflag, cflag: t.cflag, lflag: t.lflag, cc: [...t.cc],
      cols: this.cols, rows: this.rows, sid: this.session?.sid ?? 0, fgPgid: this.fgPgid,
      lines: this.lines.map((l) => l.slice()), edit: Uint8Array.from(this.edit), raw: Uint8Array.from(this.raw),
      column: this.column, canonColumn: this.canonColumn, output: this.pipe.arena.peekAll(this.pipe.ring),
      hungUp: this.hungUp };
  }

  /** Restores saved state (the session is resolved by the caller). */
  load(s: TtyState, session: Session | null): void {
    this.termios = { iflag: s.iflag, oflag: s.oflag, cflag: s.cflag, lflag: s.lflag, cc: Uint8Array.from(s.cc) };
    this.cols = s.cols;
    this.rows = s.rows;
    this.session = session;
    this.fgPgid = s.fgPgid;
    this.lines = s.lines.map((l) => l.slice());
    this.edit = [...s.edit];
    this.raw = [...s.raw];
    this.column = s.column;
    this.canonColumn = s.canonColumn;
    this.hungUp = s.hungUp;
    let off = 0;
    while (off < s.output.length) {
      const n = this.pipe.arena.tryWrite(this.pipe.ring, s.output.subarray(off), 0);
      if (n <= 0) break;
      off += n;
    }
  }
}

/** The controlling terminal of `t`'s session, if it has one. */
export function controllingTty(k: Kernel, t: Task): Tty | undefined {
  const s = t.pgrp.session;
  for (const tty of k.ttys.values()) if (tty.session === s) return tty;
  return undefined;
}

/** Called when a task exits: a session leader's terminal is freed (Linux's disassociate_ctty). */
export function ttyTaskExited(k: Kernel, t: Task): void {
  if (t.pid !== t.sid) return;
  controllingTty(k, t)?.leaderExited();
}

/**
 * An open of a terminal: one description per open (dup and spawn share it).
 * Writes normally bypass it (the fd hint sends the worker to the output ring);
 * reads come to the kernel and block there.
 */
export class TtyFile extends OpenFile {
  /** @nosave a constant */
  readonly filetype = FileType.CharacterDevice;

  constructor(
    /** The kernel. @nosave the restoring kernel makes the file */
    private readonly k: Kernel,
    /** The terminal. Fixed. @saved by name */
    readonly tty: Tty,
    readable: boolean,
    writable: boolean,
  ) {
    super(readable, writable);
  }

  describe(): string { return `/dev/${this.tty.name}`; }

  override read(dst: Uint8Array): number {
    if (!this.readable) return -Errno.BADF;
    return this.tty.read(this.k.current, dst, (this.flags & FdFlags.NonBlock) !== 0);
  }

  override write(src: Uint8Array): number {
    if (!this.writable) return -Errno.BADF;
    const t = this.k.current;
    const tty = this.tty;
    if (t && tty.termios.lflag & TOSTOP && tty.session !== null && tty.session === t.pgrp.session && t.pgid !== tty.fgPgid
      && !t.pgrp.isOrphaned()) {
      // TOSTOP: a background write stops the group (SIGTTOU); retried once it is continued.
      signalGroup(this.k, t.pgid, Sig.TTOU);
      return WOULD_BLOCK;
    }
    return tty.write(src);
  }

  stat(): Filestat {
    const now = this.k.platform.realtimeNs();
    const n = Number(this.tty.name.replace(/\D/g, '') || 0);
    return { dev: 0x16n, ino: BigInt(3 + n), filetype: FileType.CharacterDevice, nlink: 1n, size: 0n,
      atim: now, mtim: now, ctim: now };
  }

  override readiness(): Readiness {
    const r = this.tty.readiness();
    return { ...r, readable: this.readable && r.readable, writable: this.writable };
  }

  override onReady(cb: () => void): () => void {
    return this.tty.onReady(this.k.current, cb);
  }

  /** Writes go straight to the output ring, unless TOSTOP needs the kernel to see background writes. */
  override hint(): number {
    if (!this.writable || this.tty.termios.lflag & TOSTOP || this.tty.hungUp) return Hint.Kernel;
    return ringHint(this.tty.pipe.ring, Hint.RingWrite, (this.flags & FdFlags.NonBlock) !== 0);
  }
}
