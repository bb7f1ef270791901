import { describe, expect, it } from 'vitest';
import { Errno } from './abi/errno.js';
import { FILE_RIGHTS, FileType, type Filestat, Rights, STREAM_RIGHTS } from './abi/wasi-types.js';
import { Hint } from './channel.js';
import { DeviceFile } from './devices.js';
import { entryHint, type FdEntry, FdTable, requireRights } from './fd-table.js';
import { OpenFile } from './file.js';

class RegularFile extends OpenFile {
  readonly filetype = FileType.RegularFile;
  describe(): string { return 'f'; }
  stat(): Filestat { return { dev: 0n, ino: 0n, filetype: this.filetype, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n }; }
}

const entry = (file: OpenFile, rights: number): FdEntry => ({ file, rightsBase: BigInt(rights), rightsInheriting: 0n });
// What wasi-libc's open() asks for with O_RDONLY: no write-side rights.
const RDONLY = FILE_RIGHTS & ~(Rights.FdWrite | Rights.FdDatasync | Rights.FdAllocate | Rights.FdFilestatSetSize);

describe('rights (fd-table.ts)', () => {
  it('a right the access mode never gave is left to the file (Linux: EBADF for write on O_RDONLY, fdatasync works)', () => {
    const e = entry(new RegularFile(true, false), RDONLY);
    expect(requireRights(e, Rights.FdWrite)).toBe(Errno.SUCCESS);
    expect(requireRights(e, Rights.FdDatasync)).toBe(Errno.SUCCESS);
    expect(requireRights(e, Rights.FdRead)).toBe(Errno.SUCCESS);
  });

  it('a right the fd should have but does not is ENOTCAPABLE', () => {
    const e = entry(new RegularFile(true, true), FILE_RIGHTS & ~(Rights.FdRead | Rights.FdSeek));
    expect(requireRights(e, Rights.FdRead)).toBe(Errno.NOTCAPABLE);
    expect(requireRights(e, Rights.FdWrite | Rights.FdSeek)).toBe(Errno.NOTCAPABLE);
    expect(requireRights(e, Rights.FdWrite)).toBe(Errno.SUCCESS);
  });

  it('a right a stream never has is left to the file (seek on a pipe: ESPIPE)', () => {
    const e = entry(new DeviceFile('zero', true, true, () => {}, () => 0n), STREAM_RIGHTS);
    expect(requireRights(e, Rights.FdSeek)).toBe(Errno.SUCCESS);
  });

  it('the worker serves /dev/null only while the fd keeps FD_READ and FD_WRITE', () => {
    const file = new DeviceFile('null', true, true, () => {}, () => 0n);
    expect(entryHint(entry(file, FILE_RIGHTS))).toBe(Hint.Null);
    expect(entryHint(entry(file, FILE_RIGHTS & ~Rights.FdWrite))).toBe(Hint.Kernel);
    expect(entryHint(entry(file, FILE_RIGHTS & ~Rights.FdRead))).toBe(Hint.Kernel);
    const wo = new DeviceFile('null', false, true, () => {}, () => 0n);
    expect(entryHint(entry(wo, FILE_RIGHTS & ~Rights.FdRead))).toBe(Hint.NullWriteOnly);
  });
});

describe('close-on-exec (fd-table.ts)', () => {
  it('is a flag of the fd: dup and dup2 clear it on the copy, exec closes only the flagged fds and keeps the description', () => {
    const t = new FdTable(16);
    const file = new DeviceFile('zero', true, true, () => {}, () => 0n);
    t.put(3, { file, rightsBase: BigInt(STREAM_RIGHTS), rightsInheriting: 0n, cloexec: true });
    expect(t.dup2(3, 5)).toBe(Errno.SUCCESS);
    const d = t.dup(3);
    expect([t.get(3)?.cloexec, t.get(5)?.cloexec, t.get(d)?.cloexec]).toEqual([true, undefined, undefined]);
    expect(t.setCloexec(5, true)).toBe(Errno.SUCCESS);
    expect(t.setCloexec(d, false)).toBe(Errno.SUCCESS);
    expect(t.setCloexec(9, true)).toBe(Errno.BADF);
    t.closeOnExec();
    expect([...t.entries()].map(([fd]) => fd)).toEqual([d]);
    expect(file.refs).toBe(1);
  });
});
