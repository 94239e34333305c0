// Histogram readers in the real engine with real worker threads: every event
// of a buffer is counted (entries == written), the reader group reconciles in
// run.json, views change while running and after the end, and runs started
// without histograms (the CLI) have no reader at all.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StripHistory } from '../../src-shared/analysis';
import type { HistogramUpdate, StripUpdate } from '../../src-shared/bridge/protocol';
import type { RunSummary } from '../../src-shared/engine/status';
import type { Engine } from './engine';
import { loadEngine } from './load';

const root = join(import.meta.dirname, '..', '..');
const counting = join(root, 'examples/counting/setup.yaml');
const paced = join(root, 'test/fixtures/engine/paced.yaml');
const out = mkdtempSync(join(tmpdir(), 'ringscope-histograms-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function load(setup: string): Promise<Engine> {
  const { engine, problems } = await loadEngine(setup);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  return engine!;
}

/** Collects a subscription's updates; `next(pred)` resolves with the first (from now) that matches. */
function recorder<T>() {
  const all: T[] = [];
  let waiters: { pred: (u: T) => boolean; ok: (u: T) => void }[] = [];
  return {
    all,
    push: (u: T) => {
      all.push(u);
      waiters = waiters.filter((w) => (w.pred(u) ? (w.ok(u), false) : true));
    },
    next: (pred: (u: T) => boolean) => new Promise<T>((ok) => waiters.push({ pred, ok })),
  };
}

describe('histogram readers', () => {
  it('count every event of the counting pipeline: entries == written, the group reconciles, re-binning after the end is exact', async () => {
    const engine = await load(counting);
    const values = recorder<HistogramUpdate>();
    const squares = recorder<HistogramUpdate>();
    const strips = recorder<StripUpdate>();
    const v = engine.histogram({ buffer: 'RB_1', field: 'value', bins: 30, range: [0, 3000] }, values.push);
    engine.histogram({ buffer: 'RB_2', field: 'square', bins: 10, range: [0, 1e6] }, squares.push);
    engine.strip('RB_2', ['square'], strips.push);
    expect(values.all.at(-1)).toMatchObject({ events: 0, final: false });
    await engine.start({ outputDirectory: out, runevents: 3000, histograms: true });
    const summary = await engine.waitForEnd();
    expect(summary.buffers.RB_1.written).toBe(3000);
    for (const b of ['RB_1', 'RB_2']) expect(summary.buffers[b].released.histogram).toBe(summary.buffers[b].written);
    const onDisk = JSON.parse(readFileSync(join(summary.run_directory, 'run.json'), 'utf8')) as RunSummary;
    expect(onDisk.buffers.RB_2.released).toEqual({ Fkt_3: 3000, histogram: 3000 });

    const last = values.all.at(-1)!;
    expect(last).toMatchObject({ final: true, complete: true, events: 3000, entries: 3000, underflow: 0, overflow: 0, invalid: 0 });
    expect(last.counts).toEqual(new Array(30).fill(100));
    const sq = squares.all.at(-1)!;
    expect(sq).toMatchObject({ final: true, events: summary.buffers.RB_2.written, entries: 1000, overflow: 2000 });

    // Strip charts: every event is in some bucket, min and max are the true extremes.
    const history = StripHistory.fromJSON(strips.all[0]!.history!);
    for (const u of strips.all.slice(1)) {
      if (u.reset) continue;
      for (const b of u.buckets) history.add(b);
    }
    const run = history.bucketsFor(null);
    expect(run.reduce((n, b) => n + b.n, 0)).toBe(3000);
    expect(Math.min(...run.map((b) => b.min[0]!))).toBe(0);
    expect(Math.max(...run.map((b) => b.max[0]!))).toBe(2999 * 2999);
    expect(strips.all.at(-1)).toMatchObject({ final: true, events: 3000, latest: { values: [expect.any(Number)] } });

    // After the end the kept values re-bin exactly.
    v.set({ buffer: 'RB_1', field: 'value', bins: 3, range: [0, 1500] });
    expect(values.all.at(-1)).toMatchObject({ final: true, complete: true, counts: [500, 500, 500], overflow: 1500, events: 3000 });
    // A page that subscribes after the end gets the history and the final counts.
    const late = recorder<HistogramUpdate>();
    engine.histogram({ buffer: 'RB_2', field: 'value', bins: 1, range: [0, 3000], fit: { t_min: 0, t_max: 3000 } }, late.push);
    expect(late.all[0]).toMatchObject({ final: true, events: 3000, counts: [3000] });
    expect(late.all[0]!.fit!.n).toBe(3000);
    // flat values: the fitted lifetime is far longer than the window
    expect(late.all[0]!.fit!.tau ?? Infinity).toBeGreaterThan(10_000);
    const lateStrip = recorder<StripUpdate>();
    engine.strip('RB_2', null, lateStrip.push);
    expect(lateStrip.all[0]).toMatchObject({ reset: true, fields: ['value', 'square'], events: 3000, final: true });
    await engine.close();
  });

  it('take view changes while running (re-binned, still complete) and count the run to its last event', async () => {
    const engine = await load(paced);
    const u = recorder<HistogramUpdate>();
    const v = engine.histogram({ buffer: 'RB_1', field: 'value', bins: 10, range: [0, 100] }, u.push);
    await engine.start({ outputDirectory: out, histograms: ['RB_1'] });
    const before = await u.next((x) => x.events >= 30);
    v.set({ buffer: 'RB_1', field: 'value', bins: 5, range: [0, 50] });
    const after = await u.next((x) => x.counts.length === 5);
    expect(after.complete).toBe(true);
    expect(after.events).toBeGreaterThanOrEqual(before.events);
    expect(after.entries + after.overflow).toBe(after.events);
    await u.next((x) => x.counts.length === 5 && x.events > after.events);
    const summary = await engine.stop();
    const last = u.all.at(-1)!;
    expect(last.final).toBe(true);
    expect(last.events).toBe(summary.buffers.RB_1.written);
    expect(summary.buffers.RB_1.released.histogram).toBe(summary.buffers.RB_1.written);
    await engine.close();
  });

  it('are absent from runs started without them (the CLI), and say so to a view', async () => {
    const engine = await load(counting);
    const u = recorder<HistogramUpdate>();
    engine.histogram({ buffer: 'RB_1', field: 'value', bins: 10, range: [0, 100] }, u.push);
    expect(() => engine.histogram({ buffer: 'RB_1', field: 'nope', bins: 10, range: [0, 1] }, () => {})).toThrow(/RB_1 has no field "nope"/);
    expect(() => engine.strip('RB_9', null, () => {})).toThrow(/RB_9 does not exist/);
    await engine.start({ outputDirectory: out, runevents: 500 });
    const summary = await engine.waitForEnd();
    expect(Object.keys(summary.buffers.RB_1.released)).toEqual(['Fkt_2']);
    expect(u.all.at(-1)!.note).toMatch(/started without a histogram reader on RB_1/);
    await engine.close();
  });
});
