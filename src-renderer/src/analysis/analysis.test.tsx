// @vitest-environment jsdom
// The histogram and strip-chart panels against a MemoryBridge: what they ask
// the host for, what they show of its updates (events, τ ± σ, the fitted
// curve), and the CSV export. uPlot draws on no-op canvases here.
import '../../../test/support/renderer/jsdom-stubs';
import { afterEach, describe, expect, it } from 'vitest';
import type { BufferInfo, HistogramUpdate, SetupInfo } from '../../../src-shared/bridge/protocol';
import { expectedCounts } from '../../../src-shared/fit';
import { hello } from '../../../test/support/renderer/fixtures';
import { mount, type, type Mounted } from '../../../test/support/renderer/render';
import { AnalysisPanel } from './AnalysisPanel';
import { defaultHistogram, fitChi2, fitCurve, fitText, formatTau, histogramCsv, plotData } from './histogram-model';
import { formatValue } from './StripCharts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const rb3: BufferInfo = {
  name: 'RB_3',
  slots: 32,
  samples: 1,
  fields: [
    { name: 'decay_time', dtype: 'int32' },
    { name: '1st_chA_h', dtype: 'float64' },
  ],
  display: { units: { decay_time: 'ns' }, histogram: { field: 'decay_time', range: [0, 15000], bins: 60 } },
  groups: ['Fkt_3'],
  observed: false,
};
const wave: BufferInfo = { name: 'RB_1', slots: 8, samples: 100, fields: [{ name: 'chA', dtype: 'float32' }], groups: [], observed: false };
const setup: SetupInfo = { path: 'examples/muon/setup.yaml', buffers: [wave, rb3], problems: [], runnable: true };

function update(over: Partial<HistogramUpdate> = {}): HistogramUpdate {
  const counts = new Array(60).fill(0).map((_, i) => Math.round(100 * Math.exp(-(i * 250) / 2197)));
  const entries = counts.reduce((a, b) => a + b, 0);
  return {
    id: 'main',
    buffer: 'RB_3',
    field: 'decay_time',
    range: [0, 15000],
    counts,
    underflow: 2,
    overflow: 3,
    entries,
    invalid: 0,
    events: entries + 5,
    complete: true,
    final: false,
    fit: { tau: 2197.4, sigma: 87.2, n: 640, t_min: 400, t_max: 14000, converged: true, partial: false, kept: 645 },
    low: -3,
    high: 16000,
    ...over,
  };
}

const frames = () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

describe('histogram model', () => {
  it('defaults to the display hint with the lifetime fit window', () => {
    expect(defaultHistogram([wave, rb3])).toEqual({ buffer: 'RB_3', field: 'decay_time', bins: 60, range: [0, 15000], fit: { t_min: 400, t_max: 14000 } });
    const plain = { ...rb3, display: undefined };
    expect(defaultHistogram([plain])).toEqual({ buffer: 'RB_3', field: 'decay_time', bins: 50, range: [0, 100], fit: null });
    expect(defaultHistogram([wave])).toBeNull();
  });

  it('states τ ± σ in the axis unit, χ²/ndf and the expected value, n and the window; says why a fit failed', () => {
    expect(fitText(update().fit, 'ns')).toEqual(['τ = 2197 ± 87 ns', 'n = 640 in [400, 14000] ns']);
    expect(fitText(update().fit, 'ns', { chi2: { chi2: 50.04, ndf: 47 }, expected: 2197 })).toEqual(['τ = 2197 ± 87 ns', 'χ²/ndf = 50.0/47', 'expected 2197 ns: 0.0 σ off', 'n = 640 in [400, 14000] ns']);
    expect(formatTau(2.5, 0.013, 's')).toBe('2.500 ± 0.013 s');
    expect(fitText({ tau: null, sigma: null, n: 3, t_min: 400, t_max: 14000, converged: false, partial: true, kept: 10, message: 'no finite lifetime' }, 'ns')).toEqual([
      'τ: no fit',
      'n = 3 in [400, 14000] ns',
      'fit on the newest 10 values',
      'no finite lifetime',
    ]);
  });

  it('computes χ²/ndf of the curve against the counts in the fit window', () => {
    const u = update();
    const curve = fitCurve(u);
    // Counts equal to the curve give χ² = 0; ndf = bins in the window − 1 (τ).
    const exact = fitChi2({ ...u, counts: curve.map((c) => c ?? 0) })!;
    expect(exact.chi2).toBeCloseTo(0, 9);
    expect(exact.ndf).toBe(curve.filter((c) => c !== null && c > 0).length - 1);
    const off = fitChi2({ ...u, counts: curve.map((c) => (c ?? 0) + 10) })!;
    expect(off.chi2).toBeCloseTo(curve.reduce((s: number, c) => s + (c !== null && c > 0 ? 100 / c : 0), 0), 6);
    expect(fitChi2({ ...u, fit: null })).toBeNull();
  });

  it('draws the fitted curve from the shared model, only inside the fit window', () => {
    const u = update();
    const curve = fitCurve(u);
    const expected = expectedCounts({ tau: 2197.4, n: 640, t_min: 400, t_max: 14000 }, { bins: 60, min: 0, max: 15000 });
    expect(curve[0]).toBeNull(); // [0, 250) lies below t_min
    expect(curve[1]).toBeNull(); // [250, 500) lies partly outside: its share would look like a dip
    expect(curve[2]).toBeCloseTo(expected[2]!, 9); // [500, 750): a whole bin inside
    expect(curve[5]).toBeCloseTo(expected[5]!, 9);
    expect(curve[55]).toBeCloseTo(expected[55]!, 9); // [13750, 14000) ends at t_max
    expect(curve[56]).toBeNull(); // beyond t_max
    expect(curve[2]! / curve[3]!).toBeCloseTo(Math.exp(250 / 2197.4), 9);
    const log = plotData({ ...u, counts: [0, ...u.counts.slice(1)] }, true);
    expect(log.counts[0]).toBeNull();
    expect(log.x[0]).toBe(125);
    expect(fitCurve({ ...u, fit: null }).every((c) => c === null)).toBe(true);
  });

  it('exports CSV rows of bin, low, high, count whose counts sum to the events', () => {
    const u = update({ counts: [5, 0, 7], range: [0, 300], underflow: 1, overflow: 2, invalid: 1, entries: 12, events: 16 });
    const csv = histogramCsv(u);
    expect(csv).toBe('bin,low,high,count\nunderflow,,0,1\n1,0,100,5\n2,100,200,0\n3,200,300,7\noverflow,300,,2\nnan,,,1\n');
    const sum = csv.trim().split('\n').slice(1).reduce((n, r) => n + Number(r.split(',')[3]), 0);
    expect(sum).toBe(16);
  });
});

describe('analysis panel', () => {
  it('asks for the hinted histogram and the strip charts, and shows events, τ ± σ and the fit', async () => {
    m = await mount(<AnalysisPanel />, [hello({ setup })]);
    expect(m.container.querySelector('.oscilloscope')).not.toBeNull(); // a setup with waveforms opens on the oscilloscope
    await m.click('Histogram');
    await frames();
    const req = m.bridge.of('histogram').at(-1)!;
    expect(req).toMatchObject({ id: 'main', spec: { buffer: 'RB_3', field: 'decay_time', bins: 60, range: [0, 15000], fit: { t_min: 400, t_max: 14000 } } });
    // Every field is asked for (the panel shows each one's latest value); the charted ones are chosen here.
    expect(m.bridge.of('strip').at(-1)).toMatchObject({ buffer: 'RB_3' });
    expect(m.bridge.of('strip').at(-1)).not.toHaveProperty('fields');
    await m.emit({ type: 'histogram', histogram: update({ final: true }) });
    const panel = m.container.querySelector<HTMLElement>('[data-testid=histogram]')!;
    expect(panel.dataset.events).toBe(String(update().events));
    expect(panel.dataset.final).toBe('true');
    const fit = m.container.querySelector<HTMLElement>('[data-testid=histogram-fit]')!;
    expect(fit.textContent).toBe('τ = 2197 ± 87 ns (n = 640)');
    expect(fit.dataset.tau).toBe('2197.4');
    expect(m.container.textContent).toContain('underflow 2');
    expect(m.container.textContent).toContain('overflow 3');
  });

  it('sends a changed binning on Enter and refuses nonsense in place', async () => {
    m = await mount(<AnalysisPanel />, [hello({ setup })]);
    await m.click('Histogram');
    const bins = m.container.querySelector<HTMLInputElement>('input[aria-label=Bins]')!;
    await type(bins, '30');
    await m.emit(); // flush
    bins.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await frames();
    expect(m.bridge.of('histogram').at(-1)!.spec).toMatchObject({ bins: 30, range: [0, 15000] });
    const before = m.bridge.of('histogram').length;
    const to = m.container.querySelector<HTMLInputElement>('input[aria-label=To]')!;
    await type(to, '-5');
    to.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await frames();
    expect(m.bridge.of('histogram').length).toBe(before);
    expect(m.container.querySelector('[role=alert]')!.textContent).toBe('To must be above From (0)');
  });

  it('shows strip-chart values in large digits from the host buckets', async () => {
    m = await mount(<AnalysisPanel />, [hello({ setup })]);
    await m.click('Strip charts');
    await m.emit({
      type: 'strip',
      strip: { buffer: 'RB_3', fields: ['decay_time', '1st_chA_h'], reset: true, history: { fields: ['decay_time', '1st_chA_h'], tiers: [{ width: 100, span: 60000, buckets: [] }, { width: 1000, span: 600000, buckets: [] }, { width: 1000, span: null, buckets: [] }] }, buckets: [], latest: null, events: 0, final: false },
    });
    await m.emit({
      type: 'strip',
      strip: { buffer: 'RB_3', fields: ['decay_time', '1st_chA_h'], reset: false, buckets: [{ t: 1000, dt: 100, n: 2, min: [1500, 0.5], max: [2500, 0.75] }], latest: { t: 1050, values: [2500, 0.75] }, events: 2, final: false },
    });
    await frames();
    const values = [...m.container.querySelectorAll<HTMLElement>('[data-testid=strip-value]')].map((e) => [e.dataset.field, e.textContent]);
    expect(values).toEqual([
      ['decay_time', '2,500'],
      ['1st_chA_h', '0.7500'],
    ]);
    expect(m.container.querySelector<HTMLElement>('[data-testid=strip-events]')!.dataset.value).toBe('2');
    expect(formatValue(Number.NaN)).toBe('–');
    expect(formatValue(12345.678)).toBe('12346');
    expect(formatValue(3.14159)).toBe('3.1416');
  });
});

describe('strip charts opened after the run', () => {
  it('show the events counted while the tab was hidden', async () => {
    m = await mount(<AnalysisPanel />, [hello({ setup })]);
    const fields = ['decay_time', '1st_chA_h'];
    const tiers = [{ width: 100, span: 60000, buckets: [] }, { width: 1000, span: 600000, buckets: [] }, { width: 1000, span: null, buckets: [] }];
    await m.emit({ type: 'strip', strip: { buffer: 'RB_3', fields, reset: true, history: { fields, tiers }, buckets: [], latest: null, events: 0, final: false } });
    await m.emit({
      type: 'strip',
      strip: { buffer: 'RB_3', fields, reset: false, buckets: [{ t: 1000, dt: 100, n: 407, min: [100, 0.5], max: [9000, 0.9] }], latest: { t: 1050, values: [2500, 0.75] }, events: 407, final: true },
    });
    // Only now the tab opens: no update follows the run's last one.
    await m.click('Strip charts');
    await frames();
    const shown = m.container.querySelector<HTMLElement>('[data-testid=strip-events]')!;
    expect(shown.dataset.value).toBe('407');
    expect(shown.textContent).toBe('407 events (run ended)');
  });
});

describe('a field without a hinted range', () => {
  it('takes its range from the first values counted, once', async () => {
    const sensors: BufferInfo = { name: 'RB_1', slots: 16, samples: 1, fields: [{ name: 'cpu', dtype: 'float64' }], groups: ['Fkt_2'], observed: false };
    m = await mount(<AnalysisPanel />, [hello({ setup: { ...setup, buffers: [sensors] } })]);
    expect(m.bridge.of('histogram').at(-1)!.spec).toMatchObject({ field: 'cpu', bins: 50, range: [0, 100] });
    await m.emit({ type: 'histogram', histogram: update({ buffer: 'RB_1', field: 'cpu', counts: new Array(50).fill(0), range: [0, 100], events: 3, low: 10, high: 60, fit: null }) });
    await frames();
    expect(m.bridge.of('histogram').at(-1)!.spec).toMatchObject({ range: [10, 61] });
    // It widens while few values are in …
    await m.emit({ type: 'histogram', histogram: update({ buffer: 'RB_1', field: 'cpu', counts: new Array(50).fill(0), range: [10, 61], underflow: 1, events: 4, low: 5, high: 60, fit: null }) });
    expect(m.bridge.of('histogram').at(-1)!.spec).toMatchObject({ range: [5, 61.1] });
    // … and stays once AUTO_RANGE_EVENTS are counted.
    await m.emit({ type: 'histogram', histogram: update({ buffer: 'RB_1', field: 'cpu', counts: new Array(50).fill(0), range: [5, 61.1], underflow: 0, overflow: 0, entries: 100, events: 100, low: 5, high: 60, fit: null }) });
    const n = m.bridge.of('histogram').length;
    await m.emit({ type: 'histogram', histogram: update({ buffer: 'RB_1', field: 'cpu', counts: new Array(50).fill(0), range: [5, 61.1], overflow: 1, events: 101, low: 5, high: 99, fit: null }) });
    expect(m.bridge.of('histogram').length).toBe(n);
  });
});
