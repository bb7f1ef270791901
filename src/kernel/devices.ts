import { Errno } from './abi/errno.js';
import { FileType, type Filestat } from './abi/wasi-types.js';
import { Hint } from './channel.js';
import { OpenFile } from './file.js';

/** The character devices: /dev/null, /dev/zero, /dev/urandom (and /dev/random). */
export type DeviceKind = 'null' | 'zero' | 'urandom';

/** Device numbers as Linux gives them (major 1: mem devices), reported in st_dev/ino. */
const deviceIno: Record<DeviceKind, bigint> = { null: 3n, zero: 5n, urandom: 9n };

/**
 * An open character device. Reads: null gives EOF, zero gives zeros, urandom
 * gives random bytes; writes are swallowed. Seekable with offset 0, as Linux.
 */
export class DeviceFile extends OpenFile {
  /** @nosave a constant */
  readonly filetype = FileType.CharacterDevice;

  constructor(
    /** Which device. Fixed. @saved */
    readonly kind: DeviceKind,
    readable: boolean,
    writable: boolean,
    /** The platform's random source. @nosave the restoring kernel's (reseeded, as a restore must be) */
    private readonly random: (b: Uint8Array) => void,
    /** The platform's clock. @nosave the restoring kernel's */
    private readonly now: () => bigint,
  ) {
    super(readable, writable);
  }

  describe(): string { return `/dev/${this.kind}`; }

  override read(dst: Uint8Array): number {
    if (!this.readable) return -Errno.BADF;
    if (this.kind === 'null') return 0;
    if (this.kind === 'zero') dst.fill(0);
    else for (let i = 0; i < dst.length; i += 65536) this.random(dst.subarray(i, Math.min(dst.length, i + 65536)));
    return dst.length;
  }

  override write(src: Uint8Array): number {
    if (!this.writable) return -Errno.BADF;
    return src.length;
  }

  override pread(dst: Uint8Array): number { return this.read(dst); }
  override pwrite(src: Uint8Array): number { return this.write(src); }
  override seek(): bigint { return 0n; }
  override advise(): number { return Errno.SUCCESS; }

  stat(): Filestat {
    const t = this.now();
    return { dev: 5n, ino: deviceIno[this.kind], filetype: FileType.CharacterDevice, nlink: 1n, size: 0n,
      atim: t, mtim: t, ctim: t };
  }

  override hint(): number {
    if (this.kind !== 'null') return Hint.Kernel;
    if (this.readable && this.writable) return Hint.Null;
    return this.writable ? Hint.NullWriteOnly : Hint.NullReadOnly;
  }
}
