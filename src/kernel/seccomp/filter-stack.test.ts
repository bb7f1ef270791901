import { describe, expect, test } from 'vitest';
import { BPF_K, BPF_RET, stmt } from './bpf.js';
import { FilterStack, FilterStackLoadError, MAX_INSNS_PER_PATH } from './filter-stack.js';
import { makeSeccompData } from './seccomp-data.js';
import { verify } from './verifier.js';

const ret = (k: number) => verify([stmt(BPF_RET | BPF_K, k)]);
const data = makeSeccompData({ nr: 1, arch: 0x40005741 });

// Filters listed oldest first. Expected values follow kernel/seccomp.c:
// seccomp_run_filters keeps the lowest ACTION_ONLY (signed), newest first, strict <;
// __seccomp_filter caps ERRNO data at MAX_ERRNO and treats unknown actions as KILL_PROCESS.
const cases: Array<{ what: string; filters: number[]; action: string; data: number; filterIndex: number }> = [
  { what: 'no filters allows', filters: [], action: 'allow', data: 0, filterIndex: -1 },
  { what: 'all allow: no match recorded', filters: [0x7fff0000, 0x7fff0000], action: 'allow', data: 0, filterIndex: -1 },
  { what: 'KILL_PROCESS beats KILL_THREAD (signed compare)', filters: [0x00000000, 0x80000000], action: 'kill_process', data: 0, filterIndex: 1 },
  { what: 'KILL_THREAD beats TRAP', filters: [0x00030005, 0x00000000], action: 'kill_thread', data: 0, filterIndex: 1 },
  { what: 'TRAP beats ERRNO', filters: [0x00050001, 0x00030007], action: 'trap', data: 7, filterIndex: 1 },
  { what: 'ERRNO beats USER_NOTIF', filters: [0x7fc00000, 0x00050009], action: 'errno', data: 9, filterIndex: 1 },
  { what: 'USER_NOTIF beats TRACE', filters: [0x7ff00003, 0x7fc00000], action: 'user_notif', data: 0, filterIndex: 1 },
  { what: 'TRACE beats LOG', filters: [0x7ffc0000, 0x7ff00003], action: 'trace', data: 3, filterIndex: 1 },
  { what: 'LOG beats ALLOW', filters: [0x7fff0000, 0x7ffc0000], action: 'log', data: 0, filterIndex: 1 },
  { what: 'order does not matter for precedence', filters: [0x00030001, 0x7fff0000, 0x00050002], action: 'trap', data: 1, filterIndex: 0 },
  { what: 'equal actions: the newest filter\'s data', filters: [0x00050001, 0x00050002], action: 'errno', data: 2, filterIndex: 1 },
  { what: 'ERRNO data capped at 4095', filters: [0x0005ffff], action: 'errno', data: 4095, filterIndex: 0 },
  { what: 'unknown action 0x00010000 (below TRAP) → KILL_PROCESS, and it wins over TRAP', filters: [0x00030000, 0x00010000], action: 'kill_process', data: 0, filterIndex: 1 },
  { what: 'unknown action 0x7ff80000 (between TRACE and LOG) loses to TRACE', filters: [0x7ff80000, 0x7ff00001], action: 'trace', data: 1, filterIndex: 1 },
  { what: 'unknown action 0x7ff80000 alone → KILL_PROCESS', filters: [0x7ff80000], action: 'kill_process', data: 0, filterIndex: 0 },
  { what: 'unknown action 0x90000000 is signed-above KILL_PROCESS (0x80000000), which wins', filters: [0x80000000, 0x90000000], action: 'kill_process', data: 0, filterIndex: 0 },
  { what: 'unknown action 0x90000000 wins over KILL_THREAD (signed below 0)', filters: [0x00000000, 0x90000000], action: 'kill_process', data: 0, filterIndex: 1 },
];

describe('stacking and precedence (seccomp_run_filters, __seccomp_filter)', () => {
  test.each(cases)('$what', ({ filters, action, data: d, filterIndex }) => {
    for (const jitOn of [true, false]) {
      const s = new FilterStack({ jit: jitOn });
      for (const f of filters) expect(s.install(ret(f))).toBe(0);
      expect(s.evaluate(data)).toMatchObject({ action, data: d, filterIndex });
    }
  });
});

describe('limits, inheritance, save/load', () => {
  test('MAX_INSNS_PER_PATH: new len + Σ(len + 4) of installed filters', () => {
    const big = verify([...Array(4095).fill(stmt(0x00, 0)), stmt(BPF_RET | BPF_K, 0x7fff0000)]);
    const s = new FilterStack({ jit: false });
    // 7 × (4096 + 4) = 28700; an 8th 4096 makes 32796 > 32768.
    for (let i = 0; i < 7; i++) expect(s.install(big)).toBe(0);
    expect(s.install(big)).toBe(48); // ENOMEM (WASI)
    const rest = MAX_INSNS_PER_PATH - 7 * 4100; // 4068 fits exactly
    const fits = verify([...Array(rest - 1).fill(stmt(0x00, 0)), stmt(BPF_RET | BPF_K, 0x7fff0000)]);
    const tooBig = verify([...Array(rest).fill(stmt(0x00, 0)), stmt(BPF_RET | BPF_K, 0x7fff0000)]);
    expect(s.clone().install(tooBig)).toBe(48);
    expect(s.install(fits)).toBe(0);
    expect(s.size).toBe(8);
  });

  test('clone is independent of later installs', () => {
    const parent = new FilterStack();
    parent.install(ret(0x00050001));
    const child = parent.clone();
    child.install(ret(0x00000000));
    expect(parent.evaluate(data).action).toBe('errno');
    expect(child.evaluate(data).action).toBe('kill_thread');
  });

  test('save/load round trip with named fields', () => {
    const s = new FilterStack();
    s.install(verify([stmt(BPF_RET | BPF_K, 0x00050005)], ['rule note']), true);
    const state = JSON.parse(JSON.stringify(s.save()));
    expect(Object.keys(state.filters[0]).sort()).toEqual(['log', 'notes', 'program']);
    const t = FilterStack.load(state);
    expect(t.evaluate(data)).toMatchObject({ action: 'errno', data: 5 });
    expect(t.list[0]!.log).toBe(true);
    expect(t.list[0]!.prog.notes[0]).toBe('rule note');
    expect(() => FilterStack.load({ ...state, version: 2 })).toThrow(FilterStackLoadError);
    expect(() => FilterStack.load({ version: 1, filters: [{ program: 'AAAA', log: false }] })).toThrow(/filters\[0\]/);
  });
});
