/**
 * Cross-origin isolation: without it the page has no SharedArrayBuffer, and
 * the kernel's channels and pipes cannot exist. The page checks once at start
 * and, if isolation is missing, says how to get it instead of failing later.
 */

/** Why the page cannot run the kernel, or null when it can. */
export function isolationProblem(): string | null {
  if (!globalThis.crossOriginIsolated) return 'this page is not cross-origin isolated (crossOriginIsolated is false)';
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available';
  return null;
}

/** Fills the banner element with the problem and the fix. */
export function showIsolationBanner(banner: HTMLElement, problem: string): void {
  banner.replaceChildren();
  const add = (tag: string, text: string): HTMLElement => {
    const el = document.createElement(tag);
    el.textContent = text;
    banner.append(el);
    return el;
  };
  add('strong', 'wVisor cannot run here: ');
  banner.append(`${problem}. `);
  banner.append('Programs run in workers that share memory (SharedArrayBuffer), which browsers allow only when the page is served with the headers ');
  add('code', 'Cross-Origin-Opener-Policy: same-origin');
  banner.append(' and ');
  add('code', 'Cross-Origin-Embedder-Policy: require-corp');
  banner.append('. To fix it, run ');
  add('code', 'npm run dev');
  banner.append(' or ');
  add('code', 'npm run build && npm run preview');
  banner.append(' (both send the headers), or set those two headers on your own server.');
  banner.hidden = false;
}

/** The error `wvisor.ready` rejects with on such a page. */
export class IsolationError extends Error {
  constructor(problem: string) {
    super(`${problem}: serve the page with Cross-Origin-Opener-Policy: same-origin and `
      + 'Cross-Origin-Embedder-Policy: require-corp (npm run dev / npm run preview do)');
    this.name = 'IsolationError';
  }
}
