import { Errno } from '../abi/errno.js';
import type { ChannelViews } from '../channel.js';
import type { Kernel } from '../kernel.js';
import { NR } from '../syscall-table.js';
import type { Task } from '../task.js';
import { setOut, u32 } from './args.js';
import type { Handler, HandlerGroup } from './handler.js';

const SUB = 48;
const EVENT = 32;
const enum Tag { Clock = 0, FdRead = 1, FdWrite = 2 }
const HANGUP = 1;

interface Sub {
  userdata: bigint;
  tag: number;
  fd: number;
  /** Absolute monotonic deadline in ms for clock subscriptions. */
  deadline: number;
}

interface Event { userdata: bigint; error: number; tag: number; nbytes: bigint; flags: number }

/**
 * poll_oneoff with fd subscriptions (pure sleeps never get here: the worker
 * serves them). Ready events are answered at once; otherwise the call is held
 * until an fd becomes ready or the earliest clock fires, without busy-waiting:
 * the kernel watches each fd's readiness and sets one timer.
 */
const poll_oneoff: Handler = (k, t, c) => {
  const n = u32(c, 0);
  const subs = parse(k, c, n);
  if (typeof subs === 'number') return subs;
  const ready = check(k, t, subs);
  if (ready.length > 0) return emit(c, ready);
  let cancels: Array<() => void> = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancelAll = () => {
    for (const f of cancels) f();
    cancels = [];
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const retry = () => {
    if (!t.alive || t.pending?.nr !== NR.poll_oneoff) return;
    cancelAll();
    const r = check(k, t, subs);
    if (r.length > 0) {
      t.pending = null;
      k.answer(t, emit(c, r));
    } else arm();
  };
  const arm = () => {
    for (const s of subs) {
      if (s.tag === Tag.Clock) continue;
      const e = t.fds.get(s.fd);
      if (e) cancels.push(e.file.onReady(retry));
    }
    const deadline = Math.min(...subs.filter((s) => s.tag === Tag.Clock).map((s) => s.deadline));
    if (Number.isFinite(deadline)) timer = setTimeout(retry, Math.max(0, deadline - k.platform.monotonicMs()));
  };
  arm();
  return k.block(t, NR.poll_oneoff, cancelAll);
};

function parse(k: Kernel, c: ChannelViews, n: number): Sub[] | number {
  if (n === 0) return Errno.INVAL;
  const dv = new DataView(c.payload.buffer, c.payload.byteOffset, n * SUB);
  const now = k.platform.monotonicMs();
  const realNow = k.platform.realtimeNs();
  const out: Sub[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * SUB;
    const tag = dv.getUint8(o + 8);
    const s: Sub = { userdata: dv.getBigUint64(o, true), tag, fd: -1, deadline: Infinity };
    if (tag === Tag.Clock) {
      const id = dv.getUint32(o + 16, true);
      const timeout = dv.getBigUint64(o + 24, true);
      const abs = (dv.getUint16(o + 40, true) & 1) !== 0;
      if (id === 0) s.deadline = abs ? now + Number(timeout - realNow) / 1e6 : now + Number(timeout) / 1e6;
      else if (id === 1) s.deadline = abs ? Number(timeout) / 1e6 : now + Number(timeout) / 1e6;
      else if (id === 2 || id === 3) return Errno.NOTSUP;
      else return Errno.INVAL;
    } else if (tag === Tag.FdRead || tag === Tag.FdWrite) {
      s.fd = dv.getInt32(o + 16, true);
    } else {
      return Errno.INVAL;
    }
    out.push(s);
  }
  return out;
}

function check(k: Kernel, t: Task, subs: Sub[]): Event[] {
  const out: Event[] = [];
  const now = k.platform.monotonicMs();
  for (const s of subs) {
    if (s.tag === Tag.Clock) continue;
    const e = t.fds.get(s.fd);
    if (!e) {
      out.push({ userdata: s.userdata, error: Errno.BADF, tag: s.tag, nbytes: 0n, flags: 0 });
      continue;
    }
    const r = e.file.readiness();
    const ok = s.tag === Tag.FdRead ? r.readable : r.writable;
    // A read end whose writers are gone (stdin at EOF included) is ready: success with the hangup
    // flag, as the WASI spec's eventrwflags say, as wasmtime answers (success, and the flag for a
    // file at its end) and as wasi-testsuite's poll_oneoff_stdio requires of stdin. wasi-libc's
    // poll() makes that POLLIN|POLLHUP where Linux gives a drained pipe POLLHUP alone (t_poll in
    // test/integration/differential.test.ts documents that departure).
    if (ok) out.push({ userdata: s.userdata, error: 0, tag: s.tag, nbytes: r.nbytes, flags: r.hangup ? HANGUP : 0 });
  }
  if (out.length > 0) return out;
  for (const s of subs) {
    if (s.tag === Tag.Clock && s.deadline <= now) out.push({ userdata: s.userdata, error: 0, tag: s.tag, nbytes: 0n, flags: 0 });
  }
  return out;
}

function emit(c: ChannelViews, events: Event[]): number {
  const dv = new DataView(c.payload.buffer, c.payload.byteOffset, events.length * EVENT);
  events.forEach((e, i) => {
    const o = i * EVENT;
    for (let b = 0; b < EVENT; b++) dv.setUint8(o + b, 0);
    dv.setBigUint64(o, e.userdata, true);
    dv.setUint16(o + 8, e.error, true);
    dv.setUint8(o + 10, e.tag);
    dv.setBigUint64(o + 16, e.nbytes, true);
    dv.setUint16(o + 24, e.flags, true);
  });
  c.res[0] = BigInt(events.length);
  setOut(c, events.length * EVENT);
  return Errno.SUCCESS;
}

export const pollHandlers = { poll_oneoff } satisfies HandlerGroup;
