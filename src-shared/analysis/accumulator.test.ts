import { describe, expect, it } from 'vitest';
import { expectedCounts } from '../fit';
import { Random } from '../random';
import { HistogramAccumulator, keepPerField, requestProblem } from './accumulator';

const decay = (field = 'decay_time') => ({ buffer: 'RB_3', field, bins: 60, range: [0, 15000] as [number, number], fit: { t_min: 400, t_max: 14000 } });

function fill(acc: HistogramAccumulator, n: number, seed = 1): number[] {
  const rng = new Random(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.round(rng.exponential(2197));
    out.push(t);
    acc.add([t, i]);
  }
  return out;
}

describe('HistogramAccumulator', () => {
  it('counts every event once: bins + under/overflow + NaN = events, and the fit is the unbinned one', () => {
    const acc = new HistogramAccumulator(['decay_time', 'counter']);
    acc.setView('a', decay());
    const values = fill(acc, 3000);
    acc.add([Number.NaN, 0]);
    acc.add([-5, 0]);
    const u = acc.update('a')!;
    expect(u.events).toBe(3002);
    expect(u.entries + u.underflow + u.overflow + u.invalid).toBe(3002);
    expect(u.invalid).toBe(1);
    expect(u.underflow).toBe(1);
    expect(u.overflow).toBe(values.filter((t) => t >= 15000).length);
    expect(u.complete).toBe(true);
    expect(u.fit!.n).toBe(values.filter((t) => t >= 400 && t <= 14000).length);
    expect(Math.abs(u.fit!.tau! - 2197)).toBeLessThan(3 * u.fit!.sigma!);
    expect(u.fit!.partial).toBe(false);
    expect(u.low).toBe(-5);
    expect(u.high).toBe(Math.max(...values));
  });

  it('re-bins exactly from the kept values, and a new field counts from the first event', () => {
    const acc = new HistogramAccumulator(['decay_time', 'counter']);
    acc.setView('a', decay());
    const values = fill(acc, 1000);
    acc.setView('a', { ...decay(), bins: 10, range: [0, 5000] });
    const u = acc.update('a')!;
    expect(u.counts.length).toBe(10);
    expect(u.entries).toBe(values.filter((t) => t < 5000).length);
    expect(u.counts[0]).toBe(values.filter((t) => t < 500).length);
    expect(u.complete).toBe(true);
    acc.setView('b', { buffer: 'RB_3', field: 'counter', bins: 10, range: [0, 1000] });
    expect(acc.update('b')!.counts).toEqual(new Array(10).fill(100));
    acc.setViews([{ key: 'b', request: { buffer: 'RB_3', field: 'counter', bins: 10, range: [0, 1000] } }]);
    expect(acc.viewKeys()).toEqual(['b']);
  });

  it('restarts counting (and says so) when the kept values no longer cover the run; rebuilds from them once ended', () => {
    const acc = new HistogramAccumulator(['decay_time', 'counter'], 500);
    acc.setView('a', decay());
    fill(acc, 800);
    expect(acc.update('a')!.events).toBe(800);
    const fit = acc.update('a')!.fit!;
    expect(fit.partial).toBe(true);
    expect(fit.kept).toBe(500);
    acc.setView('a', { ...decay(), bins: 30 });
    let u = acc.update('a')!;
    expect(u.events).toBe(0);
    expect(u.complete).toBe(false);
    expect(u.note).toMatch(/counting restarted at event 800/);
    fill(acc, 20, 2);
    expect(acc.update('a')!.events).toBe(20);
    const ended = HistogramAccumulator.restore(acc.fields, acc.stores.map((s) => s.take()), acc.events);
    ended.setView('a', decay());
    u = ended.update('a', true)!;
    expect(u.events).toBe(500);
    expect(u.final).toBe(true);
    expect(u.note).toMatch(/newest 500 of 820 values/);
  });

  it('refuses requests that make no sense, in plain words', () => {
    const acc = new HistogramAccumulator(['decay_time']);
    expect(() => acc.setView('a', decay('nope'))).toThrow(/RB_3 has no field "nope"/);
    expect(requestProblem({ ...decay(), bins: 0 }, ['decay_time'])).toMatch(/bins must be a whole number/);
    expect(requestProblem({ ...decay(), range: [5, 5] }, ['decay_time'])).toMatch(/low < high/);
    expect(requestProblem({ ...decay(), fit: { t_min: 10, t_max: 1 } }, ['decay_time'])).toMatch(/t_min < t_max/);
    expect(keepPerField(1)).toBe(1_000_000);
    expect(keepPerField(25)).toBe(320_000);
    expect(keepPerField(1000)).toBe(100_000);
  });

  it('gives the curve the panel draws: expected counts of the fit sum to n over the window', () => {
    const acc = new HistogramAccumulator(['decay_time', 'counter']);
    acc.setView('a', decay());
    fill(acc, 2000);
    const u = acc.update('a')!;
    const f = u.fit!;
    const curve = expectedCounts({ tau: f.tau!, n: f.n, t_min: f.t_min, t_max: f.t_max }, { bins: 60, min: 0, max: 15000 });
    expect(curve.reduce((a, b) => a + b, 0)).toBeCloseTo(f.n, 6);
  });
});
