import { describe, expect, it } from 'vitest';
import { Histogram, histogram } from './histogram';

describe('Histogram', () => {
  it('counts into half-open bins with under- and overflow', () => {
    const h = new Histogram({ bins: 4, min: 0, max: 8 });
    h.addMany([-1, 0, 1.999, 2, 7.999, 8, 100, Number.NaN]);
    expect(Array.from(h.counts)).toEqual([2, 1, 0, 1]);
    expect(h.underflow).toBe(1);
    expect(h.overflow).toBe(2);
    expect(h.invalid).toBe(1);
    expect(h.entries).toBe(4);
    expect(h.binWidth).toBe(2);
    expect(Array.from(h.edges())).toEqual([0, 2, 4, 6, 8]);
    expect(Array.from(h.centers())).toEqual([1, 3, 5, 7]);
  });

  it('puts values just below max into the last bin despite rounding', () => {
    const h = new Histogram({ bins: 3, min: 0, max: 0.3 });
    h.add(0.2999999999999999);
    h.add(0.29999999999999993);
    expect(h.counts[2]).toBe(2);
    expect(h.overflow).toBe(0);
  });

  it('adds many values (typed arrays too) and weights, resets, and round-trips as JSON', () => {
    const h = histogram(new Float32Array([0.5, 1.5, 1.5, 2.5]), { bins: 3, min: 0, max: 3 });
    h.add(0.1, 2.5);
    expect(Array.from(h.counts)).toEqual([3.5, 2, 1]);
    const copy = Histogram.fromJSON(JSON.parse(JSON.stringify(h)));
    expect(Array.from(copy.counts)).toEqual([3.5, 2, 1]);
    expect(copy.toJSON()).toEqual(h.toJSON());
    h.reset();
    expect(h.entries).toBe(0);
    expect(h.toJSON()).toMatchObject({ underflow: 0, overflow: 0, invalid: 0, entries: 0 });
  });

  it('refuses bad binnings', () => {
    expect(() => new Histogram({ bins: 0, min: 0, max: 1 })).toThrow(RangeError);
    expect(() => new Histogram({ bins: 2.5, min: 0, max: 1 })).toThrow(RangeError);
    expect(() => new Histogram({ bins: 2, min: 1, max: 1 })).toThrow(/min < max/);
    expect(() => new Histogram({ bins: 2, min: 0, max: Infinity })).toThrow(RangeError);
  });
});
