/**
 * Cross-origin isolation: without it the page has no SharedArrayBuffer, and
 * the kernel's channels and pipes cannot exist. The page checks once at start;
 * when the server did not send COOP/COEP (many free static hosts cannot), it
 * registers its service worker (public/coi-sw.js), which adds the headers to
 * every answer, and reloads once. Only when that is impossible (no secure
 * context, service workers unavailable or blocked) does it show a banner
 * saying why and how to fix it.
 */

/** Why the page cannot run the kernel, or null when it can. */
export function isolationProblem(): string | null {
  if (!globalThis.crossOriginIsolated) return 'this page is not cross-origin isolated (crossOriginIsolated is false)';
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available';
  return null;
}

/** sessionStorage key: the page has reloaded once for the service worker. */
const RELOADED = 'wvisor-isolation-reload';

/**
 * Tries to get isolation through the service worker: `reloading` when the page
 * is about to reload under it, else `why` it cannot.
 */
export async function enableIsolation(): Promise<{ reloading: boolean; why: string }> {
  const no = (why: string) => ({ reloading: false, why });
  if (!globalThis.isSecureContext) {
    return no('The server sends no COOP/COEP headers, and the page cannot add them itself: that takes a service worker, which browsers allow only in a secure context (https, or http://localhost), and this page is neither.');
  }
  if (!('serviceWorker' in navigator)) {
    return no('The server sends no COOP/COEP headers, and this browser offers the page no service worker to add them (private browsing, or disabled by a setting).');
  }
  const base = new URL(import.meta.env.BASE_URL, location.href);
  let reloaded = false;
  try { reloaded = sessionStorage.getItem(RELOADED) === '1'; } catch { /* no storage: reload at most once anyway via the controller check */ }
  if (navigator.serviceWorker.controller && reloaded) {
    return no('The server sends no COOP/COEP headers; the page\'s service worker adds them, yet the browser did not isolate the page after a reload.');
  }
  try {
    await Promise.race([
      navigator.serviceWorker.register(new URL('coi-sw.js', base), { scope: base.pathname }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the registration did not finish in 10 s')), 10_000)),
    ]);
    await Promise.race([
      navigator.serviceWorker.ready,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the service worker did not start in 10 s')), 10_000)),
    ]);
  } catch (e) {
    return no(`The server sends no COOP/COEP headers, and the page's service worker, which would add them, could not be installed: ${(e as Error).message}.`);
  }
  if (reloaded) {
    return no('The server sends no COOP/COEP headers; the page installed its service worker and reloaded once, but the reload was not served through it (a hard reload bypasses service workers: reload normally).');
  }
  try { sessionStorage.setItem(RELOADED, '1'); } catch { /* see above */ }
  location.reload();
  return { reloading: true, why: '' };
}

/** The page is isolated: a later visit that loses isolation may reload once again. */
export function isolationWorked(): void {
  try { sessionStorage.removeItem(RELOADED); } catch { /* no storage */ }
}

/** Fills the banner element with the problem, why the page could not fix it, and the fix. */
export function showIsolationBanner(banner: HTMLElement, problem: string, why = ''): void {
  banner.replaceChildren();
  const add = (tag: string, text: string): HTMLElement => {
    const el = document.createElement(tag);
    el.textContent = text;
    banner.append(el);
    return el;
  };
  add('strong', 'wVisor cannot run here: ');
  banner.append(`${problem}. `);
  if (why) banner.append(`${why} `);
  banner.append('Programs run in workers that share memory (SharedArrayBuffer), which browsers allow only when the page is served with the headers ');
  add('code', 'Cross-Origin-Opener-Policy: same-origin');
  banner.append(' and ');
  add('code', 'Cross-Origin-Embedder-Policy: require-corp');
  banner.append('. To fix it, open the page over https or on localhost (its service worker then adds them), run ');
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
      + 'Cross-Origin-Embedder-Policy: require-corp (npm run dev / npm run preview do), or over https/localhost where its service worker adds them');
    this.name = 'IsolationError';
  }
}
