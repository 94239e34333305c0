// An event in place: accessors on one slot of shared memory. Handles keep one
// view object per slot and hand it out again and again, so reading or writing
// an event allocates nothing.
import type { Core } from './core';
import { SLOT, type TypedArray } from './layout';

const TWO_32 = 4294967296;

/** One event in shared memory, valid until the next call on the handle that returned it. */
export interface EventView {
  /** Slot index in the buffer. */
  readonly slot: number;
  /** Position of this event in the buffer's own sequence of commits (0-based). */
  readonly seq: number;
  /** Event number set by the source (stored as int64; exact up to 2^53). */
  counter: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** Fraction (0–1) of the time before this event that the source waited for a free slot. */
  deadtime: number;
  /** The event's fields, in declared order: views into shared memory (64-bit ints as BigInt arrays). */
  readonly fields: Readonly<Record<string, TypedArray>>;
}

/** The EventView of one slot, bound to one handle. */
export class SlotView implements EventView {
  /** 32-bit sequence the view currently stands for (set by the handle). */
  s = 0;
  private readonly i: number;
  private readonly f: number;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private _fields: Record<string, TypedArray> | null = null;

  constructor(
    private readonly core: Core,
    readonly slot: number,
  ) {
    const byte = core.slotByte(slot);
    this.i = (byte + SLOT.COUNTER) >> 2;
    this.f = byte >> 3;
    this.i32 = core.i32;
    this.f64 = core.f64;
  }

  get seq(): number {
    return this.core.seqCount(this.s);
  }

  get counter(): number {
    return this.i32[this.i + 1] * TWO_32 + (this.i32[this.i] >>> 0);
  }

  set counter(v: number) {
    const hi = Math.floor(v / TWO_32);
    this.i32[this.i] = (v - hi * TWO_32) | 0;
    this.i32[this.i + 1] = hi | 0;
  }

  get timestamp(): number {
    return this.f64[this.f + (SLOT.TIMESTAMP >> 3)];
  }

  set timestamp(v: number) {
    this.f64[this.f + (SLOT.TIMESTAMP >> 3)] = v;
  }

  get deadtime(): number {
    return this.f64[this.f + (SLOT.DEADTIME >> 3)];
  }

  set deadtime(v: number) {
    this.f64[this.f + (SLOT.DEADTIME >> 3)] = v;
  }

  get fields(): Readonly<Record<string, TypedArray>> {
    return (this._fields ??= this.core.fieldViews(this.slot));
  }

  /** A plain summary for console.log (Node) and JSON, instead of the internals. */
  toJSON(): { slot: number; seq: number; counter: number; timestamp: number; deadtime: number; fields: Record<string, TypedArray> } {
    return { slot: this.slot, seq: this.seq, counter: this.counter, timestamp: this.timestamp, deadtime: this.deadtime, fields: { ...this.fields } };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): unknown {
    return this.toJSON();
  }
}

/** Per-handle cache of slot views, created on first use. */
export class ViewCache {
  private readonly views: (SlotView | undefined)[];

  constructor(private readonly core: Core) {
    this.views = new Array<SlotView | undefined>(core.physical);
  }

  /** The view of the slot of 32-bit sequence s, pointed at s. */
  at(s: number): SlotView {
    const slot = s & this.core.mask;
    const v = (this.views[slot] ??= new SlotView(this.core, slot));
    v.s = s;
    return v;
  }
}
