#!/usr/bin/env node
/**
 * Rewrites a module from the command line (Node only):
 *   node dist/instrument/cli.js in.wasm out.wasm [--preempt-unwind] [-O<0..3>]
 * Prints what it did (the rewrite record, counts, timings) to stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rewriteModule, type RewriteOptions } from './index.js';

const USAGE = 'usage: node dist/instrument/cli.js in.wasm out.wasm [--preempt-unwind] [-O<0..3>]';

/** Exit status: 0 done, 1 the module cannot be rewritten, 2 bad usage. */
async function main(argv: string[]): Promise<number> {
  const files: string[] = [];
  const opts: RewriteOptions = {};
  for (const a of argv) {
    if (a === '--preempt-unwind') opts.preemptUnwind = true;
    else if (/^-O[0-3]$/.test(a)) opts.optimizeLevel = Number(a.slice(2)) as 0 | 1 | 2 | 3;
    else if (a === '-h' || a === '--help') { process.stdout.write(USAGE + '\n'); return 0; }
    else if (a.startsWith('-')) { process.stderr.write(`unknown option ${a}\n${USAGE}\n`); return 2; }
    else files.push(a);
  }
  if (files.length !== 2) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const [input, output] = files as [string, string];
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(input));
  } catch (e) {
    process.stderr.write(`cannot read ${input}: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const r = await rewriteModule(bytes, opts);
    writeFileSync(output, r.bytes);
    process.stderr.write(`${input} (${bytes.length} bytes) -> ${output} (${r.bytes.length} bytes)\n`
      + `  record ${JSON.stringify(r.info)}\n`
      + `  features: ${r.features.length > 0 ? r.features.join(', ') : 'MVP'}\n`
      + `  unwind points: ${r.unwindImports.length} imports; fuel checks: ${r.fuel.loopChecks} loops, `
      + `${r.fuel.entryChecks} function entries; exported globals: ${r.globals.map((g) => `${g.exportName}=${g.name}`).join(' ')}\n`
      + `  time: ${r.timings.total.toFixed(0)} ms (asyncify ${r.timings.asyncify.toFixed(0)} ms)\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
