import { KernelClient } from '../platform/browser/kernel-client.js';
import { isolationProblem, IsolationError, showIsolationBanner } from './isolation.js';
import { ShellSession } from './shell-session.js';
import { acceptPrograms } from './add-programs.js';
import { ProcessPanel } from './process-panel.js';
import './style.css';
import { createTerminal } from './terminal.js';
import { createTestApi } from './test-api.js';

/**
 * The page: a terminal, the process panel, and `window.wvisor`. The kernel
 * runs in its own worker (platform/browser/kernel-worker.ts); this thread
 * only renders and forwards.
 */

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html lacks #${id}`);
  return el as T;
};

const status = $('status');
const progress = $<HTMLProgressElement>('progress');
const terminal = createTerminal($('terminal'));
const term = terminal.term;
const timings: { readyMs: number | null; loadMs: number | null } = { readyMs: null, loadMs: null };
let programs: string[] = [];

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

const problem = isolationProblem();
let client: KernelClient | null = null;
let ready: Promise<void>;

if (problem) {
  showIsolationBanner($('banner'), problem);
  setStatus('not cross-origin isolated', true);
  term.write(`\x1b[31mwVisor cannot run: ${problem}.\x1b[0m\r\nSee the banner above for the fix.\r\n`);
  ready = Promise.reject(new IsolationError(problem));
} else {
  const kernel = new KernelClient(new URL('bin/', new URL(import.meta.env.BASE_URL, location.href)).href);
  client = kernel;
  setStatus('loading programs…');
  term.write('Loading programs…');
  kernel.on((e) => {
    if (e.kind === 'progress') {
      progress.hidden = false;
      progress.max = e.total;
      progress.value = e.loaded;
      setStatus(`loading programs ${e.loaded}/${e.total}`);
      term.write(`\r\x1b[KLoading programs ${e.loaded}/${e.total} (${e.name})`);
    } else if (e.kind === 'log') {
      console.warn(e.message);
    } else if (e.kind === 'fatal') {
      setStatus('kernel stopped', true);
      term.write(`\r\n\x1b[31m${e.message}\x1b[0m\r\n`);
    }
  });
  ready = kernel.ready.then((r) => {
    programs = r.programs;
    timings.loadMs = r.loadMs;
    timings.readyMs = performance.now();
    progress.hidden = true;
    setStatus(`ready: ${r.programs.length} programs loaded in ${Math.round(r.loadMs)} ms`);
    term.write(`\r\x1b[K${r.programs.length} programs in /bin.\r\n`);
    for (const w of r.warnings) term.write(`\x1b[33mwarning: ${w}\x1b[0m\r\n`);
    new ProcessPanel($<HTMLTableElement>('ps').tBodies[0]!, kernel).refresh();
    // The kernel tty: its output goes to xterm as is; xterm's size is the tty's window size.
    kernel.on((e) => {
      if (e.kind !== 'tty') return;
      const n = e.data.length;
      term.write(e.data, () => void kernel.request('ttyAck', { bytes: n }));
    });
    term.onResize(({ cols, rows }) => void kernel.request('ttyResize', { cols, rows }));
    void kernel.request('ttyResize', { cols: term.cols, rows: term.rows });
    void new ShellSession(term, kernel).start();
    acceptPrograms({
      kernel, picker: $<HTMLInputElement>('pick'), dropZone: $('terminal'), setStatus,
      installed: (name) => { if (!programs.includes(name)) programs = [...programs, name].sort(); },
      // Shown above the shell's line; the shell redraws its prompt on the next key.
      say: (text, error) => term.write(`\r\n${error ? '\x1b[31m' : '\x1b[2m'}${text}\x1b[0m\r\n`),
    });
  });
}
// Callers of wvisor.ready see the rejection; the page itself has shown it already.
ready.catch(() => {});

window.wvisor = createTestApi({
  client, ready, screen: () => terminal.screen(), programs: () => programs, timings,
  installed: (name) => { if (!programs.includes(name)) programs = [...programs, name].sort(); },
});
