// @vitest-environment jsdom
// uPlot runs on no-op canvas stubs here: these tests cover the controls, the
// draw loop's flow control and the plot's data, not pixels (e2e reads those).
import '../../../test/support/renderer/jsdom-stubs';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src-shared/bridge/protocol';
import { hello } from '../../../test/support/renderer/fixtures';
import { mount, type Mounted } from '../../../test/support/renderer/render';
import { Oscilloscope } from './Oscilloscope';
import { ScopeData, scopeLayout, timeAxis } from './scope-layout';
import { cursorText, fmtValue, FramePacer, placeCursor } from './scope-measure';
import { buffers } from '../../../test/support/renderer/fixtures';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
  // The chosen buffer is remembered per setup; each test starts without.
  localStorage.clear();
});

function snap(seq: number, buffer = 'RB_2'): Snapshot {
  return {
    buffer,
    seq,
    counter: seq,
    timestamp: 0,
    deadtime: 0,
    fields: ['chA', 'chB', 'chC', 'chD'].map((name, k) => ({ name, dtype: 'float32' as const, data: Float32Array.from({ length: 100 }, (_, i) => -480 + k + (i === 25 ? 200 : 0)) })),
  };
}

const frames = () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

describe('Oscilloscope', () => {
  it('has one toggle per channel in its fixed colour, and toggles traces', async () => {
    m = await mount(<Oscilloscope />, [hello()]);
    const toggles = [...m.container.querySelectorAll<HTMLElement>('.channel-toggle')];
    expect(toggles.map((t) => [t.dataset.channel, t.dataset.color])).toEqual([
      ['chA', '#1f6fd1'],
      ['chB', '#d62728'],
      ['chC', '#1a9641'],
      ['chD', '#8e44ad'],
    ]);
    const box = toggles[1].querySelector('input')!;
    await act(async () => box.click());
    expect(box.checked).toBe(false);
    expect(m.container.querySelector('.uplot')).not.toBeNull();
  });

  it('draws snapshots from its frame loop and acknowledges them; Stop keeps the picture, Single takes the next event and stops', async () => {
    m = await mount(<Oscilloscope />, [hello()]);
    const plot = m.container.querySelector<HTMLElement>('[data-testid=scope-plot]')!;
    expect(plot.dataset.buffer).toBe('RB_2');
    expect(m.container.querySelector('[data-testid=scope-empty]')!.textContent).toBe('Press Start to see the waveforms.');
    await m.emit({ type: 'snapshot', snapshot: snap(1) });
    await act(frames);
    expect(plot.dataset.counter).toBe('1');
    expect(m.bridge.of('snapshot_ack')).toEqual([{ type: 'snapshot_ack', count: 1 }]);
    expect(m.container.querySelector('[data-testid=scope-empty]')).toBeNull();
    expect(m.container.querySelector('[data-testid=scope-event]')!.textContent).toMatch(/^event 1 · \d\d:\d\d:\d\d\.\d{3}$/);

    await m.click('Scope stop');
    expect(m.container.querySelector('[aria-label=Acquisition]')!.getAttribute('data-mode')).toBe('stop');
    await m.emit({ type: 'snapshot', snapshot: snap(2) }, { type: 'snapshot', snapshot: snap(3) });
    await act(frames);
    expect(plot.dataset.counter).toBe('1'); // kept
    expect(m.bridge.of('snapshot_ack').at(-1)).toEqual({ type: 'snapshot_ack', count: 2 }); // still consumed
    await m.click('Scope single');
    await m.emit({ type: 'snapshot', snapshot: snap(4) });
    await act(frames);
    expect(plot.dataset.counter).toBe('4');
    expect(m.container.querySelector('[aria-label=Acquisition]')!.getAttribute('data-mode')).toBe('stop');
    await m.emit({ type: 'snapshot', snapshot: snap(5) });
    await act(frames);
    expect(plot.dataset.counter).toBe('4');
    await m.click('Scope run');
    await m.emit({ type: 'snapshot', snapshot: snap(6) });
    await act(frames);
    expect(plot.dataset.counter).toBe('6');
  });

  it('shows only events that reach the trigger level, and says it waits for one', async () => {
    m = await mount(<Oscilloscope />, [hello()]);
    const plot = m.container.querySelector<HTMLElement>('[data-testid=scope-plot]')!;
    const flat = snap(7);
    for (const f of flat.fields) (f.data as Float32Array).fill(-480);
    await m.emit({ type: 'snapshot', snapshot: flat });
    await act(frames);
    expect(plot.dataset.counter).toBeUndefined();
    expect(plot.dataset.waiting).toBe('1');
    expect(m.container.querySelector('[data-testid=scope-event]')!.textContent).toBe('waiting for the trigger: 1 event(s) did not reach -440.0 mV');
    await m.emit({ type: 'snapshot', snapshot: snap(8) });
    await act(frames);
    expect(plot.dataset.counter).toBe('8');
  });

  it('refuses to export an empty plot as PNG, saying why', async () => {
    m = await mount(<Oscilloscope />, [hello()]);
    await m.click('PNG');
    expect(m.container.querySelector('[data-testid=scope-png-refused]')!.textContent).toContain('Nothing to export yet');
  });

  it('switches buffers by subscribing, and explains a buffer of single values', async () => {
    m = await mount(<Oscilloscope />, [hello()]);
    const select = m.container.querySelector('select')!;
    expect([...select.options].map((o) => o.textContent)).toEqual(['RB_1 (4 × 100)', 'RB_2 (4 × 100)', 'RB_3']);
    // A chosen buffer is remembered for this setup.
    await act(async () => {
      select.value = 'RB_3';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(m.bridge.of('subscribe').at(-1)).toMatchObject({ buffer: 'RB_3' });
    expect(m.container.textContent).toContain('RB_3 holds single values per event');
    expect(m.container.querySelector('.uplot')).toBeNull();
    m.unmount();
    m = await mount(<Oscilloscope />, [hello()]);
    expect(m.container.querySelector('select')!.value).toBe('RB_3');
  });

  it('offers fixed y bounds', async () => {
    m = await mount(<Oscilloscope />, [hello()]);
    const auto = m.container.querySelector<HTMLInputElement>('.y-scale input[type=checkbox]')!;
    await act(async () => auto.click());
    expect(m.container.querySelector('[aria-label="y minimum"]')).not.toBeNull();
    expect((m.container.querySelector('[aria-label="y maximum"]') as HTMLInputElement).value).toBe('0');
  });
});

describe('scope layout', () => {
  it('puts time zero at the trigger, in µs, with the trigger level and units', () => {
    const l = scopeLayout(buffers[1]);
    expect(l).toMatchObject({ buffer: 'RB_2', sampleTimeUs: 0.004, preTrigger: 25, triggerLevel: -440, yLabel: 'mV', xLabel: 'time after trigger (µs)' });
    const x = timeAxis(l, 100);
    expect(x[25]).toBe(0);
    expect(x[0]).toBeCloseTo(-0.1);
    expect(x[99]).toBeCloseTo(0.296);
  });

  it('counts samples without a sample time, and takes colours from the hints', () => {
    const l = scopeLayout({ ...buffers[0], display: { colors: { chB: 'black' }, units: { chA: 'V', chB: 'mV' } } });
    expect(l.xLabel).toBe('sample');
    expect(l.channels[1].color).toBe('black');
    expect(l.yLabel).toBe('V / mV');
    expect(timeAxis(l, 3)).toEqual(Float64Array.of(0, 1, 2));
  });

  it('hands samples to the plot without copying, converting only 64-bit fields', () => {
    const l = scopeLayout({ ...buffers[0], fields: [{ name: 'a', dtype: 'float32' }, { name: 'b', dtype: 'int64' }, { name: 'c', dtype: 'int16' }] });
    const d = new ScopeData(l);
    const a = new Float32Array(100);
    const [x, ya, yb, yc] = d.arrays({
      buffer: 'RB_1',
      seq: 1,
      counter: 1,
      timestamp: 0,
      deadtime: 0,
      fields: [
        { name: 'a', dtype: 'float32', data: a },
        { name: 'b', dtype: 'int64', data: BigInt64Array.from({ length: 100 }, (_, i) => BigInt(i)) },
      ],
    });
    expect(x).toHaveLength(100);
    expect(ya).toBe(a);
    expect(yb).toBeInstanceOf(Float64Array);
    expect(yb[99]).toBe(99);
    expect(yc).toHaveLength(0);
  });
});

describe('scope measuring', () => {
  const l = scopeLayout(buffers[1]);
  it('places cursor A, then B, then moves the nearer; reads Δt and ΔV in units', () => {
    let c = placeCursor({ a: null, b: null }, { x: 0.1, y: -440 });
    expect(cursorText(c, l)).toBe('A: 0.100 µs, -440.0 mV');
    c = placeCursor(c, { x: 2.3, y: -300 });
    expect(cursorText(c, l)).toBe('A: 0.100 µs, -440.0 mV   B: 2.300 µs, -300.0 mV   Δt = 2.200 µs   1/Δt = 0.455 MHz   ΔV = 140.0 mV');
    c = placeCursor(c, { x: 2, y: -350 });
    expect(c.a!.x).toBe(0.1);
    expect(c.b!.x).toBe(2);
  });

  it('never writes a negative zero', () => {
    expect(fmtValue(-0)).toBe('0');
    expect(fmtValue(-1e-15)).toBe('0');
    expect(fmtValue(-0.0001)).toBe('-1.000e-4');
  });

  it('skips frames when drawing takes long, and draws again once the time has passed', () => {
    const p = new FramePacer(0.5);
    expect(p.mayDraw(0)).toBe(true);
    p.drew(40, 40);
    expect(p.mayDraw(60)).toBe(false);
    expect(p.mayDraw(120)).toBe(true);
  });
});
