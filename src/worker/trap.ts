/**
 * Maps a WebAssembly trap to the Linux signal a native program would die of:
 * out-of-bounds memory access → SIGSEGV, integer divide by zero or overflow →
 * SIGFPE, `unreachable` (wasi-libc's abort()) → SIGABRT, call stack exhausted →
 * SIGSEGV (as a native stack overflow), anything else → SIGILL.
 */
export function trapSignal(e: unknown): number {
  const msg = e instanceof Error ? e.message.toLowerCase() : String(e).toLowerCase();
  if (e instanceof RangeError && msg.includes('call stack')) return 11;
  if (msg.includes('out of bounds') || msg.includes('memory access')) return 11;
  if (msg.includes('divide by zero') || msg.includes('division by zero') || msg.includes('integer overflow')
    || msg.includes('remainder by zero')) return 8;
  if (msg.includes('unreachable')) return 6;
  if (msg.includes('indirect call') || msg.includes('null function') || msg.includes('table index')) return 11;
  return 4;
}
