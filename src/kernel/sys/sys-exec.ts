/**
 * execve(). proc_exec's request is spawn's (path, argv, env, cwd; guests/include/wvisor.h wv_spawn_req):
 * the program is found as spawn finds it (Kernel.findProgram), a `#!` script runs its interpreter with
 * the script's path as an argument (as Linux's binfmt_script, up to 4 levels), a file that is neither
 * wasm nor a script is ENOEXEC, a directory EACCES. Once the module is loaded the task runs it
 * (Kernel.execTask) and the call never returns; a failure is the call's errno.
 */
import { Errno } from '../abi/errno.js';
import type { Kernel } from '../kernel.js';
import { ModuleError } from '../module-loader.js';
import { NR } from '../syscall-table.js';
import { pathArg } from './args.js';
import type { Handler, HandlerGroup } from './handler.js';

interface ExecRequest {
  path: string;
  argv: string[];
  env: string[];
  cwd: string | null;
}

/** Linux's BINPRM_BUF_SIZE: the `#!` line must end within it. */
const SHEBANG_MAX = 256;
/** Interpreters of interpreters Linux follows before ELOOP. */
const SHEBANG_DEPTH = 4;

const dec = new TextDecoder();

function isWasm(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d;
}

/** The `#!` line's interpreter and optional argument (one, the rest of the line, as Linux). */
function shebang(b: Uint8Array): { interp: string; arg?: string } | undefined {
  if (b.length < 2 || b[0] !== 0x23 || b[1] !== 0x21) return undefined;
  let end = b.indexOf(0x0a);
  if (end < 0) end = Math.min(b.length, SHEBANG_MAX);
  const line = dec.decode(b.subarray(2, Math.min(end, SHEBANG_MAX))).replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
  if (line === '') return undefined;
  const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line)!;
  return m[2] ? { interp: m[1]!, arg: m[2] } : { interp: m[1]! };
}

/** The module to run and the argv it gets, following `#!` lines; an errno when there is none. */
export function resolveExec(k: Kernel, path: string, argv: string[], given = path): { path: string; bytes: Uint8Array; argv: string[] } | Errno {
  let p = path;
  let name = given;
  let args = argv;
  for (let depth = 0; ; depth++) {
    const found = k.findProgram(p);
    if (typeof found === 'number') return found === Errno.ISDIR ? Errno.ACCES : found;
    if (isWasm(found.bytes)) return { path: found.path, bytes: found.bytes, argv: args };
    const s = shebang(found.bytes);
    if (!s) return Errno.NOEXEC;
    if (depth >= SHEBANG_DEPTH) return Errno.LOOP;
    // The interpreter gets the script's path as the caller gave it (Linux's bprm->filename).
    args = [s.interp, ...(s.arg !== undefined ? [s.arg] : []), name, ...args.slice(1)];
    p = s.interp;
    name = s.interp;
  }
}

const proc_exec: Handler = (k, t, c) => {
  const json = pathArg(c, 0, c.i32[3]);
  if (typeof json === 'number') return json;
  let req: ExecRequest;
  try {
    req = JSON.parse(json) as ExecRequest;
  } catch {
    return Errno.INVAL;
  }
  if (req.path === '') return Errno.NOENT;
  // A relative path is the caller's working directory's (never a /bin name, as spawn's bare names are).
  const path = req.path.startsWith('/') ? req.path : `${req.cwd ?? ''}/${req.path}`;
  const r = resolveExec(k, path, req.argv, req.path);
  if (typeof r === 'number') return r;
  const env = req.cwd !== null ? [...req.env.filter((v) => !v.startsWith('PWD=')), `PWD=${req.cwd}`] : req.env;
  const id = t.callId;
  k.modules.load(r.bytes).then((loaded) => {
    if (!t.alive || !t.inCall || t.callId !== id) return;
    k.execTask(t, loaded, r.argv, env, r.path);
  }, (e: unknown) => {
    if (e instanceof ModuleError) {
      k.writeStderr(t, `${req.argv[0] ?? req.path}: ${e.message}\n`);
      k.answer(t, Errno.NOEXEC, id);
    } else {
      k.onLog(`kernel: exec failed: ${(e as Error)?.stack ?? e}`);
      k.answer(t, Errno.IO, id);
    }
  });
  // Loading takes a while; a snapshot lets the exec finish rather than re-issue it.
  return k.block(t, NR.proc_exec, () => {}, 'finish');
};

export const execHandlers = { proc_exec } satisfies HandlerGroup;
