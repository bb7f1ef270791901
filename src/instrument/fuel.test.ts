import { describe, expect, it } from 'vitest';
import { functionsOnCycles, type Walked } from './fuel.js';

// functionsOnCycles (Tarjan, iterative) checked against a brute-force
// reference: v is on a cycle iff v reaches itself by at least one edge.

type Graph = Record<string, { calls: string[]; indirect?: boolean }>;

function toWalked(g: Graph): Map<string, Walked> {
  return new Map(Object.entries(g).map(([k, v]) => [k, { loops: [], callees: new Set(v.calls), callsIndirect: !!v.indirect, exceptions: false, tailCalls: false }]));
}

function reference(g: Graph, table: string[]): Set<string> {
  const succ = (v: string) => [...g[v]!.calls.filter((c) => c in g), ...(g[v]!.indirect ? table.filter((t) => t in g) : [])];
  const out = new Set<string>();
  for (const v of Object.keys(g)) {
    const seen = new Set<string>();
    const todo = succ(v);
    while (todo.length) {
      const w = todo.pop()!;
      if (w === v) { out.add(v); break; }
      if (seen.has(w)) continue;
      seen.add(w);
      todo.push(...succ(w));
    }
  }
  return out;
}

const cases: { desc: string; graph: Graph; table?: string[]; want: string[] }[] = [
  { desc: 'a chain has no cycle', graph: { a: { calls: ['b'] }, b: { calls: ['c'] }, c: { calls: [] } }, want: [] },
  { desc: 'self recursion', graph: { a: { calls: ['a', 'b'] }, b: { calls: [] } }, want: ['a'] },
  { desc: 'mutual recursion and a tail', graph: { a: { calls: ['b'] }, b: { calls: ['a', 'c'] }, c: { calls: [] } }, want: ['a', 'b'] },
  { desc: 'calls to imports (absent from the graph) are ignored', graph: { a: { calls: ['fd_write'] } }, want: [] },
  { desc: 'an indirect call reaches every table function', graph: { a: { calls: [], indirect: true }, b: { calls: ['a'] }, c: { calls: [] } }, table: ['b', 'c'], want: ['a', 'b'] },
  { desc: 'an indirect call to a table holding itself', graph: { a: { calls: [], indirect: true } }, table: ['a'], want: ['a'] },
  { desc: 'two cycles joined by a one-way edge', graph: { a: { calls: ['b'] }, b: { calls: ['a', 'c'] }, c: { calls: ['d'] }, d: { calls: ['c'] }, e: { calls: ['a'] } }, want: ['a', 'b', 'c', 'd'] },
];

describe('functionsOnCycles', () => {
  it.each(cases)('$desc', ({ graph, table = [], want }) => {
    const got = functionsOnCycles(toWalked(graph), new Set(table));
    expect([...got].sort()).toEqual(want);
    expect([...reference(graph, table)].sort()).toEqual(want);
  });

  it('agrees with the brute-force reference on 300 random graphs', () => {
    let seed = 12345;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
    for (let t = 0; t < 300; t++) {
      const n = 1 + rnd(12);
      const names = Array.from({ length: n }, (_, i) => `f${i}`);
      const graph: Graph = {};
      for (const v of names) {
        const calls = Array.from({ length: rnd(3) }, () => names[rnd(n)]!);
        graph[v] = { calls, indirect: rnd(8) === 0 };
      }
      const table = names.filter(() => rnd(4) === 0);
      expect([...functionsOnCycles(toWalked(graph), new Set(table))].sort()).toEqual([...reference(graph, table)].sort());
    }
  });
});
