// The double-pulse analysis behind `builtin:filters/lifetime`, after mimoCoRB's
// lifetime filter (examples/modules/lifetime_filter.py and filters.py, KIT):
// find the pulses in each channel, group coincident pulses of different
// channels, compare the first two groups with the signatures of a stopped muon
// and its decay electron, and measure the time between them.
//
// Units: waveforms in mV with the baseline at analogue_offset (given in volts,
// as mimoCoRB); prominences, heights and the integral's 10 mV cut are mV above
// the baseline (prominence does not depend on the baseline); positions and
// widths are in samples; decay_time is in ns; integrals are in mV·samples.
import { findPeaks, peakWidths, type Peaks, type Signal } from './peaks';

/** The channels the filter analyses, in order (the fields of RB_1). */
export const CHANNELS = ['chA', 'chB', 'chC', 'chD'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** One position of a signature: '+' a pulse, '-' no pulse, '0' either. */
export type SignatureSymbol = '+' | '-' | '0';

/** A start (muon) and stop (decay electron) pattern over chA…chD, and the decay direction it stands for. */
export interface Signature {
  start: readonly SignatureSymbol[];
  stop: readonly SignatureSymbol[];
  /** 'up': electron seen in the upper layers (A, B); 'down': lower (C, D); null: not told apart. */
  direction: 'up' | 'down' | null;
}

/** A signature as a setup file writes it: mimoCoRB's [start, stop] pair (rows as lists or strings like "++--"), or an object. */
export type SignatureInput =
  | readonly [readonly string[] | string, readonly string[] | string]
  | { start: readonly string[] | string; stop: readonly string[] | string; direction?: 'up' | 'down' | null };

/** Filter parameters with mimoCoRB's names. */
export interface LifetimeFilterParams {
  /** ns per sample. */
  sample_time_ns: number;
  /** Baseline in volts (mimoCoRB's unit); waveforms are in mV. */
  analogue_offset: number;
  /** mV: a channel counts in the first (muon) group when prominence × scaling reaches this. */
  peak_minimal_prominence_initial: number;
  /** mV: a channel counts in the second (electron) group when prominence × scaling reaches this. */
  peak_minimal_prominence_secondary: number;
  /** Samples between neighbouring peaks of a channel (the higher wins). */
  peak_minimal_distance: number;
  /** Samples: minimal peak width at half prominence. */
  peak_minimal_width: number;
  /** Samples: peaks of different channels closer than this (strictly) to a group's earliest peak join the group. */
  trigger_position_tolerance: number;
  chA_scaling: number;
  chB_scaling: number;
  chC_scaling: number;
  chD_scaling: number;
  /** Checked in order; the last that matches decides the direction. */
  signatures: readonly SignatureInput[];
}

/** mimoCoRB's signatures (examples/config/simulation_config.yaml), chA…chD. */
export const DEFAULT_SIGNATURES: readonly SignatureInput[] = Object.freeze([
  [
    ['+', '+', '-', '-'], // muon stopped in the absorber between B and C
    ['0', '+', '-', '-'], // decay electron upwards
  ],
  [
    ['+', '+', '-', '-'],
    ['-', '-', '+', '0'], // decay electron downwards
  ],
  [
    ['+', '+', '+', '+'], // muon stopped below the detector
    ['0', '0', '0', '+'], // electron back into D: not an up/down decay of the absorber
  ],
] as const);

/** mimoCoRB's defaults for the lifetime filter. */
export const LIFETIME_FILTER_DEFAULTS: Readonly<LifetimeFilterParams> = Object.freeze({
  sample_time_ns: 4,
  analogue_offset: -0.48,
  peak_minimal_prominence_initial: 90,
  peak_minimal_prominence_secondary: 35,
  peak_minimal_distance: 10,
  peak_minimal_width: 10,
  trigger_position_tolerance: 20,
  chA_scaling: 1,
  chB_scaling: 1,
  chC_scaling: 1,
  chD_scaling: 1,
  signatures: DEFAULT_SIGNATURES,
});

/** Height of the line (mV above the baseline) at which a pulse's integral is cut, as mimoCoRB. */
export const INTEGRAL_CUT_MV = 10;

/** A field of RB_3 (pulse parameters): name and dtype. */
export interface PulseField {
  name: string;
  dtype: 'int32' | 'float64';
}

/** mimoCoRB's RB_3 layout: 25 fields in its order (decay_time; then A–C of both pulses; then D). */
export const RB3_FIELDS: readonly PulseField[] = Object.freeze(
  (() => {
    const f: PulseField[] = [{ name: 'decay_time', dtype: 'int32' }];
    for (const pulse of ['1st', '2nd']) {
      for (const [suffix, dtype] of [
        ['h', 'float64'],
        ['p', 'int32'],
        ['int', 'float64'],
      ] as const) {
        for (const ch of ['chA', 'chB', 'chC']) f.push({ name: `${pulse}_${ch}_${suffix}`, dtype });
      }
    }
    for (const pulse of ['1st', '2nd']) {
      f.push({ name: `${pulse}_chD_h`, dtype: 'float64' });
      f.push({ name: `${pulse}_chD_p`, dtype: 'int32' });
      f.push({ name: `${pulse}_chD_int`, dtype: 'float64' });
    }
    return f;
  })(),
);

/** The result for an accepted event. */
export interface DoublePulse {
  /** ns between the mean positions of the stop and the start group (a float; RB_3 stores it as int32, truncated like numpy). */
  decay_time: number;
  /** Direction of the last matching signature: true up, false down, null not told apart. */
  up: boolean | null;
  /** The 25 RB_3 fields by name; −1 for height, position and integral of a channel without a pulse. */
  fields: Record<string, number>;
}

function normalizeRow(row: readonly string[] | string, what: string): SignatureSymbol[] {
  const cells = typeof row === 'string' ? [...row.replace(/\s+/g, '')] : [...row];
  if (cells.length !== CHANNELS.length) {
    throw new RangeError(`${what}: needs ${CHANNELS.length} entries (chA…chD), got ${JSON.stringify(row)}`);
  }
  return cells.map((c) => {
    const s = String(c).trim().replace('\u2212', '-'); // accept the typographic minus
    if (s !== '+' && s !== '-' && s !== '0') {
      throw new RangeError(`${what}: entries must be "+", "-" or "0", got ${JSON.stringify(c)}`);
    }
    return s;
  });
}

/** The direction a stop pattern shows: up when it needs a pulse in A or B and none in C, D; down the other way round. */
export function inferDirection(stop: readonly SignatureSymbol[]): 'up' | 'down' | null {
  const upper = stop[0] === '+' || stop[1] === '+';
  const lower = stop[2] === '+' || stop[3] === '+';
  if (upper && stop[2] === '-' && stop[3] === '-') return 'up';
  if (lower && stop[0] === '-' && stop[1] === '-') return 'down';
  return null;
}

/** Signatures from a setup file, checked (throws RangeError naming the bad entry). */
export function parseSignatures(input: readonly SignatureInput[]): Signature[] {
  if (!Array.isArray(input)) throw new RangeError('signatures: must be a list of [start, stop] pairs');
  return input.map((s, i) => {
    const what = `signatures[${i}]`;
    let start: SignatureSymbol[];
    let stop: SignatureSymbol[];
    let direction: 'up' | 'down' | null | undefined;
    if (Array.isArray(s)) {
      if (s.length !== 2) throw new RangeError(`${what}: needs two rows, start and stop`);
      start = normalizeRow(s[0], `${what} start`);
      stop = normalizeRow(s[1], `${what} stop`);
    } else if (s && typeof s === 'object') {
      const o = s as Exclude<SignatureInput, readonly unknown[]>;
      start = normalizeRow(o.start, `${what}.start`);
      stop = normalizeRow(o.stop, `${what}.stop`);
      direction = o.direction;
      if (direction !== undefined && direction !== null && direction !== 'up' && direction !== 'down') {
        throw new RangeError(`${what}.direction: must be "up", "down" or null`);
      }
    } else {
      throw new RangeError(`${what}: must be a [start, stop] pair`);
    }
    return { start, stop, direction: direction === undefined ? inferDirection(stop) : direction };
  });
}

/**
 * Groups the peaks of the channels by coincidence (mimoCoRB's correlate_peaks):
 * repeatedly take the earliest unassigned peak; every channel whose next peak lies
 * within (strictly less than) `tolerance` samples of it contributes that peak.
 * Returns one row per group: for each channel the index into its peak list, or −1.
 */
export function groupPeaks(peaks: readonly (readonly number[])[], tolerance: number): number[][] {
  const next = peaks.map(() => 0);
  const rows: number[][] = [];
  for (;;) {
    let minimum = Number.POSITIVE_INFINITY;
    for (let c = 0; c < peaks.length; c++) {
      const list = peaks[c]!;
      if (next[c]! < list.length && list[next[c]!]! < minimum) minimum = list[next[c]!]!;
    }
    if (minimum === Number.POSITIVE_INFINITY) return rows;
    const row: number[] = [];
    for (let c = 0; c < peaks.length; c++) {
      const list = peaks[c]!;
      const k = next[c]!;
      if (k < list.length && Math.abs(list[k]! - minimum) < tolerance) {
        row.push(k);
        next[c] = k + 1;
      } else {
        row.push(-1);
      }
    }
    rows.push(row);
  }
}

/** True when the first two groups show the signature's start and stop pattern (mimoCoRB's match_signature). */
export function matchSignature(groups: readonly (readonly number[])[], sig: Signature): boolean {
  if (groups.length < 2) return false;
  const rows = [sig.start, sig.stop];
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < rows[r]!.length; c++) {
      const hit = (groups[r]![c] ?? -1) >= 0;
      const want = rows[r]![c];
      if (want === '+' && !hit) return false;
      if (want === '-' && hit) return false;
    }
  }
  return true;
}

/**
 * Integral of a pulse above the baseline (mimoCoRB's normed_pulse): the sum of
 * x − baseline over the samples ⌊left⌋ … ⌈right⌉−1, where left and right are where
 * the pulse crosses 10 mV above the baseline (interpolated, limited by the
 * pulse's prominence bases). 0 when the peak is not above 10 mV.
 */
export function pulseIntegral(
  x: Signal,
  peak: number,
  prominence: number,
  leftBase: number,
  rightBase: number,
  baselineMv: number,
): number {
  const above = x[peak]! - baselineMv;
  if (!(above > INTEGRAL_CUT_MV) || !(prominence > 0)) return 0;
  const { left_ips, right_ips } = peakWidths(
    x,
    [peak],
    (above - INTEGRAL_CUT_MV) / prominence,
    [prominence],
    [leftBase],
    [rightBase],
  );
  const from = Math.floor(left_ips[0]!);
  const to = Math.ceil(right_ips[0]!);
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! - baselineMv;
  return sum;
}

/** Compiled filter settings: parse the signatures once, not per event. */
export interface DoublePulseAnalyzer {
  (channels: readonly (Signal | undefined)[]): DoublePulse | null;
  readonly params: Readonly<LifetimeFilterParams>;
  readonly signatures: readonly Signature[];
}

/** Prepares the analysis for a parameter set (missing keys take mimoCoRB's defaults). */
export function createDoublePulseAnalyzer(params: Partial<LifetimeFilterParams> = {}): DoublePulseAnalyzer {
  const p: LifetimeFilterParams = { ...LIFETIME_FILTER_DEFAULTS, ...params };
  const signatures = parseSignatures(p.signatures);
  const scaling = [p.chA_scaling, p.chB_scaling, p.chC_scaling, p.chD_scaling];
  const minProminence = Math.min(p.peak_minimal_prominence_initial, p.peak_minimal_prominence_secondary);
  const baselineMv = p.analogue_offset * 1000;
  const peakOptions = { prominence: minProminence, distance: p.peak_minimal_distance, width: p.peak_minimal_width };

  const analyze = (channels: readonly (Signal | undefined)[]): DoublePulse | null => {
    if (channels.length > CHANNELS.length) {
      throw new RangeError(`the lifetime filter reads ${CHANNELS.length} channels (chA…chD), got ${channels.length}`);
    }
    const found: Peaks[] = CHANNELS.map((_, c) => {
      const x = channels[c];
      return x ? findPeaks(x, peakOptions) : { peaks: [], prominences: [], left_bases: [], right_bases: [], left_edges: [], right_edges: [] };
    });
    const groups = groupPeaks(
      found.map((f) => f.peaks),
      p.trigger_position_tolerance,
    );
    if (groups.length < 2) return null;

    // A channel counts in a group only when its pulse is prominent enough there.
    for (let c = 0; c < CHANNELS.length; c++) {
      const prom = found[c]!.prominences!;
      const first = groups[0]![c]!;
      if (first >= 0 && prom[first]! * scaling[c]! < p.peak_minimal_prominence_initial) groups[0]![c] = -1;
      const second = groups[1]![c]!;
      if (second >= 0 && prom[second]! * scaling[c]! < p.peak_minimal_prominence_secondary) groups[1]![c] = -1;
    }

    let matched: Signature | null = null;
    for (const sig of signatures) if (matchSignature(groups, sig)) matched = sig;
    if (!matched) return null;

    const fields: Record<string, number> = {};
    const positions: [number[], number[]] = [[], []];
    for (let c = 0; c < CHANNELS.length; c++) {
      const ch = CHANNELS[c]!;
      const f = found[c]!;
      for (let g = 0; g < 2; g++) {
        const prefix = g === 0 ? '1st' : '2nd';
        const idx = groups[g]![c]!;
        if (idx < 0) {
          fields[`${prefix}_${ch}_h`] = -1;
          fields[`${prefix}_${ch}_p`] = -1;
          fields[`${prefix}_${ch}_int`] = -1;
          continue;
        }
        const x = channels[c]!;
        const pos = f.peaks[idx]!;
        positions[g].push(pos);
        fields[`${prefix}_${ch}_h`] = x[pos]! - baselineMv;
        fields[`${prefix}_${ch}_p`] = pos;
        fields[`${prefix}_${ch}_int`] = pulseIntegral(
          x,
          pos,
          f.prominences![idx]!,
          f.left_bases![idx]!,
          f.right_bases![idx]!,
          baselineMv,
        );
      }
    }
    // A signature with no required pulse in a group gives no time: nothing to measure.
    if (positions[0].length === 0 || positions[1].length === 0) return null;
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    const decay_time = (mean(positions[1]) - mean(positions[0])) * p.sample_time_ns;
    const ordered: Record<string, number> = { decay_time };
    for (const { name } of RB3_FIELDS) if (name !== 'decay_time') ordered[name] = fields[name]!;
    return {
      decay_time,
      up: matched.direction === null ? null : matched.direction === 'up',
      fields: ordered,
    };
  };
  return Object.assign(analyze, { params: Object.freeze(p), signatures: Object.freeze(signatures) });
}

/**
 * Analyses one event (chA…chD waveforms): null when it is no double pulse, else
 * the decay time, the direction and the 25 RB_3 fields. For many events, make
 * the analyzer once with createDoublePulseAnalyzer.
 */
export function analyzeDoublePulse(
  channels: readonly (Signal | undefined)[],
  params: Partial<LifetimeFilterParams> = {},
): DoublePulse | null {
  return createDoublePulseAnalyzer(params)(channels);
}
