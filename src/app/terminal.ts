import { FitAddon } from '@xterm/addon-fit';
import { SerializeAddon } from '@xterm/addon-serialize';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';

/** The page's xterm.js terminal with its addons, filling its container. */
export interface PageTerminal {
  term: Terminal;
  /** The serialize addon (the snapshot issue saves the screen with it). */
  serialize: SerializeAddon;
  /** Visible rows, trailing blanks removed, joined by "\n"; trailing empty rows dropped. */
  screen(): string;
  /** Lines in the buffer up to and including the cursor's (scrollback included). */
  lineCount(): number;
  /** The buffer's lines from row `n` (a lineCount() taken earlier) to the end, wrapped rows joined, trailing blanks removed. */
  linesFrom(n: number): string;
}

export function createTerminal(container: HTMLElement): PageTerminal {
  const term = new Terminal({
    // The kernel tty's output processing (ONLCR) turns "\n" into "\r\n"; the page's own messages write "\r\n".
    convertEol: false,
    cursorBlink: true,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
    fontSize: 14,
    // At 1.0 the bottom row of pixels (where '_' is drawn) is clipped in DejaVu Sans Mono.
    lineHeight: 1.15,
    scrollback: 5000,
    theme: { background: '#1e1e1e' },
  });
  const fitAddon = new FitAddon();
  const serialize = new SerializeAddon();
  term.loadAddon(fitAddon);
  term.loadAddon(serialize);
  term.loadAddon(new WebLinksAddon());
  term.open(container);
  fitAddon.fit();
  new ResizeObserver(() => fitAddon.fit()).observe(container);
  term.focus();
  return {
    term,
    serialize,
    screen() {
      const buf = term.buffer.active;
      const rows: string[] = [];
      for (let y = buf.viewportY; y < buf.viewportY + term.rows; y++) rows.push(buf.getLine(y)?.translateToString(true) ?? '');
      while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
      return rows.join('\n');
    },
    lineCount() {
      const buf = term.buffer.active;
      return buf.baseY + buf.cursorY;
    },
    linesFrom(n) {
      const buf = term.buffer.active;
      const rows: string[] = [];
      // A row the terminal wrapped onto the next one continues the same line: join them.
      for (let y = Math.min(n, buf.length); y < buf.length; y++) {
        const line = buf.getLine(y);
        const wrapsOn = buf.getLine(y + 1)?.isWrapped ?? false;
        const text = line?.translateToString(!wrapsOn) ?? '';
        if (line?.isWrapped && rows.length > 0) rows[rows.length - 1] += text;
        else rows.push(text);
      }
      return rows.join('\n');
    },
  };
}
