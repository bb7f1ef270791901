import { Errno } from './abi/errno.js';
import { FdFlags, FileType, type Filestat } from './abi/wasi-types.js';
import { Hint, ringHint } from './channel.js';
import { OpenFile, type Readiness, WOULD_BLOCK } from './file.js';
import { PIPE_BUF, RING_CAPACITY, RingArena } from './pipe-ring.js';

/**
 * Allocates pipe rings from the shared arena. Slot 0 is never used so that a
 * ring endpoint's fd hint is always ≥ 16 (kernel/channel.ts).
 */
export class PipeAllocator {
  /** Free slots. Kernel-owned. @nosave a restore makes each saved pipe anew, taking slots from a fresh allocator */
  private readonly free: number[] = [];
  /** Monotonic inode numbers for pipes (st_ino). @nosave restored pipes get new inode numbers, as after a reboot */
  private nextIno = 1n;

  constructor(
    /** The shared ring arena. @nosave a new one per kernel; pipes' bytes are saved per pipe */
    readonly arena: RingArena,
    /** The platform's clock (pipe creation times). @nosave */
    private readonly now: () => bigint,
  ) {
    for (let i = arena.slots - 1; i >= 1; i--) this.free.push(i);
  }

  /** A new pipe, or undefined when every ring is in use (ENFILE). */
  create(): Pipe | undefined {
    const ring = this.free.pop();
    if (ring === undefined) return undefined;
    this.arena.reset(ring, 0, 0);
    return new Pipe(this, ring, this.nextIno++, this.now());
  }

  /** Returns a ring whose ends are all closed. */
  recycle(ring: number): void {
    this.free.push(ring);
  }

  get inUse(): number {
    return this.arena.slots - 1 - this.free.length;
  }
}

/**
 * A pipe: one ring plus the count of open descriptions of each end, which the
 * ring header mirrors so that workers see EOF and EPIPE without asking.
 */
export class Pipe {
  /** Open read-end descriptions. Kernel-owned; mirrored into the ring header. @nosave counted again as restored ends open */
  readers = 0;
  /** Open write-end descriptions, as `readers`. @nosave counted again as restored ends open */
  writers = 0;
  /** Waiters for readiness changes seen by the kernel (poll, kernel-side reads). @nosave held calls are re-issued */
  private waiting: Array<() => void> = [];
  /** A wait on the ring's sequence word is armed. @nosave */
  private watching = false;

  constructor(
    /** The allocator the ring returns to. @nosave the restoring kernel's */
    private readonly alloc: PipeAllocator,
    /** Slot in the arena. @nosave a restored pipe gets a free slot; its buffered bytes are saved (PipeState.buffered) */
    readonly ring: number,
    /** st_ino. @nosave see PipeAllocator.nextIno */
    readonly ino: bigint,
    /** Creation time (st_atim/mtim/ctim). @saved PipeState.created */
    readonly created: bigint,
  ) {}

  get arena(): RingArena { return this.alloc.arena; }

  openEnd(read: boolean): void {
    if (read) this.readers++; else this.writers++;
    this.arena.addEnds(this.ring, read ? 1 : 0, read ? 0 : 1);
  }

  closeEnd(read: boolean): void {
    if (read) this.readers--; else this.writers--;
    this.arena.addEnds(this.ring, read ? -1 : 0, read ? 0 : -1);
    if (this.readers === 0 && this.writers === 0) this.alloc.recycle(this.ring);
  }

  /** Calls cb once after the ring changes (data, space, an end closed). */
  onChange(cb: () => void): () => void {
    this.waiting.push(cb);
    this.watch();
    return () => { this.waiting = this.waiting.filter((w) => w !== cb); };
  }

  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    const seqIdx = this.arena.seqIndex(this.ring);
    const seen = this.arena.seq(this.ring);
    const r = Atomics.waitAsync(this.arena.i32, seqIdx, seen);
    const fire = () => {
      this.watching = false;
      const w = this.waiting;
      this.waiting = [];
      for (const cb of w) cb();
    };
    if (r.async) void r.value.then(fire); else void Promise.resolve().then(fire);
  }
}

/** One end of a pipe, as an open file description. */
export class PipeEnd extends OpenFile {
  /** @nosave a constant */
  readonly filetype = FileType.Unknown;

  constructor(
    /** The pipe. Fixed. @saved by pipe id */
    readonly pipe: Pipe,
    /** The read end (else the write end). Fixed. @saved as FileState.read */
    readonly isRead: boolean,
    /** Who holds the ring's lock while this end copies (lock recovery). @nosave the restoring kernel's owner */
    private readonly pid: () => number,
  ) {
    super(isRead, !isRead);
    pipe.openEnd(isRead);
  }

  describe(): string { return `pipe:[${this.pipe.ino}]`; }

  override read(dst: Uint8Array): number {
    if (!this.isRead) return -Errno.BADF;
    const n = this.pipe.arena.tryRead(this.pipe.ring, dst, this.pid());
    if (n >= 0) return n;
    return this.flags & FdFlags.NonBlock ? -Errno.AGAIN : WOULD_BLOCK;
  }

  override write(src: Uint8Array): number {
    if (this.isRead) return -Errno.BADF;
    const n = this.pipe.arena.tryWrite(this.pipe.ring, src, this.pid());
    if (n < 0) return -Errno.PIPE;
    if (n > 0 || src.length === 0) return n;
    return this.flags & FdFlags.NonBlock ? -Errno.AGAIN : WOULD_BLOCK;
  }

  stat(): Filestat {
    const a = this.pipe.arena;
    return { dev: 0xc0n, ino: this.pipe.ino, filetype: FileType.Unknown, nlink: 1n,
      size: BigInt(a.used(this.pipe.ring)), atim: this.pipe.created, mtim: this.pipe.created, ctim: this.pipe.created };
  }

  override readiness(): Readiness {
    const a = this.pipe.arena;
    const used = a.used(this.pipe.ring);
    if (this.isRead) {
      const hangup = a.writers(this.pipe.ring) === 0;
      return { readable: used > 0 || hangup, writable: false, nbytes: BigInt(used), hangup };
    }
    const hangup = a.readers(this.pipe.ring) === 0;
    const space = RING_CAPACITY - used;
    return { readable: false, writable: space >= PIPE_BUF || hangup, nbytes: BigInt(space), hangup };
  }

  override onReady(cb: () => void): () => void {
    return this.pipe.onChange(cb);
  }

  override hint(): number {
    return ringHint(this.pipe.ring, this.isRead ? Hint.RingRead : Hint.RingWrite, (this.flags & FdFlags.NonBlock) !== 0);
  }

  override release(): void {
    this.pipe.closeEnd(this.isRead);
  }
}
