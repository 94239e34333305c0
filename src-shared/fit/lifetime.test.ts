import { describe, expect, it } from 'vitest';
import { Random } from '../random';
import { expectedCounts, fitLifetime, lifetimeDensity, truncatedMean } from './lifetime';

function decays(rng: Random, n: number, tau = 2197): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.exponential(tau);
  return a;
}

function noNaN(o: object): boolean {
  return Object.values(o).every((v) => typeof v !== 'number' || !Number.isNaN(v));
}

describe('fitLifetime', () => {
  it('recovers τ = 2197 ns from 20,000 decays within 3σ, with σ close to τ/√n', () => {
    const data = decays(new Random(2197), 20_000);
    const fit = fitLifetime(data);
    expect(fit.converged).toBe(true);
    expect(fit.t_min).toBe(400);
    expect(fit.t_max).toBe(14_000);
    // n: the decays inside [400, 14000] ns, about e^(−400/2197) − e^(−14000/2197) of them
    expect(fit.n).toBe(Array.from(data).filter((t) => t >= 400 && t <= 14_000).length);
    expect(Math.abs(fit.n / 20_000 - 0.8318)).toBeLessThan(0.01);
    expect(Math.abs(fit.tau - 2197)).toBeLessThan(3 * fit.sigma);
    // the window costs a little information: σ a few per cent above τ/√n
    const naive = fit.tau / Math.sqrt(fit.n);
    expect(fit.sigma).toBeGreaterThan(naive);
    expect(fit.sigma).toBeLessThan(1.1 * naive);
  });

  it('has the right coverage: τ within 1σ in about 68 % of repeated fits', () => {
    const rng = new Random(1);
    let inside = 0;
    const trials = 200;
    for (let k = 0; k < trials; k++) {
      const fit = fitLifetime(decays(rng, 500), { t_min: 400, t_max: 14_000 });
      if (Math.abs(fit.tau - 2197) < fit.sigma) inside++;
    }
    expect(inside / trials).toBeGreaterThan(0.58);
    expect(inside / trials).toBeLessThan(0.78);
  });

  it('the likelihood equation: the fitted τ reproduces the mean inside the window', () => {
    const data = decays(new Random(3), 5000);
    const fit = fitLifetime(data, { t_min: 1000, t_max: 6000 });
    const inside = Array.from(data).filter((t) => t >= 1000 && t <= 6000);
    const mean = inside.reduce((s, t) => s + t - 1000, 0) / inside.length;
    expect(truncatedMean(fit.tau, 5000)).toBeCloseTo(mean, 6);
    expect(Math.abs(fit.tau - 2197)).toBeLessThan(3 * fit.sigma);
  });

  it('fits a flat background fraction along with τ', () => {
    const rng = new Random(4);
    const sig = decays(rng, 16_000);
    const bg = Array.from({ length: 4000 }, () => rng.uniform(400, 14_000));
    const data = [...sig, ...bg];
    const plain = fitLifetime(data);
    const fit = fitLifetime(data, { background: true });
    expect(fit.converged).toBe(true);
    // the plain fit is pulled far up by the background; the fit with background is not
    expect(plain.tau - 2197).toBeGreaterThan(10 * plain.sigma);
    expect(Math.abs(fit.tau - 2197)).toBeLessThan(3 * fit.sigma);
    const nSig = sig.filter((t) => t >= 400 && t <= 14_000).length;
    const trueFraction = 4000 / (nSig + 4000);
    expect(Math.abs(fit.background_fraction! - trueFraction)).toBeLessThan(3 * fit.background_sigma!);
    expect(fit.sigma).toBeGreaterThan(plain.sigma);
  });

  it('finds no background in pure decays, and agrees with the plain fit there', () => {
    const data = decays(new Random(5), 5000);
    const plain = fitLifetime(data);
    const fit = fitLifetime(data, { background: true });
    expect(fit.background_fraction!).toBeLessThan(0.02);
    expect(Math.abs(fit.tau - plain.tau)).toBeLessThan(plain.sigma);
  });

  it('gives clear, NaN-free results for degenerate data', () => {
    const empty = fitLifetime([]);
    expect(empty).toMatchObject({ n: 0, converged: false });
    expect(empty.message).toMatch(/no values in \[400, 14000\]/);
    const atMin = fitLifetime([400, 400, 400]);
    expect(atMin).toMatchObject({ converged: false, tau: 0 });
    expect(atMin.message).toMatch(/t_min/);
    const rising = fitLifetime([9000, 12_000, 13_500]);
    expect(rising).toMatchObject({ converged: false, tau: Infinity });
    expect(rising.message).toMatch(/no finite lifetime/);
    const outside = fitLifetime([1, 2, 50_000, Number.NaN, Infinity]);
    expect(outside.n).toBe(0);
    for (const f of [empty, atMin, rising, outside, fitLifetime([500]), fitLifetime([], { background: true })]) {
      expect(noNaN(f)).toBe(true);
    }
    const bgOnly = fitLifetime([13_000, 13_500], { background: true });
    expect(bgOnly.converged).toBe(false);
    expect(noNaN(bgOnly)).toBe(true);
    expect(noNaN(fitLifetime([401, 402], { background: true }))).toBe(true);
    expect(noNaN(fitLifetime([400, 400], { background: true }))).toBe(true);
  });

  it('refuses a window with t_min ≥ t_max', () => {
    expect(() => fitLifetime([1000], { t_min: 5000, t_max: 5000 })).toThrow(RangeError);
    expect(() => fitLifetime([1000], { t_min: Number.NaN })).toThrow(/t_min < t_max/);
  });
});

describe('model curves', () => {
  it('the density integrates to 1 over the window and the expected counts sum to n', () => {
    const fit = { tau: 2197, n: 1000, t_min: 400, t_max: 14_000, background_fraction: 0.1 };
    let integral = 0;
    const steps = 100_000;
    const w = (14_000 - 400) / steps;
    for (let i = 0; i < steps; i++) integral += lifetimeDensity(fit, 400 + (i + 0.5) * w) * w;
    expect(integral).toBeCloseTo(1, 5);
    expect(lifetimeDensity(fit, 100)).toBe(0);
    const counts = expectedCounts(fit, { bins: 50, min: 0, max: 20_000 });
    expect(counts.reduce((a, b) => a + b, 0)).toBeCloseTo(1000, 6);
    expect(counts[0]).toBe(0); // below t_min
    expect(counts[1]).toBeGreaterThan(counts[10]!); // decreasing
    expect(counts[49]).toBe(0); // beyond t_max
    // pure exponential: ratio of neighbouring full bins inside the window is e^(−w/τ)
    const pure = expectedCounts({ ...fit, background_fraction: 0 }, { bins: 50, min: 0, max: 20_000 });
    expect(pure[5]! / pure[4]!).toBeCloseTo(Math.exp(-400 / 2197), 10);
  });
});
