import { describe, expect, it } from 'vitest';
import { StripAggregator, StripHistory, decimate } from './strip';

describe('StripAggregator', () => {
  it('keeps min and max of every event per 100 ms, skipping NaN, and the latest values', () => {
    const a = new StripAggregator(2);
    a.add(1000, [1, Number.NaN]);
    a.add(1050, [5, Number.NaN]);
    a.add(1099, [-2, Number.NaN]);
    a.add(1100, [3, 7]);
    const out = a.flush();
    expect(out).toEqual([
      { t: 1000, dt: 100, n: 3, min: [-2, null], max: [5, null] },
      { t: 1100, dt: 100, n: 1, min: [3, 7], max: [3, 7] },
    ]);
    expect(a.latest).toEqual({ t: 1100, values: [3, 7] });
    expect(a.flush()).toEqual([]);
  });
});

describe('StripHistory', () => {
  it('merges buckets of the same slot, keeps each tier to its span, and widens the run tier', () => {
    const h = new StripHistory(['x'], [
      { width: 100, span: 1000 },
      { width: 1000, span: 10_000 },
      { width: 1000, span: null, maxBuckets: 4 },
    ]);
    for (let t = 0; t < 20_000; t += 50) h.add({ t: Math.floor(t / 100) * 100, dt: 100, n: 1, min: [t], max: [t] });
    const fine = h.bucketsFor(1000);
    expect(fine.length).toBeLessThanOrEqual(11);
    expect(fine.at(-1)).toEqual({ t: 19_900, dt: 100, n: 2, min: [19_900], max: [19_950] });
    const mid = h.bucketsFor(10_000);
    expect(mid.at(-1)).toMatchObject({ t: 19_000, n: 20, min: [19_000], max: [19_950] });
    const run = h.bucketsFor(null);
    expect(run.length).toBeLessThanOrEqual(4);
    expect(run.reduce((n, b) => n + b.n, 0)).toBe(400);
    expect(run[0]!.min[0]).toBe(0);
    expect(run.at(-1)!.max[0]).toBe(19_950);
    const copy = StripHistory.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    expect(copy.bucketsFor(null)).toEqual(run);
    expect(h.toJSON(['x']).fields).toEqual(['x']);
  });
});

describe('decimate', () => {
  it('gives min/max per pixel column, NaN where empty', () => {
    const buckets = [
      { t: 0, dt: 100, n: 1, min: [1], max: [2] },
      { t: 100, dt: 100, n: 1, min: [-1], max: [4] },
      { t: 300, dt: 100, n: 1, min: [null], max: [null] },
    ];
    const d = decimate(buckets, 0, 0, 400, 2);
    expect(Array.from(d.x)).toEqual([100, 300]);
    expect(Array.from(d.min)).toEqual([-1, Number.NaN]);
    expect(Array.from(d.max)).toEqual([4, Number.NaN]);
  });
});
