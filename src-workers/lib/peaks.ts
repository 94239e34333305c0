// Peak finding with the semantics of scipy.signal.find_peaks (SciPy ≥ 1.1),
// which mimoCoRB's lifetime filter uses: local maxima (plateaus count once, at
// their middle), then the height condition, then the distance condition (the
// higher peak wins), then prominence (with left/right bases), then width at
// rel_height of the prominence (default 0.5), each condition as value ≥ min.
// wlen (a window for the prominence) is not supported: mimoCoRB does not use it.

/** Sample values: any array of numbers (a channel of a ring-buffer slot, typically). */
export type Signal = ArrayLike<number>;

/** A condition as in scipy: a minimum, or [min, max] where either may be null (no bound). */
export type Condition = number | readonly [number | null, number | null];

export interface FindPeaksOptions {
  /** Required peak value x[peak] (absolute, not above a baseline). */
  height?: Condition;
  /** Minimal distance between neighbouring peaks in samples (≥ 1); the higher peak wins. */
  distance?: number;
  /** Required prominence. */
  prominence?: Condition;
  /** Required width in samples, measured at rel_height × prominence below the peak. */
  width?: Condition;
  /** Where the width is measured, as a fraction of the prominence (scipy's default 0.5). */
  rel_height?: number;
}

/** The peaks found and their properties, one entry per peak (scipy's `properties`). */
export interface Peaks {
  /** Peak positions (sample index; the middle of a plateau, rounded down). */
  peaks: number[];
  /** x[peak]; present when `height` was given. */
  peak_heights?: number[];
  /** Present when prominence or width was given. */
  prominences?: number[];
  left_bases?: number[];
  right_bases?: number[];
  /** Present when width was given. */
  widths?: number[];
  width_heights?: number[];
  left_ips?: number[];
  right_ips?: number[];
  /** First and last sample of each peak's plateau (always present). */
  left_edges: number[];
  right_edges: number[];
}

/**
 * Local maxima of x as scipy's _local_maxima_1d: [midpoints, left edges, right edges].
 * With `above`, only maxima with x[peak] − floor ≥ above are reported (a pre-filter for findPeaks).
 */
export function localMaxima(x: Signal, floor = 0, above = Number.NEGATIVE_INFINITY): [number[], number[], number[]] {
  const mid: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const iMax = x.length - 1; // the last sample cannot be a maximum
  let i = 1; // nor the first
  while (i < iMax) {
    const xi = x[i]!;
    // The threshold first: it rejects most samples of a waveform with a well-predicted branch.
    if (xi - floor >= above && x[i - 1]! < xi) {
      let ahead = i + 1;
      while (ahead < iMax && x[ahead] === xi) ahead++;
      if (x[ahead]! < xi) {
        left.push(i);
        right.push(ahead - 1);
        mid.push((i + ahead - 1) >> 1);
        i = ahead; // samples up to here cannot be maxima
      }
    }
    i++;
  }
  return [mid, left, right];
}

/**
 * Which peaks survive the distance condition (scipy's _select_by_peak_distance):
 * in order of decreasing priority, each kept peak removes its neighbours closer
 * than ⌈distance⌉. Equal priorities: the later peak goes first (numpy's argsort
 * is stable for the short arrays that occur here, and scipy walks it backwards).
 *
 * Computed without sorting: a peak survives exactly when no surviving neighbour
 * within the distance outranks it (a kept peak was never removed, and a removed
 * one removes nothing), resolved with memoisation in O(peaks × distance).
 */
export function selectByPeakDistance(peaks: ArrayLike<number>, priority: ArrayLike<number>, distance: number): boolean[] {
  const n = peaks.length;
  const d = Math.ceil(distance);
  const state = new Uint8Array(n); // 0 unknown, 1 kept, 2 removed
  let stack: Int32Array = new Int32Array(n * 2 + 1);
  let top = 0;
  for (let start = 0; start < n; start++) {
    if (state[start] !== 0) continue;
    stack[top++] = start;
    while (top > 0) {
      const j = stack[top - 1]!;
      if (state[j] !== 0) {
        top--;
        continue;
      }
      // Resolve the outranking neighbours first; j is removed by any kept one.
      const pj = peaks[j]!;
      const prj = priority[j]!;
      let pending = false;
      let removed = false;
      for (let k = j - 1; k >= 0 && pj - peaks[k]! < d; k--) {
        const prk = priority[k]!;
        if (!(prk > prj)) continue; // earlier peaks outrank only when strictly higher
        if (state[k] === 1) {
          removed = true;
          break;
        }
        if (state[k] === 0) {
          if (top >= stack.length) stack = grow(stack);
          stack[top++] = k;
          pending = true;
        }
      }
      if (!removed) {
        for (let k = j + 1; k < n && peaks[k]! - pj < d; k++) {
          const prk = priority[k]!;
          if (!(prk >= prj)) continue; // later peaks outrank when at least as high
          if (state[k] === 1) {
            removed = true;
            break;
          }
          if (state[k] === 0) {
            if (top >= stack.length) stack = grow(stack);
            stack[top++] = k;
            pending = true;
          }
        }
      }
      // Once decided, j is popped by the check above when it is back on top.
      if (removed) state[j] = 2;
      else if (!pending) state[j] = 1;
    }
  }
  return Array.from(state, (v) => v === 1);
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Prominences and bases of the given peaks (scipy.signal.peak_prominences without wlen). */
export function peakProminences(
  x: Signal,
  peaks: readonly number[],
): { prominences: number[]; left_bases: number[]; right_bases: number[] } {
  const prominences: number[] = [];
  const left_bases: number[] = [];
  const right_bases: number[] = [];
  const n = x.length;
  for (const peak of peaks) {
    if (!(Number.isInteger(peak) && peak >= 0 && peak < n)) throw new RangeError(`peak ${peak} is not a valid index`);
    const xp = x[peak]!;
    // Walk outwards while not higher than the peak; the base is the lowest point passed.
    let leftBase = peak;
    let leftMin = xp;
    for (let i = peak; i >= 0 && x[i]! <= xp; i--) {
      if (x[i]! < leftMin) {
        leftMin = x[i]!;
        leftBase = i;
      }
    }
    let rightBase = peak;
    let rightMin = xp;
    for (let i = peak; i < n && x[i]! <= xp; i++) {
      if (x[i]! < rightMin) {
        rightMin = x[i]!;
        rightBase = i;
      }
    }
    prominences.push(xp - Math.max(leftMin, rightMin));
    left_bases.push(leftBase);
    right_bases.push(rightBase);
  }
  return { prominences, left_bases, right_bases };
}

/**
 * Widths of peaks at height x[peak] − prominence × rel_height, with linear
 * interpolation between samples (scipy's _peak_widths); the search stops at the
 * bases. Returns [widths, width_heights, left_ips, right_ips].
 */
export function peakWidths(
  x: Signal,
  peaks: readonly number[],
  relHeight: number | readonly number[],
  prominences: readonly number[],
  leftBases: readonly number[],
  rightBases: readonly number[],
): { widths: number[]; width_heights: number[]; left_ips: number[]; right_ips: number[] } {
  const widths: number[] = [];
  const width_heights: number[] = [];
  const left_ips: number[] = [];
  const right_ips: number[] = [];
  for (let p = 0; p < peaks.length; p++) {
    const rh = typeof relHeight === 'number' ? relHeight : relHeight[p]!;
    if (!(rh >= 0)) throw new RangeError('rel_height must be ≥ 0');
    const peak = peaks[p]!;
    const iMin = leftBases[p]!;
    const iMax = rightBases[p]!;
    if (!(0 <= iMin && iMin <= peak && peak <= iMax && iMax < x.length)) {
      throw new RangeError(`prominence data is invalid for peak ${peak}`);
    }
    const h = x[peak]! - prominences[p]! * rh;

    let i = peak;
    while (iMin < i && h < x[i]!) i--;
    let leftIp = i;
    if (x[i]! < h) leftIp += (h - x[i]!) / (x[i + 1]! - x[i]!);

    i = peak;
    while (i < iMax && h < x[i]!) i++;
    let rightIp = i;
    if (x[i]! < h) rightIp -= (h - x[i]!) / (x[i - 1]! - x[i]!);

    widths.push(rightIp - leftIp);
    width_heights.push(h);
    left_ips.push(leftIp);
    right_ips.push(rightIp);
  }
  return { widths, width_heights, left_ips, right_ips };
}

function bounds(c: Condition): [number, number] {
  if (typeof c === 'number') return [c, Number.POSITIVE_INFINITY];
  return [c[0] ?? Number.NEGATIVE_INFINITY, c[1] ?? Number.POSITIVE_INFINITY];
}

/** Keeps the entries of every property where keep[i], in place. */
function filterAll(props: Record<string, number[]>, keep: readonly boolean[]): void {
  for (const key of Object.keys(props)) props[key] = props[key]!.filter((_, i) => keep[i]);
}

/** Finds peaks in x with scipy.signal.find_peaks semantics (height, distance, prominence, width). */
export function findPeaks(x: Signal, options: FindPeaksOptions = {}): Peaks {
  const { height, distance, prominence, width } = options;
  const relHeight = options.rel_height ?? 0.5;
  if (distance !== undefined && !(distance >= 1)) throw new RangeError('distance must be ≥ 1');
  if (!(relHeight >= 0)) throw new RangeError('rel_height must be ≥ 0');
  // A peak's prominence is at most x[peak] − min(x): with a lower bound on the
  // prominence, lower maxima can never be reported, and they cannot change the
  // fate of one that can (only a peak at least as high removes another in the
  // distance step), so they are left out from the start. Same result, and the
  // many noise maxima of a waveform cost one pass instead of the full pipeline.
  let floor = 0;
  let above = Number.NEGATIVE_INFINITY;
  if (prominence !== undefined) {
    const [lo] = bounds(prominence);
    if (lo > Number.NEGATIVE_INFINITY) {
      floor = Number.POSITIVE_INFINITY;
      for (let i = 0; i < x.length; i++) if (x[i]! < floor) floor = x[i]!;
      above = lo;
    }
  }
  const [mid, left, right] = localMaxima(x, floor, above);
  const props: Record<string, number[]> = { peaks: mid, left_edges: left, right_edges: right };

  if (height !== undefined) {
    const [lo, hi] = bounds(height);
    const h = props.peaks!.map((p) => x[p]!);
    props.peak_heights = h;
    filterAll(
      props,
      h.map((v) => v >= lo && v <= hi),
    );
  }
  if (distance !== undefined) {
    const pk = props.peaks!;
    filterAll(
      props,
      selectByPeakDistance(
        pk,
        pk.map((p) => x[p]!),
        distance,
      ),
    );
  }
  if (prominence !== undefined || width !== undefined) {
    // Only a peak that passes the prominence condition needs its full walk: with a
    // lower bound, one side whose minimum stays above x[peak] − min already fails it,
    // which spares the long walks of the many small peaks (noise, pulse tails).
    const [lo, hi] = prominence === undefined ? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] : bounds(prominence);
    const n = x.length;
    const keep: boolean[] = [];
    const prominences: number[] = [];
    const left_bases: number[] = [];
    const right_bases: number[] = [];
    for (const peak of props.peaks!) {
      const xp = x[peak]!;
      let leftBase = peak;
      let leftMin = xp;
      for (let i = peak; i >= 0 && x[i]! <= xp; i--) {
        if (x[i]! < leftMin) {
          leftMin = x[i]!;
          leftBase = i;
        }
      }
      // Compare as the prominence is computed: x − a is monotone in a, also when rounded.
      if (xp - leftMin < lo) {
        keep.push(false);
        prominences.push(xp - leftMin); // an upper bound; dropped with the peak
        left_bases.push(leftBase);
        right_bases.push(peak);
        continue;
      }
      let rightBase = peak;
      let rightMin = xp;
      for (let i = peak; i < n && x[i]! <= xp; i++) {
        if (x[i]! < rightMin) {
          rightMin = x[i]!;
          rightBase = i;
        }
      }
      const prom = xp - Math.max(leftMin, rightMin);
      keep.push(prom >= lo && prom <= hi);
      prominences.push(prom);
      left_bases.push(leftBase);
      right_bases.push(rightBase);
    }
    Object.assign(props, { prominences, left_bases, right_bases });
    if (prominence !== undefined) filterAll(props, keep);
  }
  if (width !== undefined) {
    Object.assign(
      props,
      peakWidths(x, props.peaks!, relHeight, props.prominences!, props.left_bases!, props.right_bases!),
    );
    const [lo, hi] = bounds(width);
    filterAll(
      props,
      props.widths!.map((v) => v >= lo && v <= hi),
    );
  }
  return props as unknown as Peaks;
}
