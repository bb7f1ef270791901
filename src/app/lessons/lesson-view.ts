/**
 * A lesson on the page: its text and steps beside the terminal, each step's
 * check run against the kernel's state as it changes (whether the student
 * typed the command or pressed "run this"), the picture redrawn from the same
 * observations, progress saved in IndexedDB.
 */
import type { Session } from '../session.js';
import type { PageTerminal } from '../terminal.js';
import { type CheckResult, commandOf, keysOf, type Lesson, type Observation, type StepContext } from './lessons.js';
import { drawPicture } from './pictures.js';
import { loadProgress, resetProgress, saveProgress } from './progress.js';

/** How often the state is sampled while a lesson is open (besides every change the kernel reports). */
const SAMPLE_MS = 150;
/** How long `play` waits for a step's check to pass. */
const STEP_TIMEOUT_MS = 20_000;

export interface StepOutcome { step: string; ok: boolean; detail: string }

export class LessonView {
  /** The step being checked: the first not passed, or the one last run. */
  private current = 0;
  private done = new Set<number>();
  private stepStart = 0;
  private startLine = 0;
  private seen: Observation[] = [];
  private readonly vars: Record<string, number> = {};
  private results: Array<CheckResult | null>;
  private timer: ReturnType<typeof setInterval> | null = null;
  private sampling = false;
  private closed = false;
  private waiters: Array<() => void> = [];
  private readonly stepEls: HTMLElement[] = [];

  constructor(
    readonly lesson: Lesson,
    private readonly session: Session,
    private readonly terminal: PageTerminal,
    private readonly root: HTMLElement,
    /** Starts the lesson again in a fresh session. */
    private readonly restart: () => void,
  ) {
    this.results = lesson.steps.map(() => null);
    this.render();
  }

  /** Loads saved progress, then watches the kernel once the session's shell runs. */
  async start(): Promise<void> {
    for (const i of await loadProgress(this.lesson.name)) this.done.add(i);
    this.current = this.firstOpen();
    await this.session.ready;
    this.beginStep(this.current);
    this.session.kernel.on((e) => { if (e.kind === 'changed') void this.sample(); });
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
    this.update();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of this.waiters.splice(0)) w();
  }

  /** Types step i's keys (the "run this" button) and checks it from now on. */
  run(i: number): void {
    this.beginStep(i);
    this.session.type(keysOf(this.lesson.steps[i]!, this.vars));
    this.update();
  }

  /** Plays every step in order, each after the one before passed (or timed out). */
  async play(): Promise<StepOutcome[]> {
    await this.session.ready;
    await this.session.shellReady();
    const out: StepOutcome[] = [];
    for (const [i, step] of this.lesson.steps.entries()) {
      this.run(i);
      const r = await this.until(i, STEP_TIMEOUT_MS);
      out.push({ step: step.title, ok: r.ok, detail: r.detail });
    }
    return out;
  }

  private until(i: number, ms: number): Promise<CheckResult> {
    const end = performance.now() + ms;
    return new Promise((resolve) => {
      const tick = () => {
        const r = this.results[i];
        if (this.closed) return resolve({ ok: false, detail: 'the lesson was closed' });
        if (r?.ok && this.done.has(i)) return resolve(r);
        if (performance.now() > end) return resolve({ ok: false, detail: `timed out after ${ms / 1000} s: ${r?.detail ?? 'not checked yet'}` });
        this.waiters.push(tick);
      };
      tick();
    });
  }

  private firstOpen(): number {
    const i = this.lesson.steps.findIndex((_, k) => !this.done.has(k));
    return i < 0 ? this.lesson.steps.length - 1 : i;
  }

  private beginStep(i: number): void {
    this.current = i;
    this.seen = [];
    this.stepStart = performance.now();
    this.startLine = this.terminal.lineCount();
    this.results[i] = null;
  }

  private async sample(): Promise<void> {
    if (this.sampling || this.closed) return;
    this.sampling = true;
    try {
      const [ps, pipes] = await Promise.all([this.session.kernel.request('ps', {}), this.session.kernel.request('pipes', {})]);
      if (this.closed) return;
      const obs: Observation = { ps, pipes, at: performance.now() - this.stepStart };
      this.seen.push(obs);
      if (this.seen.length > 400) this.seen.splice(0, this.seen.length - 400);
      this.check(obs);
      drawPicture(this.lesson.picture, { ps, pipes, shell: this.session.shellPid }, this.el('.picture-box'), this.el('.picture-text'));
    } catch {
      // the session ended under us
    } finally {
      this.sampling = false;
      const w = this.waiters.splice(0);
      for (const f of w) f();
    }
  }

  private check(now: Observation): void {
    const i = this.current;
    const step = this.lesson.steps[i]!;
    const ctx: StepContext = {
      now, seen: this.seen, output: this.terminal.linesFrom(this.startLine), shell: this.session.shellPid, vars: this.vars,
    };
    let r: CheckResult;
    try {
      r = step.check(ctx);
    } catch (e) {
      r = { ok: false, detail: `the check failed: ${(e as Error).message}` };
    }
    const was = this.results[i];
    this.results[i] = r;
    if (r.ok && !this.done.has(i)) {
      this.done.add(i);
      void saveProgress(this.lesson.name, [...this.done]);
    }
    if (r.ok && i + 1 < this.lesson.steps.length && i === this.current) this.beginStep(i + 1);
    if (!was || was.ok !== r.ok || was.detail !== r.detail || r.ok) this.update();
  }

  private el(sel: string): HTMLElement {
    return this.root.querySelector(sel) as HTMLElement;
  }

  private render(): void {
    const l = this.lesson;
    const h = (tag: string, cls: string, text?: string) => {
      const e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const head = h('div', 'lesson-head');
    const back = h('a', '', '← lessons') as HTMLAnchorElement;
    back.href = '?lessons';
    const reset = h('button', 'reset', 'reset lesson');
    reset.addEventListener('click', () => void resetProgress(l.name).then(this.restart));
    head.append(back, reset);
    const title = h('h2', '', l.title);
    title.id = 'lesson-title';
    const steps = h('ol', 'steps');
    l.steps.forEach((s, i) => {
      const li = h('li', 'step');
      li.dataset.step = String(i);
      const st = h('h3', '', s.title);
      const text = h('p', '', s.text);
      const cmdRow = h('div', 'cmd');
      const code = h('code', '', '');
      const btn = h('button', 'run', 'run this');
      btn.setAttribute('aria-label', `run this: step ${i + 1}, ${s.title}`);
      btn.addEventListener('click', () => { this.run(i); this.terminal.term.focus(); });
      cmdRow.append(code, btn);
      const exp = h('p', 'expect', `You should see: ${s.expect}`);
      const res = h('p', 'result');
      res.setAttribute('aria-live', 'polite');
      li.append(st, text, cmdRow, exp, res);
      steps.append(li);
      this.stepEls.push(li);
    });
    const pic = h('figure', 'picture-figure');
    const box = h('div', 'picture-box');
    const cap = h('figcaption', '', 'Live picture (from the kernel\'s process and pipe lists)');
    const txt = h('ul', 'picture-text sr-only');
    pic.append(cap, box, txt);
    this.root.replaceChildren(head, title, h('p', 'intro', l.intro), pic, steps);
    this.root.setAttribute('aria-labelledby', 'lesson-title');
  }

  private update(): void {
    this.lesson.steps.forEach((s, i) => {
      const li = this.stepEls[i]!;
      const r = this.results[i];
      const passed = this.done.has(i);
      li.classList.toggle('done', passed);
      li.classList.toggle('current', i === this.current);
      li.querySelector('code')!.textContent = commandOf(s, this.vars);
      const res = li.querySelector('.result')!;
      if (i === this.current && r) res.textContent = `${r.ok ? '✓' : '…'} ${r.detail}`;
      else if (passed && !(r && r.ok)) res.textContent = '✓ done before';
      else if (r) res.textContent = `${r.ok ? '✓' : '…'} ${r.detail}`;
      else res.textContent = '';
    });
  }
}
