import { NR } from '../kernel/syscall-table.js';
import {
  CallState, ChannelViews, Pending, W,
} from '../kernel/channel.js';

/**
 * The worker's end of the per-task channel (kernel/channel.ts): posts a call,
 * rings the kernel's doorbell, and sleeps until the kernel answers. The kernel
 * may answer much later (a blocked read, wait, or a stop) or never (the task
 * is killed: worker.terminate()).
 */
export class TaskChannel {
  readonly v: ChannelViews;
  private readonly door: Int32Array;
  /** Accumulated guest CPU time in ns, excluding time blocked in calls. */
  cpuNs = 0;
  /** Monotonic time (ms) when the guest last resumed running. */
  private resumedAt: number;

  constructor(channel: SharedArrayBuffer, doorbell: SharedArrayBuffer, private readonly now: () => number) {
    this.v = new ChannelViews(channel);
    this.door = new Int32Array(doorbell);
    this.resumedAt = now();
    Atomics.store(this.v.i32, W.Running, 1);
  }

  /** CPU time so far, in ns, including the current run. */
  cpuTimeNs(): number {
    return this.cpuNs + (this.now() - this.resumedAt) * 1e6;
  }

  /** Marks the end of a stretch of guest execution (entering a blocking wait). */
  pauseClock(): void {
    this.cpuNs += (this.now() - this.resumedAt) * 1e6;
    this.publish(this.cpuNs);
    Atomics.store(this.v.i32, W.Running, 0);
  }

  /** Publishes the CPU time so far without pausing (fuel checks of a task that makes no calls). */
  tickClock(): void {
    this.publish(this.cpuTimeNs());
  }

  private publish(cpuNs: number): void {
    const i32 = this.v.i32;
    const ns = Math.floor(cpuNs);
    i32[W.CpuLo] = ns % 0x100000000;
    i32[W.CpuHi] = Math.floor(ns / 0x100000000);
  }

  resumeClock(): void {
    this.resumedAt = this.now();
    Atomics.store(this.v.i32, W.Running, 1);
  }

  /**
   * Makes a call: `nr` with the arguments already in v.args and `inLen` bytes
   * in v.payload. Returns the errno; results are in v.res and v.payload.
   */
  call(nr: number, inLen = 0): number {
    const i32 = this.v.i32;
    i32[W.Nr] = nr;
    i32[W.InLen] = inLen;
    i32[W.OutLen] = 0;
    this.pauseClock();
    Atomics.store(i32, W.State, CallState.Posted);
    Atomics.add(this.door, 0, 1);
    Atomics.notify(this.door, 0);
    // A short spin catches a kernel that answers at once (docs/ARCHITECTURE.md, "The syscall
    // path": waking a sleeping thread costs ~30 µs); then sleep.
    for (let i = 0; i < 2000; i++) {
      if (Atomics.load(i32, W.State) === CallState.Done) break;
    }
    while (Atomics.load(i32, W.State) !== CallState.Done) {
      Atomics.wait(i32, W.State, CallState.Posted);
    }
    Atomics.store(i32, W.State, CallState.Idle);
    this.resumeClock();
    return i32[W.Errno];
  }

  /** Pending bits the kernel set (stop, signals, snapshot). */
  pending(): number {
    return Atomics.load(this.v.i32, W.Pending);
  }

  /** Stops here while the kernel says so (group stop, later ptrace). */
  checkpoint(): void {
    this.call(NR.checkpoint);
  }

  /**
   * Sleeps up to `ms` (Infinity: no limit) or until the kernel sets a pending
   * bit. Returns true when woken by pending work.
   */
  sleep(ms: number): boolean {
    const i32 = this.v.i32;
    this.pauseClock();
    const deadline = this.now() + ms;
    let woke = false;
    for (;;) {
      if (Atomics.load(i32, W.Pending) !== 0) { woke = true; break; }
      const left = deadline - this.now();
      if (left <= 0) break;
      Atomics.wait(i32, W.Pending, 0, left === Infinity ? undefined : left);
    }
    this.resumeClock();
    return woke;
  }

}

export { Pending };
