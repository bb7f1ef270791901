/**
 * The lessons' pictures: small SVG drawn by hand from the kernel's process
 * and pipe lists, each with a text equivalent (a list read by screen readers
 * in place of the drawing, which is aria-hidden).
 */
import type { PipeInfo, ProcessInfo } from '../../platform/browser/protocol.js';
import { orphanedGroups, type PictureKind } from './lessons.js';
import { exec, makeSeccompData, AUDIT_ARCH_WVISOR, compileProfile, syscalls, describeRet, actionOnly,
  SECCOMP_RET_ALLOW, type VerifiedProgram } from '../../kernel/seccomp/index.js';
import { PROFILES } from '../session.js';

const NS = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface PictureInput {
  ps: ProcessInfo[];
  pipes: PipeInfo[];
  shell: number;
}

/** Draws `kind` into `box` (an SVG holder) and its text equivalent into `text`. */
export function drawPicture(kind: PictureKind, input: PictureInput, box: HTMLElement, text: HTMLElement): void {
  const lines: string[] = [];
  const svg = kind === 'seccomp' ? seccompPicture(input, lines) : groupsPicture(kind, input, lines);
  svg.setAttribute('aria-hidden', 'true');
  box.replaceChildren(svg);
  text.replaceChildren(...lines.map((l) => { const li = document.createElement('li'); li.textContent = l; return li; }));
}

const STATE_COLOUR: Record<string, string> = { running: '#4caf50', blocked: '#42a5f5', stopped: '#e0c060', zombie: '#888', dead: '#555' };

/** Sessions → process groups → processes, parent links, and pipes with fill bars. */
function groupsPicture(kind: PictureKind, { ps, pipes, shell }: PictureInput, out: string[]): SVGSVGElement {
  const live = ps.filter((p) => p.state !== 'dead');
  const session = live.find((p) => p.pid === shell)?.sid ?? shell;
  const mine = live.filter((p) => p.sid === session || kind === 'processes');
  const orphaned = orphanedGroups(live);
  const groups = [...new Set(mine.map((p) => p.pgid))].sort((a, b) => a - b);
  const W = 340, BOX_W = 96, BOX_H = 34, GAP = 8, ROW = BOX_H + 30;
  const pos = new Map<number, { x: number; y: number }>();
  const parts: SVGElement[] = [];
  let y = kind === 'jobs' ? 22 : 6;
  if (kind === 'jobs') {
    out.push(`Session ${session} (leader: pid ${session}, on the terminal).`);
  }
  for (const g of groups) {
    const members = mine.filter((p) => p.pgid === g);
    const h = BOX_H + 22;
    const w = Math.min(W - 12, 12 + members.length * (BOX_W + GAP));
    const orphan = orphaned.has(g);
    parts.push(el('rect', { x: 6, y, width: w, height: h, rx: 6, fill: 'none', stroke: orphan ? '#ff8a65' : '#777', 'stroke-dasharray': '4 3' }));
    parts.push(el('text', { x: 12, y: y + 13, fill: orphan ? '#ff8a65' : '#aaa', 'font-size': 11 }, `group ${g}${orphan ? ' (orphaned)' : ''}`));
    out.push(`Process group ${g}${orphan ? ', orphaned' : ''}: ${members.map((m) => `pid ${m.pid} ${m.command} (${m.state}, parent ${m.ppid})`).join('; ')}.`);
    members.forEach((m, i) => {
      const x = 12 + i * (BOX_W + GAP);
      pos.set(m.pid, { x, y: y + 18 });
      parts.push(el('rect', { x, y: y + 18, width: BOX_W, height: BOX_H, rx: 4, fill: '#2d2d2d', stroke: STATE_COLOUR[m.state] ?? '#999', 'stroke-width': 2 }));
      parts.push(el('text', { x: x + 5, y: y + 31, fill: '#ddd', 'font-size': 11 }, `${m.pid} ${m.command}`.slice(0, 15)));
      parts.push(el('text', { x: x + 5, y: y + 45, fill: STATE_COLOUR[m.state] ?? '#999', 'font-size': 10 }, m.state));
    });
    y += h + (ROW - BOX_H - 22);
  }
  // Parent → child links between boxes drawn.
  for (const p of mine) {
    const a = pos.get(p.ppid), b = pos.get(p.pid);
    if (!a || !b || a.y === b.y) continue;
    parts.unshift(el('line', { x1: a.x + BOX_W / 2, y1: a.y + BOX_H, x2: b.x + BOX_W / 2, y2: b.y - 18, stroke: '#666' }));
  }
  // Pipes: a bar per pipe between two tasks, filled as the ring is.
  const shown = pipes.filter((p) => p.readEnds.length > 0 && p.writeEnds.length > 0);
  for (const p of shown) {
    const w = p.writeEnds.map((e) => `${e.pid}`).join(','), r = p.readEnds.map((e) => `${e.pid}`).join(',');
    const frac = p.capacity ? p.used / p.capacity : 0;
    parts.push(el('text', { x: 8, y: y + 10, fill: '#aaa', 'font-size': 11 }, `pipe:[${p.ino}] ${w} → ${r}`));
    parts.push(el('rect', { x: 150, y, width: 150, height: 12, fill: '#333', stroke: '#666' }));
    parts.push(el('rect', { x: 150, y, width: Math.round(150 * frac), height: 12, fill: frac >= 1 ? '#ef5350' : '#42a5f5', class: 'fill' }));
    parts.push(el('text', { x: 304, y: y + 10, fill: '#aaa', 'font-size': 10 }, `${Math.round(frac * 100)}%`));
    out.push(`Pipe ${p.ino} from pid ${w} to pid ${r}: ${p.used} of ${p.capacity} bytes buffered (${Math.round(frac * 100)}% full).`);
    y += 20;
  }
  if (groups.length === 0) out.push('No processes.');
  if (shown.length === 0 && kind === 'processes') out.push('No pipe between two processes.');
  const svg = el('svg', { viewBox: `0 0 ${W} ${Math.max(y + 6, 40)}`, width: '100%', class: 'picture' });
  if (kind === 'jobs') svg.append(el('text', { x: 6, y: 14, fill: '#ccc', 'font-size': 12 }, `session ${session}`));
  svg.append(...parts);
  return svg;
}

const compiled = new Map<string, VerifiedProgram>();
function program(name: string): VerifiedProgram {
  let p = compiled.get(name);
  if (!p) {
    p = compileProfile(PROFILES[name] as Parameters<typeof compileProfile>[0]).program;
    compiled.set(name, p);
  }
  return p;
}

/** The profile a running `seccomp ... PROFILE` names (the last one seen stays), else Docker's. */
let lastProfile = 'docker-default';

/** A grid of wVisor's calls coloured by the profile's verdict on each. */
function seccompPicture({ ps }: PictureInput, out: string[]): SVGSVGElement {
  for (const p of ps) {
    const m = /^seccomp (?:run|calls|explain) (\S+)/.exec(p.command);
    if (m && PROFILES[m[1]!]) lastProfile = m[1]!;
  }
  const prog = program(lastProfile);
  const COLS = 4, CW = 84, CH = 15;
  const svg = el('svg', { viewBox: `0 0 ${COLS * CW} ${22 + Math.ceil(syscalls.length / COLS) * CH}`, width: '100%', class: 'picture' });
  svg.append(el('text', { x: 2, y: 13, fill: '#ccc', 'font-size': 12 }, `profile: ${lastProfile}`));
  const refused: string[] = [];
  syscalls.forEach((s, i) => {
    const ret = exec(prog, makeSeccompData({ nr: s.nr, arch: AUDIT_ARCH_WVISOR, args: [] }));
    const allowed = actionOnly(ret) === actionOnly(SECCOMP_RET_ALLOW);
    if (!allowed) refused.push(`${s.name}: ${describeRet(ret)}`);
    const x = (i % COLS) * CW, y = 20 + Math.floor(i / COLS) * CH;
    svg.append(el('rect', { x: x + 1, y, width: CW - 2, height: CH - 2, fill: allowed ? '#1b3a1f' : '#5a1f1f' }));
    svg.append(el('text', { x: x + 3, y: y + 10, fill: allowed ? '#9ccc9c' : '#ffab91', 'font-size': 8 }, s.name.slice(0, 20)));
  });
  out.push(`Profile ${lastProfile}: ${syscalls.length - refused.length} of ${syscalls.length} wVisor calls allowed (all arguments 0).`);
  out.push(refused.length ? `Refused: ${refused.join('; ')}.` : 'None refused.');
  return svg;
}
