// /proc (src/kernel/vfs/proc-fs.ts) and the ps guest (guests/src/ps.c) that reads it.
//  - Linux is the reference for the stat line: ps.c built natively parses this machine's real
//    /proc, and its rows for a sleeping, a stopped and a zombie process must agree with procps'
//    ps; wVisor's stat lines must have Linux's shape (field count, "(comm)", a state letter).
//  - Under wVisor, ps shows the kernel's view: the same rows as Sandbox.ps(), S for a task
//    blocked in a call, R for ps itself, T for a stopped task.
//  - sh's help lists the programs (manifest descriptions) without the @test ones.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/kernel/sandbox.js';
import { createNodeSandbox } from '../../src/platform/node/node-sandbox.js';

const root = join(import.meta.dirname, '..', '..');
const nativePs = join(root, 'guests', 'build', 'native', 'ps');

const sandboxes: Sandbox[] = [];
function sandbox(): Sandbox {
  const sb = createNodeSandbox();
  sandboxes.push(sb);
  return sb;
}
afterEach(() => {
  for (const sb of sandboxes.splice(0)) sb.shutdown();
});

async function until<T>(f: () => T | undefined | false, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Row { pid: number; ppid: number; pgid: number; sid: number; state: string; time: string; command: string }

/** ps.c's output: a header, then PID PPID PGID SID S TIME COMMAND. */
function parsePs(out: string): Row[] {
  const lines = out.split('\n').filter((l) => l !== '');
  expect(lines[0]!.trim().split(/\s+/)).toEqual(['PID', 'PPID', 'PGID', 'SID', 'S', 'TIME', 'COMMAND']);
  return lines.slice(1).map((l) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+) (\S) +(\S+) (.*)$/.exec(l);
    if (!m) throw new Error(`not a ps row: ${JSON.stringify(l)}`);
    return { pid: +m[1]!, ppid: +m[2]!, pgid: +m[3]!, sid: +m[4]!, state: m[5]!, time: m[6]!, command: m[7]! };
  });
}

/** The fields of a Linux stat line: pid, comm (inside the outermost parentheses), then the rest. */
function statFields(line: string): string[] {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  return [line.slice(0, open).trim(), line.slice(open + 1, close), ...line.slice(close + 1).trim().split(' ')];
}

describe('ps natively, against procps on this machine', () => {
  beforeAll(() => {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-guests.mjs'), '--native-only'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`native guest build failed:\n${r.stderr}${r.stdout}`);
  }, 300_000);

  it('a sleeping, a stopped and a zombie process: the same pid, ppid, pgid, sid, state, time and command', async () => {
    // A parent that never reaps: its first child exits at once (a zombie), the second sleeps;
    // a third process is stopped.
    const parent = spawn('/usr/bin/python3', ['-c',
      'import os,subprocess,sys,time\n'
      + 'z=subprocess.Popen(["/bin/true"])\n'
      + 's=subprocess.Popen(["/bin/sleep","30"])\n'
      + 'sys.stdout.write("%d %d\\n" % (z.pid, s.pid)); sys.stdout.flush()\n'
      + 'time.sleep(30)\n'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stopped = spawn('/bin/sleep', ['30'], { stdio: 'ignore' });
    let sleeperPid = 0;
    try {
      const [zombie, sleeper] = await new Promise<number[]>((res) => {
        let text = '';
        parent.stdout!.on('data', (b: Buffer) => {
          text += b.toString();
          if (text.endsWith('\n')) res(text.trim().split(' ').map(Number));
        });
      });
      sleeperPid = sleeper!;
      process.kill(stopped.pid!, 'SIGSTOP');
      const pids = [parent.pid!, zombie!, sleeper!, stopped.pid!];
      const stateOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];
      await until(() => stateOf(zombie!) === 'Z' && stateOf(stopped.pid!) === 'T' && stateOf(sleeper!) === 'S', 'the states');

      const mine = parsePs(spawnSync(nativePs, [], { encoding: 'utf8' }).stdout).filter((r) => pids.includes(r.pid));
      const ref = spawnSync('ps', ['-o', 'pid=,ppid=,pgid=,sid=,state=,time=,args=', '-p', pids.join(',')], { encoding: 'utf8' });
      const theirs = ref.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => {
        const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S)\s+(\S+)\s(.*)$/.exec(l)!;
        return { pid: +m[1]!, ppid: +m[2]!, pgid: +m[3]!, sid: +m[4]!, state: m[5]!, time: m[6]!, command: m[7]! };
      });
      expect(theirs.map((r) => r.state).sort()).toEqual(['S', 'S', 'T', 'Z']);
      expect(mine.sort((a, b) => a.pid - b.pid)).toEqual(theirs.sort((a, b) => a.pid - b.pid));
    } finally {
      parent.kill('SIGKILL');
      stopped.kill('SIGKILL');
      if (sleeperPid) process.kill(sleeperPid, 'SIGKILL');
    }
  });
});

describe('/proc under wVisor', () => {
  it('stat lines have Linux\'s shape: as many fields as this machine\'s, the comm, the state letter', async () => {
    const sb = sandbox();
    const r = await sb.run({ argv: ['cat', '/proc/self/stat'] });
    expect(r.stderr).toBe('');
    const ours = statFields(r.stdout.trimEnd());
    const linux = statFields(readFileSync('/proc/self/stat', 'utf8').trimEnd());
    expect(ours.length).toBe(linux.length);
    expect(ours[1]).toBe('cat');
    expect(ours[2]).toBe('R'); // the reader itself is running
    // cmdline: each argument NUL-terminated, as Linux's.
    const c = await sb.run({ argv: ['cat', '/proc/self/cmdline', '/proc/self/comm'] });
    expect(c.stdout).toBe('cat\0/proc/self/cmdline\0/proc/self/comm\0cat\n');
  });

  it('ps lists what the kernel has: S for a task blocked in a call, T stopped, R for ps itself', async () => {
    const sb = sandbox();
    const dec = new TextDecoder();
    let out = '';
    const sh = await sb.spawn({ argv: ['sh'], keepStdinOpen: true, onStdout: (b) => { out += dec.decode(b); } });
    sh.write('sleep 30 &\necho started\n');
    await until(() => out.includes('started'), 'the background sleep');
    const sleeper = await until(() => sb.ps().find((p) => p.command === 'sleep 30'), 'sleep in the list');
    await until(() => sb.ps().find((p) => p.pid === sleeper.pid)?.state === 'blocked', 'sleep to block');
    out = '';
    sh.write('ps\necho done\n');
    await until(() => out.includes('done\n'), 'ps');
    const rows = parsePs(out.slice(0, out.indexOf('done\n')));
    const byPid = new Map(rows.map((r) => [r.pid, r]));
    expect(byPid.get(1)).toMatchObject({ ppid: 0, state: 'S', command: 'init' });
    expect(byPid.get(sleeper.pid)).toMatchObject({ ppid: sh.pid, pgid: sleeper.pgid, sid: sleeper.sid, state: 'S', command: 'sleep 30' });
    const psRow = rows.find((r) => r.command === 'ps')!;
    expect(psRow).toMatchObject({ ppid: sh.pid, state: 'R' });
    // sh waits for ps: blocked in its wait call.
    expect(byPid.get(sh.pid)).toMatchObject({ ppid: 1, state: 'S', command: 'sh' });
    // Every row agrees with the host's view of the same tasks (ps itself has gone by now).
    for (const p of sb.ps()) {
      const r = byPid.get(p.pid);
      if (r) expect({ ppid: r.ppid, pgid: r.pgid, sid: r.sid }).toEqual({ ppid: p.ppid, pgid: p.pgid, sid: p.sid });
    }

    expect(sb.kill(sleeper.pid, 19)).toBe(0);
    await until(() => sb.ps().find((p) => p.pid === sleeper.pid)?.state === 'stopped', 'sleep to stop');
    out = '';
    sh.write('ps\necho done\n');
    await until(() => out.includes('done\n'), 'ps');
    expect(parsePs(out.slice(0, out.indexOf('done\n'))).find((r) => r.pid === sleeper.pid)?.state).toBe('T');
    sb.kill(sleeper.pid, 9);
    sh.write('exit\n');
    await sh.exited;
  });

  it('a reaped task is gone from /proc; changes are refused with the errno Linux gives there', async () => {
    const sb = sandbox();
    const ls = await sb.run({ argv: ['ls', '/proc'] });
    const names = ls.stdout.split('\n').filter(Boolean);
    expect(names).toContain('self');
    expect(names).toContain('1');
    const gone = await sb.run({ argv: ['cat', '/proc/999/stat'] });
    expect(gone.code).not.toBe(0);
    // The reference: what Linux answers for the same operations (errno names by Python).
    const linux = spawnSync('/usr/bin/python3', ['-c',
      'import os,errno\n'
      + 'def t(f):\n'
      + '  try: f(); return "ok"\n'
      + '  except OSError as e: return errno.errorcode[e.errno]\n'
      + 'print(t(lambda: os.mkdir("/proc/x")), t(lambda: os.unlink("/proc/self/stat")), t(lambda: os.open("/proc/999999/stat", os.O_RDONLY)))\n'],
    { encoding: 'utf8' }).stdout.trim();
    const ours = await sb.run({ argv: ['sh', '-c', 'mkdir /proc/x; rm /proc/self/stat; cat /proc/999999/stat'] });
    const errs = ours.stderr.split('\n').filter(Boolean);
    const named = { ENOENT: 'No such file or directory', EPERM: 'Operation not permitted' } as Record<string, string>;
    const want = linux.split(' ').map((e) => named[e] ?? e);
    expect(errs.length).toBe(3);
    errs.forEach((line, i) => expect(line).toContain(want[i]));
  });
});

describe('sh help', () => {
  it('lists the programs with their manifest descriptions, not the @test ones (help -a shows them)', async () => {
    const manifest = JSON.parse(readFileSync(join(root, 'public', 'bin', 'manifest.json'), 'utf8')) as
      { name: string; description: string; test?: boolean }[];
    expect(manifest.filter((m) => m.test).map((m) => m.name)).toEqual(expect.arrayContaining(['t_fd', 'hostile', 'spawntest', 'segv']));
    const sb = sandbox();
    const help = (await sb.run({ argv: ['sh', '-c', 'help'] })).stdout;
    const all = (await sb.run({ argv: ['sh', '-c', 'help -a'] })).stdout;
    const progLine = (text: string, name: string) =>
      text.slice(text.lastIndexOf('\nPrograms')).split('\n').find((l) => new RegExp(`^  ${name} +\\S`).test(l));
    for (const m of manifest) {
      if (m.test) expect(progLine(help, m.name), m.name).toBeUndefined();
      else expect(progLine(help, m.name), m.name).toMatch(new RegExp(` ${m.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      expect(progLine(all, m.name), m.name).toBeDefined();
    }
    // ps is a program now, not a builtin.
    expect(help).not.toMatch(/^ {2}ps {10,}/m);
  });
});
