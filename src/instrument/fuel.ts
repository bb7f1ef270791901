/**
 * Fuel checks: the rewrite that lets the kernel stop or signal a task that
 * never makes a syscall (docs/ARCHITECTURE.md, "The module pipeline").
 *
 * At every loop header, and at the entry of every function that can recurse,
 * the rewriter inserts
 *
 *     wvisor_fuel = wvisor_fuel - 1
 *     if (wvisor_fuel < 0) call wvisor_rt.preempt
 *
 * The worker sets wvisor_fuel to its quantum and resets it inside preempt.
 *
 * Where the checks go, and why that is enough: guest code runs unboundedly
 * only by looping or by recursing. Every loop iteration passes its header.
 * Every recursion is a cycle in the call graph. A call made from inside a loop
 * body runs at most once per iteration of that loop, so it is always preceded
 * by a check in its own frame: such a call edge is "covered". A cycle with a
 * covered edge passes a check on every trip round it. So a function gets an
 * entry check only if it lies on a cycle of uncovered edges (a strongly
 * connected component of the graph of calls made outside any loop), where an
 * indirect call is an edge to every function in a table. Most functions
 * (leaves, helpers, the hottest small functions, and recursion that clang
 * turned into a loop around one call, like fib's) pay nothing at entry. The
 * check itself is a decrement of a global and a compare that is almost never
 * true.
 *
 * binaryen.js has no fuel pass, so this walks each function's expression tree
 * through the expression wrapper classes.
 */
import type binaryenNs from 'binaryen';
import { UnsupportedModuleError } from './errors.js';

type Mod = binaryenNs.Module;
type Ref = number;
type Get = (e: Ref) => Ref;
type GetAll = (e: Ref) => Ref[];

/**
 * binaryen.js's expression wrapper classes and `binaryen.Function`, as they
 * exist at run time; index.d.ts (132) declares neither as statics.
 */
export type Binaryen = typeof binaryenNs & {
  Function: { getName(f: Ref): string; getBody(f: Ref): Ref; setBody(f: Ref, body: Ref): void };
  Block: { getChildren: GetAll };
  If: { getCondition: Get; getIfTrue: Get; getIfFalse: Get };
  Loop: { getBody: Get; setBody(loop: Ref, body: Ref): void };
  Break: { getCondition: Get; getValue: Get };
  Switch: { getCondition: Get; getValue: Get };
  Call: { getTarget(e: Ref): string; getOperands: GetAll; isReturn(e: Ref): boolean };
  CallIndirect: { getTarget: Get; getOperands: GetAll; isReturn(e: Ref): boolean };
  Try: { getBody: Get; getCatchBodies: GetAll };
  Throw: { getOperands: GetAll };
  LocalSet: { getValue: Get };
  GlobalSet: { getValue: Get };
  Load: { getPtr: Get };
  Store: { getPtr: Get; getValue: Get };
  Unary: { getValue: Get };
  Binary: { getLeft: Get; getRight: Get };
  Select: { getIfTrue: Get; getIfFalse: Get; getCondition: Get };
  Drop: { getValue: Get };
  Return: { getValue: Get };
  MemoryGrow: { getDelta: Get };
  AtomicRMW: { getPtr: Get; getValue: Get };
  AtomicCmpxchg: { getPtr: Get; getExpected: Get; getReplacement: Get };
  AtomicWait: { getPtr: Get; getExpected: Get; getTimeout: Get };
  AtomicNotify: { getPtr: Get; getNotifyCount: Get };
  SIMDExtract: { getVec: Get };
  SIMDReplace: { getVec: Get; getValue: Get };
  SIMDShuffle: { getLeft: Get; getRight: Get };
  SIMDTernary: { getA: Get; getB: Get; getC: Get };
  SIMDShift: { getVec: Get; getShift: Get };
  SIMDLoad: { getPtr: Get };
  SIMDLoadStoreLane: { getPtr: Get; getVec: Get };
  MemoryInit: { getDest: Get; getOffset: Get; getSize: Get };
  MemoryCopy: { getDest: Get; getSource: Get; getSize: Get };
  MemoryFill: { getDest: Get; getValue: Get; getSize: Get };
  RefIsNull: { getValue: Get };
  RefEq: { getLeft: Get; getRight: Get };
  TableGet: { getIndex: Get };
  TableSet: { getIndex: Get; getValue: Get };
  TableGrow: { getValue: Get; getDelta: Get };
  TupleMake: { getOperands: GetAll };
  TupleExtract: { getTuple: Get };
};

/** Counts reported back to the caller (and the tests). */
export interface FuelStats {
  /** Defined functions looked at. */
  functions: number;
  /** Function-entry checks inserted. */
  entryChecks: number;
  /** Loop-header checks inserted. */
  loopChecks: number;
  /** First function found using exception handling (try, throw, rethrow), or null. */
  exceptionsIn: string | null;
  /** First function found making a tail call (return_call, return_call_indirect), or null. */
  tailCallsIn: string | null;
}

/** What the walk of one function found. */
export interface Walked {
  loops: Ref[];
  /** Defined functions it calls directly from outside any loop (uncovered edges). */
  callees: Set<string>;
  /** It makes an indirect call (call_indirect or call_ref) from outside any loop. */
  callsIndirect: boolean;
  /** It contains try, throw or rethrow. */
  exceptions: boolean;
  /** It makes a tail call. */
  tailCalls: boolean;
}

/**
 * Inserts the checks in every defined function of `mod` that is not in `skip`.
 * `fuelGlobal` is the internal name of the mutable i32 counter, `preemptFunc`
 * the internal name of the imported hook. Throws UnsupportedModuleError for
 * expression kinds it does not know (GC, exnref), rather than miss a loop.
 * Also reports where the module uses exceptions and tail calls (which
 * binaryen's Asyncify cannot instrument).
 */
export function insertFuelChecks(b: Binaryen, mod: Mod, fuelGlobal: string, preemptFunc: string,
  skip: ReadonlySet<string> = new Set()): FuelStats {
  const children = childAccessors(b);
  const imported = new Set<string>();
  const defined: Ref[] = [];
  for (let i = 0, n = mod.getNumFunctions(); i < n; i++) {
    const f = mod.getFunctionByIndex(i);
    const info = b.getFunctionInfo(f);
    if (info.module) imported.add(info.name);
    else if (!skip.has(info.name)) defined.push(f);
  }
  const check = (): Ref => mod.block(null, [
    mod.global.set(fuelGlobal, mod.i32.sub(mod.global.get(fuelGlobal, b.i32), mod.i32.const(1))),
    mod.if(mod.i32.lt_s(mod.global.get(fuelGlobal, b.i32), mod.i32.const(0)), mod.call(preemptFunc, [], b.none)),
  ], b.none);
  const stats: FuelStats = { functions: defined.length, entryChecks: 0, loopChecks: 0, exceptionsIn: null, tailCallsIn: null };
  const walked = new Map<string, Walked>();
  for (const f of defined) {
    const name = b.Function.getName(f);
    const w = walk(b, b.Function.getBody(f), children, imported, name);
    walked.set(name, w);
    if (w.exceptions) stats.exceptionsIn ??= name;
    if (w.tailCalls) stats.tailCallsIn ??= name;
  }
  const recursive = functionsOnCycles(walked, tableFunctions(b, mod, imported));
  for (const f of defined) {
    const name = b.Function.getName(f);
    for (const loop of walked.get(name)!.loops) {
      b.Loop.setBody(loop, mod.block(null, [check(), b.Loop.getBody(loop)], b.auto));
      stats.loopChecks++;
    }
    if (recursive.has(name)) {
      b.Function.setBody(f, mod.block(null, [check(), b.Function.getBody(f)], b.auto));
      stats.entryChecks++;
    }
  }
  return stats;
}

/** Defined functions an indirect call may reach: those placed in a table by an element segment. */
function tableFunctions(b: Binaryen, mod: Mod, imported: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (let i = 0, n = mod.getNumElementSegments(); i < n; i++) {
    for (const name of b.getElementSegmentInfo(mod.getElementSegmentByIndex(i)).data) {
      if (!imported.has(name)) out.add(name);
    }
  }
  return out;
}

/**
 * Functions on a cycle of the graph of uncovered calls (Tarjan's strongly
 * connected components, iterative). An indirect call is an edge to every
 * table function.
 */
export function functionsOnCycles(graph: ReadonlyMap<string, Walked>, tableFns: ReadonlySet<string>): Set<string> {
  // Indirect calls go through one extra node, "the table", with an edge to each table function: the same
  // cycles, and O(functions + calls) edges instead of one per indirect caller and table function.
  let table = '\u0000table';
  while (graph.has(table)) table = `\u0000${table}`;
  const tableSucc = [...tableFns].filter((t) => graph.has(t));
  const succ = (name: string): string[] => {
    if (name === table) return tableSucc;
    const w = graph.get(name)!;
    const out = [...w.callees].filter((c) => graph.has(c));
    if (w.callsIndirect) out.push(table);
    return out;
  };
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result = new Set<string>();
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { v: string; succs: string[]; i: number }[] = [];
    const visit = (v: string): void => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      work.push({ v, succs: succ(v), i: 0 });
    };
    visit(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      if (top.i < top.succs.length) {
        const w = top.succs[top.i++]!;
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.v);
        if (scc.length > 1 || top.succs.includes(top.v)) for (const x of scc) if (x !== table) result.add(x);
      }
    }
  }
  return result;
}

/** Depth-first walk with an explicit stack (clang's switch lowering nests blocks thousands deep). */
function walk(b: Binaryen, body: Ref, children: Map<number, (e: Ref) => Ref[]>,
  imported: ReadonlySet<string>, fnName: string): Walked {
  const out: Walked = { loops: [], callees: new Set(), callsIndirect: false, exceptions: false, tailCalls: false };
  const ids = extraIds(b);
  // Expressions to visit, each with whether it lies inside a loop body.
  const stack: Ref[] = [body];
  const inLoop: boolean[] = [false];
  while (stack.length > 0) {
    const e = stack.pop()!;
    let looped = inLoop.pop()!;
    const id = b.getExpressionId(e);
    if (id === b.LoopId) {
      out.loops.push(e);
      looped = true;
    } else if (id === b.CallId && !looped) {
      const target = b.Call.getTarget(e);
      if (!imported.has(target)) out.callees.add(target);
    } else if ((id === b.CallIndirectId || id === b.CallRefId) && !looped) out.callsIndirect = true;
    if ((id === b.CallId && b.Call.isReturn(e)) || (id === b.CallIndirectId && b.CallIndirect.isReturn(e))) out.tailCalls = true;
    else if (id === b.TryId || id === b.ThrowId || id === b.RethrowId) out.exceptions = true;
    const get = children.get(id);
    if (!get) {
      if (id === ids.tryTable || id === ids.throwRef) {
        throw new UnsupportedModuleError(`function ${fnName} uses exception handling with exnref (try_table, throw_ref), `
          + 'which Node 20 does not run', 'build it with exceptions in their try/catch form (LLVM\'s default) or without exceptions');
      }
      if (id === ids.tableFill || id === ids.tableCopy || id === ids.tableInit) {
        throw new UnsupportedModuleError(`function ${fnName} uses table.fill, table.copy or table.init, whose operands `
          + 'binaryen.js does not let the fuel rewrite look inside', 'build it without them');
      }
      throw new UnsupportedModuleError(`function ${fnName} contains an expression of kind ${expressionKindName(b, id)}, `
        + 'which the fuel rewrite does not know');
    }
    for (const c of get(e)) {
      if (c) {
        stack.push(c);
        inLoop.push(looped);
      }
    }
  }
  return out;
}

/**
 * Ids of expression kinds binaryen.js has no `<Kind>Id` constant for (nor
 * accessors), read from the C API; -1 where even that is missing.
 */
function extraIds(b: Binaryen): { tryTable: number; throwRef: number; tableFill: number; tableCopy: number;
  tableInit: number; elemDrop: number } {
  const c = b as unknown as Record<string, unknown>;
  const id = (fn: string): number => (typeof c[fn] === 'function' ? (c[fn] as () => number)() : -1);
  return {
    tryTable: id('_BinaryenTryTableId'), throwRef: id('_BinaryenThrowRefId'), tableFill: id('_BinaryenTableFillId'),
    tableCopy: id('_BinaryenTableCopyId'), tableInit: id('_BinaryenTableInitId'), elemDrop: id('_BinaryenElemDropId'),
  };
}

/** Children of each expression kind a wasm32-wasi C/C++/Rust module can contain. */
function childAccessors(b: Binaryen): Map<number, (e: Ref) => Ref[]> {
  const m = new Map<number, (e: Ref) => Ref[]>();
  const none = (): Ref[] => [];
  for (const id of [b.NopId, b.LocalGetId, b.GlobalGetId, b.ConstId, b.MemorySizeId, b.UnreachableId, b.PopId,
    b.RefNullId, b.RefFuncId, b.DataDropId, b.AtomicFenceId, b.TableSizeId, b.RethrowId]) m.set(id, none);
  const elemDrop = extraIds(b).elemDrop;
  if (elemDrop >= 0) m.set(elemDrop, none);
  m.set(b.TryId, (e) => [b.Try.getBody(e), ...b.Try.getCatchBodies(e)]);
  m.set(b.ThrowId, (e) => b.Throw.getOperands(e));
  m.set(b.BlockId, (e) => b.Block.getChildren(e));
  m.set(b.IfId, (e) => [b.If.getCondition(e), b.If.getIfTrue(e), b.If.getIfFalse(e)]);
  m.set(b.LoopId, (e) => [b.Loop.getBody(e)]);
  m.set(b.BreakId, (e) => [b.Break.getCondition(e), b.Break.getValue(e)]);
  m.set(b.SwitchId, (e) => [b.Switch.getCondition(e), b.Switch.getValue(e)]);
  m.set(b.CallId, (e) => b.Call.getOperands(e));
  m.set(b.CallIndirectId, (e) => [b.CallIndirect.getTarget(e), ...b.CallIndirect.getOperands(e)]);
  m.set(b.LocalSetId, (e) => [b.LocalSet.getValue(e)]);
  m.set(b.GlobalSetId, (e) => [b.GlobalSet.getValue(e)]);
  m.set(b.LoadId, (e) => [b.Load.getPtr(e)]);
  m.set(b.StoreId, (e) => [b.Store.getPtr(e), b.Store.getValue(e)]);
  m.set(b.UnaryId, (e) => [b.Unary.getValue(e)]);
  m.set(b.BinaryId, (e) => [b.Binary.getLeft(e), b.Binary.getRight(e)]);
  m.set(b.SelectId, (e) => [b.Select.getIfTrue(e), b.Select.getIfFalse(e), b.Select.getCondition(e)]);
  m.set(b.DropId, (e) => [b.Drop.getValue(e)]);
  m.set(b.ReturnId, (e) => [b.Return.getValue(e)]);
  m.set(b.MemoryGrowId, (e) => [b.MemoryGrow.getDelta(e)]);
  m.set(b.AtomicRMWId, (e) => [b.AtomicRMW.getPtr(e), b.AtomicRMW.getValue(e)]);
  m.set(b.AtomicCmpxchgId, (e) => [b.AtomicCmpxchg.getPtr(e), b.AtomicCmpxchg.getExpected(e), b.AtomicCmpxchg.getReplacement(e)]);
  m.set(b.AtomicWaitId, (e) => [b.AtomicWait.getPtr(e), b.AtomicWait.getExpected(e), b.AtomicWait.getTimeout(e)]);
  m.set(b.AtomicNotifyId, (e) => [b.AtomicNotify.getPtr(e), b.AtomicNotify.getNotifyCount(e)]);
  m.set(b.SIMDExtractId, (e) => [b.SIMDExtract.getVec(e)]);
  m.set(b.SIMDReplaceId, (e) => [b.SIMDReplace.getVec(e), b.SIMDReplace.getValue(e)]);
  m.set(b.SIMDShuffleId, (e) => [b.SIMDShuffle.getLeft(e), b.SIMDShuffle.getRight(e)]);
  m.set(b.SIMDTernaryId, (e) => [b.SIMDTernary.getA(e), b.SIMDTernary.getB(e), b.SIMDTernary.getC(e)]);
  m.set(b.SIMDShiftId, (e) => [b.SIMDShift.getVec(e), b.SIMDShift.getShift(e)]);
  m.set(b.SIMDLoadId, (e) => [b.SIMDLoad.getPtr(e)]);
  m.set(b.SIMDLoadStoreLaneId, (e) => [b.SIMDLoadStoreLane.getPtr(e), b.SIMDLoadStoreLane.getVec(e)]);
  m.set(b.MemoryInitId, (e) => [b.MemoryInit.getDest(e), b.MemoryInit.getOffset(e), b.MemoryInit.getSize(e)]);
  m.set(b.MemoryCopyId, (e) => [b.MemoryCopy.getDest(e), b.MemoryCopy.getSource(e), b.MemoryCopy.getSize(e)]);
  m.set(b.MemoryFillId, (e) => [b.MemoryFill.getDest(e), b.MemoryFill.getValue(e), b.MemoryFill.getSize(e)]);
  m.set(b.RefIsNullId, (e) => [b.RefIsNull.getValue(e)]);
  m.set(b.RefEqId, (e) => [b.RefEq.getLeft(e), b.RefEq.getRight(e)]);
  m.set(b.TableGetId, (e) => [b.TableGet.getIndex(e)]);
  m.set(b.TableSetId, (e) => [b.TableSet.getIndex(e), b.TableSet.getValue(e)]);
  m.set(b.TableGrowId, (e) => [b.TableGrow.getValue(e), b.TableGrow.getDelta(e)]);
  m.set(b.TupleMakeId, (e) => b.TupleMake.getOperands(e));
  m.set(b.TupleExtractId, (e) => [b.TupleExtract.getTuple(e)]);
  return m;
}

function expressionKindName(b: Binaryen, id: number): string {
  for (const [k, v] of Object.entries(b)) if (k.endsWith('Id') && v === id) return k.slice(0, -2);
  return `#${id}`;
}
