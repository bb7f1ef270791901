/** The lessons index (`?lessons`): each lesson, its progress from IndexedDB, a reset button. */
import { LESSONS } from './lessons.js';
import { loadProgress, resetProgress } from './progress.js';

export async function renderIndex(root: HTMLElement): Promise<void> {
  const h = (tag: string, text?: string) => {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const list = h('ul');
  list.className = 'lesson-list';
  for (const l of LESSONS) {
    const done = (await loadProgress(l.name)).filter((i) => i < l.steps.length).length;
    const li = h('li');
    li.dataset.lesson = l.name;
    const a = h('a', l.title) as HTMLAnchorElement;
    a.href = `?lesson=${encodeURIComponent(l.name)}`;
    const p = h('span', ` ${done} of ${l.steps.length} steps done`);
    p.className = 'progress-text';
    const reset = h('button', 'reset progress');
    reset.className = 'reset';
    reset.setAttribute('aria-label', `reset progress of ${l.title}`);
    reset.addEventListener('click', () => void resetProgress(l.name).then(() => renderIndex(root)));
    const intro = h('p', l.intro);
    li.append(a, p, reset, intro);
    list.append(li);
  }
  const back = h('a', '← playground') as HTMLAnchorElement;
  back.href = './';
  root.replaceChildren(h('h2', 'Lessons'), h('p', 'Each lesson is a page with a live terminal: type the commands (or press "run this"); '
    + 'each step is checked against the kernel\'s state, and a picture shows what the kernel holds. Progress is kept in this browser.'), list, back);
}
