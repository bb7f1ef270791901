/**
 * The page's /etc/seccomp (paths relative to /etc): each profile compiled by the kernel's profile
 * compiler into the files the `seccomp` guest (guests/src/seccomp.c) reads —
 * NAME.json (the profile as given), NAME.bpf (struct sock_filter entries, as
 * `wvisor seccomp compile -o` writes), NAME.notes ("INDEX NOTE" lines: the
 * profile rule behind each instruction) — and `calls` ("nr NAME" per wVisor
 * call, "alias LINUX WVISOR" per Linux name with a wVisor counterpart).
 */
import {
  compileProfile, encodeProgram, linuxAliases, linuxAliasNames, syscalls,
} from '../../kernel/seccomp/index.js';

export function seccompFiles(profiles: Record<string, unknown>): Array<[string, Uint8Array]> {
  const enc = new TextEncoder();
  const out: Array<[string, Uint8Array]> = [];
  for (const [name, profile] of Object.entries(profiles)) {
    const compiled = compileProfile(profile as Parameters<typeof compileProfile>[0]);
    const prog = compiled.program;
    const notes: string[] = [];
    prog.insns.forEach((_, i) => {
      const n = prog.notes[i];
      if (n) notes.push(`${i} ${n.replace(/\n/g, ' ')}`);
    });
    out.push([`seccomp/${name}.json`, enc.encode(JSON.stringify(profile, null, 2) + '\n')]);
    out.push([`seccomp/${name}.bpf`, encodeProgram(prog.insns)]);
    out.push([`seccomp/${name}.notes`, enc.encode(notes.join('\n') + '\n')]);
  }
  const lines = syscalls.map((s) => `${s.nr} ${s.name}`);
  for (const l of linuxAliasNames) for (const a of linuxAliases(l)) lines.push(`alias ${l} ${a.call}`);
  out.push(["seccomp/calls", enc.encode(lines.join('\n') + '\n')]);
  return out;
}
