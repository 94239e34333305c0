// What the histogram panel shows, as plain functions (tested without a DOM):
// bin centres and counts for the plot, the fitted curve per bin, the fit text,
// and the CSV export.
import type { BufferInfo, HistogramFitResult, HistogramRequest, HistogramUpdate } from '../../../src-shared/bridge/protocol';
import { DEFAULT_T_MAX, DEFAULT_T_MIN, expectedCounts } from '../../../src-shared/fit';

/** The unit of a field from the buffer's display hints ('' when none). */
export function unitOf(info: BufferInfo | undefined, field: string): string {
  const u = info?.display?.units;
  if (typeof u === 'string') return u;
  if (u && typeof u === 'object' && typeof (u as Record<string, unknown>)[field] === 'string') return (u as Record<string, string>)[field]!;
  return '';
}

interface HistogramHint {
  field?: string;
  range?: [number, number];
  bins?: number;
  /** false: the fit starts off (a spectrum is no decay). */
  fit?: boolean;
}

function hintOf(b: BufferInfo): HistogramHint | null {
  const h = b.display?.histogram;
  return h && typeof h === 'object' ? (h as HistogramHint) : null;
}

/** Buffers of single values (samples = 1): what histograms and strip charts can show. */
export function scalarBuffers(buffers: readonly BufferInfo[]): BufferInfo[] {
  return buffers.filter((b) => b.samples === 1 && b.fields.length > 0);
}

/** The fit window for a range: the lifetime defaults (400–14000) when the range holds them, else the range. */
export function defaultFitWindow(range: [number, number]): { t_min: number; t_max: number } {
  return range[0] <= DEFAULT_T_MIN && DEFAULT_T_MAX <= range[1] ? { t_min: DEFAULT_T_MIN, t_max: DEFAULT_T_MAX } : { t_min: range[0], t_max: range[1] };
}

/** The histogram a setup shows first: its `display.histogram` hint (with the fit on), else the first scalar field. */
export function defaultHistogram(buffers: readonly BufferInfo[]): HistogramRequest | null {
  const scalar = scalarBuffers(buffers);
  const hinted = scalar.find((b) => hintOf(b));
  const b = hinted ?? scalar[0];
  if (!b) return null;
  return histogramFor(b, hintOf(b)?.field);
}

/** A histogram of one field of a buffer, with the buffer's hint where it applies. */
export function histogramFor(b: BufferInfo, field?: string): HistogramRequest {
  const hint = hintOf(b);
  const names = b.fields.map((f) => f.name);
  // Without a hint, a field with a display colour (sensors: cpu) says more than the first one (often a time).
  const colours = b.display?.colors;
  const coloured = colours && typeof colours === 'object' ? names.find((n) => n in (colours as object)) : undefined;
  const f = field && names.includes(field) ? field : hint?.field && names.includes(hint.field) ? hint.field : (coloured ?? names[0]!);
  const hinted = hint !== null && (hint.field ?? names[0]) === f;
  const r = hinted ? hint.range : undefined;
  const range: [number, number] = Array.isArray(r) && r.length === 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] < r[1] ? [r[0], r[1]] : [0, 100];
  const bins = hinted && Number.isInteger(hint.bins) && hint.bins! > 0 ? hint.bins! : 50;
  return { buffer: b.name, field: f, bins, range, fit: hinted && hint.fit !== false ? defaultFitWindow(range) : null };
}

/** True when the buffer's display hint gives the range of this field's histogram. */
export function hintedRange(b: BufferInfo, field: string): boolean {
  const h = hintOf(b);
  return h !== null && (h.field ?? b.fields[0]?.name) === field && Array.isArray(h.range);
}

/** A range that holds every value from low to high (bins are half-open, so the top edge lies a bin beyond high). */
export function rangeForData(low: number | null | undefined, high: number | null | undefined, bins: number): [number, number] | null {
  if (low === null || low === undefined || high === null || high === undefined || !Number.isFinite(low) || !Number.isFinite(high)) return null;
  let a = low;
  let b = high;
  if (a === b) {
    a -= 0.5;
    b += 0.5;
  }
  return [a, b + (b - a) / Math.max(1, bins)];
}

/** True when a request still fits a setup's buffers (same buffer of single values, same field). */
export function requestFits(req: HistogramRequest, buffers: readonly BufferInfo[]): boolean {
  const b = buffers.find((x) => x.name === req.buffer);
  return !!b && b.samples === 1 && b.fields.some((f) => f.name === req.field);
}

/** Bin centres, counts (null where log y cannot show a zero) and the fitted curve per bin. */
export function plotData(u: HistogramUpdate, logY: boolean): { x: number[]; counts: (number | null)[]; curve: (number | null)[] } {
  const n = u.counts.length;
  const [lo, hi] = u.range;
  const w = (hi - lo) / n;
  const x = Array.from({ length: n }, (_, i) => lo + (i + 0.5) * w);
  const counts = u.counts.map((c) => (logY && c <= 0 ? null : c));
  const curve = fitCurve(u).map((c) => (c === null || (logY && c <= 0) ? null : c));
  return { x, counts, curve };
}

/** The fit's expected counts per bin (shared model: expectedCounts); null for bins not wholly inside the fit window (a partial bin's share would look like a dip) or without a usable fit. */
export function fitCurve(u: HistogramUpdate): (number | null)[] {
  const f = u.fit;
  const n = u.counts.length;
  if (!f || f.tau === null || !(f.tau > 0) || f.n === 0) return new Array(n).fill(null);
  const bg = f.background_fraction ?? undefined;
  const expected = expectedCounts({ tau: f.tau, n: f.n, t_min: f.t_min, t_max: f.t_max, ...(bg !== undefined && bg !== null ? { background_fraction: bg } : {}) }, { bins: n, min: u.range[0], max: u.range[1] });
  const w = (u.range[1] - u.range[0]) / n;
  return Array.from(expected, (c, i) => {
    const a = u.range[0] + i * w;
    const b = a + w;
    // A little slack: bin edges from a division may miss the window's edge by rounding.
    const eps = 1e-9 * w;
    return a < f.t_min - eps || b > f.t_max + eps ? null : c;
  });
}

/** A number with about `digits` significant digits, no exponent for everyday sizes. */
function sig(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return '∞';
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(digits - 1);
  const decimals = a === 0 ? 0 : Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
  return x.toFixed(Math.min(decimals, 6));
}

/** τ ± σ in the unit of the histogram's axis (one unit on the plot and in its text). */
export function formatTau(tau: number, sigma: number | null, unit: string): string {
  const shown = unit;
  const t = tau;
  if (sigma === null || !Number.isFinite(sigma)) return `${sig(t)}${shown ? ` ${shown}` : ''}`;
  const s = sigma;
  // As many decimals as σ's two significant digits need.
  const decimals = s > 0 ? Math.max(0, Math.min(6, 1 - Math.floor(Math.log10(s)))) : 3;
  return `${t.toFixed(decimals)} ± ${s.toFixed(decimals)}${shown ? ` ${shown}` : ''}`;
}

/** Pearson's χ² of the fitted curve against the counts in the fit window, and its degrees of freedom (null without a fit). */
export function fitChi2(u: HistogramUpdate): { chi2: number; ndf: number } | null {
  const f = u.fit;
  if (!f || f.tau === null || !(f.tau > 0)) return null;
  const curve = fitCurve(u);
  let chi2 = 0;
  let bins = 0;
  curve.forEach((e, i) => {
    if (e === null || !(e > 0)) return;
    chi2 += (u.counts[i]! - e) ** 2 / e;
    bins += 1;
  });
  const ndf = bins - (f.background_fraction !== undefined && f.background_fraction !== null ? 2 : 1);
  return ndf > 0 ? { chi2, ndf } : null;
}

/** What the fit text adds: χ²/ndf, and the value the setup expects (display hint histogram.expected). */
export interface FitExtras {
  chi2?: { chi2: number; ndf: number } | null;
  expected?: number | null;
}

/** The fit as the plot states it: "τ = 2197 ± 87 ns", "χ²/ndf = 50.2/47", "expected 2197 ns: 0.0 σ off", "n = 640 in [400, 14000] ns". */
export function fitText(fit: HistogramFitResult | null, unit: string, extras: FitExtras = {}): string[] {
  if (!fit) return [];
  const edge = (x: number) => (Number.isInteger(x) ? String(x) : sig(x, 6));
  const window = `[${edge(fit.t_min)}, ${edge(fit.t_max)}]${unit ? ` ${unit}` : ''}`;
  const lines: string[] = [];
  if (fit.tau !== null && fit.tau > 0 && fit.n > 0) lines.push(`τ = ${formatTau(fit.tau, fit.sigma, unit)}${fit.converged ? '' : ' (not converged)'}`);
  else lines.push('τ: no fit');
  if (extras.chi2) lines.push(`χ²/ndf = ${extras.chi2.chi2.toFixed(1)}/${extras.chi2.ndf}`);
  const exp = extras.expected;
  if (exp !== null && exp !== undefined && Number.isFinite(exp)) {
    const off = fit.tau !== null && fit.sigma !== null && fit.sigma > 0 ? `: ${(Math.abs(fit.tau - exp) / fit.sigma).toFixed(1)} σ off` : '';
    lines.push(`expected ${sig(exp)}${unit ? ` ${unit}` : ''}${off}`);
  }
  lines.push(`n = ${fit.n.toLocaleString('en-US')} in ${window}`);
  if (fit.background_fraction !== undefined && fit.background_fraction !== null) {
    const bs = fit.background_sigma;
    lines.push(`background ${(fit.background_fraction * 100).toFixed(1)}${bs !== null && bs !== undefined && Number.isFinite(bs) ? ` ± ${(bs * 100).toFixed(1)}` : ''} %`);
  }
  if (fit.partial) lines.push(`fit on the newest ${fit.kept.toLocaleString('en-US')} values`);
  if (fit.message && !fit.converged) lines.push(fit.message);
  return lines;
}

/** The histogram as CSV: bin, low, high, count — underflow first, overflow and NaN last; the counts sum to the events. */
export function histogramCsv(u: HistogramUpdate, header: string[] = []): string {
  const n = u.counts.length;
  const [lo, hi] = u.range;
  const w = (hi - lo) / n;
  const edge = (i: number) => (i === n ? hi : lo + i * w);
  const rows = ['bin,low,high,count', `underflow,,${lo},${u.underflow}`];
  u.counts.forEach((c, i) => rows.push(`${i + 1},${edge(i)},${edge(i + 1)},${c}`));
  rows.push(`overflow,${hi},,${u.overflow}`);
  rows.push(`nan,,,${u.invalid}`);
  // Header lines (run, date, fit) as comments: pandas reads them with comment='#'.
  return [...header.map((h) => `# ${h}`), ...rows].join('\n') + '\n';
}

/** The hinted value a fit of this buffer's field should find (display: histogram: expected). */
export function expectedOf(info: BufferInfo | undefined, field: string): number | null {
  const h = info?.display?.histogram as { field?: unknown; expected?: unknown } | undefined;
  if (!h || typeof h.expected !== 'number') return null;
  return h.field === undefined || h.field === field ? h.expected : null;
}

/** The fit text of an update with its χ²/ndf and the expected value. */
export function fitLines(u: HistogramUpdate, unit: string, expected: number | null): string[] {
  return fitText(u.fit, unit, { chi2: fitChi2(u), expected });
}
