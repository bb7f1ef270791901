/**
 * `wvisor seccomp compile|disasm|explain`: the profile compiler and BPF tools
 * from the command line (Node side).
 *
 *   wvisor seccomp compile PROFILE.json [-o OUT.bpf]
 *   wvisor seccomp disasm FILE.bpf|PROFILE.json
 *   wvisor seccomp explain PROFILE.json|FILE.bpf CALLNAME [ARG...]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  AUDIT_ARCH_WVISOR, compileProfile, decodeProgram, disassemble, encodeProgram, explain,
  linuxAliases, makeSeccompData, syscallByName, verify, type VerifiedProgram,
} from '../kernel/seccomp/index.js';

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const USAGE = `usage:
  wvisor seccomp compile PROFILE.json [-o OUT.bpf]   compile an OCI/Docker profile to BPF
  wvisor seccomp disasm FILE.bpf|PROFILE.json        print the filter as assembly
  wvisor seccomp explain PROFILE.json|FILE.bpf CALL [ARG...]
                                                     say what the filter does with a call
CALL is a wVisor call (fd_write) or a Linux name with a wVisor counterpart (write).
ARGs are integers (decimal or 0x hex), at most 6.
`;

class UsageError extends Error {}

/** Loads a program from a profile (.json) or a binary filter (anything else). */
function load(path: string, io: CommandIo): VerifiedProgram {
  const bytes = readFileSync(path);
  if (path.endsWith('.json') || bytes[0] === 0x7b /* { */) {
    const compiled = compileProfile(JSON.parse(bytes.toString('utf8')));
    for (const w of compiled.warnings) io.stderr(`warning: ${w}\n`);
    return compiled.program;
  }
  return verify(decodeProgram(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
}

function parseArg(s: string): bigint {
  try {
    const v = BigInt(s);
    if (v < -(1n << 63n) || v >= 1n << 64n) throw new Error();
    return BigInt.asUintN(64, v);
  } catch {
    throw new UsageError(`argument ${JSON.stringify(s)} is not an integer (decimal or 0x hex, up to 64 bits)`);
  }
}

export async function seccompCommand(args: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'compile': {
        const oi = rest.indexOf('-o');
        const out = oi >= 0 ? rest[oi + 1] : undefined;
        if (oi >= 0 && !out) throw new UsageError('-o needs a file name');
        const inputs = rest.filter((_, i) => i !== oi && i !== oi + 1 || oi < 0);
        if (inputs.length !== 1) throw new UsageError('compile takes one PROFILE.json');
        const compiled = compileProfile(JSON.parse(readFileSync(inputs[0]!, 'utf8')));
        for (const w of compiled.warnings) io.stderr(`warning: ${w}\n`);
        const bytes = encodeProgram(compiled.program.insns);
        if (out) {
          writeFileSync(out, bytes);
          io.stderr(`wrote ${compiled.program.length} instructions (${bytes.length} bytes) to ${out}\n`);
        } else {
          io.stdout(disassemble(compiled.program.insns, compiled.program.notes));
        }
        return 0;
      }
      case 'disasm': {
        if (rest.length !== 1) throw new UsageError('disasm takes one FILE.bpf or PROFILE.json');
        const prog = load(rest[0]!, io);
        io.stdout(disassemble(prog.insns, prog.notes));
        return 0;
      }
      case 'explain': {
        if (rest.length < 2) throw new UsageError('explain takes a filter and a call name');
        const [file, call, ...argv] = rest as [string, string, ...string[]];
        if (argv.length > 6) throw new UsageError('at most 6 arguments');
        const prog = load(file, io);
        const info = syscallByName(call);
        const targets = info ? [info.name] : linuxAliases(call).map((a) => a.call);
        if (targets.length === 0) throw new UsageError(`unknown call ${JSON.stringify(call)}: name a wVisor call (fd_write) or a Linux call with a wVisor counterpart`);
        if (!info) io.stdout(`${call} is Linux's name for ${targets.join(', ')}; arguments are given in wVisor's order\n`);
        const values = argv.map(parseArg);
        for (const t of targets) {
          const e = explain([prog], makeSeccompData({ nr: syscallByName(t)!.nr, arch: AUDIT_ARCH_WVISOR, args: values }), t);
          io.stdout(e.text + '\n');
        }
        return 0;
      }
      default:
        io.stderr(USAGE);
        return sub === undefined || sub === 'help' || sub === '--help' ? (sub === undefined ? 2 : 0) : 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`wvisor seccomp: ${e.message}\n${USAGE}`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      io.stderr(`wvisor seccomp: ${err.path ?? 'file'}: no such file\n`);
      return 1;
    }
    io.stderr(`wvisor seccomp: ${(e as Error).message}\n`);
    return 1;
  }
}
