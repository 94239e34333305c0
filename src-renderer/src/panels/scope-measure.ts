// The oscilloscope's measuring and triggering, pure so it is tested without a
// DOM: two cursors (A, B) with Δt and ΔV in the axes' units, the display
// trigger (which events the scope shows for Run and Single), the acquisition
// modes, and the pacing that lets the scope skip frames on a loaded machine
// rather than fall behind.
import type { Snapshot } from '../../../src-shared/bridge/protocol';
import type { ScopeLayout } from './scope-layout';

/** Run: every new event; Stop: the picture stays; Single: the next event that meets the trigger, then Stop. */
export type ScopeMode = 'run' | 'stop' | 'single';

export interface CursorPoint {
  /** On the x axis (µs, or samples without a sample time). */
  x: number;
  /** On the y axis (the samples' unit). */
  y: number;
}

export interface Cursors {
  a: CursorPoint | null;
  b: CursorPoint | null;
}

/** Places a cursor where the user clicked: A first, then B, then whichever is nearer in x moves. */
export function placeCursor(c: Cursors, p: CursorPoint): Cursors {
  if (!c.a) return { ...c, a: p };
  if (!c.b) return { ...c, b: p };
  return Math.abs(p.x - c.a.x) <= Math.abs(p.x - c.b.x) ? { ...c, a: p } : { ...c, b: p };
}

/** A number with about four significant digits, never "-0". */
export function fmtValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a < 5e-13) return '0';
  const s = a >= 1e5 || a < 1e-3 ? v.toExponential(3) : v.toFixed(a >= 100 ? 1 : a >= 10 ? 2 : 3);
  return s.replace(/^-(0(\.0+)?)$/, '$1');
}

/** The x axis's unit as the readouts write it. */
export function xUnit(layout: ScopeLayout): string {
  return layout.sampleTimeUs !== null ? 'µs' : 'samples';
}

/** The y axis's unit as the readouts write it ('' when the setup gives none or several). */
export function yUnit(layout: ScopeLayout): string {
  const units = [...new Set(layout.channels.map((c) => c.unit).filter(Boolean))];
  return units.length === 1 ? units[0] : '';
}

const withUnit = (v: string, unit: string) => (unit ? `${v} ${unit}` : v);

/** The cursors' readout: each cursor's position and, with both, Δt, 1/Δt and ΔV — in units. */
export function cursorText(c: Cursors, layout: ScopeLayout): string {
  const xu = xUnit(layout);
  const yu = yUnit(layout);
  const at = (name: string, p: CursorPoint) => `${name}: ${withUnit(fmtValue(p.x), xu)}, ${withUnit(fmtValue(p.y), yu)}`;
  const parts: string[] = [];
  if (c.a) parts.push(at('A', c.a));
  if (c.b) parts.push(at('B', c.b));
  if (c.a && c.b) {
    const dt = c.b.x - c.a.x;
    parts.push(`Δt = ${withUnit(fmtValue(dt), xu)}`);
    if (xu === 'µs' && dt !== 0) parts.push(`1/Δt = ${fmtValue(1 / Math.abs(dt))} MHz`);
    parts.push(`ΔV = ${withUnit(fmtValue(c.b.y - c.a.y), yu)}`);
  }
  return parts.length ? parts.join('   ') : 'Click the plot to place cursor A, again for B (Δt and ΔV).';
}

/**
 * True when the event meets the display trigger: a shown channel goes beyond `level`, away from
 * where it starts (a negative pulse below a level under its baseline, a positive one above).
 * Without a level every event does.
 */
export function meetsTrigger(s: Snapshot, channels: readonly string[], level: number | null): boolean {
  if (level === null) return true;
  for (const f of s.fields) {
    if (!channels.includes(f.name) || f.data.length === 0) continue;
    const d = f.data;
    const start = Number(d[0]);
    const falling = start > level;
    for (let i = 1; i < d.length; i++) {
      const v = Number(d[i]);
      if (falling ? v < level : v > level) return true;
    }
  }
  return false;
}

/**
 * Frame pacing under load: a frame is drawn only when the time since the last draw is at least
 * `share`⁻¹ times what drawing takes (an average of the last draws), so that the scope uses at most
 * about half the page's time; a new event that comes sooner waits for the next frame and is replaced
 * by a newer one in the meantime (stale frames are skipped, never queued).
 */
export class FramePacer {
  private avgDraw = 0;
  private lastDrawAt = -Infinity;
  /** Frames skipped to keep up (a snapshot arrived but the scope left it). */
  skipped = 0;

  constructor(private readonly share = 0.5) {}

  /** True when a frame may be drawn at `now` (ms). */
  mayDraw(now: number): boolean {
    return now - this.lastDrawAt >= this.avgDraw / this.share;
  }

  /** Counts a frame left out. */
  skip(): void {
    this.skipped += 1;
  }

  /** Records a draw that took `ms`, ending at `now`. */
  drew(ms: number, now: number): void {
    this.avgDraw = this.avgDraw === 0 ? ms : this.avgDraw * 0.8 + ms * 0.2;
    this.lastDrawAt = now;
  }
}
