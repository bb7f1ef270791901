/** Sandbox.pipes(): the pipe list the playground's lessons draw. */
import { afterEach, expect, it } from 'vitest';
import type { Sandbox } from './sandbox.js';
import { createNodeSandbox } from '../platform/node/node-sandbox.js';

const sandboxes: Sandbox[] = [];
afterEach(() => { for (const sb of sandboxes.splice(0)) sb.shutdown(); });

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

it('lists a pipe with the bytes written and not read, and who holds which end', async () => {
  const sb = createNodeSandbox();
  sandboxes.push(sb);
  // sleep never reads its stdin: what the host writes stays in the pipe.
  const p = await sb.spawn({ argv: ['sleep', '30'], keepStdinOpen: true });
  expect(await p.write('x'.repeat(1000))).toBe(true);
  const stdin = () => sb.pipes().find((q) => q.readEnds.some((e) => e.pid === p.pid && e.fd === 0));
  await until(() => stdin()?.used === 1000, 'the 1000 bytes to be buffered');
  const info = stdin()!;
  expect(info).toMatchObject({ used: 1000, capacity: 1 << 18, readers: 1, writers: 1, writeEnds: [] });
  // stdout and stderr: the task holds the write ends, the host the read ends.
  for (const fd of [1, 2]) expect(sb.pipes().some((q) => q.writeEnds.some((e) => e.pid === p.pid && e.fd === fd))).toBe(true);
  sb.kill(p.pid, 9);
  await p.exited;
  expect(sb.pipes()).toEqual([]);
});
