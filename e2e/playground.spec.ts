/**
 * The playground page in Chromium: the kernel in its worker, task workers,
 * pipes, signals, the terminal launcher and the test API. Expected outputs
 * come from the guests' C sources (guests/src) as a native build prints them.
 */
import { expect, test } from '@playwright/test';
import { crossOriginIsolated, TestUtils } from './test-utils.js';

const SIGKILL = 9;
const SIGCONT = 18;
const SIGSTOP = 19;
const ESRCH = 71; // WASI errno numbering

let t: TestUtils;

test.beforeEach(async ({ page }) => {
  t = new TestUtils(page);
  await t.open();
});

test.afterEach(() => {
  expect(t.errors, 'uncaught errors on the page').toEqual([]);
});

test('the page is cross-origin isolated and lists the bundled programs', async ({ page }) => {
  expect(await crossOriginIsolated(page)).toBe(true);
  await expect(page.locator('#banner')).toBeHidden();
  const programs = await t.programs();
  await expect(page.locator('#status')).toHaveText(new RegExp(`^ready: ${programs.length} programs loaded in \\d+ ms$`));
  await expect(page.locator('#progress')).toBeHidden();
  for (const p of ['hello', 'cat', 'wc', 'echo', 'spin', 'spawntest']) expect(programs).toContain(p);
});

test('run hello: stdout "hello, world\\n", exit 0', async () => {
  const r = await t.run(['hello']);
  expect(r).toEqual({ stdout: 'hello, world\n', stderr: '', status: 0, code: 0, signal: null, shellCode: 0 });
});

test('run wc -c with stdin counts its bytes', async () => {
  const r = await t.run(['wc', '-c'], { stdin: 'hello\n' });
  expect(r.stdout.trim()).toBe('6');
  expect(r.code).toBe(0);
});

test('run cat echoes stdin, multi-byte characters and all', async () => {
  const text = 'line one\nzwei: grüße, 日本語 ✓\n'.repeat(200);
  const r = await t.run(['cat'], { stdin: text });
  expect(r.stdout).toBe(text);
  expect(r.code).toBe(0);
});

test('env reaches the guest and nothing else does', async () => {
  const r = await t.run(['env'], { env: ['A=1', 'GREETING=hi there'] });
  expect(r.stdout).toBe('A=1\nGREETING=hi there\n');
});

test('exit codes and a missing program', async () => {
  expect((await t.run(['false'])).shellCode).toBe(1);
  const msg = await t.errorOf('run', [['no-such-program']]);
  expect(msg).toContain('no-such-program: command not found');
});

test('spawntest: spawn, pipelines and waitpid between task workers', async () => {
  const r = await t.run(['spawntest']);
  expect(r.stdout).toContain('pipeline echo hello pipeline | cat | wc -c:\n');
  // "hello pipeline\n" is 15 bytes; each stage exits 0.
  expect(r.stdout).toMatch(/^\s*15\n/m);
  for (const stage of ['echo', 'cat', 'wc']) expect(r.stdout).toContain(`${stage}: exited 0\n`);
  expect(r.stdout).toContain('exit 42: exited 42\n');
  expect(r.stdout).toContain('spin after SIGKILL: killed by SIGKILL\n');
  expect(r.stdout).toContain('sleep 30 after SIGTERM: killed by SIGTERM\n');
  expect(r.code).toBe(0);
});

test('spawn + write + closeStdin + wait', async () => {
  const pid = await t.spawn(['wc', '-l'], { stdin: 'a\n' });
  expect(await t.write(pid, 'b\nc\n')).toBe(true);
  // Still reading: stdin is open, and ps shows the read waiting (inside the task's worker, on the pipe's ring).
  await t.untilState(pid, 'blocked');
  await t.closeStdin(pid);
  const r = await t.wait(pid);
  expect(r.stdout.trim()).toBe('3');
  expect(r.code).toBe(0);
  // A pid is collected once.
  expect(await t.errorOf('wait', [pid])).toMatch(/no process \d+ started by spawn/);
});

test('a CPU-bound spin is killed by SIGKILL', async () => {
  const pid = await t.spawn(['spin'], { closeStdin: true });
  await t.untilState(pid, 'running');
  // It burns CPU without a syscall; the panel's CPU time grows.
  await expect.poll(async () => (await t.ps()).find((p) => p.pid === pid)?.cpuMs ?? 0).toBeGreaterThan(20);
  expect(await t.kill(pid, SIGKILL)).toBe(0);
  const r = await t.wait(pid);
  expect(r).toMatchObject({ signal: SIGKILL, code: null, shellCode: 128 + SIGKILL, stdout: '' });
  await t.untilGone(pid);
  expect(await t.kill(pid, SIGKILL)).toBe(ESRCH);
});

test('SIGSTOP stops a spin with no syscalls, SIGCONT resumes it, SIGKILL ends it', async ({ page }) => {
  const pid = await t.spawn(['spin'], { closeStdin: true });
  await t.untilState(pid, 'running');
  expect(await t.kill(pid, SIGSTOP)).toBe(0);
  await t.untilState(pid, 'stopped');
  await expect(page.locator(`#ps tr[data-pid="${pid}"] td.state`)).toHaveText('stopped');
  // Stopped means not running: its CPU time holds still across several panel refreshes.
  const cpu = async () => (await t.ps()).find((p) => p.pid === pid)!.cpuMs;
  const before = await cpu();
  await expect(page.locator(`#ps tr[data-pid="${pid}"] td.state`)).toHaveText('stopped');
  expect(await cpu()).toBe(before);
  expect(await t.kill(pid, SIGCONT)).toBe(0);
  await t.untilState(pid, 'running');
  await expect.poll(cpu).toBeGreaterThan(before);
  expect(await t.kill(pid, SIGKILL)).toBe(0);
  expect((await t.wait(pid)).signal).toBe(SIGKILL);
});

test('the process panel lists a running program', async ({ page }) => {
  const pid = await t.spawn(['cat']); // blocks reading its open stdin
  const row = page.locator(`#ps tr[data-pid="${pid}"]`);
  await expect(row.locator('td.command')).toHaveText('cat');
  await expect(row.locator('td.state')).toHaveText(/^(running|blocked)$/);
  await expect(row.locator('td.num').first()).toHaveText(String(pid));
  await t.closeStdin(pid);
  await t.wait(pid);
  await expect(row).toHaveCount(0);
});

test('typing into the terminal: the shell runs commands and keeps $?', async () => {
  await t.typeLine('echo hi');
  await t.untilScreenLine('hi');
  await t.typeLine("echo 'two  words' x");
  await t.untilScreenLine('two  words x');
  await t.typeLine('false; echo status $?');
  await t.untilScreenLine('status 1');
});

test('echo hello | wc -c prints 6', async () => {
  await t.typeLine('echo hello | wc -c; echo piped');
  await t.untilScreenLine('piped');
  const lines = (await t.screen()).split('\n');
  expect(lines[lines.indexOf('piped') - 1]?.trim()).toBe('6');
});

test('yes > /dev/null, then Ctrl+C gives the prompt back within a second', async ({ page }) => {
  await t.typeLine('yes > /dev/null');
  await expect.poll(async () => (await t.ps()).some((p) => p.command === 'yes')).toBe(true);
  const t0 = Date.now();
  await page.keyboard.press('Control+C');
  await expect.poll(async () => (await t.ps()).some((p) => p.command === 'yes'), { intervals: [10] }).toBe(false);
  await t.typeLine('echo status $?');
  await t.untilScreenLine('status 130');
  expect(Date.now() - t0).toBeLessThan(1000 + 500); // the prompt's round trip through the page
});

test('job control: sleep 100 &, jobs, fg then ^Z stops it, bg resumes it, kill %1 ends it', async ({ page }) => {
  const sleepState = async () => (await t.ps()).find((p) => p.command === 'sleep 100')?.state;
  await t.typeLine('sleep 100 &');
  await expect.poll(sleepState).toBe('blocked');
  await t.typeLine('jobs');
  await expect.poll(async () => (await t.screen()).split('\n').some((l) => /^\[1\]\+?\s+Running\s+sleep 100 &$/.test(l))).toBe(true);
  await t.typeLine('fg');
  await t.untilScreenLine('sleep 100');
  await page.keyboard.press('Control+Z');
  await expect.poll(sleepState).toBe('stopped');
  await expect.poll(async () => (await t.screen()).split('\n').some((l) => /^\[1\]\+\s+Stopped\s+sleep 100$/.test(l))).toBe(true);
  await t.typeLine('bg');
  await expect.poll(sleepState).toBe('blocked');
  await t.typeLine('kill %1');
  await expect.poll(sleepState).toBe(undefined);
  await t.typeLine('jobs; echo listed');
  await t.untilScreenLine('listed');
});

test('a CPU-bound guest stops on ^Z and resumes on fg', async ({ page }) => {
  const spin = async () => (await t.ps()).find((p) => p.command === 'spin');
  await t.typeLine('spin');
  await expect.poll(async () => (await spin())?.state).toBe('running');
  await page.keyboard.press('Control+Z');
  await expect.poll(async () => (await spin())?.state).toBe('stopped');
  const cpu = (await spin())!.cpuMs;
  await t.typeLine('fg');
  await expect.poll(async () => (await spin())?.cpuMs ?? 0).toBeGreaterThan(cpu + 5);
  await page.keyboard.press('Control+C');
  await expect.poll(async () => (await spin()) === undefined).toBe(true);
});

test('the test API rejects bad arguments with messages that say what is wrong', async () => {
  const cases: Array<[string, unknown[], RegExp]> = [
    ['run', ['hello'], /argv must be an array of strings/],
    ['run', [[]], /argv is empty/],
    ['run', [['echo', 3]], /argv\[1\] must be a string, got number 3/],
    ['run', [['hello'], { stdin: 5 }], /opts.stdin must be a string/],
    ['run', [['hello'], { env: ['NOEQUALS'] }], /opts.env\[0\] must be a "NAME=VALUE" string/],
    ['run', [['hello'], { stdn: 'x' }], /unknown option "stdn"/],
    ['spawn', [['cat'], { closeStdin: 'yes' }], /closeStdin must be true or false/],
    ['write', [0, 'x'], /pid must be a positive integer/],
    ['write', [2, 7], /text must be a string/],
    ['kill', [1.5, 9], /pid must be a non-zero integer/],
    ['kill', [2, 99], /sig must be an integer signal number from 0 to 64/],
    ['wait', ['3'], /pid must be a positive integer/],
    ['closeStdin', [99999], /no process 99999 started by spawn/],
  ];
  for (const [method, args, want] of cases) {
    expect(await t.errorOf(method as 'run', args), `${method}(${JSON.stringify(args)})`).toMatch(want);
  }
});

test('help lists the programs with their descriptions, without the test programs; ps shows the kernel\'s states', async ({ page }) => {
  const help = (await t.run(['sh', '-c', 'help'])).stdout;
  const programs = help.slice(help.lastIndexOf('\nPrograms'));
  expect(programs).toMatch(/\n {2}cat +concatenates files/);
  expect(programs).toMatch(/\n {2}ps +lists every process from \/proc/);
  for (const hidden of ['t_fd', 'spawntest', 'hostile', 'segv']) expect(programs).not.toContain(`\n  ${hidden} `);
  // ... but they still run by name.
  expect((await t.run(['t_args', 'x'])).code).toBe(0);

  // Tab completion does not offer them either: "spa" stays as typed (it would become "spawntest ").
  await page.locator('#terminal .xterm').click();
  await page.keyboard.type('echo; spa');
  await page.keyboard.press('Tab');
  await page.keyboard.type('X');
  await expect.poll(async () => (await t.screen()).split('\n').some((l) => l.endsWith('$ echo; spaX'))).toBe(true);
  await page.keyboard.press('Control+U');

  // ps reads /proc: a blocked sleep is S, as the process panel's "blocked".
  await t.typeLine('sleep 100 &');
  const sleep = async () => (await t.ps()).find((p) => p.command === 'sleep 100');
  await expect.poll(async () => (await sleep())?.state).toBe('blocked');
  const pid = (await sleep())!.pid;
  await t.typeLine('ps; echo listed');
  await t.untilScreenLine('listed');
  const row = (await t.screen()).split('\n').find((l) => new RegExp(`^\\s*${pid}\\s`).test(l));
  expect(row).toMatch(/ S +\d\d:\d\d:\d\d sleep 100$/);
  await t.typeLine('kill %1');
  await expect.poll(sleep).toBe(undefined);
});
