// The shared part every handle (writer, reader, observer, the RingBuffer
// itself) works through: typed-array views on one SharedArrayBuffer and the
// few protocols more than one role needs (release, wake-ups, counting).
//
// Sequence numbers are W-bit two's-complement integers kept sign-extended in
// Int32 words (W = 32; tests build buffers with a small W so that natural
// histories cross the wrap in milliseconds through this very arithmetic). Every
// sum and difference goes through wrap()/diff(), and a slot is `seq & mask`
// with a power-of-two slot count (at most 2^(W-3)). Comparisons are sound while
// the values compared lie within 2^(W-1) of each other, which holds because
// every cursor stays within `capacity` of the claim cursor and every mark
// (release marks, "published for" words, stamps) is rewritten on every lap, so
// it is at most one lap old. status() turns the claim cursor into a 63-bit
// count (see HALF).
import { COUNTER, CTRL, DTYPE_ARRAY, SLOT, type RingBufferLayout, type RingBufferOffsets, type TypedArray } from './layout';

/** Narrowest sequence width a (test) buffer may use. */
export const MIN_SEQ_BITS = 8;

interface WaitAsyncResult {
  async: boolean;
  value: Promise<'ok' | 'not-equal' | 'timed-out'> | 'ok' | 'not-equal' | 'timed-out';
}
type WaitAsync = (ta: Int32Array, index: number, value: number, timeout?: number) => WaitAsyncResult;
const waitAsyncImpl: WaitAsync | undefined = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/** Views on a buffer's memory plus the protocols shared by all roles. */
export class Core {
  readonly ctrl: Int32Array;
  readonly rel: Int32Array[];
  /** The 64-bit counters (COUNTER). */
  readonly counters: BigInt64Array;
  /** Whole-buffer views for slot headers (indices are byte offsets / 4 and / 8). */
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly mask: number;
  readonly cap: number;
  readonly physical: number;
  /** Internal groups: the declared ones, or one auto-released group when none is declared. */
  readonly groupCount: number;
  readonly autoRelease: boolean;
  /** 32 − W: wrap(x) keeps the low W bits of x, sign-extended. */
  readonly sh: number;
  /** 2^(W−1): the claim count per flip of the sequence's top bit (CTRL.HALF). */
  readonly halfSpan: number;
  private readonly pubBase: number;
  private readonly stride: number;

  constructor(
    readonly sab: SharedArrayBuffer,
    readonly layout: RingBufferLayout,
    readonly off: RingBufferOffsets,
    readonly spin: number,
    readonly seqBits = 32,
  ) {
    this.sh = 32 - seqBits;
    this.halfSpan = 2 ** (seqBits - 1);
    this.ctrl = new Int32Array(sab, 0, off.controlWords);
    this.rel = off.released.map((o) => new Int32Array(sab, o, off.physicalSlots));
    this.counters = new BigInt64Array(sab, off.counters, COUNTER.SKIPPED + off.released.length);
    this.i32 = new Int32Array(sab, 0, sab.byteLength >> 2);
    this.f64 = new Float64Array(sab, 0, Math.floor(sab.byteLength / 8));
    this.mask = off.physicalSlots - 1;
    this.cap = off.capacity;
    this.physical = off.physicalSlots;
    this.groupCount = off.released.length;
    this.autoRelease = layout.groups.length === 0;
    this.pubBase = (off.slots + SLOT.PUB) >> 2;
    this.stride = off.slotBytes >> 2;
  }

  /** x as a W-bit sequence (sign-extended): the sequence after s is wrap(s + 1). */
  wrap(x: number): number {
    return (x << this.sh) >> this.sh;
  }

  /** a − b between two sequences, in [−2^(W−1), 2^(W−1)). */
  diff(a: number, b: number): number {
    return ((a - b) << this.sh) >> this.sh;
  }

  /** Index in i32 of the "published for sequence" word of seq's slot. */
  pub(seq: number): number {
    return this.pubBase + (seq & this.mask) * this.stride;
  }

  /** Byte offset of a slot's start. */
  slotByte(slot: number): number {
    return this.off.slots + slot * this.off.slotBytes;
  }

  /** Fresh typed-array views on one slot's fields, in declared order. */
  fieldViews(slot: number): Record<string, TypedArray> {
    const base = this.slotByte(slot);
    const out: Record<string, TypedArray> = {};
    for (const f of this.off.fields) out[f.name] = new DTYPE_ARRAY[f.dtype](this.sab, base + f.byteOffset, f.length);
    return out;
  }

  /** Index in ctrl of one of group g's words (CTRL.CURSOR, CTRL.RELEASED). */
  groupIndex(g: number, word: number): number {
    return CTRL.GROUP_BASE + g * CTRL.GROUP_STRIDE + word;
  }

  /** The released-up-to cursor furthest behind (slots before it are free). */
  minReleased(): number {
    const ctrl = this.ctrl;
    let min = Atomics.load(ctrl, CTRL.GROUP_BASE + CTRL.RELEASED);
    for (let g = 1; g < this.groupCount; g++) {
      const r = Atomics.load(ctrl, CTRL.GROUP_BASE + g * CTRL.GROUP_STRIDE + CTRL.RELEASED);
      if (this.diff(r, min) < 0) min = r;
    }
    return min;
  }

  /**
   * Marks sequences [s, s+n) released by group g, in any order; advances the group's
   * released-up-to cursor over every contiguous release.
   *
   * Every release writes its per-slot marks, so a slot's mark is the last sequence released in
   * it: at most one lap (physicalSlots) old, never a value the cursor can reach again within 2^W
   * sequences. (Marks left unwritten on the in-order path matched again near 2^W − 2·slots.)
   */
  release(g: number, s: number, n: number): void {
    const ctrl = this.ctrl;
    const ru = CTRL.GROUP_BASE + g * CTRL.GROUP_STRIDE + CTRL.RELEASED;
    const rel = this.rel[g];
    const mask = this.mask;
    // Plain stores, before the cursor moves: until they are made the cursor cannot pass s, so
    // no later lap can have written these slots' marks yet. On the in-order path nobody waits
    // for them (they only retire the previous lap's marks).
    for (let k = 0; k < n; k++) rel[(s + k) & mask] = this.wrap(s + k);
    const e = this.wrap(s + n);
    // In-order release (the common case) moves the cursor directly; later
    // events that were released out of order by a group mate are swept next.
    if (Atomics.compareExchange(ctrl, ru, s, e) === s) {
      this.sweep(g, ru, e);
    } else {
      // Out of order: the marks must be seen by the group mate whose release reaches them (its
      // sweep loads them after its cursor CAS; ours loads the cursor after these). A sequentially
      // consistent write of each mark is needed for that, but not a store: a group mate's sweep
      // may already have passed these marks, and a later lap may have reused the slots and
      // written newer marks, which a store would overwrite with old ones (the cursor would stop
      // there for good). A compare-exchange of the mark with itself writes only our own value.
      for (let k = 0; k < n; k++) {
        const v = this.wrap(s + k);
        Atomics.compareExchange(rel, (s + k) & mask, v, v);
      }
      this.sweep(g, ru, Atomics.load(ctrl, ru));
    }
    if (Atomics.load(ctrl, CTRL.W_SLEEP) !== 0) this.wakeWriters();
  }

  /**
   * Releases [s, s+n) for group g on behalf of a handle whose thread died; it may have released
   * some or all of them already, and their slots may since hold a later lap. So a mark is only
   * moved forward (compare-exchange from an older value), never set back over a newer one, which
   * would stop the group's cursor there for good.
   */
  releaseOnBehalf(g: number, s: number, n: number): void {
    const rel = this.rel[g];
    const mask = this.mask;
    for (let k = 0; k < n; k++) {
      const v = this.wrap(s + k);
      const i = (s + k) & mask;
      for (;;) {
        const cur = Atomics.load(rel, i);
        if (this.diff(cur, v) >= 0 || Atomics.compareExchange(rel, i, cur, v) === cur) break;
      }
    }
    const ru = CTRL.GROUP_BASE + g * CTRL.GROUP_STRIDE + CTRL.RELEASED;
    this.sweep(g, ru, Atomics.load(this.ctrl, ru));
    if (Atomics.load(this.ctrl, CTRL.W_SLEEP) !== 0) this.wakeWriters();
  }

  private sweep(g: number, ru: number, u: number): void {
    const rel = this.rel[g];
    const mask = this.mask;
    const cap = this.cap;
    for (;;) {
      let k = 0;
      while (k < cap && Atomics.load(rel, (u + k) & mask) === this.wrap(u + k)) k++;
      if (k === 0) return;
      const v = this.wrap(u + k);
      const prev = Atomics.compareExchange(this.ctrl, ru, u, v);
      // Someone else moved the cursor: continue from where they left it.
      u = prev === u ? v : prev;
    }
  }

  /** Wakes readers that flagged themselves asleep. */
  wakeReaders(): void {
    if (Atomics.exchange(this.ctrl, CTRL.R_SLEEP, 0) !== 0) {
      Atomics.add(this.ctrl, CTRL.R_WAKE, 1);
      Atomics.notify(this.ctrl, CTRL.R_WAKE);
    }
  }

  /** Wakes writers that flagged themselves asleep on a full buffer. */
  wakeWriters(): void {
    if (Atomics.exchange(this.ctrl, CTRL.W_SLEEP, 0) !== 0) {
      Atomics.add(this.ctrl, CTRL.W_WAKE, 1);
      Atomics.notify(this.ctrl, CTRL.W_WAKE);
    }
  }

  /** Wakes every waiter of both kinds unconditionally (state changes). */
  wakeAll(): void {
    Atomics.store(this.ctrl, CTRL.W_SLEEP, 0);
    Atomics.store(this.ctrl, CTRL.R_SLEEP, 0);
    Atomics.add(this.ctrl, CTRL.W_WAKE, 1);
    Atomics.add(this.ctrl, CTRL.R_WAKE, 1);
    Atomics.notify(this.ctrl, CTRL.W_WAKE);
    Atomics.notify(this.ctrl, CTRL.R_WAKE);
  }

  /** Publishes claimed sequences [s, s+n) as "no event" (readers skip them). */
  tombstone(s: number, n: number): void {
    const mask = this.mask;
    for (let k = 0; k < n; k++) {
      const seq = this.wrap(s + k);
      const b = this.slotByte(seq & mask) >> 2;
      this.i32[b + (SLOT.FLAGS >> 2)] = 1;
      this.i32[b + (SLOT.HEAD >> 2)] = seq;
    }
    for (let k = n - 1; k >= 0; k--) Atomics.store(this.i32, this.pub(s + k), this.wrap(s + k));
    Atomics.add(this.counters, COUNTER.TOMBSTONES, BigInt(n));
    if (this.autoRelease) {
      this.release(0, s, n);
      return;
    }
    // Take and release them for every group whose readers have not reached
    // them: after end() those readers may already have finished.
    for (let g = 0; g < this.groupCount; g++) {
      if (Atomics.compareExchange(this.ctrl, this.groupIndex(g, CTRL.CURSOR), s, this.wrap(s + n)) === s) {
        this.release(g, s, n);
        Atomics.add(this.counters, COUNTER.SKIPPED + g, BigInt(n));
      }
    }
    this.wakeReaders();
  }

  /** True when the slot of published sequence s holds no event. */
  isTombstone(seq: number): boolean {
    return this.i32[(this.slotByte(seq & this.mask) + SLOT.FLAGS) >> 2] !== 0;
  }

  /** The claim cursor as a 63-bit count, plus its raw W-bit value. */
  claimCount(): { raw: number; count: number } {
    // HALF is bumped right after the CAS that flips CLAIM's top bit; read it
    // first, so a mismatch of parity can only mean an increment is pending.
    // (c is sign-extended, so bit 31 is the sequence's top bit.)
    let h = Atomics.load(this.ctrl, CTRL.HALF);
    const c = Atomics.load(this.ctrl, CTRL.CLAIM);
    if ((h & 1) !== c >>> 31) h++;
    return { raw: c, count: h * this.halfSpan + (c & (this.halfSpan - 1)) };
  }

  /** Converts a sequence near the claim cursor into a 63-bit count. */
  seqCount(seq: number): number {
    const { raw, count } = this.claimCount();
    return count - this.diff(raw, seq);
  }
}

const noop = () => {};

/** Blocks the calling thread until ctrl[index] != value, a notify, or the timeout (ms). */
export function blockSync(ctrl: Int32Array, index: number, value: number, timeoutMs: number): void {
  try {
    Atomics.wait(ctrl, index, value, timeoutMs);
  } catch (e) {
    // Browsers forbid blocking on their main thread.
    throw new Error(`ring buffer: this thread may not block (${e instanceof Error ? e.message : String(e)}); use acquireAsync/nextAsync here`);
  }
}

/** Like blockSync, without blocking the event loop. */
export async function blockAsync(ctrl: Int32Array, index: number, value: number, timeoutMs: number): Promise<void> {
  if (waitAsyncImpl) {
    const r = waitAsyncImpl(ctrl, index, value, Number.isFinite(timeoutMs) ? timeoutMs : undefined);
    if (!r.async) return;
    // A pending waitAsync does not keep Node's event loop alive: a worker
    // awaiting only this would exit mid-wait. Hold a timer for the duration.
    const keepAlive = setInterval(noop, 2 ** 31 - 1);
    try {
      await r.value;
    } finally {
      clearInterval(keepAlive);
    }
    return;
  }
  // No Atomics.waitAsync (older browsers): poll at a modest rate instead.
  const until = performance.now() + timeoutMs;
  while (Atomics.load(ctrl, index) === value && performance.now() < until) {
    await new Promise((res) => setTimeout(res, Math.min(4, Math.max(0, until - performance.now()))));
  }
}

/** Milliseconds left until `deadline` (Infinity for none). */
export function remaining(deadline: number): number {
  return deadline === Infinity ? Infinity : deadline - performance.now();
}
