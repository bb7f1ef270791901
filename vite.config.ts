import { defineConfig } from 'vite';

// Cross-origin isolation (COOP + COEP) makes SharedArrayBuffer available: the
// kernel's channels, pipes and tty rings are built on it. Both the dev server
// and the preview server send the headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation, port: 5173, strictPort: true },
  preview: { headers: isolation, port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist-web' },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'guests/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
} as never);
