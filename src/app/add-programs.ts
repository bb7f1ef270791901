import type { KernelClient } from '../platform/browser/kernel-client.js';

/**
 * Programs a person brings: .wasm files picked with the file dialog or
 * dropped on the terminal go into /bin under their name without ".wasm" and
 * run by that name in the shell. A module without wVisor's instrumentation is
 * rewritten first in the kernel worker (the first time loads binaryen, ~13 MB:
 * the status line says so while it works).
 */
export function acceptPrograms(opts: {
  /** The current session's kernel (null while none runs). */
  kernel(): KernelClient | null;
  picker: HTMLInputElement;
  dropZone: HTMLElement;
  /** Tells the person what happened (the terminal). */
  say(text: string, error?: boolean): void;
  setStatus(text: string, error?: boolean): void;
  installed(name: string): void;
  /** A dropped file that is a snapshot (it starts with "WVISNAP\n"), not a program: imported instead. */
  snapshot?(file: File): void;
}): void {
  const add = async (files: Iterable<File>): Promise<void> => {
    for (const f of files) {
      if (opts.snapshot && new TextDecoder().decode(new Uint8Array(await f.slice(0, 8).arrayBuffer())) === 'WVISNAP\n') {
        opts.snapshot(f);
        continue;
      }
      const name = f.name.replace(/\.wasm$/i, '').replace(/[^A-Za-z0-9._+-]/g, '_').slice(0, 64) || 'program';
      opts.setStatus(`adding ${f.name}: checking and instrumenting (the first time loads binaryen)…`);
      try {
        const bytes = new Uint8Array(await f.arrayBuffer());
        const kernel = opts.kernel();
        if (!kernel) throw new Error('no sandbox session is running');
        const r = await kernel.request('install', { name, bytes });
        opts.installed(name);
        opts.say(`added /bin/${name}${r.instrumented ? ' (instrumented for wVisor)' : ''}; run it by typing ${name}`);
        opts.setStatus(`added ${name}`);
      } catch (e) {
        opts.say(`cannot add ${f.name}: ${(e as Error).message}`, true);
        opts.setStatus(`cannot add ${f.name}`, true);
      }
    }
  };
  opts.picker.addEventListener('change', () => {
    const files = [...(opts.picker.files ?? [])];
    opts.picker.value = '';
    void add(files);
  });
  opts.dropZone.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  });
  opts.dropZone.addEventListener('drop', (e) => {
    if (!e.dataTransfer?.files.length) return;
    e.preventDefault();
    void add([...e.dataTransfer.files]);
  });
}
