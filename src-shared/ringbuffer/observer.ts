// Observers copy the newest committed event without ever blocking a writer.
// The claim cursor doubles as the seqlock version: the slot of sequence s is
// rewritten only by the writer that claims s + physicalSlots (or later), so a
// copy made while the claim cursor stayed at or below that is one whole event.
//
// Why "never torn" holds by the JS memory model, not just on x86: the copy
// starts after an Atomics.load of the slot's "published for" word that reads
// the committing writer's Atomics.store (every sequence of a batch is stored
// atomically), so the event's data happen-before the copy. The copy ends with
// an atomic read-modify-write of the claim cursor (adding 0). If that comes
// before the claim of s + physicalSlots in the cursor's modification order,
// the claiming writer's CAS reads from it (or from a later read-modify-write),
// so the copy happens-before the overwrite and cannot see any of it; if it
// comes after, it reads a claim cursor beyond s + physicalSlots and the copy is
// rejected. A plain Atomics.load there would order nothing after the copy's
// plain loads (ARM64 may perform them late). A head stamp (written at acquire)
// and a tail stamp (written at commit) at the two ends of the slot are a second,
// independent check.
import type { Core } from './core';
import { CTRL, DTYPE_ARRAY, SLOT, type TypedArray } from './layout';

/** A copy of one event, owned by the caller. */
export interface Snapshot {
  /** Position of the event in the buffer's sequence of commits (0-based). */
  seq: number;
  counter: number;
  timestamp: number;
  deadtime: number;
  fields: Record<string, TypedArray>;
}

export interface ObserverOptions {
  /**
   * TEST ONLY: copy the most recently claimed slot with no version check at all, as an
   * observer without a seqlock would. Exists to prove that torn copies are detectable.
   */
  testOnlyBypassSeqlock?: boolean;
}

/** Attempts per latest() call before giving up while writers lap the observer. */
const ATTEMPTS = 64;
const TWO_32 = 4294967296;

/** Copies the newest committed event; never blocks, never returns a torn copy. */
export class Observer {
  private readonly slotFields: (Record<string, TypedArray> | undefined)[];
  private readonly bypass: boolean;
  /** Where copies are made before they are known to be whole. */
  private scratch: Snapshot | undefined;
  /** Copies rejected as possibly torn since creation (diagnostics). */
  retries = 0;

  constructor(
    private readonly core: Core,
    options: ObserverOptions = {},
  ) {
    this.slotFields = new Array(core.physical);
    this.bypass = options.testOnlyBypassSeqlock === true;
  }

  /**
   * A whole copy of the newest committed event, or null before the first commit (and, rarely,
   * when writers lap it 64 times in a row). Pass a previous result as `into` to reuse its arrays;
   * `into` is only written with a whole event (left as it was when the result is null).
   */
  latest(into?: Snapshot): Snapshot | null {
    const snap = (this.scratch ??= this.allocate());
    if (!this.copyNewest(snap)) return null;
    if (!into) {
      this.scratch = undefined;
      return snap;
    }
    into.seq = snap.seq;
    into.counter = snap.counter;
    into.timestamp = snap.timestamp;
    into.deadtime = snap.deadtime;
    for (const name in snap.fields) (into.fields[name] as Float64Array).set(snap.fields[name] as Float64Array);
    return into;
  }

  /** Copies the newest event into snap; false (snap torn or stale) after ATTEMPTS rejected copies. */
  private copyNewest(snap: Snapshot): boolean {
    const core = this.core;
    const ctrl = core.ctrl;
    const P = core.physical;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { raw: c, count } = core.claimCount();
      if (count === 0) return false;
      const s = this.bypass ? core.wrap(c - 1) : this.newest(c, Math.min(P, count));
      if (s === null) {
        // Every slot in the window is being written: nothing stable to copy right now.
        this.retries++;
        continue;
      }
      const slot = s & core.mask;
      const b = core.slotByte(slot);
      const tail = Atomics.load(core.i32, (b + core.off.tailStamp) >> 2);
      const hi = core.i32[(b >> 2) + 1];
      const lo = core.i32[b >> 2] >>> 0;
      snap.timestamp = core.f64[(b + SLOT.TIMESTAMP) >> 3];
      snap.deadtime = core.f64[(b + SLOT.DEADTIME) >> 3];
      const src = (this.slotFields[slot] ??= core.fieldViews(slot));
      for (const name in src) (snap.fields[name] as Float64Array).set(src[name] as Float64Array);
      if (!this.bypass) {
        const head = Atomics.load(core.i32, (b + SLOT.HEAD) >> 2);
        // A read-modify-write, not a load: see the comment at the top.
        const c2 = Atomics.add(ctrl, CTRL.CLAIM, 0);
        if (tail !== s || head !== s || core.diff(c2, s) > P) {
          this.retries++;
          continue;
        }
      }
      snap.counter = hi * TWO_32 + lo;
      snap.seq = count - core.diff(c, s);
      return true;
    }
    return false;
  }

  /** The newest published, non-cancelled sequence among the `window` before c, or null. */
  private newest(c: number, window: number): number | null {
    const core = this.core;
    for (let k = 1; k <= window; k++) {
      const x = core.wrap(c - k);
      if (Atomics.load(core.i32, core.pub(x)) === x && !core.isTombstone(x)) return x;
    }
    return null;
  }

  private allocate(): Snapshot {
    const fields: Record<string, TypedArray> = {};
    for (const f of this.core.off.fields) fields[f.name] = new DTYPE_ARRAY[f.dtype](new ArrayBuffer(f.byteLength), 0, f.length);
    return { seq: 0, counter: 0, timestamp: 0, deadtime: 0, fields };
  }
}
