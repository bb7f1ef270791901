/**
 * Fetches the bundled programs: `manifest.json` (written by
 * scripts/build-guests.mjs) and each `.wasm` it lists, in parallel, checking
 * each file's SHA-256 against the manifest.
 */
import { sha256Hex } from './host-services.js';

/** One manifest entry (the fields this loader uses). */
interface ManifestEntry {
  name: string;
  file: string;
  sha256: string;
}

/** Loading the programs failed; the message says which URL and what to do. */
export class ProgramLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProgramLoadError';
  }
}

export interface LoadedPrograms {
  /** [name, bytes] for populate(vfs, '/bin', files). */
  files: Array<[string, Uint8Array]>;
  /** Files that loaded but looked wrong (hash differs from the manifest's). */
  warnings: string[];
}

export async function loadPrograms(
  binUrl: string,
  onProgress: (loaded: number, total: number, name: string) => void,
): Promise<LoadedPrograms> {
  const manifestUrl = new URL('manifest.json', binUrl).href;
  const manifest = parseManifest(await fetchBytes(manifestUrl), manifestUrl);
  let loaded = 0;
  const warnings: string[] = [];
  const files = await Promise.all(manifest.map(async (m): Promise<[string, Uint8Array]> => {
    const url = new URL(m.file, binUrl).href;
    const bytes = await fetchBytes(url);
    const hash = await sha256Hex(bytes);
    if (hash !== m.sha256) {
      warnings.push(`${m.file}: SHA-256 ${hash.slice(0, 12)}… differs from manifest.json's ${m.sha256.slice(0, 12)}…; `
        + 'rebuild the programs (npm run build:guests) so the two agree');
    }
    onProgress(++loaded, manifest.length, m.name);
    return [m.name, bytes];
  }));
  return { files, warnings };
}

async function fetchBytes(url: string): Promise<Uint8Array<ArrayBuffer>> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new ProgramLoadError(`cannot fetch ${url}: ${(e as Error).message}; is the server running?`);
  }
  if (!res.ok) throw new ProgramLoadError(`cannot fetch ${url}: HTTP ${res.status}; build the programs (npm run build:guests) and serve public/`);
  return new Uint8Array(await res.arrayBuffer());
}

function parseManifest(bytes: Uint8Array, url: string): ManifestEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ProgramLoadError(`${url} is not JSON (${(e as Error).message}); rebuild it with npm run build:guests`);
  }
  if (!Array.isArray(data)) throw new ProgramLoadError(`${url} must be a JSON array of {name, file, sha256}`);
  return data.map((e: unknown, i) => {
    const o = e as Partial<ManifestEntry> | null;
    if (!o || typeof o.name !== 'string' || !/^[\w.+-]+$/.test(o.name) || typeof o.file !== 'string'
      || typeof o.sha256 !== 'string') {
      throw new ProgramLoadError(`${url}: entry ${i} needs string fields name (a plain file name), file and sha256`);
    }
    return { name: o.name, file: o.file, sha256: o.sha256 };
  });
}
