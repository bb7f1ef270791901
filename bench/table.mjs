// Statistics and the markdown table of bench/run.mjs.

/** The median of a non-empty list of numbers. */
export function median(xs) {
  if (xs.length === 0) throw new Error('median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A number with three significant digits at most (integers above 100). */
export function fmt(v) {
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/** "a/b×" with two decimals, or "" when either is missing. */
export function ratio(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return '';
  return `${(a / b).toFixed(2)}×`;
}

const cell = (s) => String(s ?? '').replace(/\|/g, '\\|');

/** One markdown table: rows of {section, what, runtime, value, unit, ratio?, target?}. */
export function renderTable(rows) {
  const head = ['#', 'measurement', 'runtime', 'median', 'unit', 'ratio', 'target'];
  const out = [`| ${head.join(' | ')} |`, `|${head.map((h) => (h === 'median' ? '---:' : '---')).join('|')}|`];
  for (const r of rows) {
    out.push(`| ${[r.section, r.what, r.runtime, fmt(r.value), r.unit, r.ratio ?? '', r.target ?? ''].map(cell).join(' | ')} |`);
  }
  return out.join('\n');
}
