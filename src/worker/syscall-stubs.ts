import { Errno } from '../kernel/abi/errno.js';
import { Hint, Pending, PAYLOAD_SIZE, SIGNAL_INTERRUPTED, W } from '../kernel/channel.js';
import { RingArena } from '../kernel/pipe-ring.js';
import { type ImportableWasiCall, type ImportableWvisorCall, NR, WASI_MODULE, WVISOR_MODULE } from '../kernel/syscall-table.js';
import { RESTART } from '../kernel/snapshot/task-image.js';
import { GuestMemory, utf8 } from './guest-memory.js';
import { TaskChannel } from './task-channel.js';

/** What the stubs need from the worker's host (clocks and randomness). */
export interface StubHost {
  /** Wall-clock time, ns since the Unix epoch. */
  realtimeNs(): bigint;
  /** Monotonic time in ms (fractional), as performance.now(). */
  monotonicMs(): number;
  /** Fills buf with cryptographically strong random bytes (≤ 65536 at a time). */
  randomFill(buf: Uint8Array): void;
}

/** Thrown to unwind the guest's stack on proc_exit; only exit unwinds. */
export class ExitUnwind {
  constructor(readonly code: number) {}
}

/** WASI clock ids. */
const enum Clock { Realtime = 0, Monotonic = 1, ProcessCpu = 2, ThreadCpu = 3 }
/** WASI subscription/event types. */
const enum EventType { Clock = 0, FdRead = 1, FdWrite = 2 }
const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;

/**
 * The guest's imports: every wasi_snapshot_preview1 call and every wvisor_v1
 * call. Calls that need no other task are served here (args, environ, clocks,
 * random, /dev/null, pipe rings, pure sleeps); the rest go to the kernel through
 * the task channel with their argument bytes copied in and results copied out.
 */
export class SyscallStubs {
  private readonly argBytes: Uint8Array[];
  private readonly envBytes: Uint8Array[];

  constructor(
    private readonly mem: GuestMemory,
    private readonly ch: TaskChannel,
    private readonly arena: RingArena,
    private readonly host: StubHost,
    private readonly pid: number,
    args: readonly string[],
    env: readonly string[],
  ) {
    this.argBytes = args.map((a) => utf8.encode(a + '\0'));
    this.envBytes = env.map((e) => utf8.encode(e + '\0'));
  }

  /** proc_fork, which the task runtime serves (it unwinds the guest): 0 or an errno, pid written at pidOut (checked). */
  onFork: (pidOut: number) => number = () => Errno.NOTSUP;

  /** Whether the module can run signal handlers (its trampoline export), and whether one is running. Set by the task runtime. */
  signals: { readonly canCatch: boolean; armed: boolean; readonly depth: number } = { canCatch: false, armed: false, depth: 0 };

  /** Called after the kernel accepted a seccomp filter, so the worker's copy gets it too. */
  onFilterInstalled: (program: Uint8Array, log: boolean) => void = () => {};

  // ---- helpers -------------------------------------------------------------

  private get args(): BigInt64Array { return this.ch.v.args; }
  private get res(): BigInt64Array { return this.ch.v.res; }
  private get payload(): Uint8Array { return this.ch.v.payload; }

  /** A kernel call, followed by the pending-work check every call return makes. */
  private kcall(nr: number, inLen = 0): number {
    const e = this.ch.call(nr, inLen);
    this.afterCall();
    return e;
  }

  /** Delivery point: stop if asked (signals with handlers come with the signals issue). */
  afterCall(): void {
    if (this.ch.pending() & Pending.Stop) this.ch.checkpoint();
  }

  private setArgs(...vals: Array<number | bigint>): void {
    const a = this.args;
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      a[i] = typeof v === 'bigint' ? v : BigInt(v);
    }
  }

  /** Copies a guest byte range into the payload at `at`; returns the new end or -1 (EFAULT / too big). */
  private copyIn(ptr: number, len: number, at = 0): number {
    const b = this.mem.bytes(ptr, len);
    if (b === undefined || at + b.length > PAYLOAD_SIZE) return -1;
    this.payload.set(b, at);
    return at + b.length;
  }

  private hint(fd: number): number {
    return fd >>> 0 < 1024 ? Atomics.load(this.ch.v.hints, fd >>> 0) : Hint.Kernel;
  }

  private writeOut(ptr: number, len: number): boolean {
    const dst = this.mem.bytes(ptr, len);
    if (dst === undefined) return false;
    dst.set(this.payload.subarray(0, len));
    return true;
  }

  // ---- pipe rings ------------------------------------------------------------

  /**
   * Blocks on a ring until its sequence changes or pending work arrives.
   * Returns true when a snapshot wants the task unwound (the caller gives up
   * the call with RESTART if it has moved no bytes yet).
   */
  private waitRing(ring: number, seen: number): boolean | typeof SIGNAL_INTERRUPTED {
    const i32 = this.ch.v.i32;
    Atomics.store(i32, W.WaitRing, ring + 1);
    // Inside a signal handler a snapshot waits for the handler to return: its bit does not end the wait.
    const ignore = this.signals.depth > 0 ? Pending.Snapshot : 0;
    if ((this.ch.pending() & ~ignore) === 0) {
      this.ch.pauseClock();
      Atomics.wait(this.arena.i32, this.arena.seqIndex(ring), seen, ignore ? 20 : undefined);
      this.ch.resumeClock();
    }
    Atomics.store(i32, W.WaitRing, 0);
    if (this.ch.pending() & Pending.Snapshot && !ignore) return true;
    this.afterCall();
    // A caught signal interrupts the wait (the gate runs the handler, then restarts the call or gives EINTR).
    if (this.ch.pending() & Pending.Signal) return SIGNAL_INTERRUPTED;
    return false;
  }

  private ringWrite(h: number, segs: Array<[number, number]>, nwritten: number): number {
    const ring = h >> 4;
    const nonblock = (h & Hint.NonBlock) !== 0;
    let total = 0;
    for (const [p, l] of segs) {
      let off = 0;
      while (off < l) {
        const seen = this.arena.seq(ring);
        const src = this.mem.u8.subarray(p + off, p + l);
        const n = this.arena.tryWrite(ring, src, this.pid);
        if (n < 0) {
          if (total > 0) break;
          this.raiseSelf(13 /* SIGPIPE */);
          return Errno.PIPE;
        }
        if (n === 0) {
          if (nonblock) {
            if (total === 0) return Errno.AGAIN;
            return this.mem.setU32(nwritten, total) ? Errno.SUCCESS : Errno.FAULT;
          }
          const w = this.waitRing(ring, seen);
          if (w !== false) {
            if (total === 0) return w === true ? RESTART : SIGNAL_INTERRUPTED;
            return this.mem.setU32(nwritten, total) ? Errno.SUCCESS : Errno.FAULT;
          }
          continue;
        }
        off += n;
        total += n;
      }
    }
    return this.mem.setU32(nwritten, total) ? Errno.SUCCESS : Errno.FAULT;
  }

  private ringRead(h: number, segs: Array<[number, number]>, nread: number): number {
    const ring = h >> 4;
    const nonblock = (h & Hint.NonBlock) !== 0;
    let total = 0;
    for (const [p, l] of segs) {
      if (l === 0) continue;
      for (;;) {
        const seen = this.arena.seq(ring);
        const n = this.arena.tryRead(ring, this.mem.u8.subarray(p, p + l), this.pid);
        if (n >= 0) {
          total += n;
          if (n < l) return this.mem.setU32(nread, total) ? Errno.SUCCESS : Errno.FAULT;
          break;
        }
        if (total > 0) return this.mem.setU32(nread, total) ? Errno.SUCCESS : Errno.FAULT;
        if (nonblock) return Errno.AGAIN;
        const w = this.waitRing(ring, seen);
        if (w !== false) return w === true ? RESTART : SIGNAL_INTERRUPTED;
      }
    }
    return this.mem.setU32(nread, total) ? Errno.SUCCESS : Errno.FAULT;
  }

  private raiseSelf(sig: number): void {
    this.setArgs(sig);
    this.kcall(NR.raise_self);
  }

  // ---- generic kernel-call shapes -------------------------------------------

  /** A call whose arguments are all plain values. */
  private plain(nr: number, ...vals: Array<number | bigint>): number {
    this.setArgs(...vals);
    return this.kcall(nr);
  }

  /** A call with plain args whose result is res[0] written as u32 at outPtr. */
  private plainOut32(nr: number, outPtr: number, ...vals: Array<number | bigint>): number {
    if (!this.mem.check(outPtr, 4)) return Errno.FAULT;
    this.setArgs(...vals);
    const e = this.kcall(nr);
    if (e === Errno.SUCCESS) this.mem.setU32(outPtr, Number(this.res[0]));
    return e;
  }

  /** A call with plain args whose result is `size` payload bytes copied to outPtr. */
  private plainOutBytes(nr: number, outPtr: number, size: number, ...vals: Array<number | bigint>): number {
    if (!this.mem.check(outPtr, size)) return Errno.FAULT;
    this.setArgs(...vals);
    const e = this.kcall(nr);
    if (e === Errno.SUCCESS) this.writeOut(outPtr, size);
    return e;
  }

  /** A call taking one path (copied into the payload); args[] = leading values, then path length. */
  private withPath(nr: number, path: number, pathLen: number, vals: Array<number | bigint>): number {
    if (this.copyIn(path, pathLen) < 0) return (pathLen >>> 0) > PAYLOAD_SIZE ? Errno.NAMETOOLONG : Errno.FAULT;
    this.setArgs(...vals);
    return this.kcall(nr, pathLen >>> 0);
  }

  private gather(segs: Array<[number, number]>, limit: number): number {
    let at = 0;
    const u8 = this.mem.u8;
    for (const [p, l] of segs) {
      const n = Math.min(l, limit - at);
      this.payload.set(u8.subarray(p, p + n), at);
      at += n;
      if (at >= limit) break;
    }
    return at;
  }

  private scatter(segs: Array<[number, number]>, n: number): void {
    let at = 0;
    const u8 = this.mem.u8;
    for (const [p, l] of segs) {
      if (at >= n) break;
      const k = Math.min(l, n - at);
      u8.set(this.payload.subarray(at, at + k), p);
      at += k;
    }
  }

  private readVia(nr: number, fd: number, iovs: number, iovsLen: number, offset: bigint, out: number): number {
    const segs = this.mem.iovecs(iovs, iovsLen);
    if (typeof segs === 'number') return segs;
    if (!this.mem.check(out, 4)) return Errno.FAULT;
    let want = 0;
    for (const [, l] of segs) want += l;
    want = Math.min(want, PAYLOAD_SIZE);
    this.setArgs(fd, want, offset);
    const e = this.kcall(nr);
    if (e !== Errno.SUCCESS) return e;
    const n = this.ch.v.i32[W.OutLen];
    this.scatter(segs, n);
    this.mem.setU32(out, n);
    return Errno.SUCCESS;
  }

  private writeVia(nr: number, fd: number, iovs: number, iovsLen: number, offset: bigint, out: number): number {
    const segs = this.mem.iovecs(iovs, iovsLen);
    if (typeof segs === 'number') return segs;
    if (!this.mem.check(out, 4)) return Errno.FAULT;
    let total = 0;
    for (const [, l] of segs) total += l;
    // Large writes go in payload-sized pieces; a short or failed piece ends the call.
    let done = 0;
    let skipSegs = segs;
    for (;;) {
      const len = this.gather(skipSegs, PAYLOAD_SIZE);
      this.setArgs(fd, len, offset + BigInt(done));
      const e = this.kcall(nr, len);
      if (e !== Errno.SUCCESS) {
        if (done > 0) break;
        return e;
      }
      const n = Number(this.res[0]);
      done += n;
      if (n < len || done >= total) break;
      skipSegs = dropBytes(skipSegs, n);
    }
    this.mem.setU32(out, done);
    return Errno.SUCCESS;
  }

  // ---- the import object ---------------------------------------------------

  imports(): Record<string, Record<string, Function>> {
    const m = this.mem;
    // Typed by the call table: a missing stub or one for a call the table lacks does not compile.
    const wasi = {
      args_get: (argv: number, buf: number) => this.strings(this.argBytes, argv, buf),
      args_sizes_get: (countOut: number, sizeOut: number) => this.sizes(this.argBytes, countOut, sizeOut),
      environ_get: (envp: number, buf: number) => this.strings(this.envBytes, envp, buf),
      environ_sizes_get: (countOut: number, sizeOut: number) => this.sizes(this.envBytes, countOut, sizeOut),
      clock_res_get: (id: number, out: number) => {
        if (id < 0 || id > Clock.ThreadCpu) return Errno.INVAL;
        return m.setU64(out, 1000n) ? Errno.SUCCESS : Errno.FAULT;
      },
      clock_time_get: (id: number, _precision: bigint, out: number) => {
        // Monotonic and CPU clocks fit a double exactly (< 2^53 ns, 104 days): written as two u32
        // halves without BigInt, the hot path of programs that time themselves.
        let ns: number;
        switch (id) {
          case Clock.Realtime: return m.setU64(out, this.host.realtimeNs()) ? Errno.SUCCESS : Errno.FAULT;
          case Clock.Monotonic: ns = Math.floor(this.host.monotonicMs() * 1e6); break;
          case Clock.ProcessCpu: case Clock.ThreadCpu: ns = Math.floor(this.ch.cpuTimeNs()); break;
          default: return Errno.INVAL;
        }
        if (!m.check(out, 8)) return Errno.FAULT;
        const dv = m.dv;
        dv.setUint32(out >>> 0, ns % 4294967296, true);
        dv.setUint32((out >>> 0) + 4, Math.floor(ns / 4294967296), true);
        return Errno.SUCCESS;
      },
      fd_advise: (fd: number, off: bigint, len: bigint, advice: number) => this.plain(NR.fd_advise, fd, off, len, advice),
      fd_allocate: (fd: number, off: bigint, len: bigint) => this.plain(NR.fd_allocate, fd, off, len),
      fd_close: (fd: number) => this.plain(NR.fd_close, fd),
      fd_datasync: (fd: number) => this.plain(NR.fd_datasync, fd),
      fd_fdstat_get: (fd: number, out: number) => this.plainOutBytes(NR.fd_fdstat_get, out, 24, fd),
      fd_fdstat_set_flags: (fd: number, flags: number) => this.plain(NR.fd_fdstat_set_flags, fd, flags),
      fd_fdstat_set_rights: (fd: number, base: bigint, inh: bigint) => this.plain(NR.fd_fdstat_set_rights, fd, base, inh),
      fd_filestat_get: (fd: number, out: number) => this.plainOutBytes(NR.fd_filestat_get, out, 64, fd),
      fd_filestat_set_size: (fd: number, size: bigint) => this.plain(NR.fd_filestat_set_size, fd, size),
      fd_filestat_set_times: (fd: number, atim: bigint, mtim: bigint, flags: number) =>
        this.plain(NR.fd_filestat_set_times, fd, atim, mtim, flags),
      fd_pread: (fd: number, iovs: number, n: number, offset: bigint, out: number) =>
        this.readVia(NR.fd_pread, fd, iovs, n, offset, out),
      fd_prestat_get: (fd: number, out: number) => this.plainOutBytes(NR.fd_prestat_get, out, 8, fd),
      fd_prestat_dir_name: (fd: number, path: number, len: number) => {
        if (!m.check(path, len)) return Errno.FAULT;
        this.setArgs(fd, len);
        const e = this.kcall(NR.fd_prestat_dir_name);
        if (e === Errno.SUCCESS) this.writeOut(path, Math.min(len, this.ch.v.i32[W.OutLen]));
        return e;
      },
      fd_pwrite: (fd: number, iovs: number, n: number, offset: bigint, out: number) =>
        this.writeVia(NR.fd_pwrite, fd, iovs, n, offset, out),
      fd_read: (fd: number, iovs: number, n: number, out: number) => {
        const h = this.hint(fd);
        if (h >= 16) {
          const segs = m.iovecs(iovs, n);
          if (typeof segs === 'number') return segs;
          if ((h & 7) === Hint.RingRead) return this.ringRead(h, segs, out);
        } else if (h === Hint.Null || h === Hint.NullReadOnly) {
          return m.setU32(out, 0) ? Errno.SUCCESS : Errno.FAULT;
        }
        return this.readVia(NR.fd_read, fd, iovs, n, 0n, out);
      },
      fd_readdir: (fd: number, buf: number, len: number, cookie: bigint, out: number) => {
        if (!m.check(buf, len) || !m.check(out, 4)) return Errno.FAULT;
        this.setArgs(fd, Math.min(len >>> 0, PAYLOAD_SIZE), cookie);
        const e = this.kcall(NR.fd_readdir);
        if (e !== Errno.SUCCESS) return e;
        const n = this.ch.v.i32[W.OutLen];
        this.writeOut(buf, n);
        m.setU32(out, n);
        return Errno.SUCCESS;
      },
      fd_renumber: (fd: number, to: number) => this.plain(NR.fd_renumber, fd, to),
      fd_seek: (fd: number, offset: bigint, whence: number, out: number) => {
        if (!m.check(out, 8)) return Errno.FAULT;
        this.setArgs(fd, offset, whence);
        const e = this.kcall(NR.fd_seek);
        if (e === Errno.SUCCESS) m.setU64(out, this.res[0]);
        return e;
      },
      fd_sync: (fd: number) => this.plain(NR.fd_sync, fd),
      fd_tell: (fd: number, out: number) => {
        if (!m.check(out, 8)) return Errno.FAULT;
        this.setArgs(fd);
        const e = this.kcall(NR.fd_tell);
        if (e === Errno.SUCCESS) m.setU64(out, this.res[0]);
        return e;
      },
      fd_write: (fd: number, iovs: number, n: number, out: number) => {
        const h = this.hint(fd);
        if (h === Hint.Null || h === Hint.NullWriteOnly) {
          const segs = m.iovecs(iovs, n);
          if (typeof segs === 'number') return segs;
          let total = 0;
          for (const [, l] of segs) total += l;
          return m.setU32(out, total) ? Errno.SUCCESS : Errno.FAULT;
        }
        if (h >= 16 && (h & 7) === Hint.RingWrite) {
          const segs = m.iovecs(iovs, n);
          if (typeof segs === 'number') return segs;
          return this.ringWrite(h, segs, out);
        }
        return this.writeVia(NR.fd_write, fd, iovs, n, 0n, out);
      },
      path_create_directory: (fd: number, path: number, len: number) =>
        this.withPath(NR.path_create_directory, path, len, [fd, len]),
      path_filestat_get: (fd: number, flags: number, path: number, len: number, out: number) => {
        if (!m.check(out, 64)) return Errno.FAULT;
        const e = this.withPath(NR.path_filestat_get, path, len, [fd, flags, len]);
        if (e === Errno.SUCCESS) this.writeOut(out, 64);
        return e;
      },
      path_filestat_set_times: (fd: number, flags: number, path: number, len: number, atim: bigint, mtim: bigint, fst: number) =>
        this.withPath(NR.path_filestat_set_times, path, len, [fd, flags, len, atim, mtim, fst]),
      path_link: (oldFd: number, oldFlags: number, oldPath: number, oldLen: number, newFd: number, newPath: number, newLen: number) =>
        this.twoPaths(NR.path_link, oldPath, oldLen, newPath, newLen, [oldFd, oldFlags, oldLen, newFd, newLen]),
      path_open: (fd: number, dirflags: number, path: number, len: number, oflags: number,
        base: bigint, inh: bigint, fdflags: number, out: number) => {
        if (!m.check(out, 4)) return Errno.FAULT;
        const e = this.withPath(NR.path_open, path, len, [fd, dirflags, len, oflags, base, inh, fdflags]);
        if (e === Errno.SUCCESS) m.setU32(out, Number(this.res[0]));
        return e;
      },
      path_readlink: (fd: number, path: number, len: number, buf: number, bufLen: number, out: number) => {
        if (!m.check(buf, bufLen) || !m.check(out, 4)) return Errno.FAULT;
        const e = this.withPath(NR.path_readlink, path, len, [fd, len, bufLen]);
        if (e !== Errno.SUCCESS) return e;
        const n = Math.min(bufLen >>> 0, this.ch.v.i32[W.OutLen]);
        this.writeOut(buf, n);
        m.setU32(out, n);
        return Errno.SUCCESS;
      },
      path_remove_directory: (fd: number, path: number, len: number) =>
        this.withPath(NR.path_remove_directory, path, len, [fd, len]),
      path_rename: (fd: number, oldPath: number, oldLen: number, newFd: number, newPath: number, newLen: number) =>
        this.twoPaths(NR.path_rename, oldPath, oldLen, newPath, newLen, [fd, oldLen, newFd, newLen]),
      path_symlink: (oldPath: number, oldLen: number, fd: number, newPath: number, newLen: number) =>
        this.twoPaths(NR.path_symlink, oldPath, oldLen, newPath, newLen, [oldLen, fd, newLen]),
      path_unlink_file: (fd: number, path: number, len: number) =>
        this.withPath(NR.path_unlink_file, path, len, [fd, len]),
      poll_oneoff: (inPtr: number, outPtr: number, nsubs: number, neventsOut: number) =>
        this.pollOneoff(inPtr, outPtr, nsubs, neventsOut),
      proc_exit: (code: number) => {
        this.setArgs(code);
        this.ch.call(NR.proc_exit);
        // The kernel ends the worker; should it answer, unwind anyway.
        throw new ExitUnwind(code);
      },
      proc_raise: (sig: number) => this.plain(NR.proc_raise, sig),
      sched_yield: () => Errno.SUCCESS,
      random_get: (buf: number, len: number) => {
        const b = m.bytes(buf, len);
        if (b === undefined) return Errno.FAULT;
        for (let i = 0; i < b.length; i += 65536) this.host.randomFill(b.subarray(i, Math.min(b.length, i + 65536)));
        return Errno.SUCCESS;
      },
      sock_accept: (fd: number, flags: number, out: number) => this.plainOut32(NR.sock_accept, out, fd, flags),
      sock_recv: (fd: number, _ri: number, _riLen: number, flags: number, _lenOut: number, _flagsOut: number) =>
        this.plain(NR.sock_recv, fd, flags),
      sock_send: (fd: number, _si: number, _siLen: number, flags: number, _lenOut: number) =>
        this.plain(NR.sock_send, fd, flags),
      sock_shutdown: (fd: number, how: number) => this.plain(NR.sock_shutdown, fd, how),
    } satisfies Record<ImportableWasiCall, Function>;

    const wv = {
      spawn: (req: number, pidOut: number) => this.spawn(req, pidOut),
      sigaction: (sig: number, act: number, oldact: number) => this.sigaction(sig, act, oldact),
      sigprocmask: (how: number, set: number, oldset: number) => {
        if ((set !== 0 && !m.check(set, 8)) || (oldset !== 0 && !m.check(oldset, 8))) return Errno.FAULT;
        this.setArgs(how, set !== 0 ? 1 : 0, set !== 0 ? m.dv.getBigUint64(set, true) : 0n);
        const e = this.kcall(NR.sigprocmask);
        if (e === Errno.SUCCESS && oldset !== 0) m.setU64(oldset, BigInt.asUintN(64, this.res[0]!));
        return e;
      },
      sigpending: (out: number) => {
        if (!m.check(out, 8)) return Errno.FAULT;
        const e = this.kcall(NR.sigpending);
        if (e === Errno.SUCCESS) m.setU64(out, BigInt.asUintN(64, this.res[0]!));
        return e;
      },
      sigsuspend: (mask: number) => {
        if (!m.check(mask, 8)) return Errno.FAULT;
        this.setArgs(m.dv.getBigUint64(mask, true));
        return this.kcall(NR.sigsuspend);
      },
      alarm: (seconds: number, out: number) => this.plainOut32(NR.alarm, out, seconds >>> 0),
      proc_fork: (pidOut: number) => (m.check(pidOut, 4) ? this.onFork(pidOut) : Errno.FAULT),
      proc_exec: (req: number) => this.exec(req),
      fd_fdflags_get: (fd: number, out: number) => this.plainOut32(NR.fd_fdflags_get, out, fd),
      fd_fdflags_set: (fd: number, flags: number) => this.plain(NR.fd_fdflags_set, fd, flags),
      pipe2: (out: number, flags: number) => {
        if (!m.check(out, 8)) return Errno.FAULT;
        const e = this.plain(NR.pipe2, out, flags);
        if (e === Errno.SUCCESS) {
          m.setU32(out, Number(this.res[0]));
          m.setU32(out + 4, Number(this.res[1]));
        }
        return e;
      },
      dup3: (fd: number, to: number, flags: number) => this.plain(NR.dup3, fd, to, flags),
      wait: (pid: number, options: number, statusOut: number, pidOut: number) => {
        if (!m.check(statusOut, 4) || !m.check(pidOut, 4)) return Errno.FAULT;
        this.setArgs(pid, options);
        const e = this.kcall(NR.wait);
        if (e === Errno.SUCCESS) {
          m.setU32(statusOut, Number(this.res[0]));
          m.setU32(pidOut, Number(this.res[1]));
        }
        return e;
      },
      kill: (pid: number, sig: number) => this.plain(NR.kill, pid, sig),
      getpid: (out: number) => (m.setU32(out, this.pid) ? Errno.SUCCESS : Errno.FAULT),
      getppid: (out: number) => this.plainOut32(NR.getppid, out),
      pipe: (out: number) => {
        if (!m.check(out, 8)) return Errno.FAULT;
        const e = this.plain(NR.pipe);
        if (e === Errno.SUCCESS) {
          m.setU32(out, Number(this.res[0]));
          m.setU32(out + 4, Number(this.res[1]));
        }
        return e;
      },
      dup: (fd: number, out: number) => this.plainOut32(NR.dup, out, fd),
      dup2: (fd: number, to: number) => this.plain(NR.dup2, fd, to),
      setpgid: (pid: number, pgid: number) => this.plain(NR.setpgid, pid, pgid),
      getpgid: (pid: number, out: number) => this.plainOut32(NR.getpgid, out, pid),
      setsid: (out: number) => this.plainOut32(NR.setsid, out),
      getsid: (pid: number, out: number) => this.plainOut32(NR.getsid, out, pid),
      tcsetpgrp: (fd: number, pgid: number) => this.plain(NR.tcsetpgrp, fd, pgid),
      tcgetpgrp: (fd: number, out: number) => this.plainOut32(NR.tcgetpgrp, out, fd),
      tcgetattr: (fd: number, out: number) => this.plainOutBytes(NR.tcgetattr, out, 48, fd),
      tcsetattr: (fd: number, action: number, t: number) => {
        if (this.copyIn(t, 48) < 0) return Errno.FAULT;
        this.setArgs(fd, action);
        return this.kcall(NR.tcsetattr, 48);
      },
      tiocgwinsz: (fd: number, out: number) => this.plainOutBytes(NR.tiocgwinsz, out, 8, fd),
      isatty: (fd: number) => this.plain(NR.isatty, fd),
      seccomp: (op: number, flags: number, prog: number, len: number) => {
        if (op !== 1) return this.plain(NR.seccomp, op, flags, prog, len);
        const n = (len >>> 0) * 8;
        if ((len >>> 0) > 4096) return Errno.INVAL;
        if (this.copyIn(prog, n) < 0) return Errno.FAULT;
        const bytes = this.payload.slice(0, n);
        this.setArgs(op, flags, prog, len);
        const e = this.kcall(NR.seccomp, n);
        if (e === Errno.SUCCESS) this.onFilterInstalled(bytes, (flags & 2) !== 0);
        return e;
      },
      prctl: (o: number, a2: number, a3: number, a4: number, a5: number) =>
        (o === 39 ? this.plainOut32(NR.prctl, a2, o) : this.plain(NR.prctl, o, a2, a3, a4, a5)),
    } satisfies Record<ImportableWvisorCall, Function>;
    return { [WASI_MODULE]: wasi, [WVISOR_MODULE]: wv };
  }

  private strings(list: Uint8Array[], ptrs: number, buf: number): number {
    let total = 0;
    for (const s of list) total += s.length;
    if (!this.mem.check(ptrs, list.length * 4) || !this.mem.check(buf, total)) return Errno.FAULT;
    const u8 = this.mem.u8;
    let at = buf >>> 0;
    list.forEach((s, i) => {
      this.mem.setU32(ptrs + i * 4, at);
      u8.set(s, at);
      at += s.length;
    });
    return Errno.SUCCESS;
  }

  private sizes(list: Uint8Array[], countOut: number, sizeOut: number): number {
    let total = 0;
    for (const s of list) total += s.length;
    if (!this.mem.check(countOut, 4) || !this.mem.check(sizeOut, 4)) return Errno.FAULT;
    this.mem.setU32(countOut, list.length);
    this.mem.setU32(sizeOut, total);
    return Errno.SUCCESS;
  }

  private twoPaths(nr: number, p1: number, l1: number, p2: number, l2: number, vals: Array<number | bigint>): number {
    const mid = this.copyIn(p1, l1);
    if (mid < 0 || this.copyIn(p2, l2, mid) < 0) return Errno.FAULT;
    this.setArgs(...vals);
    return this.kcall(nr, mid + (l2 >>> 0));
  }

  private pollOneoff(inPtr: number, outPtr: number, nsubs: number, neventsOut: number): number {
    const n = nsubs >>> 0;
    if (n === 0) return Errno.INVAL;
    if (n > 4096) return Errno.INVAL;
    if (!this.mem.check(inPtr, n * SUBSCRIPTION_SIZE) || !this.mem.check(outPtr, n * EVENT_SIZE)
      || !this.mem.check(neventsOut, 4)) return Errno.FAULT;
    const dv = this.mem.dv;
    // A poll on clocks alone is a sleep: served here, woken early only by pending work.
    let allClocks = true;
    for (let i = 0; i < n; i++) {
      if (dv.getUint8(inPtr + i * SUBSCRIPTION_SIZE + 8) !== EventType.Clock) { allClocks = false; break; }
    }
    if (allClocks) return this.sleepOn(inPtr, outPtr, n, neventsOut);
    this.copyIn(inPtr, n * SUBSCRIPTION_SIZE);
    this.setArgs(n);
    const e = this.kcall(NR.poll_oneoff, n * SUBSCRIPTION_SIZE);
    if (e !== Errno.SUCCESS) return e;
    const count = Number(this.res[0]);
    this.writeOut(outPtr, count * EVENT_SIZE);
    this.mem.setU32(neventsOut, count);
    return Errno.SUCCESS;
  }

  /** poll_oneoff with only clock subscriptions: sleep until the earliest deadline. */
  private sleepOn(inPtr: number, outPtr: number, n: number, neventsOut: number): number {
    const dv = this.mem.dv;
    const nowMono = this.host.monotonicMs();
    const nowReal = this.host.realtimeNs();
    let best = -1;
    let bestMs = Infinity;
    for (let i = 0; i < n; i++) {
      const s = inPtr + i * SUBSCRIPTION_SIZE;
      const id = dv.getUint32(s + 16, true);
      const timeout = dv.getBigUint64(s + 24, true);
      const abs = (dv.getUint16(s + 40, true) & 1) !== 0;
      let ms: number;
      if (id === Clock.Realtime) ms = abs ? Number(timeout - nowReal) / 1e6 : Number(timeout) / 1e6;
      else if (id === Clock.Monotonic) ms = abs ? Number(timeout) / 1e6 - nowMono : Number(timeout) / 1e6;
      else if (id === Clock.ProcessCpu || id === Clock.ThreadCpu) return Errno.NOTSUP;
      else return Errno.INVAL;
      if (ms < bestMs) { bestMs = ms; best = i; }
    }
    const deadline = nowMono + Math.max(0, bestMs);
    for (;;) {
      const left = deadline - this.host.monotonicMs();
      if (left <= 0) break;
      if (this.ch.sleep(this.signals.depth > 0 && this.ch.pending() & Pending.Snapshot ? Math.min(left, 20) : left)) {
        // A snapshot restarts the sleep after the restore (with its whole timeout: a known simplification).
        if (this.ch.pending() & Pending.Snapshot && this.signals.depth === 0) return RESTART;
        this.afterCall();
        // A caught signal ends a sleep with EINTR, never restarted (signal(7)); nanosleep works out the time left.
        if (this.ch.pending() & Pending.Signal) return Errno.INTR;
      }
    }
    const s = inPtr + best * SUBSCRIPTION_SIZE;
    const ev = outPtr;
    const out = this.mem.dv;
    out.setBigUint64(ev, dv.getBigUint64(s, true), true); // userdata
    out.setUint16(ev + 8, Errno.SUCCESS, true);
    out.setUint8(ev + 10, EventType.Clock);
    for (let k = 11; k < EVENT_SIZE; k++) out.setUint8(ev + k, 0);
    this.mem.setU32(neventsOut, 1);
    return Errno.SUCCESS;
  }

  /**
   * sigaction: the guest's struct wv_sigaction (24 bytes: kind, handler index,
   * flags, pad, u64 mask; guests/include/wvisor.h) in and out as values.
   */
  private sigaction(sig: number, act: number, oldact: number): number {
    const m = this.mem;
    if ((act !== 0 && !m.check(act, 24)) || (oldact !== 0 && !m.check(oldact, 24))) return Errno.FAULT;
    const dv = m.dv;
    const kind = act !== 0 ? dv.getUint32(act, true) : 0;
    this.setArgs(sig, act !== 0 ? 1 : 0, kind, act !== 0 ? dv.getUint32(act + 4, true) : 0,
      act !== 0 ? dv.getUint32(act + 8, true) : 0, act !== 0 ? dv.getBigUint64(act + 16, true) : 0n,
      this.signals.canCatch ? 1 : 0);
    const e = this.kcall(NR.sigaction);
    if (e !== Errno.SUCCESS) return e;
    if (kind === 2) this.signals.armed = true;
    if (oldact !== 0) {
      const r = this.res;
      dv.setUint32(oldact, Number(r[0]), true);
      dv.setUint32(oldact + 4, Number(r[1]), true);
      dv.setUint32(oldact + 8, Number(r[2]), true);
      dv.setUint32(oldact + 12, 0, true);
      dv.setBigUint64(oldact + 16, BigInt.asUintN(64, r[3]!), true);
    }
    return e;
  }

  private spawn(req: number, pidOut: number): number {
    if (!this.mem.check(req, 48) || !this.mem.check(pidOut, 4)) return Errno.FAULT;
    const n = this.spawnRequest(req);
    if (n < 0) return -n;
    this.setArgs(req, pidOut);
    const e = this.kcall(NR.spawn, n);
    if (e === Errno.SUCCESS) this.mem.setU32(pidOut, Number(this.res[0]));
    return e;
  }

  /** execve: spawn's request (its fd map and pgid unused); returns only when the kernel refused it. */
  private exec(req: number): number {
    if (!this.mem.check(req, 48)) return Errno.FAULT;
    const n = this.spawnRequest(req);
    if (n < 0) return -n;
    this.setArgs(req);
    return this.kcall(NR.proc_exec, n);
  }

  /** Reads a wv_spawn_req into the payload as JSON: its length, or -errno. */
  private spawnRequest(req: number): number {
    const m = this.mem;
    const dv = m.dv;
    const u32 = (o: number) => dv.getUint32(req + o, true);
    const path = m.string(u32(0), u32(4));
    if (path === undefined) return -Errno.FAULT;
    const list = (ptr: number, count: number): string[] | undefined => {
      if (count > 65536 || !m.check(ptr, count * 4)) return undefined;
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const s = m.cstring(dv.getUint32(ptr + i * 4, true));
        if (s === undefined) return undefined;
        out.push(s);
      }
      return out;
    };
    const argv = list(u32(8), u32(12));
    const env = list(u32(16), u32(20));
    if (argv === undefined || env === undefined) return -Errno.FAULT;
    let cwd: string | null = null;
    if (u32(24) !== 0) {
      const c = m.string(u32(24), u32(28));
      if (c === undefined) return -Errno.FAULT;
      cwd = c;
    }
    const nfds = u32(36);
    if (nfds > 1024 || !m.check(u32(32), nfds * 8)) return -Errno.FAULT;
    const fds: Array<[number, number]> = [];
    for (let i = 0; i < nfds; i++) {
      fds.push([dv.getInt32(u32(32) + i * 8, true), dv.getInt32(u32(32) + i * 8 + 4, true)]);
    }
    const pgid = dv.getInt32(req + 40, true);
    const json = utf8.encode(JSON.stringify({ path, argv, env, cwd, fds, pgid, flags: u32(44) }));
    if (json.length > PAYLOAD_SIZE) return -Errno.TOOBIG;
    this.payload.set(json);
    return json.length;
  }
}

function dropBytes(segs: Array<[number, number]>, n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let skip = n;
  for (const [p, l] of segs) {
    if (skip >= l) { skip -= l; continue; }
    out.push([p + skip, l - skip]);
    skip = 0;
  }
  return out;
}
