/**
 * The snapshots panel beside the process list: save the session under a name, and for each stored
 * snapshot (name, date, size, processes) restore it (after a confirm(): it replaces the running
 * session), export it (a download: `wvisor restore FILE` continues it) or remove it; a snapshot file
 * picked here or dropped on the terminal is imported. A save or restore that takes over 100 ms shows a
 * progress bar. The first save asks for persistent storage (navigator.storage.persist()); the panel
 * shows what the snapshots take and the origin's estimate.
 */
import type { SnapshotListItem, SnapshotSaveResult } from '../platform/browser/protocol.js';
import type { Session } from './session.js';

export interface SnapshotPanelDeps {
  /** The current session once it is ready (null while none runs). */
  session(): Session | null;
  /** Tells the person what happened (the status line). */
  setStatus(text: string, error?: boolean): void;
  /** Asks before a restore replaces the running session (window.confirm). */
  confirm(text: string): boolean;
}

/** "WVISNAP\n", the first bytes of a snapshot file (kernel/snapshot/format.ts SNAPSHOT_MAGIC). */
export function isSnapshotFile(head: Uint8Array): boolean {
  return new TextDecoder().decode(head.subarray(0, 8)) === 'WVISNAP\n';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

export class SnapshotPanel {
  readonly root: HTMLElement;
  private readonly nameInput: HTMLInputElement;
  private readonly body: HTMLTableSectionElement;
  private readonly bar: HTMLProgressElement;
  private readonly usage: HTMLElement;
  private readonly message: HTMLElement;
  private persistAsked = false;

  constructor(parent: HTMLElement, private readonly deps: SnapshotPanelDeps) {
    const root = document.createElement('section');
    root.id = 'snapshots';
    root.setAttribute('aria-label', 'snapshots');
    root.innerHTML = `
      <h2>Snapshots</h2>
      <form id="snap-save">
        <input id="snap-name" name="name" placeholder="name" maxlength="128" required aria-label="snapshot name" />
        <button type="submit">save</button>
        <label class="snap-import" title="Import a snapshot file (or drop it on the terminal)">import…
          <input id="snap-pick" type="file" hidden /></label>
      </form>
      <progress id="snap-progress" hidden></progress>
      <p id="snap-message" class="note" aria-live="polite"></p>
      <table id="snap-list">
        <thead><tr><th>name</th><th>date</th><th>size</th><th title="processes">procs</th><th></th></tr></thead>
        <tbody></tbody>
      </table>
      <p id="snap-usage" class="note"></p>`;
    parent.append(root);
    this.root = root;
    const q = <T extends HTMLElement>(sel: string): T => root.querySelector(sel) as T;
    this.nameInput = q('#snap-name');
    this.body = (q('#snap-list') as HTMLTableElement).tBodies[0]!;
    this.bar = q('#snap-progress');
    this.usage = q('#snap-usage');
    this.message = q('#snap-message');
    q<HTMLFormElement>('#snap-save').addEventListener('submit', (e) => {
      e.preventDefault();
      const name = this.nameInput.value.trim();
      if (name) void this.save(name);
    });
    const pick = q<HTMLInputElement>('#snap-pick');
    pick.addEventListener('change', () => {
      const files = [...(pick.files ?? [])];
      pick.value = '';
      void this.importFiles(files);
    });
    this.body.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest('button');
      const name = b?.closest('tr')?.dataset.name;
      if (!b || name === undefined) return;
      if (b.dataset.act === 'restore') void this.restore(name);
      if (b.dataset.act === 'export') void this.export(name);
      if (b.dataset.act === 'rm') void this.remove(name);
    });
  }

  /** Reloads the list and the usage line from the current session's kernel worker. */
  async refresh(): Promise<void> {
    const s = this.deps.session();
    if (!s) return;
    try {
      this.render(await s.kernel.request('snapshotList', {}));
      const u = await s.kernel.request('snapshotUsage', {});
      const persisted = await navigator.storage?.persisted?.().catch(() => false);
      this.usage.textContent = `snapshots take ${formatBytes(u.bytes)}`
        + (u.quota !== undefined ? ` of ${formatBytes(u.quota)} available` : '')
        + `; storage is ${persisted ? 'persistent' : 'best-effort (the browser may clear it)'}`;
    } catch (e) {
      this.say(`cannot list snapshots: ${(e as Error).message}`, true);
    }
  }

  async save(name: string): Promise<SnapshotSaveResult | undefined> {
    const s = this.deps.session();
    if (!s) return undefined;
    if (!this.persistAsked) {
      this.persistAsked = true;
      // The browser may keep the snapshots for good; asked once, at the first save.
      void navigator.storage?.persist?.().catch(() => false);
    }
    return this.busy(`saving ${name}`, async () => {
      const r = await s.saveSnapshot(name);
      this.say(`saved ${r.name}: ${r.tasks} processes, ${formatBytes(r.bytes)} written (${r.newPages} of ${r.pages} pages new) in ${Math.round(r.ms)} ms`);
      return r;
    });
  }

  async restore(name: string): Promise<void> {
    const s = this.deps.session();
    if (!s) return;
    if (!this.deps.confirm(`Restore snapshot "${name}"? It replaces the running session: its processes end.`)) return;
    await this.busy(`restoring ${name}`, async () => {
      const r = await s.restoreSnapshot(name);
      this.say(`restored ${r.name}: ${r.tasks} processes in ${Math.round(r.ms)} ms`);
    });
  }

  async export(name: string): Promise<void> {
    const s = this.deps.session();
    if (!s) return;
    await this.busy(`exporting ${name}`, async () => {
      const bytes = await s.kernel.request('snapshotExport', { name });
      const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${name.replace(/[^A-Za-z0-9._+-]/g, '_')}.wvsnap`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.say(`exported ${name} (${formatBytes(bytes.length)}); continue it with: wvisor restore ${a.download}`);
    });
  }

  async remove(name: string): Promise<void> {
    const s = this.deps.session();
    if (!s) return;
    await this.busy(`removing ${name}`, async () => {
      const r = await s.kernel.request('snapshotRemove', { name });
      this.say(`removed ${r.name} (${formatBytes(r.freed)} freed)`);
    });
  }

  /** Imports snapshot files (picked, or dropped on the terminal). */
  async importFiles(files: File[]): Promise<void> {
    const s = this.deps.session();
    if (!s) return;
    for (const f of files) {
      await this.busy(`importing ${f.name}`, async () => {
        const r = await s.kernel.request('snapshotImport', { bytes: new Uint8Array(await f.arrayBuffer()) });
        this.say(`imported ${f.name} as ${r.name}: restore it from the list`);
      });
    }
  }

  /** Runs an action, with the progress bar once it has taken 100 ms; failures are said, not thrown. */
  private async busy<T>(what: string, f: () => Promise<T>): Promise<T | undefined> {
    this.deps.setStatus(`${what}…`);
    const show = setTimeout(() => { this.bar.hidden = false; }, 100);
    try {
      const r = await f();
      this.deps.setStatus(`${what}: done`);
      return r;
    } catch (e) {
      this.say(`${what} failed: ${(e as Error).message}`, true);
      this.deps.setStatus(`${what} failed`, true);
      return undefined;
    } finally {
      clearTimeout(show);
      this.bar.hidden = true;
      void this.refresh();
    }
  }

  private say(text: string, error = false): void {
    this.message.textContent = text;
    this.message.classList.toggle('error', error);
  }

  private render(list: SnapshotListItem[]): void {
    this.body.replaceChildren(...list.map((e) => {
      const tr = document.createElement('tr');
      tr.dataset.name = e.name;
      const cells = [e.name, new Date(e.date).toLocaleString(), formatBytes(e.bytes), String(e.tasks)];
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        td.title = text;
        tr.append(td);
      }
      const td = document.createElement('td');
      for (const [act, label] of [['restore', 'restore'], ['export', 'export'], ['rm', 'rm']]) {
        const b = document.createElement('button');
        b.type = 'button';
        b.dataset.act = act;
        b.textContent = label;
        b.setAttribute('aria-label', `${label} ${e.name}`);
        td.append(b);
      }
      tr.append(td);
      return tr;
    }));
  }
}
