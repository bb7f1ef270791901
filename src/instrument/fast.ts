/**
 * The fast rewrite: fuel checks and the memory limit in one streaming pass
 * over the encoded module, without binaryen (README.md, "Start-up").
 *
 * A module wVisor has not rewritten yet runs in this form at once, while the
 * full rewrite (index.ts: Asyncify, exported globals; seconds to minutes for
 * large modules) runs in the background. It gives what a running task needs
 * from the kernel except unwinding: SIGSTOP, SIGTSTP, ^Z and a fatal signal
 * reach a task that computes without syscalls (fuel checks at the same places
 * as fuel.ts: every loop header, and the entry of each function on a cycle of
 * calls made outside loops), and memory.grow fails past the limit. It cannot
 * be unwound, so a snapshot of such a task is refused, naming the reason.
 *
 * What it adds, all appended so that no existing index moves (adding a
 * function import would renumber every function):
 *   type    [] -> []                               (last type)
 *   table   funcref, 1 entry, exported FAST_PREEMPT_TABLE_EXPORT
 *   global  mut i32 = 0, exported FUEL_EXPORT
 *   custom  wvisor.fast = UTF-8 JSON FastInfo
 * and at each check point
 *   fuel = fuel - 1; if (fuel < 0) call_indirect [] -> [] table[0]
 * The worker puts a function that calls its preempt hook in table[0]
 * (task-runtime.ts). Throws UnsupportedModuleError for what it does not
 * decode (GC, typed function references, try_table, memory64), so the caller
 * can fall back to the original with the memory limit alone.
 */
import { FAST_PREEMPT_TABLE_EXPORT, FAST_SECTION, FUEL_EXPORT, REWRITE_SECTION } from './contract.js';
import { AlreadyRewrittenError, InvalidModuleError, UnsupportedModuleError } from './errors.js';
import { DEFAULT_MAX_MEMORY_PAGES, leb } from './memory-limit.js';
import { functionsOnCycles, type Walked } from './fuel.js';

export { FAST_PREEMPT_TABLE_EXPORT, FAST_SECTION };
/** Bump when the output for a given input changes (cache keys name it). */
export const FAST_VERSION = 1;

/** What the `wvisor.fast` section records. */
export interface FastInfo {
  version: number;
  /** Lowercase hex SHA-256 of the original module's bytes, when the caller gave it. */
  originalSha256?: string;
  maxMemoryPages: number;
}

export interface FastResult {
  bytes: Uint8Array<ArrayBuffer>;
  /** Defined functions, loop checks, entry checks. */
  functions: number;
  loopChecks: number;
  entryChecks: number;
  /** Wall time in ms. */
  ms: number;
}

class Reader {
  constructor(readonly b: Uint8Array, public at: number) {}

  byte(): number {
    if (this.at >= this.b.length) throw new InvalidModuleError('unexpected end of the module');
    return this.b[this.at++]!;
  }

  u32(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const x = this.byte();
      v += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return v;
      shift += 7;
      if (shift > 35) throw new InvalidModuleError('LEB128 too long');
    }
  }

  /** Skips a signed LEB128 of any width. */
  skipLeb(): void {
    for (let i = 0; ; i++) {
      if ((this.byte() & 0x80) === 0) return;
      if (i > 10) throw new InvalidModuleError('LEB128 too long');
    }
  }

  skip(n: number): void {
    this.at += n;
    if (this.at > this.b.length) throw new InvalidModuleError('unexpected end of the module');
  }

  name(): string {
    const n = this.u32();
    const s = new TextDecoder().decode(this.b.subarray(this.at, this.at + n));
    this.skip(n);
    return s;
  }
}


const utf8 = new TextEncoder();

function nameBytes(s: string): number[] {
  const b = utf8.encode(s);
  return [...leb(b.length), ...b];
}

/** Number types and the two MVP reference types, as one byte each. */
const SIMPLE_VALTYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

function valtype(r: Reader): void {
  const t = r.byte();
  if (!SIMPLE_VALTYPES.has(t)) {
    throw new UnsupportedModuleError(`it uses the value type 0x${t.toString(16)} (typed references or GC)`);
  }
}

/** What the walk of one body found. */
interface Body {
  /** Offset in the module of its locals (right after its size). */
  localsStart: number;
  /** Offset in the module right after its locals (where an entry check goes). */
  codeStart: number;
  end: number;
  /** Offsets right after each `loop blocktype`. */
  loops: number[];
  walked: Walked;
}

/** Immediates of the 0xfd (SIMD) sub-opcodes below 0x100: 1 memarg, 2 16 bytes, 3 a lane byte, 4 memarg + lane. */
const SIMD_IMM = new Uint8Array(256);
for (let k = 0; k <= 0x0b; k++) SIMD_IMM[k] = 1;
SIMD_IMM[0x5c] = SIMD_IMM[0x5d] = 1;
SIMD_IMM[0x0c] = SIMD_IMM[0x0d] = 2;
for (let k = 0x15; k <= 0x22; k++) SIMD_IMM[k] = 3;
for (let k = 0x54; k <= 0x5b; k++) SIMD_IMM[k] = 4;

/**
 * Walks one function body, recording loop headers and the calls made outside
 * loops. Written for speed (it reads every byte of the code section): the
 * position is a local, LEB128s are skipped inline.
 */
function walkBody(b: Uint8Array, start: number, end: number, numImportedFuncs: number, fnIndex: number): Body {
  let p = start;
  const bad = (what: string): never => {
    throw new UnsupportedModuleError(`function ${fnIndex} ${what}, which the fast rewrite does not decode `
      + '(GC, typed references, try_table or relaxed SIMD)');
  };
  const u32 = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const x = b[p++]!;
      v += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return v;
      shift += 7;
      if (shift > 35) throw new InvalidModuleError('LEB128 too long');
    }
  };
  const skipLeb = (): void => {
    while (b[p++]! & 0x80) { /* continuation bytes */ }
  };
  const memarg = (): void => {
    if (u32() & 0x40) u32(); // alignment; bit 6: a memory index follows (multi-memory)
    skipLeb(); // offset
  };
  const vt = (t: number): void => {
    if (!SIMPLE_VALTYPES.has(t)) bad(`uses the value type 0x${t.toString(16)}`);
  };
  const groups = u32();
  for (let i = 0; i < groups; i++) {
    u32();
    vt(b[p++]!);
  }
  const codeStart = p;
  const loops: number[] = [];
  const walked: Walked = { loops: [], callees: new Set(), callsIndirect: false, exceptions: false, tailCalls: false };
  // Open blocks (the function's own frame is the first) and the depths of the open loops.
  let depth = 1;
  const loopAt: number[] = [];
  const blocktype = (): void => {
    const t = b[p]!;
    if (t === 0x40 || SIMPLE_VALTYPES.has(t)) {
      p++;
      return;
    }
    if (t === 0x63 || t === 0x64) bad('uses a block of a typed reference');
    skipLeb(); // a type index (s33)
  };
  while (depth > 0) {
    if (p >= end) throw new InvalidModuleError(`function ${fnIndex}: its body ends inside a block`);
    const op = b[p++]!;
    if (op >= 0x45 && op <= 0xc4) continue; // numeric, no immediates
    switch (op) {
      case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: // local.*, global.*, table.get/set
      case 0x0c: case 0x0d: case 0x3f: case 0x40: case 0xd2: // br, br_if, memory.size/grow, ref.func
      case 0x41: case 0x42: // i32.const, i64.const
        skipLeb();
        break;
      case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e: case 0x2f: case 0x30: case 0x31:
      case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37: case 0x38: case 0x39: case 0x3a: case 0x3b:
      case 0x3c: case 0x3d: case 0x3e:
        memarg();
        break;
      case 0x00: case 0x01: case 0x05: case 0x0f: case 0x1a: case 0x1b: case 0xd1:
        break;
      case 0x02: case 0x04: case 0x06: // block, if, try
        blocktype();
        depth++;
        break;
      case 0x03: // loop
        blocktype();
        loops.push(p);
        depth++;
        loopAt.push(depth);
        break;
      case 0x0b: case 0x18: // end, delegate (ends a try)
        if (op === 0x18) skipLeb();
        if (loopAt.length > 0 && loopAt[loopAt.length - 1] === depth) loopAt.pop();
        depth--;
        break;
      case 0x10: case 0x12: { // call, return_call
        if (op === 0x12) walked.tailCalls = true;
        const f = u32();
        if (loopAt.length === 0 && f >= numImportedFuncs) walked.callees.add(String(f));
        break;
      }
      case 0x11: case 0x13: // call_indirect, return_call_indirect
        if (op === 0x13) walked.tailCalls = true;
        skipLeb();
        skipLeb();
        if (loopAt.length === 0) walked.callsIndirect = true;
        break;
      case 0x0e: { // br_table
        const n = u32();
        for (let i = 0; i <= n; i++) skipLeb();
        break;
      }
      case 0x07: case 0x08: case 0x09: // catch tag, throw tag, rethrow depth
        walked.exceptions = true;
        skipLeb();
        break;
      case 0x19: case 0x0a: // catch_all, throw_ref
        walked.exceptions = true;
        break;
      case 0x1c: { // select t*
        const n = u32();
        for (let i = 0; i < n; i++) vt(b[p++]!);
        break;
      }
      case 0x43: p += 4; break;
      case 0x44: p += 8; break;
      case 0xd0: { // ref.null heaptype
        const t = b[p++]!;
        if (t !== 0x70 && t !== 0x6f) bad('uses ref.null of a defined type');
        break;
      }
      case 0xfc: {
        const sub = u32();
        if (sub <= 7) break; // saturating truncations
        if (sub === 8 || sub === 10 || sub === 12 || sub === 14) { skipLeb(); skipLeb(); } // memory.init/copy, table.init/copy
        else if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) skipLeb();
        else bad(`uses the instruction 0xfc ${sub}`);
        break;
      }
      case 0xfd: {
        const sub = u32();
        if (sub > 0xff) bad(`uses the SIMD instruction 0xfd ${sub}`);
        const imm = SIMD_IMM[sub];
        if (imm === 1) memarg();
        else if (imm === 2) p += 16;
        else if (imm === 3) p += 1;
        else if (imm === 4) { memarg(); p += 1; }
        break;
      }
      case 0xfe: {
        const sub = u32();
        if (sub === 0x03) p += 1; // atomic.fence
        else if (sub <= 0x02 || (sub >= 0x10 && sub <= 0x4e)) memarg();
        else bad(`uses the atomic instruction 0xfe ${sub}`);
        break;
      }
      default:
        bad(`contains opcode 0x${op.toString(16)}`);
    }
  }
  if (p !== end) throw new InvalidModuleError(`function ${fnIndex}: code after the end of its body`);
  return { localsStart: start, codeStart, end, loops, walked };
}

/** Skips one constant expression (a global's initial value, an element or data offset). */
function constExpr(r: Reader, refs?: Set<number>): void {
  for (;;) {
    const op = r.byte();
    if (op === 0x0b) return;
    if (op === 0x41 || op === 0x42) r.skipLeb();
    else if (op === 0x43) r.skip(4);
    else if (op === 0x44) r.skip(8);
    else if (op === 0x23) r.u32();
    else if (op === 0xd2) refs?.add(r.u32());
    else if (op === 0xd0) r.byte();
    else if (op === 0xfd) { if (r.u32() !== 0x0c) throw new UnsupportedModuleError('a constant expression the fast rewrite does not decode'); r.skip(16); }
    else if (op === 0x6a || op === 0x6b || op === 0x6c || op === 0x7c || op === 0x7d || op === 0x7e) { /* extended constants */ }
    else throw new UnsupportedModuleError(`a constant expression uses opcode 0x${op.toString(16)}, which the fast rewrite does not decode`);
  }
}

/** Function indices placed in tables by element segments (what an indirect call may reach). */
function elementFunctions(r: Reader, end: number): Set<number> {
  const out = new Set<number>();
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const flags = r.u32();
    if (flags > 7) throw new UnsupportedModuleError(`element segment ${i} has flags ${flags}`);
    const hasTable = (flags & 2) !== 0 && (flags & 1) === 0; // active with an explicit table
    if ((flags & 1) === 0) {
      if (hasTable) r.u32();
      constExpr(r);
    }
    const exprs = (flags & 4) !== 0;
    if (flags & 3) { // passive, declarative, or active with a table: an elemkind or reftype follows
      r.byte();
    }
    const count = r.u32();
    for (let k = 0; k < count; k++) {
      if (exprs) constExpr(r, out);
      else out.add(r.u32());
    }
  }
  if (r.at !== end) throw new InvalidModuleError('malformed element section');
  return out;
}

/** The check as encoded bytes, for fuel global G, type T, table X. */
function checkBytes(g: number, t: number, x: number): Uint8Array {
  return Uint8Array.from([
    0x23, ...leb(g), 0x41, 0x01, 0x6b, 0x24, ...leb(g), // fuel = fuel - 1
    0x23, ...leb(g), 0x41, 0x00, 0x48, 0x04, 0x40, // if (fuel < 0)
    0x41, 0x00, 0x11, ...leb(t), ...leb(x), 0x0b, // call_indirect [] -> [] X[0]
  ]);
}

function section(id: number, body: Uint8Array | number[]): Uint8Array {
  const head = [id, ...leb(body.length)];
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Section ids in the order the binary format requires (tag 13 after memory, datacount 12 before code). */
const ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

/**
 * The fast rewrite (see the file comment). `onProgress(fraction)` is called
 * as the code section is walked and written. Throws InvalidModuleError,
 * AlreadyRewrittenError or UnsupportedModuleError.
 */
export function fastRewrite(bytes: Uint8Array, opts: { maxMemoryPages?: number; originalSha256?: string;
  onProgress?: (fraction: number) => void } = {}): FastResult {
  const t0 = now();
  // A plain view: Node's Buffer.subarray is much slower than Uint8Array's, and the writer makes one per loop.
  bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxPages = opts.maxMemoryPages ?? DEFAULT_MAX_MEMORY_PAGES;
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new InvalidModuleError('it does not start with \\0asm');
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new UnsupportedModuleError('it is not a core module of version 1 (a component?)');
  }
  // Pass 1: find the sections.
  const sections: Array<{ id: number; start: number; end: number; at: number }> = [];
  for (let at = 8; at < bytes.length;) {
    const r = new Reader(bytes, at + 1);
    const size = r.u32();
    const end = r.at + size;
    if (end > bytes.length) throw new InvalidModuleError('a section runs past the end of the module');
    const id = bytes[at]!;
    if (id === 0) {
      const name = new Reader(bytes, r.at).name();
      if (name === REWRITE_SECTION || name === FAST_SECTION) throw new AlreadyRewrittenError(-1);
    } else if (id > 13) {
      throw new UnsupportedModuleError(`it has a section with id ${id}`);
    }
    sections.push({ id, start: r.at, end, at });
    at = end;
  }
  const find = (id: number) => sections.find((s) => s.id === id);

  // Types: count them (rec groups would make the count not the next index: GC, refused).
  let numTypes = 0;
  const types = find(1);
  if (types) {
    const r = new Reader(bytes, types.start);
    numTypes = r.u32();
    for (let i = 0; i < numTypes; i++) {
      const form = r.byte();
      if (form !== 0x60) throw new UnsupportedModuleError(`type ${i} is not a function type (GC)`);
      for (let k = 0; k < 2; k++) {
        const n = r.u32();
        for (let j = 0; j < n; j++) valtype(r);
      }
    }
  }
  // Imports: how many functions, tables, globals; memories for the limit.
  let importedFuncs = 0;
  let importedTables = 0;
  let importedGlobals = 0;
  const imports = find(2);
  if (imports) {
    const r = new Reader(bytes, imports.start);
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      r.name();
      r.name();
      const kind = r.byte();
      if (kind === 0) { r.u32(); importedFuncs++; }
      else if (kind === 1) { r.byte(); const f = r.u32(); r.u32(); if (f & 1) r.u32(); importedTables++; }
      else if (kind === 2) { const f = r.byte(); if (f & 4) throw new UnsupportedModuleError('64-bit memories are not supported'); r.u32(); if (f & 1) r.u32(); }
      else if (kind === 3) { valtype(r); r.byte(); importedGlobals++; }
      else if (kind === 4) { r.byte(); r.u32(); }
      else throw new InvalidModuleError(`import ${i} has kind ${kind}`);
    }
  }
  let definedTables = 0;
  const tables = find(4);
  if (tables) definedTables = new Reader(bytes, tables.start).u32();
  let definedGlobals = 0;
  const globals = find(6);
  if (globals) definedGlobals = new Reader(bytes, globals.start).u32();
  const exportsSec = find(7);
  if (exportsSec) {
    const r = new Reader(bytes, exportsSec.start);
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const name = r.name();
      if (name === FUEL_EXPORT || name === FAST_PREEMPT_TABLE_EXPORT) {
        throw new UnsupportedModuleError(`it already exports "${name}", a name wVisor's rewrite adds`);
      }
      r.byte();
      r.u32();
    }
  }
  const typeIndex = numTypes;
  const tableIndex = importedTables + definedTables;
  const fuelGlobal = importedGlobals + definedGlobals;

  // Walk the code.
  const code = find(10);
  const bodies: Body[] = [];
  const graph = new Map<string, Walked>();
  let loopChecks = 0;
  if (code) {
    const r = new Reader(bytes, code.start);
    const n = r.u32();
    let lastReport = 0;
    for (let i = 0; i < n; i++) {
      const size = r.u32();
      const end = r.at + size;
      if (end > code.end) throw new InvalidModuleError('a function body runs past the code section');
      const body = walkBody(bytes, r.at, end, importedFuncs, importedFuncs + i);
      r.at = end;
      bodies.push(body);
      graph.set(String(importedFuncs + i), body.walked);
      loopChecks += body.loops.length;
      if (opts.onProgress && r.at - lastReport > 1 << 20) {
        lastReport = r.at;
        opts.onProgress(0.7 * (r.at - code.start) / (code.end - code.start));
      }
    }
    if (r.at !== code.end) throw new InvalidModuleError('malformed code section');
  }
  const elems = find(9);
  const tableFns = new Set<string>();
  if (elems) for (const f of elementFunctions(new Reader(bytes, elems.start), elems.end)) tableFns.add(String(f));
  const recursive = functionsOnCycles(graph, tableFns);

  // Pass 2: write.
  const check = checkBytes(fuelGlobal, typeIndex, tableIndex);
  const out: Uint8Array[] = [bytes.subarray(0, 8)];
  const emitted = new Set<number>();
  const emit = (id: number): void => {
    if (emitted.has(id)) return;
    emitted.add(id);
    const s = find(id);
    const body = (from: number, extra: number[], added = 1): Uint8Array => {
      // the new count, the old entries, the new ones
      const r = new Reader(bytes, from);
      const count = r.u32();
      const rest = bytes.subarray(r.at, s!.end);
      return concat([Uint8Array.from(leb(count + added)), rest, Uint8Array.from(extra)]);
    };
    switch (id) {
      case 1: // type [] -> []
        out.push(section(1, s ? body(s.start, [0x60, 0, 0]) : [1, 0x60, 0, 0]));
        return;
      case 4: // table funcref 1..1
        out.push(section(4, s ? body(s.start, [0x70, 1, 1, 1]) : [1, 0x70, 1, 1, 1]));
        return;
      case 5:
        if (s) out.push(section(5, limitedMemories(bytes, s.start, s.end, maxPages)));
        return;
      case 6: // global mut i32 = 0
        out.push(section(6, s ? body(s.start, [0x7f, 1, 0x41, 0, 0x0b]) : [1, 0x7f, 1, 0x41, 0, 0x0b]));
        return;
      case 7: {
        const extra = [...nameBytes(FUEL_EXPORT), 3, ...leb(fuelGlobal), ...nameBytes(FAST_PREEMPT_TABLE_EXPORT), 1, ...leb(tableIndex)];
        out.push(section(7, s ? body(s.start, extra, 2) : [2, ...extra]));
        return;
      }
      case 10: {
        if (!s) return;
        const parts: Uint8Array[] = [];
        let total = 0;
        const push = (p: Uint8Array): void => { parts.push(p); total += p.length; };
        push(Uint8Array.from(leb(bodies.length)));
        for (let i = 0; i < bodies.length; i++) {
          const b = bodies[i]!;
          const entry = recursive.has(String(importedFuncs + i));
          const localsStart = b.localsStart;
          const size = b.end - localsStart + check.length * (b.loops.length + (entry ? 1 : 0));
          push(Uint8Array.from(leb(size)));
          push(bytes.subarray(localsStart, b.codeStart));
          if (entry) push(check);
          let from = b.codeStart;
          for (const at of b.loops) {
            push(bytes.subarray(from, at));
            push(check);
            from = at;
          }
          push(bytes.subarray(from, b.end));
        }
        out.push(Uint8Array.from([10, ...leb(total)]));
        for (const p of parts) out.push(p);
        return;
      }
      default:
        if (s) out.push(bytes.subarray(s.at, s.end));
    }
  };
  for (const s of sections) {
    if (s.id === 0) {
      out.push(bytes.subarray(s.at, s.end));
      continue;
    }
    // Sections the module lacks but the rewrite adds go in their place in ORDER.
    for (const id of ORDER.slice(0, ORDER.indexOf(s.id))) if ([1, 4, 6, 7].includes(id)) emit(id);
    emit(s.id);
  }
  for (const id of [1, 4, 6, 7]) emit(id);
  const info: FastInfo = { version: FAST_VERSION, maxMemoryPages: maxPages };
  if (opts.originalSha256) info.originalSha256 = opts.originalSha256;
  out.push(section(0, [...nameBytes(FAST_SECTION), ...utf8.encode(JSON.stringify(info))]));
  const result = concat(out);
  opts.onProgress?.(1);
  let entryChecks = 0;
  for (let i = 0; i < bodies.length; i++) if (recursive.has(String(importedFuncs + i))) entryChecks++;
  return { bytes: result, functions: bodies.length, loopChecks, entryChecks, ms: now() - t0 };
}

/** The memory section's body with every memory's maximum at most maxPages (memory-limit.ts's rule). */
function limitedMemories(bytes: Uint8Array, start: number, end: number, maxPages: number): number[] {
  const r = new Reader(bytes, start);
  const count = r.u32();
  const body = leb(count);
  for (let m = 0; m < count; m++) {
    const flags = r.byte();
    if (flags & 0x04) throw new UnsupportedModuleError('64-bit memories are not supported');
    const min = r.u32();
    let max = maxPages;
    if (flags & 0x01) max = Math.min(r.u32(), maxPages);
    if (min > max) throw new InvalidModuleError(`the module's memory starts at ${min} pages, above the limit of ${max} pages`);
    body.push(flags | 0x01, ...leb(min), ...leb(max));
  }
  if (r.at !== end) throw new InvalidModuleError('malformed memory section');
  return body;
}

function now(): number {
  return (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();
}

/** The record of a module the fast rewrite made, or null. */
export function readFastInfo(module: WebAssembly.Module): FastInfo | null {
  const s = WebAssembly.Module.customSections(module, FAST_SECTION);
  if (s.length === 0) return null;
  return JSON.parse(new TextDecoder().decode(s[0])) as FastInfo;
}
