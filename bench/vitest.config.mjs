// The bench's own tests (bench/*.test.mjs), outside the project's default Vitest
// include (src/, test/): run with `npx vitest run -c bench/vitest.config.mjs`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['bench/**/*.test.mjs'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
