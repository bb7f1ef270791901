/**
 * The one way e2e tests drive the page: open it, call `window.wvisor`, type
 * into the terminal, and poll for state (never sleep).
 */
import { expect, type Page } from '@playwright/test';

/** The page's test API as tests see it (src/app/test-api.ts documents it). */
export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
  code: number | null;
  signal: number | null;
  shellCode: number;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: 'running' | 'blocked' | 'stopped' | 'zombie' | 'dead';
  command: string;
  cpuMs: number;
}

export interface RunOptions { stdin?: string; env?: string[] }
export interface SpawnOptions extends RunOptions { closeStdin?: boolean }

interface Wvisor {
  ready: Promise<void>;
  run(argv: string[], opts?: RunOptions): Promise<RunResult>;
  spawn(argv: string[], opts?: SpawnOptions): Promise<{ pid: number }>;
  write(pid: number, text: string): Promise<boolean>;
  closeStdin(pid: number): Promise<void>;
  wait(pid: number): Promise<RunResult>;
  kill(pid: number, sig: number): Promise<number>;
  ps(): Promise<ProcessInfo[]>;
  install(name: string, bytes: Uint8Array): Promise<{ instrumented: boolean }>;
  screen(): string;
  programs(): string[];
  timings: { readyMs: number | null; loadMs: number | null };
}

/**
 * The page's global as tests see it: write `(globalThis as unknown as G).wvisor` inside
 * page.evaluate callbacks (they run in the page, so they cannot call helpers of this file).
 */
type G = { wvisor: Wvisor };

export class TestUtils {
  constructor(readonly page: Page) {
    // A page error is a test failure with its cause, not a timeout later.
    page.on('pageerror', (e) => { this.errors.push(e); });
  }

  /** Uncaught errors the page threw. */
  readonly errors: Error[] = [];

  /** Opens the page and waits until the kernel has loaded /bin. */
  async open(path = '/'): Promise<void> {
    await this.page.goto(path);
    await this.page.waitForFunction(() => 'wvisor' in globalThis);
    await this.page.evaluate(() => (globalThis as unknown as G).wvisor.ready);
    // The terminal's shell has started and shown its prompt.
    await expect.poll(async () => (await this.screen()).split('\n').some((l) => l.startsWith('$')), { timeout: 15_000 }).toBe(true);
  }

  run(argv: string[], opts?: RunOptions): Promise<RunResult> {
    return this.page.evaluate(([a, o]) => (globalThis as unknown as G).wvisor.run(a, o), [argv, opts] as const);
  }

  async spawn(argv: string[], opts?: SpawnOptions): Promise<number> {
    return (await this.page.evaluate(([a, o]) => (globalThis as unknown as G).wvisor.spawn(a, o), [argv, opts] as const)).pid;
  }

  write(pid: number, text: string): Promise<boolean> {
    return this.page.evaluate(([p, t]) => (globalThis as unknown as G).wvisor.write(p, t), [pid, text] as const);
  }

  closeStdin(pid: number): Promise<void> {
    return this.page.evaluate((p) => (globalThis as unknown as G).wvisor.closeStdin(p), pid);
  }

  wait(pid: number): Promise<RunResult> {
    return this.page.evaluate((p) => (globalThis as unknown as G).wvisor.wait(p), pid);
  }

  kill(pid: number, sig: number): Promise<number> {
    return this.page.evaluate(([p, s]) => (globalThis as unknown as G).wvisor.kill(p, s), [pid, sig] as const);
  }

  ps(): Promise<ProcessInfo[]> {
    return this.page.evaluate(() => (globalThis as unknown as G).wvisor.ps());
  }

  screen(): Promise<string> {
    return this.page.evaluate(() => (globalThis as unknown as G).wvisor.screen());
  }

  /** Fetches a .wasm from the page's server and installs it into /bin as `name` (what a dropped file does). */
  install(url: string, name: string): Promise<{ instrumented: boolean }> {
    return this.page.evaluate(async ([u, n]) => {
      const bytes = new Uint8Array(await (await fetch(u)).arrayBuffer());
      return (globalThis as unknown as G).wvisor.install(n, bytes);
    }, [url, name] as const);
  }

  programs(): Promise<string[]> {
    return this.page.evaluate(() => (globalThis as unknown as G).wvisor.programs());
  }

  /** Calls a test API method with arguments given as is (for argument checks); resolves with the error message. */
  async errorOf(method: keyof Wvisor, args: unknown[]): Promise<string> {
    return this.page.evaluate(async ([m, a]) => {
      try {
        const f = (globalThis as unknown as G).wvisor[m as keyof Wvisor] as unknown as (...x: unknown[]) => unknown;
        await f(...a);
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
      return 'no error';
    }, [method, args] as const);
  }

  /** Polls until the process `pid` is in `state` per ps(). */
  async untilState(pid: number, state: ProcessInfo['state']): Promise<void> {
    await expect.poll(async () => (await this.ps()).find((p) => p.pid === pid)?.state, { timeout: 10_000 }).toBe(state);
  }

  /** Polls until the process `pid` is no longer listed (reaped). */
  async untilGone(pid: number): Promise<void> {
    await expect.poll(async () => (await this.ps()).some((p) => p.pid === pid), { timeout: 10_000 }).toBe(false);
  }

  /** Types a line into the terminal (as a person would) and presses Enter. */
  async typeLine(text: string): Promise<void> {
    await this.page.locator('#terminal .xterm').click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** Polls until a terminal row reads exactly `line` (trailing blanks ignored). */
  async untilScreenLine(line: string): Promise<void> {
    await expect.poll(async () => (await this.screen()).split('\n'), { timeout: 10_000 }).toContain(line);
  }
}

/** The page's `crossOriginIsolated`. */
export function crossOriginIsolated(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated);
}
