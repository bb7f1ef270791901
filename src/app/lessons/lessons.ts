/**
 * The lessons: each is a page of the playground (`?lesson=NAME`) with short
 * text beside the live terminal, steps the student types (or has typed with
 * "run this"), a check after each step against the kernel's state (the
 * process list, the pipes and their fill levels, the terminal's output), and
 * a picture drawn from that same state.
 *
 * A check sees every observation made since its step began, so it can ask
 * "was the pipe full at some moment" as well as "is the job gone now".
 */
import type { PipeInfo, ProcessInfo } from '../../platform/browser/protocol.js';

/** What the page saw at one moment. */
export interface Observation {
  ps: ProcessInfo[];
  pipes: PipeInfo[];
  /** ms since the step began. */
  at: number;
}

export interface StepContext {
  /** The latest observation. */
  now: Observation;
  /** Every observation since the step began (oldest first, `now` last). */
  seen: Observation[];
  /** The terminal's text written since the step began (lines joined by "\n"). */
  output: string;
  /** pid of the terminal's shell (the session leader). */
  shell: number;
  /** Values earlier steps remembered (pids), by name. */
  vars: Record<string, number>;
}

export interface CheckResult {
  ok: boolean;
  /** What was seen: why it passed, or what is still missing. */
  detail: string;
}

export interface Step {
  title: string;
  /** What to do and why, one or two sentences. */
  text: string;
  /** The command as shown (and typed, followed by Enter, unless `keys` is given). */
  command: string | ((vars: Record<string, number>) => string);
  /** The exact keys "run this" sends (control keys: "\x1a" is Ctrl+Z). */
  keys?: string;
  /** What the student should see. */
  expect: string;
  check(ctx: StepContext): CheckResult;
}

export type PictureKind = 'processes' | 'jobs' | 'seccomp';

export interface Lesson {
  name: string;
  title: string;
  /** A paragraph shown above the steps. */
  intro: string;
  picture: PictureKind;
  steps: Step[];
}

const pass = (detail: string): CheckResult => ({ ok: true, detail });
const fail = (detail: string): CheckResult => ({ ok: false, detail });

const named = (ps: ProcessInfo[], command: string) => ps.filter((p) => p.command === command);
const byPid = (ps: ProcessInfo[], pid: number | undefined) => ps.find((p) => p.pid === pid && p.state !== 'zombie');
const lines = (text: string) => text.split('\n').map((l) => l.trimEnd());

/**
 * Process groups of `ps` that are orphaned (POSIX): no member has a parent
 * in a different group of the same session. init (outside every session)
 * does not count as such a parent.
 */
export function orphanedGroups(ps: ProcessInfo[]): Set<number> {
  const out = new Set<number>();
  const groups = new Map<number, ProcessInfo[]>();
  for (const p of ps) {
    if (p.state === 'zombie' || p.state === 'dead') continue;
    groups.set(p.pgid, [...groups.get(p.pgid) ?? [], p]);
  }
  for (const [pgid, members] of groups) {
    const anchored = members.some((m) => {
      const parent = ps.find((q) => q.pid === m.ppid);
      return parent !== undefined && parent.sid === m.sid && parent.pgid !== m.pgid;
    });
    if (!anchored) out.add(pgid);
  }
  return out;
}

const pipesLesson: Lesson = {
  name: 'pipes',
  title: 'Processes and pipes',
  picture: 'processes',
  intro: 'A pipeline is several processes started together in one process group, each one\'s output joined to the next one\'s input by a pipe: '
    + 'a buffer in the kernel (256 KiB here) that the writer fills and the reader drains. The picture shows the shell\'s children, their groups, '
    + 'and each pipe\'s fill level as the kernel reports it.',
  steps: [
    {
      title: 'Start a pipeline',
      text: 'cat copies what you type to its output; wc -l counts the lines it reads. Both wait: cat for your keys, wc for cat.',
      command: 'cat | wc -l',
      expect: 'cat and wc in one new process group (not the shell\'s), both children of sh, with a pipe from cat\'s fd 1 to wc\'s fd 0.',
      check({ now, shell }) {
        const cat = named(now.ps, 'cat')[0];
        const wc = named(now.ps, 'wc -l')[0];
        if (!cat || !wc) return fail(`waiting for cat and wc -l in the process list (have: ${now.ps.map((p) => p.command).join(', ')})`);
        const sh = byPid(now.ps, shell);
        if (cat.pgid !== wc.pgid) return fail(`cat is in group ${cat.pgid}, wc in group ${wc.pgid}: a pipeline shares one group`);
        if (sh && cat.pgid === sh.pgid) return fail('the pipeline is still in the shell\'s own group');
        const pipe = now.pipes.find((p) => p.writeEnds.some((e) => e.pid === cat.pid && e.fd === 1)
          && p.readEnds.some((e) => e.pid === wc.pid && e.fd === 0));
        if (!pipe) return fail('no pipe from cat\'s fd 1 to wc\'s fd 0 yet');
        return pass(`cat (pid ${cat.pid}) and wc (pid ${wc.pid}) are group ${cat.pgid}, children of sh ${cat.ppid}; pipe:[${pipe.ino}] joins them`);
      },
    },
    {
      title: 'Feed it and close it',
      text: 'Type three lines, then Ctrl+D: at the start of a line the terminal turns it into end of file for cat. cat exits, its end of the pipe closes, and wc reads end of file and prints its count.',
      command: 'one⏎ two⏎ three⏎ Ctrl+D',
      keys: 'one\rtwo\rthree\r\x04',
      expect: 'wc prints 3, and cat and wc leave the process list.',
      check({ now, output }) {
        const counted = lines(output).some((l) => /^\s*3$/.test(l));
        const left = now.ps.filter((p) => p.command === 'cat' || p.command === 'wc -l');
        if (!counted) return fail('wc has not printed 3 yet');
        if (left.length) return fail(`still running: ${left.map((p) => p.command).join(', ')}`);
        return pass('wc counted 3 lines; both processes exited');
      },
    },
    {
      title: 'Fill a pipe',
      text: 'yes writes "y" lines as fast as it can; sleep never reads. The pipe fills to its capacity and the kernel puts yes to sleep in its write (state: blocked). When sleep exits, the pipe has no reader: yes\'s next write gets SIGPIPE.',
      command: 'yes | sleep 2',
      expect: 'The pipe\'s bar full (256 KiB of 256 KiB) while yes is blocked; after two seconds both are gone.',
      check({ seen, now }) {
        const full = seen.find((o) => o.pipes.some((p) => p.used === p.capacity
          && p.writeEnds.some((e) => o.ps.find((q) => q.pid === e.pid)?.command === 'yes' && o.ps.find((q) => q.pid === e.pid)?.state === 'blocked')));
        if (!full) {
          const most = Math.max(0, ...now.pipes.map((p) => p.used));
          return fail(`no full pipe with yes blocked on it seen yet (fullest now: ${most} bytes)`);
        }
        const left = now.ps.filter((p) => p.command === 'yes' || p.command === 'sleep 2');
        if (left.length) return fail(`the pipe was full with yes blocked; waiting for ${left.map((p) => p.command).join(' and ')} to end`);
        return pass(`the pipe held ${full.pipes.find((p) => p.used === p.capacity)!.capacity} bytes with yes blocked; both have ended`);
      },
    },
    {
      title: 'A reader that stops early',
      text: 'head -n 3 reads three lines and exits. The pipe then has no reader, so the kernel sends yes SIGPIPE, which ends it: the pipeline finishes although yes never would by itself.',
      command: 'yes | head -n 3',
      expect: 'Three lines of y, then the prompt; no yes left in the process list.',
      check({ now, output }) {
        const ys = lines(output).filter((l) => l === 'y').length;
        if (ys < 3) return fail(`${ys} lines of y so far`);
        if (now.ps.some((p) => p.command === 'yes' || p.command === 'head -n 3')) return fail('yes or head still running');
        return pass('head printed 3 lines and exited; yes ended by SIGPIPE');
      },
    },
  ],
};

const jobsLesson: Lesson = {
  name: 'jobs',
  title: 'Job control',
  picture: 'jobs',
  intro: 'The terminal belongs to one session (led by sh); each job is a process group in it, and one group at a time is the terminal\'s foreground: '
    + 'it gets your keys and the signals Ctrl+C and Ctrl+Z make. The picture shows the session, its groups and each process\'s state, '
    + 'and marks a group orphaned when no member has a parent in another group of the session (the shell\'s own group is one: '
    + 'its parent is outside the session).',
  steps: [
    {
      title: 'A foreground job',
      text: 'sleep 100 runs in its own process group, which the shell makes the terminal\'s foreground group; the shell waits for it.',
      command: 'sleep 100',
      expect: 'sleep 100 in a group of its own (pgid = its pid), a child of sh, blocked in its sleep.',
      check({ now, shell, vars }) {
        const s = named(now.ps, 'sleep 100')[0];
        if (!s) return fail('no sleep 100 in the process list yet');
        if (s.ppid !== shell) return fail(`sleep's parent is ${s.ppid}, not the shell ${shell}`);
        if (s.pgid !== s.pid) return fail(`sleep is in group ${s.pgid}, not a group of its own`);
        vars.sleep = s.pid;
        return pass(`sleep is pid ${s.pid}, group ${s.pgid}, ${s.state}`);
      },
    },
    {
      title: 'Stop it',
      text: 'Ctrl+Z makes the terminal send SIGTSTP to its foreground group. sleep stops; the shell sees it stop, takes the terminal back and says so.',
      command: 'Ctrl+Z',
      keys: '\x1a',
      expect: 'sleep\'s state: stopped; the shell prints a "Stopped" line and a prompt.',
      check({ now, output, vars }) {
        const s = byPid(now.ps, vars.sleep);
        if (!s) return fail('sleep 100 is gone (was it ended instead of stopped?)');
        if (s.state !== 'stopped') return fail(`sleep is ${s.state}, not stopped`);
        if (!/Stopped/.test(output)) return fail('sleep is stopped; waiting for the shell\'s notice');
        return pass('sleep is stopped and the shell said so');
      },
    },
    {
      title: 'List the jobs',
      text: 'jobs lists the shell\'s jobs by number: %1 is the stopped sleep.',
      command: 'jobs',
      expect: 'A line like "[1]+  Stopped   sleep 100".',
      check({ output }) {
        return /\[1\][+ -]?\s+Stopped\s+sleep 100/.test(output) ? pass('jobs shows [1] Stopped sleep 100') : fail('no "[1] Stopped sleep 100" line yet');
      },
    },
    {
      title: 'Continue it in the background',
      text: 'bg sends SIGCONT to the job\'s group without giving it the terminal: sleep runs again while the shell takes your next command.',
      command: 'bg',
      expect: 'sleep\'s state is no longer stopped; the shell prints "[1]+ sleep 100 &".',
      check({ now, output, vars }) {
        const s = byPid(now.ps, vars.sleep);
        if (!s) return fail('sleep 100 is gone');
        if (s.state === 'stopped') return fail('sleep is still stopped');
        if (!/sleep 100 &/.test(output)) return fail('sleep runs; waiting for the shell\'s "sleep 100 &"');
        return pass(`sleep is ${s.state} in the background`);
      },
    },
    {
      title: 'Bring it back',
      text: 'fg gives the terminal to the job\'s group again and waits for it, as when you first started it.',
      command: 'fg',
      expect: 'The shell prints "sleep 100" and no prompt: it is waiting.',
      check({ now, output, vars }) {
        const s = byPid(now.ps, vars.sleep);
        if (!s) return fail('sleep 100 is gone');
        if (!lines(output).includes('sleep 100')) return fail('waiting for fg to print the command');
        return s.state === 'stopped' ? fail('sleep is stopped') : pass(`sleep is in the foreground, ${s.state}`);
      },
    },
    {
      title: 'Interrupt it',
      text: 'Ctrl+C sends SIGINT to the foreground group: sleep ends, the shell gets the terminal back.',
      command: 'Ctrl+C',
      keys: '\x03',
      expect: 'sleep leaves the process list; a new prompt.',
      check({ now, vars }) {
        return byPid(now.ps, vars.sleep) ? fail('sleep 100 still runs') : pass('sleep ended by SIGINT');
      },
    },
    {
      title: 'A shell inside the shell',
      text: 'Start a second sh. It is a child of the first, in a group of its own, in the same session.',
      command: 'sh',
      expect: 'A second sh whose parent is the first.',
      check({ now, shell, vars }) {
        const inner = now.ps.find((p) => p.command === 'sh' && p.ppid === shell);
        if (!inner) return fail('no sh whose parent is the terminal\'s shell yet');
        vars.inner = inner.pid;
        return pass(`sh pid ${inner.pid}, group ${inner.pgid}, child of ${shell}`);
      },
    },
    {
      title: 'A background job of the inner shell',
      text: 'The inner shell starts sleep 300 in the background, in a new group. Its parent is the inner shell, which is in another group of the same session: the group is not orphaned.',
      command: 'sleep 300 &',
      expect: 'sleep 300, child of the inner sh, group not marked orphaned.',
      check({ now, vars }) {
        const s = named(now.ps, 'sleep 300')[0];
        if (!s) return fail('no sleep 300 yet');
        if (s.ppid !== vars.inner) return fail(`sleep 300's parent is ${s.ppid}, not the inner sh ${vars.inner}`);
        vars.orphan = s.pid;
        return orphanedGroups(now.ps).has(s.pgid) ? fail('its group is orphaned already') : pass(`sleep 300 is pid ${s.pid}, group ${s.pgid}`);
      },
    },
    {
      title: 'Orphan its group',
      text: 'Leave the inner shell. sleep 300 is reparented to init (pid 1), which is outside the session: no member of its group has a parent in another group of the session any more, so the group is orphaned. (Had it been stopped, the kernel would now send it SIGHUP and SIGCONT, since no one could ever continue it.)',
      command: 'exit',
      expect: 'The inner sh is gone; sleep 300 still runs with parent 1, its group marked orphaned.',
      check({ now, vars }) {
        if (byPid(now.ps, vars.inner)) return fail('the inner sh still runs');
        const s = byPid(now.ps, vars.orphan);
        if (!s) return fail('sleep 300 is gone: it should outlive the inner shell');
        if (!orphanedGroups(now.ps).has(s.pgid)) return fail(`group ${s.pgid} is not orphaned (sleep's parent: ${s.ppid})`);
        return pass(`sleep 300 has parent ${s.ppid}; group ${s.pgid} is orphaned`);
      },
    },
    {
      title: 'Clean up',
      text: 'The orphan is no job of this shell (jobs does not list it), but kill by pid still reaches it.',
      command: (vars) => `kill ${vars.orphan ?? 'PID'}`,
      expect: 'sleep 300 leaves the process list.',
      check({ now, vars }) {
        return byPid(now.ps, vars.orphan) ? fail('sleep 300 still runs') : pass('the orphan is gone');
      },
    },
  ],
};

const seccompLesson: Lesson = {
  name: 'seccomp',
  title: 'Sandboxing with seccomp',
  picture: 'seccomp',
  intro: 'A seccomp filter is a small BPF program the kernel runs on every call a process makes: it allows the call, makes it fail with an errno, '
    + 'or kills the process. Docker compiles its default profile, a JSON list of allowed Linux calls, into such a filter for every container. '
    + 'Here the page compiled Docker\'s profile (and two small ones of this lesson) for wVisor\'s calls; the seccomp program installs one and runs a command under it. '
    + 'The picture shows the verdict of the profile in use on each of wVisor\'s calls.',
  steps: [
    {
      title: 'The profiles',
      text: 'seccomp alone lists the compiled profiles in /etc/seccomp (each NAME.json is the profile, NAME.bpf the filter).',
      command: 'seccomp',
      expect: 'docker-default, no-spawn, podman-default and read-only.',
      check({ output }) {
        const want = ['docker-default', 'no-spawn', 'podman-default', 'read-only'];
        const missing = want.filter((w) => !lines(output).some((l) => l.trim() === w));
        return missing.length ? fail(`not listed yet: ${missing.join(', ')}`) : pass('four profiles listed');
      },
    },
    {
      title: 'What Docker allows',
      text: 'Every wVisor call and Docker\'s verdict on it. Docker refuses mount, reboot, unshare, keyctl and the like with EPERM; wVisor has no such calls, so for wVisor\'s own calls Docker\'s profile allows everything (a foreign architecture would be killed).',
      command: 'seccomp calls docker-default',
      expect: 'Every call ALLOW: "N of N calls allowed".',
      check({ output }) {
        const m = /(\d+) of (\d+) calls allowed/.exec(output);
        if (!m) return fail('no summary line yet');
        return m[1] === m[2] ? pass(`${m[1]} of ${m[2]} calls allowed`) : fail(`only ${m[1]} of ${m[2]} allowed`);
      },
    },
    {
      title: 'A program under Docker\'s profile',
      text: 'seccomp run installs the filter (after setting no_new_privs, as Linux requires) and starts ls, which inherits it. Every call ls makes passes through the filter.',
      command: 'seccomp run docker-default ls /bin',
      expect: 'The programs in /bin, as without a filter.',
      check({ output }) {
        const words = output.split(/\s+/);
        if (/seccomp: /.test(output)) return fail(`seccomp said: ${lines(output).find((l) => l.includes('seccomp: '))}`);
        return words.includes('cat') && words.includes('wc') ? pass('ls listed /bin under the filter') : fail('no listing of /bin yet');
      },
    },
    {
      title: 'A profile that refuses',
      text: 'read-only returns EPERM for the calls that create, rename or remove files. mkdir gets the error from its call and reports it.',
      command: 'seccomp run read-only mkdir /tmp/lesson',
      expect: '"mkdir: cannot create directory \'/tmp/lesson\': Operation not permitted".',
      check({ output }) {
        return /Operation not permitted/.test(output) ? pass('mkdir was refused with EPERM') : fail('no "Operation not permitted" yet');
      },
    },
    {
      title: 'Why',
      text: 'explain runs the filter on one call, as the kernel would, and shows the instructions it went through and the profile rule that decided. mkdir is Linux\'s name; wVisor\'s call is path_create_directory.',
      command: 'seccomp explain read-only mkdir',
      expect: 'ERRNO(63) (WASI\'s EPERM), the rule syscalls[0] "mkdir", and the instruction path.',
      check({ output }) {
        if (!/ERRNO\(63\)/.test(output)) return fail('no ERRNO(63) verdict yet');
        return /rule: syscalls\[0\] "mkdir"/.test(output) ? pass('ERRNO(63) by the rule for mkdir') : fail('the verdict is there; the rule line is not');
      },
    },
    {
      title: 'Without the filter',
      text: 'The filter was the command\'s, not the shell\'s: the same mkdir works from the shell.',
      command: 'mkdir /tmp/lesson && echo made',
      expect: '"made".',
      check({ output }) {
        return lines(output).includes('made') ? pass('mkdir works outside the filter') : fail('no "made" yet');
      },
    },
  ],
};

export const LESSONS: readonly Lesson[] = [pipesLesson, jobsLesson, seccompLesson];

export function lessonByName(name: string): Lesson | undefined {
  return LESSONS.find((l) => l.name === name);
}

export function commandOf(step: Step, vars: Record<string, number>): string {
  return typeof step.command === 'function' ? step.command(vars) : step.command;
}

export function keysOf(step: Step, vars: Record<string, number>): string {
  return step.keys ?? `${commandOf(step, vars)}\r`;
}
