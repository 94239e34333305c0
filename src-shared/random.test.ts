import { describe, expect, it } from 'vitest';
import { createRandom, entropySeed, Random } from './random';

describe('Random (xoshiro128**)', () => {
  it('produces the reference output of xoshiro128** for the state 1, 2, 3, 4', () => {
    const r = new Random(0);
    r.setState([1, 2, 3, 4]);
    const out = Array.from({ length: 10 }, () => r.nextUint32());
    // The first values of the reference C implementation (Blackman & Vigna) from this state.
    expect(out).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('repeats a stream for the same seed and differs for another', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const sa = Array.from({ length: 100 }, () => a.uniform());
    expect(Array.from({ length: 100 }, () => b.uniform())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.uniform())).not.toEqual(sa);
    expect(new Random('run-7').uniform()).toBe(new Random('run-7').uniform());
    expect(new Random(-5).uniform()).not.toBe(new Random(5).uniform());
    expect(new Random(2 ** 40 + 1).uniform()).not.toBe(new Random(1).uniform());
  });

  it('seeds itself from the platform when no seed is given, and reports the seed', () => {
    const a = createRandom();
    const b = createRandom(null);
    expect(Number.isSafeInteger(a.seed)).toBe(true);
    expect(a.seed).not.toBe(b.seed);
    const again = new Random(a.seed);
    const copy = new Random(a.seed);
    expect(again.uniform()).toBe(copy.uniform());
    expect(Number.isSafeInteger(entropySeed())).toBe(true);
  });

  it('rejects seeds that are not integers or strings', () => {
    expect(() => new Random(1.5)).toThrow(RangeError);
    expect(() => new Random(Number.NaN)).toThrow(RangeError);
  });

  it('restores a checkpointed state', () => {
    const r = new Random(9);
    r.uniform();
    const st = r.getState();
    const x = [r.uniform(), r.normal(), r.exponential()];
    r.setState(st);
    expect([r.uniform(), r.normal(), r.exponential()]).toEqual(x);
    expect(() => r.setState([0, 0, 0, 0])).toThrow(RangeError);
  });

  it('draws uniform deviates in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = new Random(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      s += u;
      s2 += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    const mean = s / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const u = r.uniform(-3, 5);
    expect(u).toBeGreaterThanOrEqual(-3);
    expect(u).toBeLessThan(5);
  });

  it('fills arrays with offset + scale · U', () => {
    const r = new Random(2);
    const a = new Float64Array(100_000);
    r.fillUniform(a, 10, -2); // (8, 10]
    let s = 0;
    let outside = 0;
    for (const v of a) {
      if (!(v > 8 && v <= 10)) outside++;
      s += v;
    }
    expect(outside).toBe(0);
    expect(Math.abs(s / a.length - 9)).toBeLessThan(0.02);
    // The same stream as nextUint32 draws
    const p = new Random(3);
    const q = new Random(3);
    const f = new Float64Array(5);
    p.fillUniform(f);
    expect(Array.from(f)).toEqual(Array.from({ length: 5 }, () => q.uniform32()));
  });

  it('draws normal deviates with the requested mean and standard deviation', () => {
    const r = new Random(4);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let beyond3 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal(250, 75);
      s += z;
      s2 += z * z;
      if (Math.abs(z - 250) > 3 * 75) beyond3++;
    }
    const mean = s / n;
    const sd = Math.sqrt(s2 / n - mean * mean);
    expect(Math.abs(mean - 250)).toBeLessThan(5 * (75 / Math.sqrt(n)));
    expect(Math.abs(sd - 75)).toBeLessThan(0.75);
    // P(|z| > 3) = 0.0027
    expect(beyond3 / n).toBeGreaterThan(0.002);
    expect(beyond3 / n).toBeLessThan(0.0034);
  });

  it('draws exponential deviates with the requested mean, never infinite', () => {
    const r = new Random(5);
    const n = 200_000;
    let s = 0;
    let over = 0;
    let invalid = 0;
    for (let i = 0; i < n; i++) {
      const t = r.exponential(2197);
      if (!(Number.isFinite(t) && t >= 0)) invalid++;
      s += t;
      if (t > 2197) over++;
    }
    expect(invalid).toBe(0);
    expect(Math.abs(s / n - 2197)).toBeLessThan(5 * (2197 / Math.sqrt(n)));
    expect(Math.abs(over / n - Math.exp(-1))).toBeLessThan(0.005);
  });

  it('draws unbiased integers in [0, n)', () => {
    const r = new Random(6);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.integer(3)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(() => r.integer(0)).toThrow(RangeError);
  });
});
