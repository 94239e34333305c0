// What the oscilloscope draws for a buffer, from its layout and display hints:
// one trace per field with a fixed colour, the time axis in µs (zero at the
// pre-trigger position), the trigger level. Pure, so it is tested without a DOM.
import type { BufferInfo, SampleArray, Snapshot } from '../../../src-shared/bridge/protocol';

/** Trace colours by field position (a display hint `colors: {chA: …}` overrides). */
export const CHANNEL_COLORS = ['#1f6fd1', '#d62728', '#1a9641', '#8e44ad', '#b8860b', '#e377c2', '#17becf', '#7f7f7f'];

/** Colour of the trigger-level and trigger-position markers. */
export const MARKER_COLOR = '#f28e00';

export interface ScopeChannel {
  name: string;
  color: string;
  unit: string;
}

export interface ScopeLayout {
  buffer: string;
  samples: number;
  channels: ScopeChannel[];
  /** Time per sample in µs, or null when the buffer gives none (the axis counts samples). */
  sampleTimeUs: number | null;
  /** Sample index of the trigger (time zero); null when not given. */
  preTrigger: number | null;
  triggerLevel: number | null;
  xLabel: string;
  yLabel: string;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The oscilloscope's view of a buffer. */
export function scopeLayout(info: BufferInfo): ScopeLayout {
  const d = info.display ?? {};
  const colors = (typeof d.colors === 'object' && d.colors !== null ? d.colors : {}) as Record<string, unknown>;
  const units = d.units;
  const unitOf = (name: string): string =>
    typeof units === 'string' ? units : typeof units === 'object' && units !== null && typeof (units as Record<string, unknown>)[name] === 'string' ? ((units as Record<string, string>)[name]) : '';
  const channels = info.fields.map((f, i) => ({
    name: f.name,
    color: typeof colors[f.name] === 'string' ? (colors[f.name] as string) : CHANNEL_COLORS[i % CHANNEL_COLORS.length],
    unit: unitOf(f.name),
  }));
  const ns = num(d.sample_time_ns);
  const sampleTimeUs = ns !== null && ns > 0 ? ns / 1000 : null;
  const preTrigger = num(d.pre_trigger_samples);
  const distinctUnits = [...new Set(channels.map((c) => c.unit).filter(Boolean))];
  return {
    buffer: info.name,
    samples: info.samples,
    channels,
    sampleTimeUs,
    preTrigger,
    triggerLevel: num(d.trigger_level),
    xLabel: sampleTimeUs !== null ? (preTrigger !== null ? 'time after trigger (µs)' : 'time (µs)') : 'sample',
    yLabel: distinctUnits.length === 1 ? distinctUnits[0] : distinctUnits.length > 1 ? distinctUnits.join(' / ') : 'value',
  };
}

/** The x values for n samples: µs from the trigger, or sample numbers. */
export function timeAxis(layout: ScopeLayout, n: number): Float64Array {
  const x = new Float64Array(n);
  const pre = layout.preTrigger ?? 0;
  const dt = layout.sampleTimeUs ?? 1;
  for (let i = 0; i < n; i++) x[i] = (i - pre) * dt;
  return x;
}

type Plottable = Exclude<SampleArray, BigInt64Array | BigUint64Array>;

/** Builds uPlot's data from snapshots, reusing its arrays from frame to frame. */
export class ScopeData {
  private x: Float64Array;
  private readonly converted = new Map<string, Float64Array>();
  private readonly empty = new Float64Array(0);

  constructor(private readonly layout: ScopeLayout) {
    this.x = timeAxis(layout, layout.samples);
  }

  /** The x values currently used. */
  get time(): Float64Array {
    return this.x;
  }

  /** [x, trace per channel]; samples arrays are used as they are (no copy) unless 64-bit. */
  arrays(s: Snapshot): [Float64Array, ...(Plottable | Float64Array)[]] {
    let n = 0;
    const ys = this.layout.channels.map((c) => {
      const f = s.fields.find((g) => g.name === c.name);
      if (!f) return this.empty;
      n = Math.max(n, f.data.length);
      if (f.data instanceof BigInt64Array || f.data instanceof BigUint64Array) {
        let out = this.converted.get(c.name);
        if (!out || out.length !== f.data.length) this.converted.set(c.name, (out = new Float64Array(f.data.length)));
        for (let i = 0; i < out.length; i++) out[i] = Number(f.data[i]);
        return out;
      }
      return f.data as Plottable;
    });
    if (n !== this.x.length && n > 0) this.x = timeAxis(this.layout, n);
    return [this.x, ...ys];
  }
}
