// The candidates and the distance condition of findPeaks (peaks.ts): local maxima
// as scipy's _local_maxima_1d, and which of them survive the distance condition
// (scipy's _select_by_peak_distance). distanceState is findPeaks' own entry to the
// latter (its answer in a reused scratch array); peaks.ts re-exports the rest.
import type { Signal } from './peak-types';

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
  return Array.from(distanceState(peaks, priority, distance), (v) => v === 1);
}

// Scratch for distanceState, reused between calls (typed arrays of more than a
// few elements are slow to allocate, and findPeaks runs per channel and event).
let distanceStateScratch = new Uint8Array(64);
let distanceStack: Int32Array = new Int32Array(129);

/** selectByPeakDistance's answer as states (1 kept, 2 removed) in a scratch array valid until the next call. */
export function distanceState(peaks: ArrayLike<number>, priority: ArrayLike<number>, distance: number): Uint8Array {
  const n = peaks.length;
  const d = Math.ceil(distance);
  if (distanceStateScratch.length < n) distanceStateScratch = new Uint8Array(n * 2);
  const state = distanceStateScratch.subarray(0, n); // 0 unknown, 1 kept, 2 removed
  state.fill(0);
  if (distanceStack.length < n * 2 + 1) distanceStack = new Int32Array(n * 2 + 1);
  let stack: Int32Array = distanceStack;
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
  distanceStack = stack; // keep it if it grew
  return state;
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
