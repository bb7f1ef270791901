import type { KernelClient } from '../platform/browser/kernel-client.js';
import type { ProcessInfo } from '../platform/browser/protocol.js';

/** How often CPU times are refreshed while some process is running. */
const TICK_MS = 500;

/**
 * The side panel's live process list: asks the kernel for `ps` whenever the
 * task set changes, and every {@link TICK_MS} while a process runs (CPU time
 * moves without any change event).
 */
export class ProcessPanel {
  /** A refresh is in flight; another was asked for meanwhile. */
  private busy = false;
  private again = false;
  /** The periodic refresh while something runs. */
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly body: HTMLTableSectionElement, private readonly kernel: KernelClient) {
    kernel.on((e) => { if (e.kind === 'changed') this.refresh(); });
  }

  refresh(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.kernel.request('ps', {}).then((list) => this.render(list), () => {
      // The session ended (its kernel worker is gone): stop polling it.
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    }).finally(() => {
      this.busy = false;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    });
  }

  private render(list: ProcessInfo[]): void {
    const rows = list.map((p) => {
      const tr = document.createElement('tr');
      tr.className = p.state;
      tr.dataset.pid = String(p.pid);
      const cells: Array<[string, string]> = [
        [String(p.pid), 'num'], [String(p.ppid), 'num'], [String(p.pgid), 'num'], [p.state, 'state'],
        [p.command, 'command'], [p.cpuMs.toFixed(1), 'num'],
      ];
      for (const [text, cls] of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        td.className = cls;
        if (cls === 'command') td.title = text;
        tr.append(td);
      }
      return tr;
    });
    this.body.replaceChildren(...rows);
    const active = list.some((p) => p.state === 'running');
    if (active && !this.timer) this.timer = setInterval(() => this.refresh(), TICK_MS);
    if (!active && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
