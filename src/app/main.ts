import type { KernelClient } from '../platform/browser/kernel-client.js';
import { enableIsolation, isolationProblem, IsolationError, isolationWorked, showIsolationBanner } from './isolation.js';
import { acceptPrograms } from './add-programs.js';
import { renderIndex } from './lessons/index-view.js';
import { LessonView } from './lessons/lesson-view.js';
import { LESSONS, lessonByName } from './lessons/lessons.js';
import { ProcessPanel } from './process-panel.js';
import { Session } from './session.js';
import { SnapshotPanel } from './snapshot-panel.js';
import './style.css';
import { createTerminal } from './terminal.js';
import { createTestApi } from './test-api.js';

/**
 * The page: a terminal, the process panel, the lessons, and `window.wvisor`.
 * The kernel runs in its own worker (platform/browser/kernel-worker.ts); this
 * thread only renders and forwards. Views: the playground (`/`), a lesson
 * (`?lesson=NAME`, its text and steps beside the terminal), the lessons index
 * (`?lessons`).
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
const binUrl = new URL('bin/', new URL(import.meta.env.BASE_URL, location.href)).href;
let programs: string[] = [];

const MOTD = '\x1b[1mwVisor\x1b[0m: a Unix-like kernel in your browser. Programs are WebAssembly, each in its own worker; '
  + 'this shell (sh) runs on the kernel\'s terminal.\r\n'
  + 'Try: \x1b[36mls /bin\x1b[0m, \x1b[36mhelp\x1b[0m, \x1b[36mls /bin | wc -l\x1b[0m, \x1b[36msleep 100 &\x1b[0m then \x1b[36mjobs\x1b[0m, '
  + '\x1b[36mseccomp\x1b[0m. Lessons: open "lessons" at the top\x1b[0m.\r\n';

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

const params = new URLSearchParams(location.search);
let session: Session | null = null;
let lesson: LessonView | null = null;
let firstReady: Promise<void>;
const snapshotPanel = new SnapshotPanel($('panel'), {
  session: () => session,
  setStatus,
  confirm: (text) => window.confirm(text),
});

/** Shows one of the three views. */
function showView(view: 'playground' | 'lesson' | 'index'): void {
  document.body.dataset.view = view;
  $('lesson').hidden = view !== 'lesson';
  $('lessons-index').hidden = view !== 'index';
  $('layout').hidden = view === 'index';
  if (view !== 'index') requestAnimationFrame(() => term.focus());
}

/** A fresh sandbox session on the page's terminal (the old one, if any, ends with all its tasks). */
function newSession(): Session {
  lesson?.close();
  lesson = null;
  session?.end();
  term.reset();
  const s = new Session(binUrl, term, {
    motd: MOTD,
    serialize: () => terminal.serialize.serialize({ scrollback: 5000 }),
    status: setStatus,
    progress: (loaded, total) => { progress.hidden = false; progress.max = total; progress.value = loaded; },
  });
  session = s;
  s.ready.then((r) => {
    if (session !== s) return;
    programs = r.programs;
    timings.loadMs = r.loadMs;
    timings.readyMs = performance.now();
    progress.hidden = true;
    new ProcessPanel($<HTMLTableElement>('ps').tBodies[0]!, s.kernel).refresh();
    void snapshotPanel.refresh();
  }, () => {});
  return s;
}

/** Opens a lesson in a fresh session without navigating the page. */
function openLesson(name: string): LessonView {
  const l = lessonByName(name);
  if (!l) throw new Error(`no lesson named ${JSON.stringify(name)}; wvisor.lessons.list() names them`);
  const s = newSession();
  history.replaceState(null, '', `?lesson=${encodeURIComponent(name)}`);
  document.title = `${l.title} · wVisor lessons`;
  showView('lesson');
  const v = new LessonView(l, s, terminal, $('lesson'), () => { openLesson(name); });
  lesson = v;
  void v.start();
  return v;
}

const problem = isolationProblem();
if (problem) {
  const fix = await enableIsolation();
  if (fix.reloading) {
    setStatus('enabling cross-origin isolation (the page reloads once)…');
    firstReady = new Promise(() => {});
  } else {
    showIsolationBanner($('banner'), problem, fix.why);
    setStatus('not cross-origin isolated', true);
    term.write(`\x1b[31mwVisor cannot run: ${problem}.\x1b[0m\r\nSee the banner above for why and the fix.\r\n`);
    firstReady = Promise.reject(new IsolationError(problem));
  }
} else {
  isolationWorked();
  const wanted = params.get('lesson');
  if (params.has('lessons')) {
    showView('index');
    void renderIndex($('lessons-index'));
    firstReady = Promise.resolve();
  } else if (wanted && lessonByName(wanted)) {
    openLesson(wanted);
    firstReady = session!.ready.then(() => {});
  } else {
    showView('playground');
    firstReady = newSession().ready.then(() => {});
  }
  acceptPrograms({
    kernel: () => session?.kernel ?? null, picker: $<HTMLInputElement>('pick'), dropZone: $('terminal'), setStatus,
    installed: (name) => { if (!programs.includes(name)) programs = [...programs, name].sort(); },
    snapshot: (file) => { void snapshotPanel.importFiles([file]); },
    // Shown above the shell's line; the shell redraws its prompt on the next key.
    say: (text, error) => term.write(`\r\n${error ? '\x1b[31m' : '\x1b[2m'}${text}\x1b[0m\r\n`),
  });
}
// Callers of wvisor.ready see the rejection; the page itself has shown it already.
firstReady.catch(() => {});

/** The current session's kernel once it is ready (the index view starts a session on first use). */
async function kernel(): Promise<KernelClient> {
  await firstReady;
  if (!session) {
    showView('playground');
    history.replaceState(null, '', location.pathname);
    newSession();
  }
  const s = session!;
  await s.ready;
  return s.kernel;
}

window.wvisor = createTestApi({
  kernel, ready: firstReady, screen: () => terminal.screen(), programs: () => programs, timings,
  installed: (name) => { if (!programs.includes(name)) programs = [...programs, name].sort(); },
  snapshots: {
    save: async (name) => {
      await kernel();
      try { return await session!.saveSnapshot(name); } finally { void snapshotPanel.refresh(); }
    },
    restore: async (name) => { await kernel(); return session!.restoreSnapshot(name); },
  },
  lessons: {
    list: () => LESSONS.map((l) => ({ name: l.name, title: l.title, steps: l.steps.map((s) => s.title) })),
    run: async (name) => {
      await firstReady;
      return openLesson(name).play();
    },
  },
});
