import { Errno } from '../kernel/abi/errno.js';
import { Pending } from '../kernel/channel.js';
import { RingArena } from '../kernel/pipe-ring.js';
import { decodeProgram } from '../kernel/seccomp/bpf.js';
import { FilterStack } from '../kernel/seccomp/filter-stack.js';
import { verify } from '../kernel/seccomp/verifier.js';
import type { TaskWorkerStart } from '../kernel/platform.js';
import type { TaskImage } from '../kernel/snapshot/task-image.js';
import { NR } from '../kernel/syscall-table.js';
import { FAST_PREEMPT_TABLE_EXPORT } from '../instrument/contract.js';
import { Asyncify, readGuestGlobals, writeGuestGlobals } from './asyncify.js';
import { GuestMemory, utf8 } from './guest-memory.js';
import { SyscallGate, type Unwinder } from './syscall-gate.js';
import { SignalDelivery } from './signal-delivery.js';
import { ExitUnwind, type StubHost, SyscallStubs } from './syscall-stubs.js';
import { TaskChannel } from './task-channel.js';
import { trapSignal } from './trap.js';

/** An image posted at a fork (Kernel's onImage tells it from a snapshot's by the tag). */
type ForkImage = TaskImage & { fork?: true };

/** Everything a task worker is started with: the kernel's start message (kernel/platform.ts). */
export type TaskWorkerInit = TaskWorkerStart;

/** What the worker's host gives besides clocks: a way to send the snapshot image to the kernel. */
export interface RuntimeHost extends StubHost {
  /** Sends the unwound task's image to the kernel (transferring its buffers). */
  postImage(image: TaskImage): void;
}

/**
 * Runs one task inside a worker: instantiates the guest behind the syscall
 * gate and stubs, runs `_start` (or rewinds into a saved image), and turns the
 * ways a guest ends (return, proc_exit, a trap, an unwind for a snapshot) into
 * kernel calls. SIGKILL never reaches here: the kernel terminates the worker.
 */
export function runTask(init: TaskWorkerInit, host: RuntimeHost): void {
  const ch = new TaskChannel(init.channel, init.doorbell, () => host.monotonicMs());
  const mem = new GuestMemory();
  const stubs = new SyscallStubs(mem, ch, new RingArena(init.arena), host, init.pid, init.args, init.env);
  let asy: Asyncify | null = null;
  const unwinder: Unwinder = {
    get rewinding() { return asy !== null && asy.rewinding; },
    stopRewind: () => asy!.stopRewind(),
    startUnwind: () => asy!.startUnwind(),
  };
  const gate = new SyscallGate(ch, unwinder);
  const signals = new SignalDelivery(ch, mem);
  gate.signals = signals;
  stubs.signals = signals;
  gate.snapshotAt = init.snapshotAtSyscall ?? 0;
  if (init.seccomp) gate.filters = FilterStack.load(init.seccomp);
  stubs.onFilterInstalled = (program, log) => {
    gate.filters ??= new FilterStack();
    gate.filters.install(verify(decodeProgram(program)), log);
  };
  // fork: 'unwinding' from the proc_fork import until _start has returned; then the parent rewinds in this
  // instance ('parent': the call goes to the kernel for the child's pid) and a child's worker rewinds the
  // posted image ('child': the call answers 0 at once).
  let fork: 'none' | 'unwinding' | 'parent' | 'child' = (init.restore as ForkImage | undefined)?.fork === true ? 'child' : 'none';
  if (fork === 'child') gate.resumeUnfiltered = true;
  stubs.onFork = (pidOut) => {
    if (fork === 'child' || fork === 'parent') {
      const parent = fork === 'parent';
      fork = 'none';
      if (!parent) return mem.setU32(pidOut, 0) ? 0 : Errno.FAULT;
      ch.v.args[0] = 0n;
      const e = ch.call(NR.proc_fork);
      stubs.afterCall();
      if (e === Errno.SUCCESS) mem.setU32(pidOut, Number(ch.v.res[0]));
      return e;
    }
    if (!asy) {
      // The fast form (instrument/fast.ts) and modules wVisor did not rewrite have no Asyncify to copy the stack
      // with: the kernel says so on stderr and answers ENOTSUP.
      ch.v.args[0] = 1n;
      return ch.call(NR.proc_fork);
    }
    fork = 'unwinding';
    asy.startUnwind();
    return 0;
  };
  const imports = gate.wrap(stubs.imports()) as unknown as WebAssembly.Imports;
  let fuel: WebAssembly.Global | undefined;
  imports.wvisor_rt = {
    preempt: () => {
      if (fuel) fuel.value = init.quantum;
      ch.tickClock();
      const p = ch.pending();
      if (p & Pending.Stop) ch.checkpoint();
      // A task computing without calls gets its handlers here, within a quantum.
      if (p & Pending.Signal) signals.deliver();
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
  signals.attach(exports);
  if (exports.wvisor_fuel instanceof WebAssembly.Global) {
    fuel = exports.wvisor_fuel;
    fuel.value = init.quantum;
  }
  // The fast rewrite (instrument/fast.ts) calls preempt through this table instead of an import.
  const preemptTable = exports[FAST_PREEMPT_TABLE_EXPORT];
  if (preemptTable instanceof WebAssembly.Table) preemptTable.set(0, wasmFunction(imports.wvisor_rt.preempt as () => void));
  if (Asyncify.supported(exports)) asy = new Asyncify(exports);
  else gate.snapshotAt = 0;
  const start = exports._start;
  if (typeof start !== 'function') {
    reportTrap(ch, 31, 'cannot start: the module exports no _start function');
    return;
  }
  if (init.restore) {
    if (!asy) {
      reportTrap(ch, 31, 'cannot restore: the module has no Asyncify instrumentation');
      return;
    }
    if (fork === 'child') forkRestore(memory, exports, asy, init.restore);
    else asy.restore(init.restore);
  }
  try {
    (start as () => void)();
    // (Read through a function: the proc_fork stub changes `fork` during _start.)
    const forking = (): boolean => fork === 'unwinding';
    while (asy?.unwinding && forking()) {
      // fork: the image goes to the kernel for the child; this instance rewinds into the same stack.
      // Memory is copied whole (one memcpy; the snapshot's page-by-page copy that skips zero pages is
      // slower for the memory a forking program has touched).
      const unwind = asy.finishUnwind();
      const image: ForkImage = { memory: new Uint8Array(memory.buffer).slice(), globals: readGuestGlobals(exports),
        unwind: unwind.slice(), fork: true };
      host.postImage(image);
      fork = 'parent';
      gate.resumeUnfiltered = true;
      asy.startRewind(unwind);
      (start as () => void)();
    }
    if (asy?.unwinding) {
      host.postImage(asy.captureImage());
      // The kernel ends this worker once it has the image.
      return;
    }
    ch.v.args[0] = 0n;
    ch.call(NR.proc_exit);
  } catch (e) {
    if (e instanceof ExitUnwind) return;
    const sig = trapSignal(e);
    if (signals.armed && signals.depth === 0) {
      // A trap raises its signal: a handler runs; if it returns, the task dies of the signal all the same.
      try {
        ch.v.args[0] = BigInt(sig);
        ch.call(NR.raise_self);
        if (signals.due()) signals.deliver();
      } catch (e2) {
        if (e2 instanceof ExitUnwind) return;
      }
    }
    reportTrap(ch, sig, describeTrap(e));
  }
}

/**
 * A fork child's start: the parent's memory copied whole into this instance (grown to its size), its
 * globals, and the rewind into the parent's stack (which ends in the proc_fork import, answering 0).
 */
function forkRestore(memory: WebAssembly.Memory, exports: WebAssembly.Exports, asy: Asyncify, image: TaskImage): void {
  const have = memory.buffer.byteLength;
  if (image.memory.length > have) memory.grow((image.memory.length - have) / 65536);
  new Uint8Array(memory.buffer).set(image.memory);
  writeGuestGlobals(exports, image.globals);
  asy.startRewind(image.unwind);
}

/** (module (import "r" "p" (func)) (export "p" (func 0))): turns a JS function into one a funcref table takes. */
const THUNK = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 7, 1, 1, 0x72, 1, 0x70, 0, 0,
  7, 5, 1, 1, 0x70, 0, 0]);

function wasmFunction(f: () => void): WebAssembly.ExportValue {
  return new WebAssembly.Instance(new WebAssembly.Module(THUNK), { r: { p: f } }).exports.p!;
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
  ch.call(NR.trap, bytes.length);
}
