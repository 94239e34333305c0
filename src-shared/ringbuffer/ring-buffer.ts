// The buffer itself: allocation, the structured-clonable descriptor that
// carries it to other threads, handle factories, run control and status.
import { Core, MIN_SEQ_BITS } from './core';
import { COUNTER, CTRL, LIMITS, MAGIC, SLOT, RingBufferLayoutError, STATE_ABORTED, STATE_ENDED, STATE_PAUSED, computeOffsets, validateLayout, type RingBufferLayout, type RingBufferOffsets } from './layout';
import { Observer, type ObserverOptions } from './observer';
import { Reader } from './reader';
import { Writer, type WriterOptions } from './writer';

/** Plain, structured-clonable description of a buffer: post it to a worker and RingBuffer.open() it there. */
export interface RingBufferDescriptor {
  readonly kind: 'ringscope.ringbuffer';
  readonly version: 1;
  readonly buffer: SharedArrayBuffer;
  readonly layout: RingBufferLayout;
  readonly offsets: RingBufferOffsets;
  /** Re-checks of the condition before a blocked handle sleeps (0 = sleep at once). */
  readonly spin: number;
  /** Width of sequence numbers: 32, or less in test builds (see RingBufferOptions.testOnlySeqBits). */
  readonly seqBits: number;
}

export interface RingBufferOptions {
  /**
   * Re-checks of the condition before a blocked handle sleeps (default 100, a few microseconds).
   * Measured here: a handle that has caught up otherwise sleeps and costs its partner a wake-up
   * (~2 µs) every few events; 100 lifts (a) from ~2–3 to ~4.7 M events/s one at a time and
   * batched from ~2 to ~3.8 M; neutral for big events (b) and for 4 threads on 2 cores (c);
   * long spins (≥ 512) cost throughput in (b).
   */
  spin?: number;
  /**
   * TEST ONLY: sequence numbers W bits wide instead of 32 (8 ≤ W ≤ 32, and slots ≤ 2^(W−3) after
   * rounding up to a power of two). Every sequence operation goes through the same wrap/diff
   * arithmetic for any W, so a natural history crossing 2^(W−1) and 2^W sequences in a test
   * exercises exactly what a long run does at 2^31 and 2^32.
   */
  testOnlySeqBits?: number;
}

/** A buffer's counters, cheap to read from any thread. */
export interface RingBufferStatus {
  /** Events committed so far. */
  written: number;
  /** Events released so far, per reader group. */
  released: Record<string, number>;
  /** Slots not free: holding an event some group has not released, or being written. */
  filled: number;
  free: number;
  /** Mean of the deadtime field over all committed events. */
  deadtime_mean: number;
  paused: boolean;
  ended: boolean;
  aborted: boolean;
  /** Threads (or async calls) blocked in acquire / next right now. */
  waiting_writers: number;
  waiting_readers: number;
}

const DEFAULT_SPIN = 100;

function checkSeqBits(name: string, bits: unknown, physicalSlots: number): void {
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < MIN_SEQ_BITS || bits > 32) {
    throw new RingBufferLayoutError(`ring buffer "${name}": sequence width must be an integer from ${MIN_SEQ_BITS} to 32 bits, got ${String(bits)}`);
  }
  if (physicalSlots > 2 ** (bits - 3)) throw new RingBufferLayoutError(`ring buffer "${name}": ${physicalSlots} slots need sequences of at least ${Math.log2(physicalSlots) + 3} bits, got ${bits}`);
}

/** A multiple-in multiple-out ring buffer of events in shared memory. */
export class RingBuffer {
  readonly descriptor: RingBufferDescriptor;
  readonly layout: RingBufferLayout;
  private readonly core: Core;

  private constructor(descriptor: RingBufferDescriptor) {
    this.descriptor = descriptor;
    this.layout = descriptor.layout;
    this.core = new Core(descriptor.buffer, descriptor.layout, descriptor.offsets, descriptor.spin, descriptor.seqBits);
  }

  /** Validates the layout and allocates a new buffer (throws RingBufferLayoutError naming the problem). */
  static create(layout: RingBufferLayout, options: RingBufferOptions = {}): RingBuffer {
    validateLayout(layout);
    const copy: RingBufferLayout = {
      name: layout.name,
      slots: layout.slots,
      samples: layout.samples,
      fields: layout.fields.map((f) => ({ name: f.name, dtype: f.dtype })),
      groups: [...layout.groups],
    };
    const offsets = computeOffsets(copy);
    const spin = options.spin ?? DEFAULT_SPIN;
    if (!Number.isInteger(spin) || spin < 0 || spin > 1_000_000) throw new RingBufferLayoutError(`ring buffer "${copy.name}": spin must be an integer from 0 to 1000000, got ${spin}`);
    const seqBits = options.testOnlySeqBits ?? 32;
    checkSeqBits(copy.name, seqBits, offsets.physicalSlots);
    const buffer = new SharedArrayBuffer(offsets.totalBytes);
    const ctrl = new Int32Array(buffer, 0, offsets.controlWords);
    ctrl[CTRL.MAGIC] = MAGIC;
    // Sequences, cursors and HALF start at 0 (the control block is zeroed). Initial
    // "published"/"released" marks: two laps before the sequence each slot will hold first, so
    // they match no sequence of the first laps; every lap overwrites them.
    const P = offsets.physicalSlots;
    const sh = 32 - seqBits;
    const initial = (i: number) => ((i - 2 * P) << sh) >> sh;
    const i32 = new Int32Array(buffer);
    for (let i = 0; i < P; i++) i32[(offsets.slots + i * offsets.slotBytes + SLOT.PUB) >> 2] = initial(i);
    for (const o of offsets.released) {
      const rel = new Int32Array(buffer, o, P);
      for (let i = 0; i < P; i++) rel[i] = initial(i);
    }
    return new RingBuffer({ kind: 'ringscope.ringbuffer', version: 1, buffer, layout: copy, offsets, spin, seqBits });
  }

  /** Opens a buffer from its descriptor, in any thread. */
  static open(d: RingBufferDescriptor): RingBuffer {
    if (typeof d !== 'object' || d === null || d.kind !== 'ringscope.ringbuffer') throw new RingBufferLayoutError('not a ring-buffer descriptor');
    if (d.version !== 1) throw new RingBufferLayoutError(`ring-buffer descriptor version ${String(d.version)} is not supported (expected 1)`);
    if (!(d.buffer instanceof SharedArrayBuffer)) throw new RingBufferLayoutError(`ring buffer "${d.layout?.name}": descriptor holds no SharedArrayBuffer`);
    validateLayout(d.layout);
    const offsets = computeOffsets(d.layout);
    if (JSON.stringify(offsets) !== JSON.stringify(d.offsets) || d.buffer.byteLength !== offsets.totalBytes) {
      throw new RingBufferLayoutError(`ring buffer "${d.layout.name}": descriptor offsets do not match its layout (made by another version?)`);
    }
    checkSeqBits(d.layout.name, d.seqBits, offsets.physicalSlots);
    if (new Int32Array(d.buffer, 0, offsets.controlWords)[CTRL.MAGIC] !== MAGIC) throw new RingBufferLayoutError(`ring buffer "${d.layout.name}": shared memory is not a ring buffer`);
    return new RingBuffer(d);
  }

  /** A new writer handle for this thread. */
  writer(options?: WriterOptions): Writer {
    return new Writer(this.core, options);
  }

  /** A new reader handle of the named group for this thread (throws RingBufferLayoutError for an unknown group); `track`: see Reader. */
  reader(group: string, options: { track?: Int32Array } = {}): Reader {
    return new Reader(this.core, this.groupNumber(group), options.track ?? null);
  }

  /** Releases, for its group, the events a reader of a thread that died still held (its track words); returns their number. */
  reclaimReader(group: string, track: Int32Array): number {
    const n = Atomics.load(track, 1);
    if (n <= 0) return 0;
    // It may have released them itself just before it died (the track is cleared after the release).
    this.core.releaseOnBehalf(this.groupNumber(group), Atomics.load(track, 0), n);
    Atomics.store(track, 1, 0);
    return n;
  }

  /** Gives back, as "no event", the slots a writer of a thread that died had claimed and not committed (its track words); returns their number. */
  reclaimWriter(track: Int32Array): number {
    const n = Atomics.load(track, 1);
    if (n <= 0) return 0;
    const s = Atomics.load(track, 0);
    Atomics.store(track, 1, 0);
    // Committed after all (the thread died between publishing and clearing its track): nothing to give back.
    if (Atomics.load(this.core.i32, this.core.pub(s)) === s) return 0;
    this.core.tombstone(s, n);
    return n;
  }

  private groupNumber(group: string): number {
    const g = this.layout.groups.indexOf(group);
    if (g < 0) {
      const known = this.layout.groups.length ? this.layout.groups.map((x) => `"${x}"`).join(', ') : 'none';
      throw new RingBufferLayoutError(`ring buffer "${this.layout.name}": unknown reader group "${group}" (groups: ${known})`);
    }
    return g;
  }

  /** A new observer: copies of the newest event, never blocking. */
  observer(options?: ObserverOptions): Observer {
    return new Observer(this.core, options);
  }

  /** Writers block in acquire until resume(); readers keep draining. */
  pause(): void {
    Atomics.or(this.core.ctrl, CTRL.STATE, STATE_PAUSED);
    this.core.wakeAll();
  }

  /** Lets paused writers continue. */
  resume(): void {
    Atomics.and(this.core.ctrl, CTRL.STATE, ~STATE_PAUSED);
    this.core.wakeAll();
  }

  /** Ends the stream: acquire returns null; readers drain everything committed, then get null. */
  end(): void {
    Atomics.or(this.core.ctrl, CTRL.STATE, STATE_ENDED);
    this.core.wakeAll();
  }

  /** Stops now: every waiting handle wakes, and every handle returns null from then on. */
  abort(): void {
    Atomics.or(this.core.ctrl, CTRL.STATE, STATE_ABORTED);
    this.core.wakeAll();
  }

  /** Counters of the buffer, consistent when it is quiet, close while it runs. */
  status(): RingBufferStatus {
    const core = this.core;
    const ctrl = core.ctrl;
    // Released cursors before the claim cursor: then none is ahead of it.
    const groups = this.layout.groups;
    const ru: number[] = [];
    for (let g = 0; g < core.groupCount; g++) ru.push(Atomics.load(ctrl, core.groupIndex(g, CTRL.RELEASED)));
    const skipped = ru.map((_, g) => Number(Atomics.load(core.counters, COUNTER.SKIPPED + g)));
    const { raw: c, count } = core.claimCount();
    let min = ru[0];
    for (const r of ru) if (core.diff(r, min) < 0) min = r;
    // Claimed but not yet published, among the (at most capacity) sequences not released by all
    // groups; bounded even if the counters read here are inconsistent.
    const span = Math.max(0, Math.min(core.cap, core.diff(c, min)));
    let unpublished = 0;
    for (let k = 0; k < span; k++) {
      const x = core.wrap(min + k);
      if (Atomics.load(core.i32, core.pub(x)) !== x) unpublished++;
    }
    const tombstones = Number(Atomics.load(core.counters, COUNTER.TOMBSTONES));
    const written = Math.max(0, count - unpublished - tombstones);
    const released: Record<string, number> = {};
    groups.forEach((name, g) => (released[name] = Math.max(0, count - core.diff(c, ru[g]) - skipped[g])));
    const filled = span;
    const st = Atomics.load(ctrl, CTRL.STATE);
    const deadSum = Number(Atomics.load(core.counters, COUNTER.DEAD)) / 1e9;
    return {
      written,
      released,
      filled,
      free: core.cap - filled,
      deadtime_mean: written > 0 ? deadSum / written : 0,
      paused: (st & STATE_PAUSED) !== 0,
      ended: (st & STATE_ENDED) !== 0,
      aborted: (st & STATE_ABORTED) !== 0,
      waiting_writers: Atomics.load(ctrl, CTRL.W_WAITING),
      waiting_readers: Atomics.load(ctrl, CTRL.R_WAITING),
    };
  }

  /** The stated layout limits. */
  static readonly limits = LIMITS;
}
