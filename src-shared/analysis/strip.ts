// Strip-chart data: the min and max of every field of a scalar buffer per time
// bucket, made from every event by the engine's histogram reader (so no spike
// is lost between display frames), kept in tiers for three views — the last
// minute (100 ms buckets), the last ten minutes (1 s) and the whole run
// (buckets that double in width to stay under a bound) — and cut down to the
// plot's pixel columns for drawing.
import { STRIP_BUCKET_MS, type StripBucket, type StripHistoryData } from '../bridge/protocol';

/** One tier: buckets of `width` ms; `span` ms kept (null: the whole run, at most `maxBuckets`, widening as needed). */
export interface TierSpec {
  width: number;
  span: number | null;
  maxBuckets?: number;
}

/** Last minute at 100 ms, last ten minutes at 1 s, the whole run in at most 1200 buckets. */
export const DEFAULT_TIERS: readonly TierSpec[] = [
  { width: STRIP_BUCKET_MS, span: 60_000 },
  { width: 1000, span: 600_000 },
  { width: 1000, span: null, maxBuckets: 1200 },
];

/** The strip-chart windows the UI offers, in ms (null: the whole run). */
export const STRIP_WINDOWS: readonly { label: string; ms: number | null }[] = [
  { label: 'last 1 min', ms: 60_000 },
  { label: 'last 10 min', ms: 600_000 },
  { label: 'run', ms: null },
];

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}
function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** Folds bucket `b` into `into` (same or coarser time slot). */
export function mergeBucket(into: StripBucket, b: StripBucket): void {
  into.n += b.n;
  for (let i = 0; i < into.min.length; i++) {
    into.min[i] = minOf(into.min[i] ?? null, b.min[i] ?? null);
    into.max[i] = maxOf(into.max[i] ?? null, b.max[i] ?? null);
  }
}

/** Collects events into STRIP_BUCKET_MS buckets (the reader's side). */
export class StripAggregator {
  private current: StripBucket | null = null;
  private done: StripBucket[] = [];
  latest: { t: number; values: (number | null)[] } | null = null;

  constructor(private readonly fields: number) {}

  /** Adds one event: its timestamp (ms) and values in field order. */
  add(t: number, values: ArrayLike<number>): void {
    const slot = Math.floor(t / STRIP_BUCKET_MS) * STRIP_BUCKET_MS;
    let b = this.current;
    if (!b || b.t !== slot) {
      if (b) this.done.push(b);
      b = this.current = { t: slot, dt: STRIP_BUCKET_MS, n: 0, min: new Array(this.fields).fill(null), max: new Array(this.fields).fill(null) };
    }
    b.n++;
    const latest: (number | null)[] = new Array(this.fields);
    for (let i = 0; i < this.fields; i++) {
      const x = values[i]!;
      if (Number.isFinite(x)) {
        const lo = b.min[i];
        const hi = b.max[i];
        if (lo === null || x < lo!) b.min[i] = x;
        if (hi === null || x > hi!) b.max[i] = x;
        latest[i] = x;
      } else latest[i] = null;
    }
    this.latest = { t, values: latest };
  }

  /** The buckets so far, the open one included (events in the same slot later come as another bucket with the same t). */
  flush(): StripBucket[] {
    if (this.current) this.done.push(this.current);
    this.current = null;
    const out = this.done;
    this.done = [];
    return out;
  }
}

interface Tier extends TierSpec {
  buckets: StripBucket[];
}

/** The buckets of a buffer in tiers (engine: for pages that join late; renderer: what it draws). */
export class StripHistory {
  readonly fields: string[];
  private tiers: Tier[];

  constructor(fields: readonly string[], tiers: readonly TierSpec[] = DEFAULT_TIERS) {
    this.fields = [...fields];
    this.tiers = tiers.map((t) => ({ ...t, buckets: [] }));
  }

  /** A history from its plain data (e.g. as a host sent it). */
  static fromJSON(d: StripHistoryData): StripHistory {
    const h = new StripHistory(d.fields, d.tiers.map(({ width, span }) => ({ width, span, ...(span === null ? { maxBuckets: DEFAULT_TIERS.at(-1)!.maxBuckets } : {}) })));
    d.tiers.forEach((t, i) => (h.tiers[i]!.buckets = t.buckets.map(copyBucket)));
    return h;
  }

  /** Plain data of the chosen fields (all by default). */
  toJSON(fields?: readonly string[]): StripHistoryData {
    const idx = fields ? fields.map((f) => this.fields.indexOf(f)) : null;
    return {
      fields: fields ? [...fields] : [...this.fields],
      tiers: this.tiers.map((t) => ({ width: t.width, span: t.span, buckets: t.buckets.map((b) => (idx ? projectBucket(b, idx) : copyBucket(b))) })),
    };
  }

  /** Adds a bucket to every tier (merging into a bucket of the same slot). */
  add(b: StripBucket): void {
    for (const tier of this.tiers) {
      const slot = Math.floor(b.t / tier.width) * tier.width;
      insert(tier.buckets, slot, tier.width, b);
      if (tier.span !== null) {
        const newest = tier.buckets.at(-1)!.t;
        let cut = 0;
        while (cut < tier.buckets.length && tier.buckets[cut]!.t + tier.width <= newest - tier.span) cut++;
        if (cut > 0) tier.buckets.splice(0, cut);
      } else if (tier.maxBuckets && tier.buckets.length > tier.maxBuckets) {
        widen(tier);
      }
    }
  }

  /** Empties every tier. */
  clear(): void {
    for (const t of this.tiers) t.buckets = [];
  }

  /** The buckets that serve a window (ms, null: whole run), oldest first. */
  bucketsFor(windowMs: number | null): readonly StripBucket[] {
    const tier = windowMs === null ? this.tiers.at(-1)! : (this.tiers.find((t) => t.span !== null && t.span >= windowMs) ?? this.tiers.at(-1)!);
    return tier.buckets;
  }

  /** Time of the newest bucket's end (ms), or null when empty. */
  newest(): number | null {
    const b = this.tiers[0]!.buckets.at(-1);
    return b ? b.t + b.dt : null;
  }
}

function copyBucket(b: StripBucket): StripBucket {
  return { t: b.t, dt: b.dt, n: b.n, min: [...b.min], max: [...b.max] };
}

function projectBucket(b: StripBucket, idx: number[]): StripBucket {
  return { t: b.t, dt: b.dt, n: b.n, min: idx.map((i) => b.min[i] ?? null), max: idx.map((i) => b.max[i] ?? null) };
}

// Buckets arrive almost always in order: look from the end.
function insert(list: StripBucket[], slot: number, width: number, b: StripBucket): void {
  let i = list.length - 1;
  while (i >= 0 && list[i]!.t > slot) i--;
  if (i >= 0 && list[i]!.t === slot) mergeBucket(list[i]!, b);
  else list.splice(i + 1, 0, { t: slot, dt: width, n: b.n, min: [...b.min], max: [...b.max] });
}

// Doubles a tier's bucket width, merging neighbours.
function widen(tier: Tier): void {
  tier.width *= 2;
  const out: StripBucket[] = [];
  for (const b of tier.buckets) {
    const slot = Math.floor(b.t / tier.width) * tier.width;
    const last = out.at(-1);
    if (last && last.t === slot) mergeBucket(last, b);
    else out.push({ t: slot, dt: tier.width, n: b.n, min: [...b.min], max: [...b.max] });
  }
  tier.buckets = out;
}

/** Min/max of one field per pixel column over [t0, t1): x at each column's centre, NaN where a column has no value. */
export function decimate(buckets: readonly StripBucket[], field: number, t0: number, t1: number, columns: number): { x: Float64Array; min: Float64Array; max: Float64Array } {
  const n = Math.max(1, Math.floor(columns));
  const x = new Float64Array(n);
  const min = new Float64Array(n).fill(Number.NaN);
  const max = new Float64Array(n).fill(Number.NaN);
  const w = (t1 - t0) / n;
  for (let c = 0; c < n; c++) x[c] = t0 + (c + 0.5) * w;
  if (!(w > 0)) return { x, min, max };
  for (const b of buckets) {
    const lo = b.min[field];
    const hi = b.max[field];
    if (lo === null || lo === undefined || hi === null || hi === undefined) continue;
    const mid = b.t + b.dt / 2;
    if (mid < t0 || mid >= t1) continue;
    const c = Math.min(n - 1, Math.floor((mid - t0) / w));
    if (!(min[c]! <= lo)) min[c] = lo;
    if (!(max[c]! >= hi)) max[c] = hi;
  }
  return { x, min, max };
}
