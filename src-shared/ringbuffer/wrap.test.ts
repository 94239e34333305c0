// Natural histories across sequence wrap-around, single thread. The buffers use
// narrow sequence numbers (testOnlySeqBits: W = 10, so 2^(W−1) = 512 and
// 2^W = 1024 sequences), which go through the very same wrap/diff arithmetic as
// the 32-bit ones: crossing 2^9 and 2^10 here is crossing 2^31 and 2^32 in a
// long run. Nothing is rebased: every mark, cursor and cache is what the
// history made it. Real threads across many wraps: stress.solo.test.ts.
import { describe, expect, it } from 'vitest';
import { RingBuffer, type Writer } from './index';
import { ev, mk, write } from '../../test/support/ringbuffer/buffers';
import { checkPattern, fillPattern } from '../../test/support/ringbuffer/pattern';
import { CTRL, SLOT } from './layout';

const W = 10;
const LAP = 2 ** W;
const narrow = (over = {}) => mk(over, { testOnlySeqBits: W });

/** Commits one event of counter c with w; the acquire must not wait. */
function put(w: Writer, c: number): void {
  const e = ev(w.acquire(0));
  e.counter = c;
  fillPattern(e.fields, c);
  w.commit();
}

describe('wrap-around with natural history (sequences of 10 bits)', () => {
  it('a one-thread group: at every sequence of three laps, exactly `slots` events fit and come back whole', () => {
    // Releases in order take the fast path; the marks it leaves behind must never match again.
    const rb = narrow({ slots: 16 });
    const w = rb.writer();
    const r = rb.reader('g');
    let c = 0;
    const problems: string[] = [];
    for (let pos = 0; pos < 3 * LAP + 40; pos++) {
      // Fill until full, then drain: exactly 16 fit.
      let fitted = 0;
      for (;;) {
        const e = w.acquire(0);
        if (e === 'timeout') break;
        if (e === null) throw new Error('ended');
        e.counter = c + fitted;
        fillPattern(e.fields, c + fitted);
        w.commit();
        fitted++;
        if (fitted > 16) break;
      }
      const st = rb.status();
      if (fitted !== 16 || st.filled !== 16 || st.free !== 0) problems.push(`at ${pos}: ${fitted} fitted, filled ${st.filled}`);
      for (let k = 0; k < fitted; k++) {
        const e = ev(r.next(0));
        if (e.counter !== c + k || !checkPattern(e.fields, c + k)) problems.push(`at ${pos}: event ${k} is ${e.counter}`);
      }
      r.release();
      c += fitted;
      // Advance one more sequence (so the fill above starts at every position of the lap).
      put(w, c);
      expect(ev(r.next(0)).counter).toBe(c);
      r.release();
      c++;
      if (problems.length > 3) break;
    }
    expect(problems).toEqual([]);
    // The counts are 63-bit, beyond 2^W.
    const st = rb.status();
    expect(st.written).toBe(c);
    expect(st.written).toBeGreaterThan(3 * LAP);
    expect(st.released.g).toBe(c);
  });

  it('out-of-order releases in a two-reader group and batches in another group, over five laps', () => {
    const rb = narrow({ slots: 8, groups: ['a', 'b'] });
    const w = rb.writer();
    const a1 = rb.reader('a');
    const a2 = rb.reader('a');
    const b = rb.reader('b');
    const o = rb.observer();
    let next = 0;
    const got = { a: [] as number[], b: [] as number[] };
    let round = 0;
    while (next < 5 * LAP) {
      const batch = w.acquireBatch(1 + (round % 5), 0);
      if (typeof batch !== 'object' || batch === null) throw new Error(String(batch));
      for (const e of batch) {
        e.counter = next;
        fillPattern(e.fields, next++);
      }
      w.commit();
      const snap = o.latest()!;
      expect([snap.seq, snap.counter, checkPattern(snap.fields, snap.counter)]).toEqual([next - 1, next - 1, true]);
      // Group a: two readers releasing in reverse order (out of order); group b: batches.
      const x = a1.next(0);
      const y = a2.next(0);
      for (const e of [x, y]) if (typeof e === 'object' && e !== null) got.a.push(e.counter);
      a2.release();
      a1.release();
      const bb = b.nextBatch(3, 0);
      if (typeof bb === 'object' && bb !== null) for (const e of bb) got.b.push(e.counter);
      b.release();
      for (const r of [a1, a2]) {
        let e;
        while (typeof (e = r.next(0)) === 'object' && e !== null) got.a.push(e.counter);
      }
      round++;
    }
    let e;
    while (typeof (e = b.next(0)) === 'object' && e !== null) got.b.push(e.counter);
    b.release();
    const all = Array.from({ length: next }, (_, i) => i);
    expect(got.a).toEqual(all);
    expect(got.b).toEqual(all);
    expect(rb.status()).toMatchObject({ written: next, released: { a: next, b: next }, filled: 0, free: 8 });
  });

  // Writer A writes once, then sits idle while writer B writes `gap` events; then B fills the
  // buffer. A must see it full: its cached view of the released cursors is `gap` sequences old.
  const gaps = [LAP / 2 - 20, LAP / 2, LAP / 2 + 7, LAP - 16, LAP - 1, LAP, LAP + 3, (3 * LAP) / 2 + 1, 2 * LAP - 16, 2 * LAP - 10, 2 * LAP, 2 * LAP + 9];
  it.each(gaps)('an idle writer respects a full buffer after %i events by another writer', (gap) => {
    const rb = narrow({ slots: 16 });
    const idle = rb.writer();
    const busy = rb.writer();
    const r = rb.reader('g');
    put(idle, 0);
    ev(r.next(0));
    r.release();
    for (let c = 1; c <= gap; c++) {
      put(busy, c);
      expect(ev(r.next(0)).counter).toBe(c);
      r.release();
    }
    const first = gap + 1;
    for (let k = 0; k < 16; k++) put(busy, first + k);
    expect(busy.acquire(0)).toBe('timeout');
    expect(idle.acquire(0)).toBe('timeout');
    // Nothing was overwritten: the 16 unread events are whole and in order.
    for (let k = 0; k < 16; k++) {
      const e = ev(r.next(0));
      expect([e.counter, checkPattern(e.fields, e.counter)]).toEqual([first + k, true]);
    }
    r.release();
    put(idle, first + 16);
    expect(ev(r.next(0)).counter).toBe(first + 16);
    expect(rb.status()).toMatchObject({ written: gap + 18, filled: 1 });
  });

  it('counts stay exact past 2^W: status, event and snapshot sequence numbers', () => {
    const rb = narrow({ slots: 4 });
    const w = rb.writer();
    const r = rb.reader('g');
    const o = rb.observer();
    const n = 4 * LAP + 3;
    for (let c = 0; c < n; c++) {
      put(w, c);
      const e = ev(r.next(0));
      if (e.seq !== c) expect(e.seq).toBe(c);
    }
    expect(o.latest()!.seq).toBe(n - 1);
    expect(rb.status()).toMatchObject({ written: n, released: { g: n - 1 }, filled: 1 });
  });
});

describe('widths', () => {
  it('refuses a width too narrow for the slots, or outside 8–32 bits', () => {
    expect(() => mk({ slots: 64 }, { testOnlySeqBits: 8 })).toThrow(/64 slots need sequences of at least 9 bits, got 8/);
    expect(() => mk({}, { testOnlySeqBits: 7 })).toThrow(/from 8 to 32 bits, got 7/);
    expect(() => mk({}, { testOnlySeqBits: 33 })).toThrow(/from 8 to 32 bits, got 33/);
    expect(() => RingBuffer.open({ ...mk().descriptor, seqBits: 3 })).toThrow(/from 8 to 32 bits, got 3/);
  });
});

describe('inconsistent or damaged shared memory', () => {
  it('status() stays bounded when the cursors it reads disagree', () => {
    const rb = mk({ slots: 4 });
    write(rb, [1, 2]);
    const ctrl = new Int32Array(rb.descriptor.buffer, 0, 128);
    // A released cursor far ahead of the claim cursor (as a torn read could show it).
    ctrl[CTRL.GROUP_BASE + CTRL.RELEASED] = 1_000_003;
    const st = rb.status();
    expect(st.filled).toBeGreaterThanOrEqual(0);
    expect(st.filled).toBeLessThanOrEqual(4);
  });

  it('latest(into) leaves `into` as it was when every copy is rejected', () => {
    const rb = mk({ slots: 4 });
    write(rb, [5]);
    const o = rb.observer();
    const into = o.latest()!;
    expect(into.counter).toBe(5);
    write(rb, [6]);
    // Make the newest slot look rewritten (head stamp of another sequence) with other data:
    // every attempt copies it and rejects the copy.
    const off = rb.descriptor.offsets;
    const slot = off.slots + 1 * off.slotBytes;
    new Int32Array(rb.descriptor.buffer, slot + SLOT.HEAD, 1)[0] = 99;
    const x = new Int32Array(rb.descriptor.buffer, slot + off.fields[0].byteOffset, 3);
    x.fill(-1);
    expect(o.latest(into)).toBe(null);
    expect(into.counter).toBe(5);
    expect(checkPattern(into.fields, 5)).toBe(true);
    expect(o.retries).toBeGreaterThanOrEqual(64);
  });
});
