import { defineConfig } from '@playwright/test';

// Browsers come from Debian (`apt-get install chromium`), never from
// `npx playwright install`, which cannot download here.
const chromium = process.env.WVISOR_CHROMIUM ?? '/usr/bin/chromium';
const launchOptions = {
  executablePath: chromium,
  args: ['--no-sandbox', '--disable-quic', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: { launchOptions, trace: 'retain-on-failure' },
  projects: [
    { name: 'dev', use: { baseURL: 'http://localhost:5173' } },
    { name: 'preview', use: { baseURL: 'http://localhost:4173' } },
  ],
  webServer: [
    // WVISOR_E2E turns off the dev server's reload-on-change (vite.config.ts): another edit in the
    // tree must not reload a page in the middle of a test.
    { command: 'WVISOR_E2E=1 npx vite --port 5173 --strictPort', url: 'http://localhost:5173', reuseExistingServer: !process.env.CI },
    { command: 'npx vite preview --port 4173 --strictPort', url: 'http://localhost:4173', reuseExistingServer: !process.env.CI },
  ],
});
