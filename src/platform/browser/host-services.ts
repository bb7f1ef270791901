/**
 * Clocks and randomness as a browser worker gives them: shared by the kernel
 * worker (BrowserPlatform) and the task workers (their StubHost). Kept apart
 * from browser-platform.ts so a task worker's bundle does not pull in the
 * code that starts task workers.
 */

/** Wall clock in ns since the Unix epoch, from the high-resolution clock. */
export function realtimeNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

/** Monotonic clock in ms (fractional). */
export function monotonicMs(): number {
  return performance.now();
}

/**
 * crypto.getRandomValues with the two browser limits handled: at most 65536
 * bytes per call, and no views of a SharedArrayBuffer (a bounce buffer then).
 */
export function randomFill(buf: Uint8Array): void {
  for (let off = 0; off < buf.length; off += 65536) {
    const part = buf.subarray(off, Math.min(buf.length, off + 65536));
    if (part.buffer instanceof ArrayBuffer) crypto.getRandomValues(part as Uint8Array<ArrayBuffer>);
    else {
      const tmp = new Uint8Array(part.length);
      crypto.getRandomValues(tmp);
      part.set(tmp);
    }
  }
}

/** Lowercase hex SHA-256 (crypto.subtle, which refuses views of a SharedArrayBuffer: those are copied). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const data = bytes.buffer instanceof ArrayBuffer ? bytes as Uint8Array<ArrayBuffer> : new Uint8Array(bytes);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
