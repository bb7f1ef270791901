/**
 * One sandbox session of the page: a kernel worker (a fresh Sandbox), /bin
 * loaded, /etc/seccomp written, the page's terminal attached to its tty with
 * `sh` as session leader, and the process panel fed from it. A lesson starts
 * a new session (the old kernel worker and all its tasks end) without
 * navigating the page.
 */
import type { Terminal } from '@xterm/xterm';
import { KernelClient } from '../platform/browser/kernel-client.js';
import type { Ops, SnapshotSaveResult } from '../platform/browser/protocol.js';
import dockerDefault from '../../profiles/seccomp/docker-default.json';
import podmanDefault from '../../profiles/seccomp/podman-default.json';
import noSpawn from './lessons/profiles/no-spawn.json';
import readOnly from './lessons/profiles/read-only.json';
import { seccompFiles } from './lessons/seccomp-files.js';
import { ShellSession } from './shell-session.js';

/** The profiles the page's `seccomp` program finds in /etc/seccomp. */
export const PROFILES: Record<string, unknown> = {
  'docker-default': dockerDefault, 'podman-default': podmanDefault, 'read-only': readOnly, 'no-spawn': noSpawn,
};

export interface SessionHooks {
  /** Load progress and the outcome, for the status line. */
  status(text: string, error?: boolean): void;
  progress(loaded: number, total: number): void;
  /** Written to the terminal before the shell starts (the motd). */
  motd: string;
  /** The terminal's screen and scrollback as escape sequences (xterm's serialize addon), kept in a snapshot. */
  serialize?(): string;
}

export class Session {
  readonly kernel: KernelClient;
  /** Settles when /bin is loaded and the shell started. */
  readonly ready: Promise<{ programs: string[]; loadMs: number }>;
  private readonly offs: Array<{ dispose(): void }> = [];
  private shell: ShellSession | null = null;
  private ended = false;

  constructor(binUrl: string, private readonly term: Terminal, private readonly hooks: SessionHooks) {
    const kernel = new KernelClient(binUrl);
    this.kernel = kernel;
    const offEvents = kernel.on((e) => {
      if (e.kind === 'progress') {
        hooks.progress(e.loaded, e.total);
        hooks.status(`loading programs ${e.loaded}/${e.total}`);
        term.write(`\r\x1b[KLoading programs ${e.loaded}/${e.total} (${e.name})`);
      } else if (e.kind === 'log') {
        console.warn(e.message);
      } else if (e.kind === 'fatal') {
        hooks.status('kernel stopped', true);
        term.write(`\r\n\x1b[31m${e.message}\x1b[0m\r\n`);
      } else if (e.kind === 'screen') {
        // A restore: the saved screen replaces this one, before the restored tasks' output.
        term.reset();
        term.write(e.data);
      } else if (e.kind === 'tty') {
        const n = e.data.length;
        term.write(e.data, () => { if (!this.ended) void kernel.request('ttyAck', { bytes: n }); });
      }
    });
    this.offs.push({ dispose: offEvents });
    term.write('Loading programs…');
    this.ready = kernel.ready.then(async (r) => {
      await kernel.request('populate', { dir: '/etc', files: seccompFiles(PROFILES) });
      hooks.status(`ready: ${r.programs.length} programs loaded in ${Math.round(r.loadMs)} ms`);
      term.write(`\r\x1b[K${r.programs.length} programs in /bin.\r\n`);
      for (const w of r.warnings) term.write(`\x1b[33mwarning: ${w}\x1b[0m\r\n`);
      this.offs.push(term.onResize(({ cols, rows }) => void kernel.request('ttyResize', { cols, rows })));
      void kernel.request('ttyResize', { cols: term.cols, rows: term.rows });
      this.shell = new ShellSession(term, kernel, hooks.motd);
      void this.shell.start();
      return r;
    });
    this.ready.catch(() => {});
  }

  /** pid of the terminal's shell, 0 while none runs. */
  get shellPid(): number { return this.shell?.shellPid ?? 0; }

  /** Keys for the terminal's tty, as if typed. */
  type(keys: string): void {
    this.shell?.type(keys);
  }

  /** Resolves once the shell runs and waits for a line (blocked reading the terminal). */
  async shellReady(): Promise<void> {
    await this.ready;
    for (;;) {
      if (this.ended) throw new Error('the session ended');
      const pid = this.shellPid;
      if (pid > 0 && (await this.kernel.request('ps', {})).some((p) => p.pid === pid && p.state === 'blocked')) return;
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  /** Saves the whole session (tasks, files, the terminal's screen) under `name` in IndexedDB. */
  async saveSnapshot(name: string): Promise<SnapshotSaveResult> {
    await this.ready;
    const host: Record<string, unknown> = {};
    if (this.hooks.serialize) host.screen = this.hooks.serialize();
    host.cols = this.term.cols;
    host.rows = this.term.rows;
    return this.kernel.request('snapshotSave', { name, host });
  }

  /**
   * Replaces this session's tasks with a stored snapshot's: the screen is the saved one, the restored shell
   * (the terminal's session leader) takes the keys, and no new shell starts while it runs.
   */
  async restoreSnapshot(name: string): Promise<Ops['snapshotRestore']['result']> {
    await this.ready;
    const shell = this.shell;
    shell?.replacing();
    try {
      const r = await this.kernel.request('snapshotRestore', { name });
      shell?.adopt(r.shellPid);
      // The restored tty has the saved size: tell it this window's.
      void this.kernel.request('ttyResize', { cols: this.term.cols, rows: this.term.rows });
      return r;
    } catch (e) {
      shell?.adopt(null);
      throw e;
    }
  }

  /** Ends the session: its kernel worker and every task in it. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.shell?.dispose();
    for (const o of this.offs.splice(0)) o.dispose();
    this.kernel.terminate();
  }
}
