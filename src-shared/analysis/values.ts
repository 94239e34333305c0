// The values of one field as a histogram reader keeps them: in arrival order,
// growing as needed up to a cap, then overwriting the oldest. Kept values let a
// histogram be re-binned exactly and feed the unbinned lifetime fit.

/** Values of one field, the newest `cap` of them kept. */
export class ValueStore {
  private data: Float64Array;
  private head = 0;
  private length = 0;
  /** Values pushed so far (kept or not). */
  total = 0;

  /** An empty store that keeps at most `cap` values. */
  constructor(readonly cap: number, initial = 4096) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`a value store needs a cap ≥ 1, got ${cap}`);
    this.data = new Float64Array(Math.min(cap, initial));
  }

  /** A store holding `values` (oldest first) out of `total` pushed. */
  static from(values: Float64Array, total: number, cap: number): ValueStore {
    const s = new ValueStore(Math.max(cap, values.length, 1), Math.max(1, values.length));
    s.data.set(values);
    s.length = values.length;
    s.head = values.length % s.data.length;
    s.total = total;
    return s;
  }

  /** Values kept now. */
  get kept(): number {
    return this.length;
  }

  /** Index (in pushing order, from 0) of the oldest kept value. */
  get first(): number {
    return this.total - this.length;
  }

  /** Appends a value, dropping the oldest when full. */
  push(x: number): void {
    if (this.length === this.data.length && this.length < this.cap) {
      const bigger = new Float64Array(Math.min(this.cap, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
      this.head = this.length;
    }
    this.data[this.head] = x;
    this.head = this.head + 1 === this.data.length ? 0 : this.head + 1;
    if (this.length < this.data.length) this.length++;
    this.total++;
  }

  /** The kept values pushed at index `from` or later, oldest first (a view when contiguous, else a copy). */
  since(from = 0): Float64Array {
    const start = Math.max(from, this.first);
    const n = this.total - start;
    if (n <= 0) return new Float64Array(0);
    if (this.length < this.data.length) return this.data.subarray(this.length - n, this.length);
    // Full ring: the oldest value sits at head.
    const at = (this.head + (this.length - n)) % this.data.length;
    if (at + n <= this.data.length) return this.data.subarray(at, at + n);
    const out = new Float64Array(n);
    out.set(this.data.subarray(at));
    out.set(this.data.subarray(0, n - (this.data.length - at)), this.data.length - at);
    return out;
  }

  /** A compact copy of the kept values, oldest first (for transfer to another thread). */
  take(): Float64Array {
    return this.since(this.first).slice();
  }
}
