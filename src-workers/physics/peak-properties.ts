// Properties of given peaks, as scipy.signal.peak_prominences and peak_widths:
// findPeaks (peaks.ts) measures widths with peakWidths and its prominences with
// its own block-summary walks; peaks.ts re-exports both.
import type { Signal } from './peak-types';

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
