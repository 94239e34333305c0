// The multiple-out side. Every reader group has a take cursor; the readers
// (threads) of one group take published events from it with one CAS, so each
// event goes to exactly one reader of each group. Releases may come in any
// order; the slot is reused once every group's released-up-to cursor has
// passed it.
import { blockAsync, blockSync, remaining, type Core } from './core';
import { ViewCache, type EventView, type SlotView } from './event-view';
import { COUNTER, CTRL, STATE_ABORTED, STATE_ENDED } from './layout';

const BLOCK = 0;
const CLOSED = -1;

/**
 * Reads the events of one reader group; one per thread, never shared between threads.
 * A reader holds at most the events of its last next()/nextBatch() call, and releases them
 * at its next call (before it waits) or at release()/close().
 */
export class Reader {
  private heldStart = 0;
  private held = 0;
  private skipped = 0;
  private done = false;
  private closed = false;
  private waitValue = 0;
  private readonly cursor: number;
  private readonly views: ViewCache;
  private readonly batch: SlotView[] = [];
  /** Times this reader went to sleep on an empty buffer; a diagnostic. */
  waits = 0;

  /**
   * `track` (two Int32 words of shared memory, optional): the reader mirrors there the events it
   * holds (first sequence, count), so that when its thread dies another thread can release them
   * (RingBuffer.reclaimReader) and the buffer's writers never wait on a dead reader.
   */
  constructor(
    private readonly core: Core,
    private readonly group: number,
    private readonly track: Int32Array | null = null,
  ) {
    this.cursor = core.groupIndex(group, CTRL.CURSOR);
    this.views = new ViewCache(core);
  }

  /** Releases the previous event and returns the next one, blocking while none is ready; 'timeout' after timeoutMs; null at end of stream (after draining) or on abort. */
  next(timeoutMs = Infinity): EventView | 'timeout' | null {
    const r = this.takeSync(1, timeoutMs);
    return typeof r === 'number' ? this.views.at(this.heldStart) : r;
  }

  /** next() for event-loop threads: waits with Atomics.waitAsync. */
  async nextAsync(timeoutMs = Infinity): Promise<EventView | 'timeout' | null> {
    const r = await this.takeAsync(1, timeoutMs);
    return typeof r === 'number' ? this.views.at(this.heldStart) : r;
  }

  /** Releases the previous batch and returns 1 to max ready events (never waiting to fill the batch). */
  nextBatch(max: number, timeoutMs = Infinity): readonly EventView[] | 'timeout' | null {
    const r = this.takeSync(this.clampBatch(max), timeoutMs);
    return typeof r === 'number' ? this.fillBatch(r) : r;
  }

  /** nextBatch() for event-loop threads. */
  async nextBatchAsync(max: number, timeoutMs = Infinity): Promise<readonly EventView[] | 'timeout' | null> {
    const r = await this.takeAsync(this.clampBatch(max), timeoutMs);
    return typeof r === 'number' ? this.fillBatch(r) : r;
  }

  /** Releases the held event(s) now; their views become invalid. */
  release(): void {
    if (this.held === 0) return;
    const n = this.held;
    this.held = 0;
    this.core.release(this.group, this.heldStart, n);
    // Cleared after the release: a thread dying in between has its events released twice, which is harmless.
    if (this.track) this.track[1] = 0;
    if (this.skipped > 0) {
      Atomics.add(this.core.counters, COUNTER.SKIPPED + this.group, BigInt(this.skipped));
      this.skipped = 0;
    }
  }

  /** Releases any held event; the reader cannot be used afterwards. */
  close(): void {
    this.release();
    this.closed = true;
  }

  private clampBatch(max: number): number {
    if (!(max >= 1)) throw new Error(`batch size must be at least 1, got ${max}`);
    return Math.min(Math.floor(max), this.core.cap);
  }

  private fillBatch(n: number): readonly EventView[] {
    const b = this.batch;
    b.length = 0;
    const core = this.core;
    for (let k = 0; k < n; k++) {
      const seq = core.wrap(this.heldStart + k);
      if (this.skipped === 0 || !core.isTombstone(seq)) b.push(this.views.at(seq));
    }
    return b;
  }

  private takeSync(max: number, timeoutMs: number): number | 'timeout' | null {
    if (this.closed) throw new Error(`ring buffer "${this.core.layout.name}": reader is closed`);
    this.release();
    if (this.done) return null;
    let deadline = -1;
    for (;;) {
      const n = this.attempt(max);
      if (n > 0) return n;
      if (n === CLOSED) return this.finish();
      if (deadline < 0) deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
      const ms = remaining(deadline);
      if (ms <= 0) return 'timeout';
      this.waits++;
      Atomics.add(this.core.ctrl, CTRL.R_WAITING, 1);
      blockSync(this.core.ctrl, CTRL.R_WAKE, this.waitValue, ms);
      Atomics.sub(this.core.ctrl, CTRL.R_WAITING, 1);
    }
  }

  private async takeAsync(max: number, timeoutMs: number): Promise<number | 'timeout' | null> {
    if (this.closed) throw new Error(`ring buffer "${this.core.layout.name}": reader is closed`);
    this.release();
    if (this.done) return null;
    let deadline = -1;
    for (;;) {
      const n = this.attempt(max);
      if (n > 0) return n;
      if (n === CLOSED) return this.finish();
      if (deadline < 0) deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
      const ms = remaining(deadline);
      if (ms <= 0) return 'timeout';
      this.waits++;
      Atomics.add(this.core.ctrl, CTRL.R_WAITING, 1);
      await blockAsync(this.core.ctrl, CTRL.R_WAKE, this.waitValue, ms);
      Atomics.sub(this.core.ctrl, CTRL.R_WAITING, 1);
    }
  }

  /** One non-blocking try: number of events now held (tombstones skipped), BLOCK (wait prepared) or CLOSED. */
  private attempt(max: number): number {
    const core = this.core;
    const ctrl = core.ctrl;
    const i32 = core.i32;
    let spins = core.spin;
    for (;;) {
      // Plain reads on the fast path (each Atomics.load costs ~8 ns here): a
      // stale state only delays noticing abort by one event; a stale cursor
      // makes the CAS fail. The slow path below re-reads both atomically.
      if ((ctrl[CTRL.STATE] & STATE_ABORTED) !== 0) return CLOSED;
      const r = ctrl[this.cursor];
      if (Atomics.load(i32, core.pub(r)) === r) {
        let n = 1;
        while (n < max && Atomics.load(i32, core.pub(r + n)) === core.wrap(r + n)) n++;
        if (Atomics.compareExchange(ctrl, this.cursor, r, core.wrap(r + n)) !== r) continue;
        this.heldStart = r;
        this.held = n;
        if (this.track) {
          this.track[0] = r;
          this.track[1] = n;
        }
        let real = n;
        for (let k = 0; k < n; k++) if (core.isTombstone(core.wrap(r + k))) real--;
        if (real === n) return n;
        this.skipped = n - real;
        if (real > 0) return n;
        this.release();
        continue;
      }
      const st = Atomics.load(ctrl, CTRL.STATE);
      if ((st & STATE_ABORTED) !== 0) return CLOSED;
      if ((st & STATE_ENDED) !== 0 && Atomics.load(ctrl, CTRL.CLAIM) === Atomics.load(ctrl, this.cursor)) return CLOSED;
      if (spins-- > 0) continue;
      const w = Atomics.load(ctrl, CTRL.R_WAKE);
      Atomics.store(ctrl, CTRL.R_SLEEP, 1);
      // Re-check everything that lets next() return after raising the flag: whatever happened
      // before it was raised is seen here, whatever happens after it wakes us. That includes the
      // end of the stream being reached without a publish: the last claim cancelled (tombstone),
      // or the last event taken by a group mate, after end().
      const r2 = Atomics.load(ctrl, this.cursor);
      if (Atomics.load(i32, core.pub(r2)) === r2) continue;
      const st2 = Atomics.load(ctrl, CTRL.STATE);
      if (st2 !== st) continue;
      if ((st2 & STATE_ENDED) !== 0 && Atomics.load(ctrl, CTRL.CLAIM) === r2) continue;
      this.waitValue = w;
      return BLOCK;
    }
  }

  private finish(): null {
    this.done = true;
    return null;
  }
}
