import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { describe, expect, it } from 'vitest';
import { linuxAliases } from './seccomp/aliases.js';
import { allCalls, importProblem, NR, syscallByName, syscalls, WASI_MODULE, WVISOR_MODULE, WVISOR_NR_BASE } from './syscall-table.js';
import { handlers } from './sys/index.js';

const importable = syscalls.filter((s) => !s.reserved);

describe('the call table', () => {
  it('numbers are unique: WASI 0.., wVisor from 64, internal calls negative', () => {
    const nrs = allCalls.map((s) => s.nr);
    expect(new Set(nrs).size).toBe(nrs.length);
    const wasi = syscalls.filter((s) => s.module === WASI_MODULE).map((s) => s.nr);
    expect(wasi).toEqual(wasi.map((_, i) => i));
    const wv = syscalls.filter((s) => s.module === WVISOR_MODULE).map((s) => s.nr);
    expect(wv).toEqual(wv.map((_, i) => WVISOR_NR_BASE + i));
    expect(allCalls.filter((s) => s.module === 'internal').every((s) => s.nr < 0)).toBe(true);
  });

  it('the WASI calls are exactly node:wasi\'s preview1 imports, with the same number of parameters', () => {
    // An independent implementation's import object: names and arity (Function.length).
    const ref = new WASI({ version: 'preview1' }).wasiImport as Record<string, Function>;
    const ours = Object.fromEntries(syscalls.filter((s) => s.module === WASI_MODULE).map((s) => [s.name, s.params.length]));
    expect(ours).toEqual(Object.fromEntries(Object.entries(ref).map(([k, f]) => [k, f.length])));
  });

  it('the wVisor calls wvisor.h declares are in the table with the same number of parameters', () => {
    const h = readFileSync(new URL('../../guests/include/wvisor.h', import.meta.url), 'utf8');
    const decls = [...h.matchAll(/^\w+ __wv_\w+\(([^)]*)\)\s*WV_IMPORT\((\w+)\);/gm)]
      .map((m) => [m[2]!, m[1]!.trim() === 'void' || m[1]!.trim() === '' ? 0 : m[1]!.split(',').length] as const);
    expect(decls.length).toBeGreaterThan(15);
    for (const [name, n] of decls) {
      const s = syscallByName(name);
      expect(s?.module, name).toBe(WVISOR_MODULE);
      expect(s?.reserved, name).toBeUndefined();
      expect(s?.params.length, name).toBe(n);
    }
  });

  it('hostile.wat imports every importable call with the table\'s wasm signature', () => {
    const wat = readFileSync(new URL('../../guests/src/hostile.wat', import.meta.url), 'utf8');
    const imports = [...wat.matchAll(/\(import "([\w]+)" "(\w+)" \(func \$\w+((?: \(param i(?:32|64)\))*)((?: \(result i32\))?)\)\)/g)]
      .filter((m) => m[1] === WASI_MODULE || m[1] === WVISOR_MODULE)
      .map((m) => ({ name: m[2], params: [...m[3]!.matchAll(/i(32|64)/g)].map((p) => `i${p[1]}`), result: m[4] !== '' }));
    expect(imports.map((i) => i.name).sort()).toEqual(importable.map((s) => s.name).sort());
    for (const i of imports) {
      const s = syscallByName(i.name!)!;
      expect({ name: i.name, params: i.params, result: i.result }).toEqual({ name: s.name, params: s.wasmParams, result: s.returnsErrno });
    }
  });

  it('every call the kernel serves has a handler, and reserved calls have none and cannot be imported', () => {
    for (const s of allCalls) {
      if (s.reserved) {
        expect(handlers.has(s.nr), s.name).toBe(false);
        expect(importProblem(s.module, s.name)).toMatch(/does not provide yet/);
      } else if (s.served !== 'worker') {
        expect(handlers.has(s.nr), s.name).toBe(true);
      }
    }
    expect(importProblem(WASI_MODULE, 'fd_write')).toBeUndefined();
    expect(importProblem(WVISOR_MODULE, 'fd_write')).toMatch(/does not provide/);
    expect(importProblem(WASI_MODULE, 'checkpoint')).toMatch(/does not provide/);
  });

  it('Linux names reach the calls that do their job (process creation as glibc does it)', () => {
    const to = (n: string) => linuxAliases(n).map((a) => a.call).sort();
    expect(to('openat')).toEqual(['path_open']);
    expect(to('fork')).toEqual(['proc_fork']);
    expect(to('clone')).toEqual(['proc_fork', 'spawn']);
    expect(to('execve')).toEqual(['proc_exec', 'spawn']);
    expect(to('kill')).toEqual(['kill', 'proc_raise']);
    expect(NR.checkpoint).toBeLessThan(0);
  });
});
