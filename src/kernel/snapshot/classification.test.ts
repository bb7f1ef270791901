import { describe, expect, it } from 'vitest';
import { CLASSIFIED, classify } from '../../../test/fixtures/snapshot/field-classes.js';

/**
 * Every field of the kernel state a snapshot covers is classified next to its
 * declaration: `@saved` (the snapshot writes it and the restore reads it) or
 * `@nosave` (rebuilt after load, with what rebuilds it). A new field without
 * either fails here, so a snapshot can never silently drop state; the
 * round trip in test/integration/snapshot.test.ts checks that `@saved` is true.
 */
describe('snapshot field classification', () => {
  it.each(CLASSIFIED.map(([file, cls]) => [`${cls} (${file})`, file, cls]))('%s: every field is @saved or @nosave', (_n, file, cls) => {
    const fields = classify(file, cls);
    expect(fields.length).toBeGreaterThan(0);
    const missing = fields.filter((f) => f.cls === undefined).map((f) => `${cls}.${f.name} (${file}:${f.line})`);
    expect(missing, 'give each of these exactly one of @saved / @nosave in its comment').toEqual([]);
  });

  it('finds private fields and constructor parameter properties (the parser misses nothing it should see)', () => {
    const task = classify('task.ts', 'Task').map((f) => f.name);
    expect(task).toEqual(expect.arrayContaining(['pid', 'argv', 'env', 'resolveExit', 'seccomp', 'noNewPrivs', 'program']));
    const tty = classify('tty.ts', 'Tty').map((f) => f.name);
    expect(tty).toEqual(expect.arrayContaining(['k', 'name', 'lines', 'edit', 'raw', 'readTimers']));
  });
});
