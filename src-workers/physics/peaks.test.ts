import { describe, expect, it } from 'vitest';
import { Random } from '../../src-shared/random';
import { findPeaks, localMaxima, peakProminences, peakWidths, selectByPeakDistance, type FindPeaksOptions } from './peaks';

// A straight port of scipy.signal.find_peaks (scipy/signal/_peak_finding.py and
// _peak_finding_utils.pyx) without the shortcuts of peaks.ts and its parts: sort-based distance
// selection (stable argsort) and full prominence walks for every peak.
function reference(x: number[], o: FindPeaksOptions): number[] {
  let peaks: number[] = [];
  for (let i = 1; i < x.length - 1; i++) {
    if (x[i - 1]! < x[i]!) {
      let a = i + 1;
      while (a < x.length - 1 && x[a] === x[i]) a++;
      if (x[a]! < x[i]!) {
        peaks.push((i + a - 1) >> 1);
        i = a;
      }
    }
  }
  if (o.height !== undefined) peaks = peaks.filter((p) => x[p]! >= (o.height as number));
  if (o.distance !== undefined) {
    const d = Math.ceil(o.distance);
    const keep = peaks.map(() => true);
    const order = peaks.map((_, i) => i).sort((a, b) => x[peaks[a]!]! - x[peaks[b]!]! || a - b);
    for (let r = order.length - 1; r >= 0; r--) {
      const j = order[r]!;
      if (!keep[j]) continue;
      for (let k = j - 1; k >= 0 && peaks[j]! - peaks[k]! < d; k--) keep[k] = false;
      for (let k = j + 1; k < peaks.length && peaks[k]! - peaks[j]! < d; k++) keep[k] = false;
    }
    peaks = peaks.filter((_, i) => keep[i]);
  }
  if (o.prominence !== undefined || o.width !== undefined) {
    const { prominences, left_bases, right_bases } = peakProminences(x, peaks);
    let keep = peaks.map((_, i) => o.prominence === undefined || prominences[i]! >= (o.prominence as number));
    if (o.width !== undefined) {
      const { widths } = peakWidths(x, peaks, 0.5, prominences, left_bases, right_bases);
      keep = keep.map((k, i) => k && widths[i]! >= (o.width as number));
    }
    peaks = peaks.filter((_, i) => keep[i]);
  }
  return peaks;
}

describe('findPeaks (scipy.signal.find_peaks semantics)', () => {
  it('finds a simple peak with its prominence, bases and half-prominence width', () => {
    // Worked by hand: width line at 1 − 0.5 = 0.5 crosses at 0.5 and 1.5.
    const r = findPeaks([0, 1, 0], { prominence: 0, width: 0 });
    expect(r.peaks).toEqual([1]);
    expect(r.prominences).toEqual([1]);
    expect(r.left_bases).toEqual([0]);
    expect(r.right_bases).toEqual([2]);
    expect(r.width_heights).toEqual([0.5]);
    expect(r.left_ips).toEqual([0.5]);
    expect(r.right_ips).toEqual([1.5]);
    expect(r.widths).toEqual([1]);
  });

  it('reports a plateau once, at its middle (rounded down), and never a peak at either end', () => {
    expect(findPeaks([0, 2, 2, 2, 0]).peaks).toEqual([2]);
    expect(findPeaks([0, 2, 2, 0]).peaks).toEqual([1]);
    const r = findPeaks([0, 2, 2, 0]);
    expect([r.left_edges, r.right_edges]).toEqual([[1], [2]]);
    expect(findPeaks([0, 1, 1]).peaks).toEqual([]);
    expect(findPeaks([3, 1, 0]).peaks).toEqual([]);
    expect(findPeaks([0, 1, 2]).peaks).toEqual([]);
    expect(findPeaks([1]).peaks).toEqual([]);
    expect(findPeaks([]).peaks).toEqual([]);
    // a shoulder that continues upwards is no plateau peak
    expect(findPeaks([0, 2, 2, 3, 0]).peaks).toEqual([3]);
  });

  it('applies the distance condition by priority of height, rounding the distance up', () => {
    const x = [0, 5, 0, 3, 0, 4, 0];
    expect(findPeaks(x, { distance: 3 }).peaks).toEqual([1, 5]); // 5 removes 3 (2 apart), keeps 4 (4 apart)
    expect(findPeaks(x, { distance: 4.5 }).peaks).toEqual([1]); // ⌈4.5⌉ = 5 also removes the peak 4 apart
    expect(findPeaks(x, { distance: 1 }).peaks).toEqual([1, 3, 5]);
    // equal heights: the later peak goes first (numpy's stable argsort for short arrays)
    expect(findPeaks([0, 2, 0, 2, 0], { distance: 3 }).peaks).toEqual([3]);
    // a removed peak removes nothing: 9 removes 8, so 7 (3 from 8, 5 from 9) survives
    expect(findPeaks([0, 7, 0, 0, 8, 0, 9, 0], { distance: 4 }).peaks).toEqual([1, 6]);
    expect(() => findPeaks(x, { distance: 0.5 })).toThrow(RangeError);
  });

  it('computes prominences and widths as worked out by hand from scipy’s algorithm', () => {
    // peaks 1 (3) and 3 (2). Peak 3: left walk stops at 3 (higher), base 2 (value 1); right base 4 (0):
    // prominence 2 − max(1, 0) = 1. Widths at 1.5: peak 1 from 0.5 to 2 − 0.5/2 = 1.75;
    // peak 3 from 2 + 0.5/1 = 2.5 (stopped at its left base) to 4 − 1.5/2 = 3.25.
    const r = findPeaks([0, 3, 1, 2, 0], { prominence: 0, width: 0 });
    expect(r.peaks).toEqual([1, 3]);
    expect(r.prominences).toEqual([3, 1]);
    expect(r.left_bases).toEqual([0, 2]);
    expect(r.right_bases).toEqual([4, 4]);
    expect(r.left_ips).toEqual([0.5, 2.5]);
    expect(r.right_ips).toEqual([1.75, 3.25]);
    expect(r.widths).toEqual([1.25, 0.75]);
    expect(findPeaks([0, 3, 1, 2, 0], { prominence: 1.5 }).peaks).toEqual([1]);
  });

  it('combines distance, prominence and width like scipy (values checked with scipy 1.17)', () => {
    const x = [0, 1, 3, 7, 4, 6, 5, 9, 2, 2, 8, 1, 0];
    // maxima 3, 5, 7, 10; prominences 3, 1, 9, 6; widths 0.875, –, 3.393, 0.929
    const r = findPeaks(x, { prominence: 2, width: 1, distance: 2 });
    expect(r.peaks).toEqual([7]);
    expect(r.prominences).toEqual([9]);
    expect(r.left_bases).toEqual([0]);
    expect(r.right_bases).toEqual([12]);
    expect(r.width_heights).toEqual([4.5]);
    expect(r.left_ips![0]).toBeCloseTo(4.25, 12);
    expect(r.right_ips![0]).toBeCloseTo(7.642857142857143, 12);
    expect(r.widths![0]).toBeCloseTo(3.392857142857143, 12);
    const all = findPeaks(x, { prominence: 0 });
    expect(all.peaks).toEqual([3, 5, 7, 10]);
    expect(all.prominences).toEqual([3, 1, 9, 6]);
    expect(all.left_bases).toEqual([0, 4, 0, 9]);
  });

  it('supports a height condition and [min, max] ranges', () => {
    const x = [0, 5, 0, 3, 0, 4, 0];
    const r = findPeaks(x, { height: 3.5 });
    expect(r.peaks).toEqual([1, 5]);
    expect(r.peak_heights).toEqual([5, 4]);
    expect(findPeaks(x, { height: [null, 4] }).peaks).toEqual([3, 5]);
    expect(findPeaks(x, { prominence: [3.5, 4.5] }).peaks).toEqual([5]);
  });

  it('measures widths at another rel_height', () => {
    const r = findPeaks([0, 4, 0], { width: 0, rel_height: 1 });
    expect(r.width_heights).toEqual([0]);
    expect(r.widths).toEqual([2]);
  });

  it('equals the straight scipy port on random signals with ties, plateaus and pulses', () => {
    const rng = new Random(11);
    let compared = 0;
    for (let c = 0; c < 400; c++) {
      const n = 5 + rng.integer(300);
      const x: number[] = [];
      for (let i = 0; i < n; i++) {
        if (c % 3 === 0) x.push(rng.integer(5)); // many plateaus and equal heights
        else x.push(Math.round(rng.normal() * 10) / 10);
      }
      if (c % 3 === 2) {
        const p = rng.integer(n);
        for (let k = 0; k < 60 && p + k < n; k++) x[p + k]! += 200 * Math.exp(-k / 15);
      }
      const o: FindPeaksOptions = {};
      if (rng.uniform() < 0.7) o.distance = [1, 2, 3.5, 10][rng.integer(4)]!;
      if (rng.uniform() < 0.7) o.prominence = [0, 0.5, 1, 2, 35][rng.integer(5)]!;
      if (rng.uniform() < 0.5) o.width = [0, 1, 2.5, 10][rng.integer(4)]!;
      if (rng.uniform() < 0.2) o.height = 0.5;
      expect(findPeaks(x, o).peaks, JSON.stringify({ c, o })).toEqual(reference(x, o));
      compared++;
    }
    expect(compared).toBe(400);
  });

  it('gives float32 waveforms the same answer as float64 copies', () => {
    const rng = new Random(12);
    const x = new Float32Array(4250);
    rng.fillUniform(x, -476, -8);
    for (let k = 0; k < 100; k++) x[500 + k]! += 250 * Math.exp(-k / 25);
    const o = { prominence: 35, distance: 10, width: 10 };
    const r = findPeaks(x, o);
    expect(r.peaks).toEqual(findPeaks(Array.from(x), o).peaks);
    expect(r.peaks).toEqual([500]);
    expect(r.widths![0]).toBeGreaterThan(15);
  });
});

// The whole of scipy's pipeline, every property, from the plain helpers
// (localMaxima, selectByPeakDistance, peakProminences, peakWidths): what
// findPeaks's shortcuts (pre-filter, block summaries, early exits) must equal.
function referenceFull(x: ArrayLike<number>, o: FindPeaksOptions): Record<string, number[]> {
  const range = (c: FindPeaksOptions['height']): [number, number] =>
    typeof c === 'number' ? [c, Infinity] : [c![0] ?? -Infinity, c![1] ?? Infinity];
  const [mid, left, right] = localMaxima(x);
  let props: Record<string, number[]> = { peaks: mid, left_edges: left, right_edges: right };
  const filter = (keep: boolean[]): void => {
    props = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.filter((_, i) => keep[i])]));
  };
  if (o.height !== undefined) {
    const [lo, hi] = range(o.height);
    props.peak_heights = props.peaks!.map((p) => x[p]!);
    filter(props.peak_heights.map((v) => v >= lo && v <= hi));
  }
  if (o.distance !== undefined) filter(selectByPeakDistance(props.peaks!, props.peaks!.map((p) => x[p]!), o.distance));
  if (o.prominence !== undefined || o.width !== undefined) {
    Object.assign(props, peakProminences(x, props.peaks!));
    if (o.prominence !== undefined) {
      const [lo, hi] = range(o.prominence);
      filter(props.prominences!.map((v) => v >= lo && v <= hi));
    }
  }
  if (o.width !== undefined) {
    Object.assign(props, peakWidths(x, props.peaks!, o.rel_height ?? 0.5, props.prominences!, props.left_bases!, props.right_bases!));
    const [lo, hi] = range(o.width);
    filter(props.widths!.map((v) => v >= lo && v <= hi));
  }
  return props;
}

describe('findPeaks against the plain pipeline, every property', () => {
  // Long signals (block summaries of 128 samples), ties, plateaus across block
  // edges, ±0, ±∞ and NaN, float32 and float64, and waveforms with pulses.
  function signal(rng: Random, kind: number): Float32Array | Float64Array | number[] {
    const n = 2 + rng.integer(kind % 2 === 0 ? 300 : 3000);
    const x: number[] = [];
    for (let i = 0; i < n; i++) {
      switch (kind % 5) {
        case 0:
          x.push(rng.integer(4)); // plateaus and equal heights everywhere
          break;
        case 1:
          x.push(rng.integer(3) === 0 ? x[i - 1] ?? 0 : Math.round(rng.normal() * 4) / 4);
          break;
        case 2:
          x.push(-480 + 8 * (0.5 - rng.uniform()));
          break;
        case 3: {
          const r = rng.integer(60);
          x.push(r === 0 ? NaN : r === 1 ? Infinity : r === 2 ? -Infinity : r === 3 ? -0 : r < 8 ? 0 : rng.integer(7) - 3);
          break;
        }
        default:
          x.push(Math.floor(i / (1 + rng.integer(200))) % 5); // long plateaus and steps
      }
    }
    // pulses: a rise and an exponential tail, sometimes taller than everything, sometimes not
    const pulses = rng.integer(4);
    for (let p = 0; p < pulses; p++) {
      const at = rng.integer(n);
      const h = [5, 40, 250][rng.integer(3)]!;
      for (let k = 0; k < 100 && at + k < n; k++) x[at + k]! += h * Math.exp(-k / 25);
    }
    const t = rng.integer(3);
    return t === 0 ? Float32Array.from(x) : t === 1 ? Float64Array.from(x) : x;
  }

  it('equals it on thousands of random signals and options', () => {
    const rng = new Random(2024);
    for (let c = 0; c < 3000; c++) {
      const x = signal(rng, c);
      const o: FindPeaksOptions = {};
      if (rng.uniform() < 0.6) o.distance = [1, 2, 3.5, 10, 40][rng.integer(5)]!;
      const pr = rng.integer(6);
      if (pr < 4) o.prominence = [0, 0.5, 2, 35][pr]!;
      else if (pr === 4) o.prominence = ([[null, 3], [1, 50], [-Infinity, null]] as const)[rng.integer(3)];
      if (rng.uniform() < 0.5) o.width = [0, 1, 2.5, 10][rng.integer(4)]!;
      if (rng.uniform() < 0.3) o.rel_height = [0, 0.25, 1][rng.integer(3)]!;
      if (rng.uniform() < 0.2) o.height = rng.uniform() < 0.5 ? 0.5 : [-479, null];
      expect(findPeaks(x, o), JSON.stringify({ c, o, n: x.length })).toEqual(referenceFull(x, o));
    }
  });

  it('finds a pulse whose walks cross many blocks, also next to NaN and a higher sample', () => {
    const x = new Float32Array(4250).fill(-480);
    for (let i = 0; i < x.length; i++) x[i] = -480 + ((i * 7919) % 13) / 4;
    for (let k = 0; k < 100; k++) x[500 + k]! += 250 * Math.exp(-k / 25);
    x[3000] = -490; // the right base, far away
    x[17] = -491; // the left base
    const o = { prominence: 35, distance: 10, width: 10 };
    expect(findPeaks(x, o)).toEqual(referenceFull(x, o));
    expect(findPeaks(x, o).right_bases).toEqual([3000]);
    x[2000] = NaN; // stops the right walk
    expect(findPeaks(x, o)).toEqual(referenceFull(x, o));
    x[200] = 1000; // a higher sample stops the left walk (and is no peak's neighbour)
    expect(findPeaks(x, o)).toEqual(referenceFull(x, o));
  });
});

describe('peak helpers', () => {
  it('localMaxima returns midpoints and edges', () => {
    expect(localMaxima([0, 1, 1, 1, 0, 2, 0])).toEqual([
      [2, 5],
      [1, 5],
      [3, 5],
    ]);
  });

  it('selectByPeakDistance keeps the higher of close peaks', () => {
    expect(selectByPeakDistance([1, 3, 5], [5, 3, 4], 3)).toEqual([true, false, true]);
  });
});
