// A fixed-binning 1-D histogram with under- and overflow, for live displays and
// the CLI. Bins are half-open [lo, hi), so a value equal to `max` is overflow
// (the convention of ROOT and of DAQ displays, unlike numpy's closed last bin).

/** Binning of a histogram: `bins` equal bins over [min, max). */
export interface HistogramSpec {
  bins: number;
  min: number;
  max: number;
}

/** A histogram as plain data (structured-clonable, JSON-safe). */
export interface HistogramData extends HistogramSpec {
  counts: number[];
  underflow: number;
  overflow: number;
  /** Values that were NaN (counted nowhere else). */
  invalid: number;
  /** Values in range (the sum of counts). */
  entries: number;
}

/** Counts values into equal bins over [min, max), with under- and overflow. */
export class Histogram {
  readonly bins: number;
  readonly min: number;
  readonly max: number;
  readonly counts: Float64Array;
  underflow = 0;
  overflow = 0;
  invalid = 0;
  private readonly scale: number;

  /** Creates an empty histogram; throws RangeError for bins < 1 or min ≥ max. */
  constructor(spec: HistogramSpec) {
    const { bins, min, max } = spec;
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogram bins must be an integer ≥ 1, got ${bins}`);
    if (!Number.isFinite(min) || !Number.isFinite(max) || !(min < max)) {
      throw new RangeError(`histogram range needs finite min < max, got [${min}, ${max}]`);
    }
    this.bins = bins;
    this.min = min;
    this.max = max;
    this.counts = new Float64Array(bins);
    this.scale = bins / (max - min);
  }

  /** Width of one bin. */
  get binWidth(): number {
    return (this.max - this.min) / this.bins;
  }

  /** Values counted in range. */
  get entries(): number {
    let s = 0;
    for (let i = 0; i < this.bins; i++) s += this.counts[i]!;
    return s;
  }

  /** The bin index of x, −1 for underflow, `bins` for overflow, NaN for NaN. */
  binOf(x: number): number {
    if (Number.isNaN(x)) return Number.NaN;
    if (x < this.min) return -1;
    if (x >= this.max) return this.bins;
    // Rounding can put a value just below max into bin `bins`; it belongs to the last bin.
    return Math.min(this.bins - 1, Math.floor((x - this.min) * this.scale));
  }

  /** Adds one value with an optional weight. */
  add(x: number, weight = 1): void {
    const b = this.binOf(x);
    if (Number.isNaN(b)) this.invalid += weight;
    else if (b < 0) this.underflow += weight;
    else if (b >= this.bins) this.overflow += weight;
    else this.counts[b] = this.counts[b]! + weight;
  }

  /** Adds every value of an array (typed arrays included). */
  addMany(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.add(values[i]!);
  }

  /** Bin edges: bins + 1 values from min to max. */
  edges(): Float64Array {
    const e = new Float64Array(this.bins + 1);
    const w = this.binWidth;
    for (let i = 0; i <= this.bins; i++) e[i] = this.min + i * w;
    e[this.bins] = this.max;
    return e;
  }

  /** Bin centres. */
  centers(): Float64Array {
    const c = new Float64Array(this.bins);
    const w = this.binWidth;
    for (let i = 0; i < this.bins; i++) c[i] = this.min + (i + 0.5) * w;
    return c;
  }

  /** Empties every bin and the under-/overflow. */
  reset(): void {
    this.counts.fill(0);
    this.underflow = 0;
    this.overflow = 0;
    this.invalid = 0;
  }

  /** A plain-data copy (for the bridge, JSON, or the CLI). */
  toJSON(): HistogramData {
    return {
      bins: this.bins,
      min: this.min,
      max: this.max,
      counts: Array.from(this.counts),
      underflow: this.underflow,
      overflow: this.overflow,
      invalid: this.invalid,
      entries: this.entries,
    };
  }

  /** A histogram filled from plain data (the inverse of toJSON). */
  static fromJSON(d: HistogramData): Histogram {
    const h = new Histogram(d);
    if (d.counts.length !== h.bins) throw new RangeError(`histogram data has ${d.counts.length} counts for ${h.bins} bins`);
    h.counts.set(d.counts);
    h.underflow = d.underflow;
    h.overflow = d.overflow;
    h.invalid = d.invalid ?? 0;
    return h;
  }
}

/** Fills a new histogram with values (a one-call helper). */
export function histogram(values: ArrayLike<number>, spec: HistogramSpec): Histogram {
  const h = new Histogram(spec);
  h.addMany(values);
  return h;
}
