/**
 * The terminal's session: `sh` (guests/src/sh.c, a guest like any other) runs
 * on the kernel's tty as the session leader, so the page behaves as a real
 * terminal does — the shell edits lines and runs pipelines and jobs, the tty's
 * line discipline turns ^C/^Z/^\ into signals for the foreground job. Every
 * key goes to the tty; when the shell exits (`exit`, ^D), a new one starts.
 *
 * Why a guest and not a host-side program: the shell then exercises exactly
 * the ABI user programs get (spawn with process groups, waitpid with
 * WUNTRACED, tcsetpgrp, termios), runs the same under `wvisor run`, and is
 * tested natively against dash and bash from the same C source.
 */
import type { IDisposable, Terminal } from '@xterm/xterm';
import type { KernelClient } from '../platform/browser/kernel-client.js';

/** The shell's environment. */
const ENV = ['PATH=/bin', 'HOME=/home', 'USER=wvisor', 'TERM=xterm-256color', 'PWD=/home'];
const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

export class ShellSession {
  /** pid of the running shell, 0 between shells. */
  private pid = 0;
  /** Keys typed while no shell runs yet; given to the tty once one does. */
  private early = '';
  private readonly input: IDisposable;
  private disposed = false;
  /**
   * A snapshot restore is under way (the running shell's wait will fail or end) or done: the restored shell's
   * pid (0: the snapshot had none, so start one), null when none is pending.
   */
  private restoring: Promise<number | null> | null = null;
  private settleRestore: ((pid: number | null) => void) | null = null;

  constructor(private readonly term: Terminal, private readonly kernel: KernelClient, private readonly motd: string) {
    this.input = term.onData((data) => this.type(data));
  }

  /** pid of the running shell, 0 while none runs. */
  get shellPid(): number { return this.pid; }

  /** Keys for the terminal, as if typed (the lessons' "run this" buttons use it too). */
  type(data: string): void {
    if (this.disposed) return;
    if (this.pid > 0) void this.kernel.request('ttyInput', { data });
    else this.early += data;
  }

  /** Stops forwarding keys (the session ended). */
  dispose(): void {
    this.disposed = true;
    this.input.dispose();
  }

  /** A snapshot restore starts: the end of the running shell's wait is not a shell exiting. */
  replacing(): void {
    if (this.settleRestore) return;
    this.restoring = new Promise((r) => { this.settleRestore = r; });
  }

  /** The restore is done: `pid` is the restored shell to wait for (0: none, start one), null: it failed (nothing changed). */
  adopt(pid: number | null): void {
    const settle = this.settleRestore;
    this.settleRestore = null;
    if (pid !== null && pid > 0) this.pid = pid;
    settle?.(pid);
  }

  /** Starts the shell, and a new one whenever it exits; after a restore, waits for the restored one. */
  async start(): Promise<void> {
    this.term.write(this.motd);
    let adopted = 0;
    while (!this.disposed) {
      try {
        let pid = adopted;
        adopted = 0;
        if (pid === 0) {
          pid = (await this.kernel.request('spawn', {
            opts: { argv: ['sh'], env: ENV, stdin: '', keepStdinOpen: false, stream: false, terminal: true },
          })).pid;
        }
        this.pid = pid;
        if (this.early) {
          void this.kernel.request('ttyInput', { data: this.early });
          this.early = '';
        }
        const r = await this.kernel.request('wait', { pid }).catch(async (e: unknown) => {
          if (!this.restoring) throw e;
          return null;
        });
        if (this.restoring) {
          const next = await this.restoring;
          this.restoring = null;
          if (next !== null) { adopted = next; continue; }
          if (r === null) { adopted = pid; continue; }
        }
        if (r === null) continue;
        this.pid = 0;
        const how = r.signal === null ? `exit ${r.shellCode}` : `killed by signal ${r.signal}`;
        this.term.write(`\r\n${DIM}[sh ended: ${how}; starting a new one]${RESET}\r\n`);
      } catch (e) {
        this.pid = 0;
        if (!this.disposed) this.term.write(`\r\n${RED}cannot start sh: ${(e as Error).message}${RESET}\r\n`);
        return;
      }
    }
  }
}
