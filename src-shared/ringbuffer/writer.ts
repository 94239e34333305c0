// The multiple-in side. A writer claims slots with one CAS on the shared claim
// cursor, gated on every group's released-up-to cursor (cached, so the groups'
// cache lines are read only when the cache says "full"), fills them in place
// and publishes them with one atomic store per commit.
import { blockAsync, blockSync, remaining, type Core } from './core';
import { ViewCache, type EventView, type SlotView } from './event-view';
import { COUNTER, CTRL, SLOT, STATE_ABORTED, STATE_ENDED, STATE_PAUSED } from './layout';

/** How a writer fills the deadtime field. */
export type DeadtimeMode = 'measure' | 'keep';

export interface WriterOptions {
  /**
   * 'measure' (sources, the default): commit stores the fraction of the time since this writer's
   * previous commit spent waiting for a free slot (paused time excluded), and fills a timestamp
   * the caller left unset. 'keep' (filters): commit leaves what the caller wrote.
   */
  deadtime?: DeadtimeMode;
  /**
   * Two Int32 words of shared memory where the writer mirrors the slots it has claimed and not yet
   * committed (first sequence, count), so that when its thread dies another thread can give them
   * back (RingBuffer.reclaimWriter) and readers never wait on a slot nobody will fill.
   */
  track?: Int32Array;
}

const BLOCK = 0;
const CLOSED = -1;
/** preparePause(): no longer paused, go on claiming. */
const GO = 1;
const FULL = 1;
const PAUSE = 2;

/** Writes events into a ring buffer; one per thread, never shared between threads. */
export class Writer {
  private heldStart = 0;
  private held = 0;
  /** The slowest group's released cursor as last read; a lower bound, valid while HALF equals cachedHalf. */
  private cachedMin: number;
  private cachedHalf: number;
  private done = false;
  private closed = false;
  private readonly views: ViewCache;
  private readonly batch: SlotView[] = [];
  private readonly measure: boolean;
  private readonly track: Int32Array | null;
  // Deadtime bookkeeping (measure mode): clock readings only on the slow path and at commit.
  private lastCommit: number;
  private waited = 0;
  private paused = 0;
  private waitStart = -1;
  private pauseInCall = 0;
  // What a blocked attempt waits on.
  private why = FULL;
  private waitValue = 0;
  /** Set after a wait for resume(): re-check the state atomically before claiming. */
  private wasPaused = false;
  /** Measure mode: read the clock at the next commit (the acquire after it might have to wait). */
  private clockAtCommit = true;
  /** Times this writer went to sleep (full or paused); a diagnostic. */
  waits = 0;
  /** performance.now() + wallOffset is the wall-clock time in ms (see wallClock). */
  private wallOffset = performance.timeOrigin;
  private wallCheckedAt = -Infinity;
  private lastStamp = -Infinity;

  constructor(
    private readonly core: Core,
    options: WriterOptions = {},
  ) {
    if (options.deadtime !== undefined && options.deadtime !== 'measure' && options.deadtime !== 'keep') {
      throw new Error(`writer deadtime mode must be 'measure' or 'keep', got ${JSON.stringify(options.deadtime)}`);
    }
    this.measure = options.deadtime !== 'keep';
    this.track = options.track ?? null;
    this.views = new ViewCache(core);
    Atomics.add(core.ctrl, CTRL.WRITERS, 1);
    this.cachedHalf = Atomics.load(core.ctrl, CTRL.HALF);
    this.cachedMin = core.minReleased();
    this.lastCommit = performance.now();
  }

  /**
   * The wall-clock time (ms since the epoch) of performance.now() value `now`, with its sub-ms
   * precision. performance.timeOrigin fixes the offset when the thread starts, but the system
   * clock is slewed (NTP) while the monotonic one is not: over a long run they part by ms per
   * hour. Once a second the offset is checked against Date.now() (ms resolution: the true time
   * lies in [Date.now(), +1)) and taken anew when it is off by more than that; a writer's
   * stamps never go back.
   */
  private wallClock(now: number): number {
    if (now - this.wallCheckedAt > 1000) {
      this.wallCheckedAt = now;
      const offset = Date.now() + 0.5 - now;
      if (Math.abs(offset - this.wallOffset) > 1) this.wallOffset = offset;
    }
    const t = Math.max(this.lastStamp, now + this.wallOffset);
    this.lastStamp = t;
    return t;
  }

  /** Claims one free slot, blocking while none is free or the buffer is paused; 'timeout' after timeoutMs; null once ended or aborted. */
  acquire(timeoutMs = Infinity): EventView | 'timeout' | null {
    const r = this.claimSync(1, timeoutMs);
    return typeof r === 'number' ? this.views.at(this.heldStart) : r;
  }

  /** acquire() for event-loop threads: waits with Atomics.waitAsync. */
  async acquireAsync(timeoutMs = Infinity): Promise<EventView | 'timeout' | null> {
    const r = await this.claimAsync(1, timeoutMs);
    return typeof r === 'number' ? this.views.at(this.heldStart) : r;
  }

  /** Claims between 1 and max free slots (whatever is free now, never waiting for more); commit() publishes them all. */
  acquireBatch(max: number, timeoutMs = Infinity): readonly EventView[] | 'timeout' | null {
    const r = this.claimSync(this.clampBatch(max), timeoutMs);
    return typeof r === 'number' ? this.fillBatch(r) : r;
  }

  /** acquireBatch() for event-loop threads. */
  async acquireBatchAsync(max: number, timeoutMs = Infinity): Promise<readonly EventView[] | 'timeout' | null> {
    const r = await this.claimAsync(this.clampBatch(max), timeoutMs);
    return typeof r === 'number' ? this.fillBatch(r) : r;
  }

  /** Publishes the acquired event(s) to every reader group, in claim order. */
  commit(): void {
    const n = this.held;
    if (n === 0) throw new Error(`ring buffer "${this.core.layout.name}": commit() without an acquired event`);
    const core = this.core;
    const s = this.heldStart;
    const mask = core.mask;
    const i32 = core.i32;
    const f64 = core.f64;
    let deadSum = 0;
    let now = 0;
    let first = 0;
    if (this.measure) {
      // The clock (~60 ns here) is read only when a deadtime or timestamp needs it: after a wait,
      // when the caller left a timestamp unset, or when the next acquire might wait (then this
      // commit's time is the start of the next event's interval). A lone writer that still sees
      // a free slot after this claim cannot wait next time, so that skip is exact.
      let unset = false;
      for (let k = 0; k < n; k++) {
        const t = f64[(core.slotByte((s + k) & mask) + SLOT.TIMESTAMP) >> 3];
        if (t !== t) unset = true;
      }
      if (this.clockAtCommit || unset || this.waited > 0 || this.paused > 0) {
        now = performance.now();
        if (this.waited > 0) {
          const interval = now - this.lastCommit - this.paused;
          first = interval > 0 ? Math.min(1, this.waited / interval) : 1;
        }
        this.lastCommit = now;
        this.waited = 0;
        this.paused = 0;
      }
    }
    for (let k = 0; k < n; k++) {
      const seq = core.wrap(s + k);
      const b = core.slotByte(seq & mask);
      i32[(b + SLOT.FLAGS) >> 2] = 0;
      i32[(b + core.off.tailStamp) >> 2] = seq;
      const fi = b >> 3;
      if (this.measure) {
        const d = k === 0 ? first : 0;
        f64[fi + (SLOT.DEADTIME >> 3)] = d;
        deadSum += d;
        if (f64[fi + (SLOT.TIMESTAMP >> 3)] !== f64[fi + (SLOT.TIMESTAMP >> 3)]) f64[fi + (SLOT.TIMESTAMP >> 3)] = this.wallClock(now);
      } else {
        deadSum += f64[fi + (SLOT.DEADTIME >> 3)];
      }
    }
    // Every sequence is published with an atomic store (the last first, the first last): an
    // observer may pick any of them, and only an atomic store orders the slot's data before it
    // for that observer's atomic load (the JS memory model; x86 would not need it, ARM64 does).
    for (let k = n - 1; k >= 0; k--) Atomics.store(i32, core.pub(s + k), core.wrap(s + k));
    this.held = 0;
    if (this.track) this.track[1] = 0;
    if (Atomics.load(core.ctrl, CTRL.R_SLEEP) !== 0) core.wakeReaders();
    if (deadSum > 0) Atomics.add(core.counters, COUNTER.DEAD, BigInt(Math.round(deadSum * 1e9)));
    if (core.autoRelease) core.release(0, s, n);
  }

  /** Gives the acquired event(s) back unwritten; readers skip them. */
  cancel(): void {
    if (this.held === 0) return;
    this.core.tombstone(this.heldStart, this.held);
    this.held = 0;
    if (this.track) this.track[1] = 0;
  }

  /** Cancels any acquired event; the writer cannot be used afterwards. */
  close(): void {
    this.cancel();
    if (!this.closed) Atomics.sub(this.core.ctrl, CTRL.WRITERS, 1);
    this.closed = true;
  }

  private clampBatch(max: number): number {
    if (!(max >= 1)) throw new Error(`batch size must be at least 1, got ${max}`);
    return Math.min(Math.floor(max), this.core.cap);
  }

  private fillBatch(n: number): readonly EventView[] {
    const b = this.batch;
    b.length = n;
    for (let k = 0; k < n; k++) b[k] = this.views.at(this.core.wrap(this.heldStart + k));
    return b;
  }

  private check(): void {
    if (this.closed) throw new Error(`ring buffer "${this.core.layout.name}": writer is closed`);
    if (this.held !== 0) throw new Error(`ring buffer "${this.core.layout.name}": commit() or cancel() the acquired event before acquiring another`);
  }

  private claimSync(max: number, timeoutMs: number): number | 'timeout' | null {
    this.check();
    if (this.done) return null;
    let deadline = -1;
    for (;;) {
      const n = this.attempt(max);
      if (n > 0) return this.claimed(n);
      if (n === CLOSED) return this.finish();
      if (deadline < 0) deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
      const ms = remaining(deadline);
      if (ms <= 0) return this.timedOut();
      const t0 = this.why === PAUSE ? performance.now() : 0;
      this.waits++;
      Atomics.add(this.core.ctrl, CTRL.W_WAITING, 1);
      blockSync(this.core.ctrl, CTRL.W_WAKE, this.waitValue, ms);
      Atomics.sub(this.core.ctrl, CTRL.W_WAITING, 1);
      if (this.why === PAUSE) this.pauseInCall += performance.now() - t0;
    }
  }

  private async claimAsync(max: number, timeoutMs: number): Promise<number | 'timeout' | null> {
    this.check();
    if (this.done) return null;
    let deadline = -1;
    for (;;) {
      const n = this.attempt(max);
      if (n > 0) return this.claimed(n);
      if (n === CLOSED) return this.finish();
      if (deadline < 0) deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
      const ms = remaining(deadline);
      if (ms <= 0) return this.timedOut();
      const why = this.why;
      const t0 = why === PAUSE ? performance.now() : 0;
      this.waits++;
      Atomics.add(this.core.ctrl, CTRL.W_WAITING, 1);
      await blockAsync(this.core.ctrl, CTRL.W_WAKE, this.waitValue, ms);
      Atomics.sub(this.core.ctrl, CTRL.W_WAITING, 1);
      if (why === PAUSE) this.pauseInCall += performance.now() - t0;
    }
  }

  /** One non-blocking try: claimed count, BLOCK (wait prepared) or CLOSED. */
  private attempt(max: number): number {
    const core = this.core;
    const ctrl = core.ctrl;
    const cap = core.cap;
    // A plain read first (cheap): a paused or ended buffer takes the careful
    // path without claiming a slot it would have to give back.
    if (this.wasPaused || ctrl[CTRL.STATE] !== 0) {
      const st = Atomics.load(ctrl, CTRL.STATE);
      if ((st & (STATE_ENDED | STATE_ABORTED)) !== 0) return CLOSED;
      if ((st & STATE_PAUSED) !== 0) {
        const p = this.preparePause();
        if (p !== GO) return p;
      }
      this.wasPaused = false;
    }
    for (;;) {
      // A plain read: a stale value only makes the CAS below fail and retry.
      const c = ctrl[CTRL.CLAIM];
      let free = cap - core.diff(c, this.cachedMin);
      // The cache is a lower bound of the released cursors while it is less than 2^(W−1) behind
      // the claim cursor. A writer idle while others claimed 2^(W−1) or more sees free > cap
      // (the difference wrapped), or HALF moved on (2^W or more: the difference wrapped all the
      // way round and looks plausible): read the cursors again in both cases.
      if (free < max || free > cap || ctrl[CTRL.HALF] !== this.cachedHalf) {
        this.refreshMin();
        free = cap - core.diff(c, this.cachedMin);
      }
      if (free <= 0) {
        const st = Atomics.load(ctrl, CTRL.STATE);
        if ((st & (STATE_ENDED | STATE_ABORTED)) !== 0) return CLOSED;
        if ((st & STATE_PAUSED) !== 0) {
          const p = this.preparePause();
          if (p !== GO) return p;
          continue;
        }
        this.startWait();
        // Full. Often transient (a reader preempted mid-release): spin first if configured.
        let spun = false;
        for (let k = 0; k < core.spin; k++) {
          if (this.hasFree()) {
            spun = true;
            break;
          }
        }
        if (spun) continue;
        const w = Atomics.load(ctrl, CTRL.W_WAKE);
        Atomics.store(ctrl, CTRL.W_SLEEP, 1);
        // Re-check after raising the flag: a release that happened before it was raised is seen here.
        if (this.hasFree() || Atomics.load(ctrl, CTRL.STATE) !== st) continue;
        this.why = FULL;
        this.waitValue = w;
        return BLOCK;
      }
      const n = free < max ? free : max;
      const next = core.wrap(c + n);
      if (Atomics.compareExchange(ctrl, CTRL.CLAIM, c, next) !== c) continue;
      // Sign-extended values: the top bit of the W-bit sequence is the sign.
      if ((c ^ next) < 0) Atomics.add(ctrl, CTRL.HALF, 1);
      const st = Atomics.load(ctrl, CTRL.STATE);
      if (st !== 0) {
        // Raced pause/end/abort: give the claim back so readers never wait on it.
        core.tombstone(c, n);
        if ((st & (STATE_ENDED | STATE_ABORTED)) !== 0) return CLOSED;
        const p = this.preparePause();
        if (p !== GO) return p;
        continue;
      }
      this.heldStart = c;
      if (this.measure) this.clockAtCommit = free - n < 1 || ctrl[CTRL.WRITERS] !== 1;
      return n;
    }
  }

  private refreshMin(): void {
    // HALF first: if it moves on while the cursors are read, the next attempt reads them again.
    this.cachedHalf = Atomics.load(this.core.ctrl, CTRL.HALF);
    this.cachedMin = this.core.minReleased();
  }

  private hasFree(): boolean {
    this.refreshMin();
    return this.core.cap - this.core.diff(Atomics.load(this.core.ctrl, CTRL.CLAIM), this.cachedMin) > 0;
  }

  private startWait(): void {
    if (this.measure && this.waitStart < 0) this.waitStart = performance.now();
  }

  /**
   * Prepares a wait for resume(): BLOCK; CLOSED if the buffer has ended or was aborted meanwhile
   * (their wake-up may already be counted in the wake value read here); GO if no longer paused.
   */
  private preparePause(): number {
    const ctrl = this.core.ctrl;
    const w = Atomics.load(ctrl, CTRL.W_WAKE);
    const st = Atomics.load(ctrl, CTRL.STATE);
    if ((st & (STATE_ENDED | STATE_ABORTED)) !== 0) return CLOSED;
    if ((st & STATE_PAUSED) === 0) return GO;
    this.wasPaused = true;
    this.why = PAUSE;
    this.waitValue = w;
    return BLOCK;
  }

  /** Books the time this call waited (full vs paused) toward the next commit's deadtime. */
  private settleWait(): void {
    if (this.waitStart >= 0) {
      const total = performance.now() - this.waitStart;
      this.waited += Math.max(0, total - this.pauseInCall);
      this.paused += this.pauseInCall;
    } else {
      this.paused += this.pauseInCall;
    }
    this.waitStart = -1;
    this.pauseInCall = 0;
  }

  private claimed(n: number): number {
    if (this.waitStart >= 0 || this.pauseInCall > 0) this.settleWait();
    const core = this.core;
    const i32 = core.i32;
    const f64 = core.f64;
    for (let k = 0; k < n; k++) {
      const seq = core.wrap(this.heldStart + k);
      const b = core.slotByte(seq & core.mask);
      // Head stamp first: an observer copying the slot from here on sees it change.
      i32[(b + SLOT.HEAD) >> 2] = seq;
      f64[(b + SLOT.TIMESTAMP) >> 3] = NaN;
      f64[(b + SLOT.DEADTIME) >> 3] = 0;
    }
    this.held = n;
    if (this.track) {
      this.track[0] = this.heldStart;
      this.track[1] = n;
    }
    return n;
  }

  private timedOut(): 'timeout' {
    this.settleWait();
    return 'timeout';
  }

  private finish(): null {
    this.settleWait();
    this.done = true;
    return null;
  }

  /** True once acquire returned null (the buffer ended or was aborted). */
  get finished(): boolean {
    return this.done;
  }
}
