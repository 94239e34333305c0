// What the engine's histogram reader keeps of a scalar buffer: every event's
// field values (the newest of them, see ValueStore) and the histograms that
// hosts asked for ("views"), each with its unbinned lifetime fit. Pure: the
// same class runs in the reader thread while a run goes on and in the engine
// afterwards, from the values the reader handed over at the end.
import { MAX_HISTOGRAM_BINS, type HistogramFitResult, type HistogramRequest, type HistogramUpdate } from '../bridge/protocol';
import { Histogram } from '../fit/histogram';
import { fitLifetime, type LifetimeFit } from '../fit/lifetime';
import { ValueStore } from './values';

/** Most values kept per field, whatever the number of fields. */
export const KEEP_MAX = 1_000_000;
/** Fewest values kept per field. */
export const KEEP_MIN = 100_000;
/** Values kept per buffer in all (8 bytes each): 64 MB. */
export const KEEP_BUDGET = 8_000_000;

/** Values kept per field for a buffer of `fields` fields. */
export function keepPerField(fields: number): number {
  return Math.min(KEEP_MAX, Math.max(KEEP_MIN, Math.floor(KEEP_BUDGET / Math.max(1, fields))));
}

/** A histogram a host asked for, by its key. */
export interface ViewSpec {
  key: string;
  request: HistogramRequest;
}

interface View {
  key: string;
  request: HistogramRequest;
  field: number;
  hist: Histogram;
  /** Index (in the field's pushing order) of the first value counted. */
  start: number;
  /** Smallest and largest finite value counted. */
  low: number;
  high: number;
  note?: string;
  fit: { atTotal: number; result: HistogramFitResult | null; ms: number } | null;
}

const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

/** A LifetimeFit as it travels (non-finite numbers as null). */
export function fitResult(f: LifetimeFit, kept: number, partial: boolean): HistogramFitResult {
  const r: HistogramFitResult = { tau: finite(f.tau), sigma: finite(f.sigma), n: f.n, t_min: f.t_min, t_max: f.t_max, converged: f.converged, partial, kept };
  if (f.message) r.message = f.message;
  if (f.background_fraction !== undefined) {
    r.background_fraction = finite(f.background_fraction);
    r.background_sigma = finite(f.background_sigma);
  }
  return r;
}

/** Checks a request against the buffer's fields; returns the problem in plain words, or null. */
export function requestProblem(req: HistogramRequest, fields: readonly string[]): string | null {
  if (!fields.includes(req.field)) return `${req.buffer} has no field "${req.field}" (fields: ${fields.join(', ')})`;
  if (!Number.isInteger(req.bins) || req.bins < 1 || req.bins > MAX_HISTOGRAM_BINS) return `bins must be a whole number from 1 to ${MAX_HISTOGRAM_BINS}, got ${req.bins}`;
  const [lo, hi] = req.range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) return `the range needs low < high, got [${lo}, ${hi}]`;
  if (req.fit) {
    const { t_min, t_max } = req.fit;
    if (!Number.isFinite(t_min) || !Number.isFinite(t_max) || !(t_min < t_max)) return `the fit window needs t_min < t_max, got [${t_min}, ${t_max}]`;
  }
  return null;
}

/** Field values and histograms of one scalar buffer, fed event by event. */
export class HistogramAccumulator {
  readonly fields: readonly string[];
  readonly stores: ValueStore[];
  private readonly views = new Map<string, View>();
  /** Events added. */
  events = 0;
  /** True once no more events come (the run ended): changed views re-bin from the kept values. */
  ended = false;

  constructor(fields: readonly string[], keep = keepPerField(fields.length)) {
    this.fields = [...fields];
    this.stores = this.fields.map(() => new ValueStore(keep));
  }

  /** An ended accumulator holding what a reader handed over: each field's kept values out of `events`. */
  static restore(fields: readonly string[], kept: Float64Array[], events: number): HistogramAccumulator {
    const a = new HistogramAccumulator(fields, 1);
    kept.forEach((v, i) => (a.stores[i] = ValueStore.from(v, events, keepPerField(fields.length))));
    a.events = events;
    a.ended = true;
    return a;
  }

  /** Adds one event: its values in field order. */
  add(values: ArrayLike<number>): void {
    for (let i = 0; i < this.stores.length; i++) this.stores[i]!.push(values[i]!);
    for (const v of this.views.values()) {
      const x = values[v.field]!;
      v.hist.add(x);
      if (x < v.low) v.low = x;
      if (x > v.high) v.high = x;
    }
    this.events++;
  }

  /** Makes the views exactly these (unchanged ones keep counting; new or changed ones are rebuilt). */
  setViews(specs: readonly ViewSpec[]): void {
    const keys = new Set(specs.map((s) => s.key));
    for (const k of [...this.views.keys()]) if (!keys.has(k)) this.views.delete(k);
    for (const s of specs) this.setView(s.key, s.request);
  }

  /** Adds or changes one view: re-binned from the kept values where they cover it, else counting restarts (says so in `note`). */
  setView(key: string, request: HistogramRequest): void {
    const old = this.views.get(key);
    if (old && JSON.stringify(old.request) === JSON.stringify(request)) return;
    const field = this.fields.indexOf(request.field);
    const problem = requestProblem(request, this.fields);
    if (problem) throw new RangeError(problem);
    const store = this.stores[field]!;
    const hist = new Histogram({ bins: request.bins, min: request.range[0], max: request.range[1] });
    // Same field: keep the view's own start (it may have restarted before).
    let start = old && old.field === field ? old.start : 0;
    let note = old && old.field === field ? old.note : undefined;
    if (start < store.first) {
      if (this.ended) {
        start = store.first;
        note = `made from the newest ${store.kept.toLocaleString('en-US')} of ${store.total.toLocaleString('en-US')} values (older ones are not kept)`;
      } else {
        start = store.total;
        note = `counting restarted at event ${store.total.toLocaleString('en-US')}: only the newest ${store.kept.toLocaleString('en-US')} values are kept, too few to re-bin the whole run`;
      }
    }
    const counted = store.since(start);
    hist.addMany(counted);
    let low = Infinity;
    let high = -Infinity;
    for (let i = 0; i < counted.length; i++) {
      const x = counted[i]!;
      if (x < low) low = x;
      if (x > high) high = x;
    }
    this.views.set(key, { key, request: structuredClone(request), field, hist, start, low, high, note, fit: null });
  }

  /** Removes a view. */
  dropView(key: string): void {
    this.views.delete(key);
  }

  /** The keys of the views. */
  viewKeys(): string[] {
    return [...this.views.keys()];
  }

  /** The view's current contents and fit (refit only when values came in or the view changed, and `refit` allows). */
  update(key: string, final = false, refit = true): HistogramUpdate | null {
    const v = this.views.get(key);
    if (!v) return null;
    const h = v.hist;
    const entries = h.entries;
    const store = this.stores[v.field]!;
    let fit: HistogramFitResult | null = null;
    const spec = v.request.fit;
    if (spec) {
      if (!v.fit || (refit && v.fit.atTotal !== store.total)) {
        const t0 = performance.now();
        const values = store.since(v.start);
        const partial = store.first > v.start;
        const f = fitLifetime(values, { t_min: spec.t_min, t_max: spec.t_max, background: spec.background === true });
        v.fit = { atTotal: store.total, result: fitResult(f, values.length, partial), ms: performance.now() - t0 };
      }
      fit = v.fit.result;
    }
    const u: HistogramUpdate = {
      id: key,
      buffer: v.request.buffer,
      field: v.request.field,
      range: [h.min, h.max],
      counts: Array.from(h.counts),
      underflow: h.underflow,
      overflow: h.overflow,
      entries,
      invalid: h.invalid,
      events: entries + h.underflow + h.overflow + h.invalid,
      complete: v.start === 0,
      final,
      fit,
      low: finite(v.low),
      high: finite(v.high),
    };
    if (v.note) u.note = v.note;
    return u;
  }

  /** Milliseconds the view's last fit took (0 without a fit): the reader spaces fits by it. */
  fitCost(key: string): number {
    return this.views.get(key)?.fit?.ms ?? 0;
  }

  /** True when the view's fit is older than its values. */
  fitStale(key: string): boolean {
    const v = this.views.get(key);
    return !!v?.request.fit && (!v.fit || v.fit.atTotal !== this.stores[v.field]!.total);
  }
}
