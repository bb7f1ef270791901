import type { LoadProgress } from '../kernel/module-loader.js';

/** Above this, work the person waits for is shown on stderr. */
const SHOW_AFTER_MS = 1000;

/**
 * The CLI's line on stderr while a module is prepared (`wvisor: rewriting
 * big.wasm (30 MB): asyncify… 12 s`), for work that takes over a second and
 * that the program waits for. Shown when stderr is a terminal (redrawn in
 * place, then erased), or when WVISOR_PROGRESS=1 (one line per step, kept);
 * WVISOR_PROGRESS=0 turns it off.
 */
export function startupProgress(name: string, stream: NodeJS.WriteStream,
  setting = process.env.WVISOR_PROGRESS): { update(p: LoadProgress): void; end(): void } {
  const tty = stream.isTTY === true;
  const on = setting === '1' || (setting !== '0' && tty);
  let started = 0;
  let last: LoadProgress | null = null;
  let shown = false;
  let lastLine = '';
  let timer: ReturnType<typeof setInterval> | undefined;
  const line = (p: LoadProgress): string => {
    const secs = Math.floor((Date.now() - started) / 1000);
    const what = p.work === 'fast' ? 'adding fuel checks to' : 'rewriting';
    const step = p.work === 'fast' ? `${Math.round((p.fraction ?? 0) * 100)}%` : p.phase;
    return `wvisor: ${what} ${name} (${megabytes(p.bytes)})… ${step}, ${secs} s`;
  };
  const draw = (): void => {
    if (!last || Date.now() - started < SHOW_AFTER_MS) return;
    const text = line(last);
    if (tty && setting !== '1') stream.write(`\r${text}\x1b[K`);
    else if (text.replace(/, \d+ s$/, '') !== lastLine.replace(/, \d+ s$/, '')) stream.write(`${text}\n`);
    lastLine = text;
    shown = true;
  };
  const end = (): void => {
    clearInterval(timer);
    timer = undefined;
    if (shown && tty && setting !== '1') stream.write('\r\x1b[K');
    shown = false;
    last = null;
  };
  return {
    update(p) {
      if (!on || !p.blocking) return;
      if (p.phase === 'done' || p.phase === 'failed') {
        end();
        return;
      }
      if (!last) {
        started = Date.now();
        timer = setInterval(draw, 250);
        timer.unref();
      }
      last = p;
      draw();
    },
    end,
  };
}

function megabytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)} MB` : `${Math.max(1, Math.round(n / 1e3))} kB`;
}
