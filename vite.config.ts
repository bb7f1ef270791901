import { defineConfig } from 'vite';

// Cross-origin isolation (COOP + COEP) makes SharedArrayBuffer available: the
// kernel's channels, pipes and tty rings are built on it. Both the dev server
// and the preview server send the headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Under e2e tests (WVISOR_E2E=1, set by playwright.config.ts) no HMR client: an edit elsewhere in the
  // tree would otherwise reload the page in the middle of a test.
  server: { headers: isolation, port: 5173, strictPort: true, hmr: process.env.WVISOR_E2E ? false : undefined },
  preview: { headers: isolation, port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist-web' },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'guests/**/*.test.ts', 'bench/**/*.test.mjs'],
    testTimeout: 30_000,
    pool: 'forks',
  },
} as never);
