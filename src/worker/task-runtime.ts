import { Internal, Pending } from '../kernel/channel.js';
import { RingArena } from '../kernel/pipe-ring.js';
import { NR } from '../kernel/syscall-table.js';
import { GuestMemory, utf8 } from './guest-memory.js';
import { ExitUnwind, type StubHost, SyscallStubs } from './syscall-stubs.js';
import { TaskChannel } from './task-channel.js';
import { trapSignal } from './trap.js';

/** Everything a task worker is started with (posted by the kernel). */
export interface TaskWorkerInit {
  /** The task's channel page (kernel/channel.ts). */
  channel: SharedArrayBuffer;
  /** The kernel's doorbell word. */
  doorbell: SharedArrayBuffer;
  /** The shared pipe-ring arena. */
  arena: SharedArrayBuffer;
  /** The compiled (rewritten) guest module. */
  module: WebAssembly.Module;
  pid: number;
  args: string[];
  env: string[];
  /** Fuel checks between preempt calls (loop iterations + function entries). */
  quantum: number;
}

/** Fuel between preempt calls: small enough for a ~0.1 ms stop latency, large enough to be free. */
export const DEFAULT_QUANTUM = 100_000;

/**
 * Runs one task to its end inside a worker: instantiates the guest with its
 * stubs, runs `_start`, and turns the ways a guest ends (return, proc_exit, a
 * trap) into kernel calls. SIGKILL never reaches here: the kernel terminates
 * the worker.
 */
export function runTask(init: TaskWorkerInit, host: StubHost): void {
  const ch = new TaskChannel(init.channel, init.doorbell, () => host.monotonicMs());
  const mem = new GuestMemory();
  const stubs = new SyscallStubs(mem, ch, new RingArena(init.arena), host, init.pid, init.args, init.env);
  const imports = stubs.imports() as unknown as WebAssembly.Imports;
  let fuel: WebAssembly.Global | undefined;
  imports.wvisor_rt = {
    preempt: () => {
      if (fuel) fuel.value = init.quantum;
      if (ch.pending() & Pending.Stop) ch.checkpoint();
    },
  };

  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(init.module, imports);
  } catch (e) {
    reportTrap(ch, 31 /* SIGSYS */, `cannot start: ${(e as Error).message}`);
    return;
  }
  const exports = instance.exports;
  const memory = exports.memory;
  if (!(memory instanceof WebAssembly.Memory)) {
    reportTrap(ch, 31, 'cannot start: the module exports no memory');
    return;
  }
  mem.attach(memory);
  if (exports.wvisor_fuel instanceof WebAssembly.Global) {
    fuel = exports.wvisor_fuel;
    fuel.value = init.quantum;
  }
  const start = exports._start;
  if (typeof start !== 'function') {
    reportTrap(ch, 31, 'cannot start: the module exports no _start function');
    return;
  }
  try {
    (start as () => void)();
    ch.v.args[0] = 0n;
    ch.call(NR.proc_exit);
  } catch (e) {
    if (e instanceof ExitUnwind) return;
    const sig = trapSignal(e);
    reportTrap(ch, sig, describeTrap(e));
  }
}

function describeTrap(e: unknown): string {
  if (e instanceof Error) return `${e.name === 'RuntimeError' ? 'wasm trap' : e.name}: ${e.message}`;
  return `wasm trap: ${String(e)}`;
}

/** Tells the kernel the guest trapped; the kernel writes the message to stderr and ends the task. */
function reportTrap(ch: TaskChannel, sig: number, message: string): void {
  const bytes = utf8.encode(message.slice(0, 4000));
  ch.v.payload.set(bytes);
  ch.v.args[0] = BigInt(sig);
  ch.call(Internal.Trap, bytes.length);
}
