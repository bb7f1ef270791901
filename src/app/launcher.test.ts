/**
 * The temporary launcher's word splitting, checked against /bin/sh for the
 * subset it supports (blanks separate, '…' and "…" group, no escapes, no
 * expansion): sh prints each word it got on its own line.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { splitWords } from './launcher.js';

/** Words as sh splits `line` (lines without $, `, \, or glob characters, so nothing expands). */
function shWords(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `for w in ${line}; do printf '%s\\036' "$w"; done`], { encoding: 'utf8' });
  return out === '' ? [] : out.slice(0, -1).split('\x1e');
}

const lines = [
  'echo hi',
  '  echo   hi  ',
  'wc -c',
  "echo 'two  words' x",
  'echo "double  quoted" \'single\'',
  "echo a'b c'd",
  'echo "" x',
  "echo ''",
  'echo "it\'s"',
  "echo '\"q\"'",
  'echo\tTAB\tsep',
  'echo grüße 日本語',
  '',
  '   ',
];

describe('splitWords (reference: /bin/sh)', () => {
  it.each(lines.map((l) => [JSON.stringify(l), l]))('%s', (_name, line) => {
    expect(splitWords(line)).toEqual(shWords(line));
  });

  it('reports an unclosed quote (sh refuses the line too)', () => {
    expect(splitWords("echo 'open")).toEqual({ error: "unclosed ' quote" });
    expect(splitWords('echo "open')).toEqual({ error: 'unclosed " quote' });
    expect(() => execFileSync('/bin/sh', ['-c', "echo 'open"], { stdio: 'pipe' })).toThrow();
  });
});
