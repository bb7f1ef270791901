import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KernelLimits } from '../../kernel/kernel.js';
import { Sandbox } from '../../kernel/sandbox.js';
import { populate } from '../../kernel/vfs/index.js';
import { NodePlatform } from './node-platform.js';

/** public/bin of this package: the bundled guest programs, already instrumented. */
export const bundledBin = fileURLToPath(new URL('../../../public/bin/', import.meta.url));

/**
 * A sandbox on Node with /bin holding the bundled programs (so guests can
 * spawn `cat`, `wc`, ... by name).
 */
export function createNodeSandbox(limits: Partial<KernelLimits> = {}, platform: { warmWorkers?: number } = {}): Sandbox {
  const sb = new Sandbox(new NodePlatform(platform), limits);
  const files: Array<[string, Uint8Array]> = [];
  for (const name of readdirSync(bundledBin)) {
    if (name.endsWith('.wasm')) files.push([name.slice(0, -5), readFileSync(bundledBin + name)]);
  }
  populate(sb.kernel.vfs, '/bin', files);
  return sb;
}
