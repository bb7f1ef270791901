import type { Kernel } from '../../kernel/kernel.js';
import { decodeStatus, HostProcess, Sandbox } from '../../kernel/sandbox.js';
import type { SnapshotSessions } from '../../kernel/snapshot/session.js';
import type { Tty } from '../../kernel/tty.js';
import { populate } from '../../kernel/vfs/index.js';
import { BrowserPlatform } from './browser-platform.js';
import type { FromKernel, KernelInit, Ops, Request, RunResult, SnapshotSaveResult, StartOptions } from './protocol.js';
import { loadPrograms } from './program-loader.js';
import { createBrowserSnapshots, pageBundle } from './snapshot-store.js';

/**
 * The kernel worker: owns the one Sandbox of the page, fills /bin with the
 * bundled programs, and answers the page's requests (protocol.ts). It runs
 * the kernel's doorbell loop on its own event loop, so the kernel never
 * competes with rendering.
 */

/** The dedicated-worker global, typed by what this file uses (the page's tsconfig has DOM, not WebWorker, types). */
const scope = self as unknown as {
  postMessage(m: FromKernel): void;
  addEventListener(type: 'message', cb: (e: MessageEvent<KernelInit | Request>) => void): void;
};

/** A process the page started: its handle and what it wrote, kept until the page waits for it. */
interface Hosted {
  proc: HostProcess;
  stdout: TextSink;
  stderr: TextSink;
  /** The last stdin operation queued: writes and the close happen in the order asked. */
  stdinQueue: Promise<unknown>;
}

/** Collects a byte stream as text (UTF-8, a character split across chunks decoded whole). */
class TextSink {
  private readonly decoder = new TextDecoder();
  /** Decoded text so far. */
  text = '';
  constructor(private readonly onText?: (text: string) => void) {}
  push(bytes: Uint8Array): void {
    this.add(this.decoder.decode(bytes, { stream: true }));
  }
  end(): void {
    this.add(this.decoder.decode());
  }
  private add(t: string): void {
    if (t === '') return;
    this.text += t;
    this.onText?.(t);
  }
}

/** A request refused: the page rethrows it as an Error with this name and message. */
class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

const platform = new BrowserPlatform();
/** The page's sandbox; a snapshot restore replaces it with one over the restored kernel. */
let sandbox = new Sandbox(platform);

/**
 * The page's terminal: a kernel tty whose output is posted as `tty` events.
 * Flow control: while more than TTY_WINDOW bytes are posted and not yet
 * acknowledged as shown (`ttyAck`), the tty pauses; tasks writing to it then
 * block on its output ring instead of flooding the page.
 */
const TTY_WINDOW = 1 << 20;
let ttyUnacked = 0;
let ttyResume: (() => void) | null = null;
const ttyOutput = (bytes: Uint8Array): Promise<void> | undefined => {
  ttyUnacked += bytes.length;
  scope.postMessage({ kind: 'tty', data: bytes });
  if (ttyUnacked <= TTY_WINDOW) return;
  return new Promise<void>((r) => { ttyResume = r; });
};
let tty: Tty = sandbox.openTerminal({ cols: 80, rows: 24, onOutput: ttyOutput });
/** Processes started by the page and not yet waited for, by pid. */
const hosted = new Map<number, Hosted>();
let ready: Promise<void> | undefined;
/** The page's stored snapshots (IndexedDB `wvisor-snapshots`), made once the bin URL is known. */
let snapshots: SnapshotSessions | undefined;
/** Rejects when a restore replaces the sandbox: waits for the old session's processes end with it. */
let replaced: { promise: Promise<never>; reject(e: Error): void } = gone();

function gone(): { promise: Promise<never>; reject(e: Error): void } {
  let reject!: (e: Error) => void;
  const promise = new Promise<never>((_, r) => { reject = r; });
  promise.catch(() => {});
  return { promise, reject };
}

let changeQueued = false;
/** Hooks the page's events to a kernel (the first one, and each restored one). */
function watchKernel(k: Kernel): void {
  k.onLog = (message) => scope.postMessage({ kind: 'log', message });
  k.watch(() => {
    // Coalesce bursts (a pipeline starting) into one event per turn.
    if (changeQueued || sandbox.kernel !== k) return;
    changeQueued = true;
    setTimeout(() => {
      changeQueued = false;
      scope.postMessage({ kind: 'changed' });
    }, 0);
  });
}
watchKernel(sandbox.kernel);

scope.addEventListener('message', (e) => {
  const m = e.data;
  if ('kind' in m) {
    if (m.kind === 'init' && !ready) {
      ready = start(m.binUrl);
      // The page hears of a failure through the 'fatal' event; requests get it as their error.
      ready.catch(() => {});
    }
    return;
  }
  void answer(m);
});

async function start(binUrl: string): Promise<void> {
  const t0 = performance.now();
  try {
    const { files, warnings } = await loadPrograms(binUrl, (loaded, total, name) =>
      scope.postMessage({ kind: 'progress', loaded, total, name }));
    populate(sandbox.kernel.vfs, '/bin', files);
    snapshots = createBrowserSnapshots(platform, await pageBundle(binUrl));
    scope.postMessage({ kind: 'ready', programs: files.map(([n]) => n).sort(), loadMs: performance.now() - t0, warnings });
  } catch (e) {
    scope.postMessage({ kind: 'fatal', message: (e as Error).message });
    throw e; // every request waiting on `ready` fails with it
  }
}

async function answer(req: Request): Promise<void> {
  try {
    if (!ready) throw new RequestError('the kernel worker got a request before its init message');
    await ready;
    const value = await handle(req);
    scope.postMessage({ kind: 'reply', id: req.id, ok: true, value });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    scope.postMessage({ kind: 'reply', id: req.id, ok: false, error: { name: err.name, message: err.message } });
  }
}

async function handle(req: Request): Promise<Ops[Request['op']]['result']> {
  switch (req.op) {
    case 'spawn':
      return { pid: (await startProcess(req.opts)).proc.pid };
    case 'run': {
      const h = await startProcess(req.opts);
      return waitFor(h.proc.pid);
    }
    case 'write': {
      const h = hostedProcess(req.pid);
      return queueStdin(h, () => h.proc.write(req.text));
    }
    case 'closeStdin': {
      const h = hostedProcess(req.pid);
      return queueStdin(h, () => h.proc.closeStdin());
    }
    case 'wait':
      return waitFor(req.pid);
    case 'kill':
      return sandbox.kill(req.pid, req.sig);
    case 'ps':
      return sandbox.ps();
    case 'pipes':
      return sandbox.pipes();
    case 'populate':
      populate(sandbox.kernel.vfs, req.dir, req.files);
      return;
    case 'install': {
      // Load it first: a module that cannot run is refused with the loader's message, before it is placed.
      const loaded = await sandbox.kernel.modules.load(req.bytes);
      populate(sandbox.kernel.vfs, '/bin', [[req.name, req.bytes]]);
      // The loader names a module by the hash of the bytes that run: a different hash means it rewrote them.
      return { instrumented: loaded.hash !== await sandbox.kernel.platform.sha256(req.bytes) };
    }
    case 'ttyInput':
      tty.input(req.data);
      return;
    case 'ttyResize':
      tty.resize(req.cols, req.rows);
      return;
    case 'ttyAck': {
      ttyUnacked = Math.max(0, ttyUnacked - req.bytes);
      const r = ttyResume;
      if (r && ttyUnacked <= TTY_WINDOW / 2) { ttyResume = null; r(); }
      return;
    }
    case 'snapshotSave':
      return save(req.name, req.host);
    case 'snapshotList':
      return (await store().listSessions());
    case 'snapshotRestore':
      return restore(req.name);
    case 'snapshotRemove':
      return store().removeSession(req.name);
    case 'snapshotExport':
      return store().exportSession(req.name);
    case 'snapshotImport':
      return brief(await store().importSession(req.bytes, req.name));
    case 'snapshotUsage':
      return store().usage();
  }
}

function store(): SnapshotSessions {
  if (!snapshots) throw new RequestError('snapshots are not available before /bin is loaded');
  return snapshots;
}

function brief(r: SnapshotSaveResult): SnapshotSaveResult {
  return { name: r.name, bytes: r.bytes, totalBytes: r.totalBytes, pages: r.pages, newPages: r.newPages, tasks: r.tasks, ms: r.ms };
}

async function save(name: string, host: Record<string, unknown>): Promise<SnapshotSaveResult> {
  const r = await store().saveSession(sandbox.kernel, name, {
    writer: 'wvisor page', host,
    // What the page's processes wrote so far reaches the page before the pipes are recorded.
    onParked: () => { for (const h of hosted.values()) h.proc.flushOutput(); },
  });
  return brief(r);
}

/** Restores a stored snapshot in place of the running session (its tasks end once the new one is ready). */
async function restore(name: string): Promise<Ops['snapshotRestore']['result']> {
  const t0 = performance.now();
  const { kernel, file } = await store().restoreSession(name);
  // The new kernel runs: the old one and every wait on its processes end.
  replaced.reject(new RequestError('the session was replaced by a snapshot restore'));
  replaced = gone();
  hosted.clear();
  const old = sandbox;
  sandbox = new Sandbox(kernel);
  watchKernel(kernel);
  old.shutdown();
  ttyUnacked = 0;
  const resume = ttyResume;
  ttyResume = null;
  resume?.();
  // The saved screen first, then what the restored tasks write to the terminal.
  const screen = file.host.screen;
  if (typeof screen === 'string') scope.postMessage({ kind: 'screen', data: screen });
  tty = sandbox.terminal('pts/0') ?? sandbox.openTerminal({ cols: 80, rows: 24 });
  tty.attach(ttyOutput);
  let shellPid = 0;
  const sid = tty.session?.sid;
  const leader = sid !== undefined ? kernel.tasks.get(sid) : undefined;
  if (leader?.alive) {
    shellPid = leader.pid;
    const t = tty;
    const proc = new HostProcess(leader, null, leader.exited.then((status) => { t.drainRing(); return decodeStatus(status); }));
    hosted.set(leader.pid, { proc, stdout: new TextSink(), stderr: new TextSink(), stdinQueue: Promise.resolve() });
  }
  const pids: number[] = [];
  for (const key of [...kernel.hostFiles.keys()]) {
    const m = /^(\d+):stdout$/.exec(key);
    if (!m) continue;
    const pid = Number(m[1]);
    const stdout = new TextSink();
    const stderr = new TextSink();
    try {
      const proc = sandbox.attach(pid, { onStdout: (b) => stdout.push(b), onStderr: (b) => stderr.push(b) });
      hosted.set(pid, { proc, stdout, stderr, stdinQueue: Promise.resolve() });
      pids.push(pid);
    } catch {
      // A process whose stdio was not all saved: it runs on, and nobody on the page collects it.
    }
  }
  scope.postMessage({ kind: 'changed' });
  return { name, shellPid, pids: pids.sort((a, b) => a - b), tasks: file.state.tasks.length, ms: performance.now() - t0 };
}

async function startProcess(o: StartOptions): Promise<Hosted> {
  if (o.terminal) {
    const proc = await sandbox.spawn({ argv: o.argv, env: o.env, terminal: tty });
    const h: Hosted = { proc, stdout: new TextSink(), stderr: new TextSink(), stdinQueue: Promise.resolve() };
    hosted.set(proc.pid, h);
    return h;
  }
  let pid = 0;
  // Output that comes before spawn() returns the pid is held, then posted in order.
  const early: Array<['stdout' | 'stderr', string]> = [];
  const post = (stream: 'stdout' | 'stderr') => (text: string) => {
    if (pid === 0) early.push([stream, text]);
    else scope.postMessage({ kind: 'output', pid, stream, text });
  };
  const stdout = new TextSink(o.stream ? post('stdout') : undefined);
  const stderr = new TextSink(o.stream ? post('stderr') : undefined);
  const proc = await sandbox.spawn({
    // With stdin kept open, its first text goes through the queue below, in order with later writes.
    argv: o.argv, env: o.env, stdin: o.keepStdinOpen ? undefined : o.stdin, keepStdinOpen: o.keepStdinOpen,
    onStdout: (b) => stdout.push(b), onStderr: (b) => stderr.push(b),
  });
  pid = proc.pid;
  for (const [stream, text] of early) scope.postMessage({ kind: 'output', pid, stream, text });
  const h: Hosted = { proc, stdout, stderr, stdinQueue: Promise.resolve() };
  if (o.keepStdinOpen && o.stdin !== '') void queueStdin(h, () => proc.write(o.stdin));
  hosted.set(pid, h);
  return h;
}

/** Runs a stdin operation after the ones queued before it. */
function queueStdin<T>(h: Hosted, op: () => T | Promise<T>): Promise<T> {
  const p = h.stdinQueue.then(op);
  h.stdinQueue = p.catch(() => {});
  return p;
}

function hostedProcess(pid: number): Hosted {
  const h = hosted.get(pid);
  if (!h) throw new RequestError(`no process ${pid} started by spawn() is waiting to be collected; `
    + 'use a pid that spawn() returned and that wait() has not collected yet');
  return h;
}

/** Waits for a page-started process to end; its entry is then dropped (like a reaped child). */
async function waitFor(pid: number): Promise<RunResult> {
  const h = hostedProcess(pid);
  const info = await Promise.race([h.proc.exited, replaced.promise]);
  h.stdout.end();
  h.stderr.end();
  hosted.delete(pid);
  return { ...info, stdout: h.stdout.text, stderr: h.stderr.text };
}
