// Single-thread behaviour of the ring buffer, continued from ringbuffer.test.ts:
// control, status, deadtime, observer (wrap-around: wrap.test.ts). The same
// code under real threads is in the *.solo.test.ts files.
import { describe, expect, it } from 'vitest';
import { base, ev, mk, write } from '../../test/support/ringbuffer/buffers';
import { checkPattern, fillPattern } from '../../test/support/ringbuffer/pattern';

describe('control', () => {
  it('end(): acquire returns null, an event acquired before is still delivered, readers drain then get null', () => {
    const rb = mk();
    const w = rb.writer();
    const w2 = rb.writer();
    write(rb, [1, 2], w);
    const held = ev(w2.acquire(0));
    rb.end();
    expect(w.acquire(0)).toBe(null);
    held.counter = 3;
    fillPattern(held.fields, 3);
    w2.commit();
    expect(w2.acquire()).toBe(null);
    const r = rb.reader('g');
    expect([1, 2, 3].map(() => ev(r.next(0)).counter)).toEqual([1, 2, 3]);
    expect(r.next()).toBe(null);
    expect(r.next()).toBe(null);
    expect(rb.status()).toMatchObject({ written: 3, released: { g: 3 }, filled: 0, ended: true });
  });

  it('end() while a reader waits for an acquired-but-uncommitted event: it waits for that commit', () => {
    const rb = mk();
    const w = rb.writer();
    const held = ev(w.acquire(0));
    rb.end();
    const r = rb.reader('g');
    expect(r.next(0)).toBe('timeout');
    held.counter = 9;
    w.commit();
    expect(ev(r.next(0)).counter).toBe(9);
    expect(r.next(0)).toBe(null);
  });

  it('pause(): writers wait (not claiming slots) while readers drain; resume() lets them go on', () => {
    const rb = mk();
    const w = rb.writer();
    write(rb, [1, 2], w);
    rb.pause();
    expect(rb.status().paused).toBe(true);
    for (let i = 0; i < 3; i++) expect(w.acquire(0)).toBe('timeout');
    const r = rb.reader('g');
    expect(ev(r.next(0)).counter).toBe(1);
    expect(ev(r.next(0)).counter).toBe(2);
    expect(r.next(0)).toBe('timeout');
    rb.resume();
    write(rb, [3], w);
    expect(ev(r.next(0)).counter).toBe(3);
    r.release();
    expect(rb.status()).toMatchObject({ written: 3, released: { g: 3 }, paused: false });
  });

  it('abort(): every handle returns null at once, even with events ready', async () => {
    const rb = mk();
    const w = rb.writer();
    write(rb, [1, 2], w);
    const r = rb.reader('g');
    expect(ev(r.next(0)).counter).toBe(1);
    rb.abort();
    expect(r.next()).toBe(null);
    expect(await r.nextAsync()).toBe(null);
    expect(w.acquire()).toBe(null);
    expect(await rb.writer().acquireAsync()).toBe(null);
    expect(rb.status()).toMatchObject({ aborted: true });
  });

  it('async variants wait without blocking the event loop', async () => {
    const rb = mk();
    const r = rb.reader('g');
    const pending = r.nextAsync(10_000);
    setTimeout(() => write(rb, [5]), 5);
    expect(ev(await pending).counter).toBe(5);
    expect(await r.nextAsync(0)).toBe('timeout');
    const w = rb.writer();
    write(rb, [6, 7, 8], w);
    write(rb, [9], w);
    const acq = w.acquireAsync();
    setTimeout(() => {
      ev(r.next(0));
      r.release();
    }, 5);
    const e = ev(await acq);
    e.counter = 10;
    w.commit();
  });

  it('misuse throws clear errors', () => {
    const rb = mk();
    const w = rb.writer();
    expect(() => w.commit()).toThrow(/commit\(\) without an acquired event/);
    ev(w.acquire(0));
    expect(() => w.acquire(0)).toThrow(/commit\(\) or cancel\(\) the acquired event before acquiring another/);
    w.close();
    expect(() => w.acquire(0)).toThrow(/writer is closed/);
    const r = rb.reader('g');
    r.close();
    expect(() => r.next(0)).toThrow(/reader is closed/);
    expect(() => rb.writer({ deadtime: 'fast' as 'keep' })).toThrow(/'measure' or 'keep'/);
  });
});

describe('deadtime', () => {
  it('measure mode: the fraction of time spent waiting for a free slot', () => {
    const rb = mk();
    const w = rb.writer();
    const r = rb.reader('g');
    write(rb, [1, 2, 3, 4], w);
    expect(w.acquire(40)).toBe('timeout'); // ~40 ms waiting, nearly all of the interval
    r.next(0);
    r.release();
    ev(w.acquire(0)).counter = 5;
    w.commit();
    for (let i = 0; i < 3; i++) r.next(0);
    const last = ev(r.next(0));
    expect(last.counter).toBe(5);
    expect(last.deadtime).toBeGreaterThan(0.5);
    expect(last.deadtime).toBeLessThanOrEqual(1);
    const st = rb.status();
    expect(st.deadtime_mean).toBeCloseTo(last.deadtime / 5, 6);
  });

  it('measure mode with two writers: a full buffer caused by the other writer still counts', () => {
    const rb = mk();
    const a = rb.writer();
    const b = rb.writer();
    const r = rb.reader('g');
    const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    ev(a.acquire(0)).timestamp = 1;
    pause(200); // a long first interval: a deadtime based on a stale clock would come out small
    a.commit();
    write(rb, [2, 3, 4], b);
    expect(a.acquire(40)).toBe('timeout');
    r.next(0);
    r.release();
    const e = ev(a.acquire(0));
    e.timestamp = 2;
    a.commit();
    for (let i = 0; i < 3; i++) r.next(0);
    const last = ev(r.next(0));
    expect(last.timestamp).toBe(2);
    expect(last.deadtime).toBeGreaterThan(0.6);
  });

  it('measure mode: paused time is not deadtime', () => {
    const rb = mk();
    const w = rb.writer();
    const r = rb.reader('g');
    rb.pause();
    expect(w.acquire(30)).toBe('timeout');
    rb.resume();
    ev(w.acquire(0));
    w.commit();
    expect(ev(r.next(0)).deadtime).toBe(0);
    expect(rb.status().deadtime_mean).toBe(0);
  });

  it("keep mode: commit leaves the caller's deadtime; the mean covers every event", () => {
    const rb = mk();
    const w = rb.writer({ deadtime: 'keep' });
    for (const d of [0.5, 0, 0.25]) {
      ev(w.acquire(0)).deadtime = d;
      w.commit();
    }
    expect(rb.status().deadtime_mean).toBeCloseTo(0.25, 9);
    const r = rb.reader('g');
    expect([0, 1, 2].map(() => ev(r.next(0)).deadtime)).toEqual([0.5, 0, 0.25]);
  });
});

describe('observer', () => {
  it('returns null before the first commit, then a copy of the newest event', () => {
    const rb = mk();
    const o = rb.observer();
    expect(o.latest()).toBe(null);
    write(rb, [1, 2, 3]);
    const s = o.latest()!;
    expect(s).toMatchObject({ seq: 2, counter: 3 });
    expect(checkPattern(s.fields, 3)).toBe(true);
    // A copy: later writes do not change it.
    const r = rb.reader('g');
    for (let i = 0; i < 3; i++) r.next(0);
    r.release();
    write(rb, [4]);
    expect(checkPattern(s.fields, 3)).toBe(true);
    const again = o.latest(s)!;
    expect(again).toBe(s);
    expect(again).toMatchObject({ seq: 3, counter: 4 });
    expect(checkPattern(again.fields, 4)).toBe(true);
  });

  it('never shows an event that is acquired but not committed', () => {
    const rb = mk();
    write(rb, [1]);
    const w = rb.writer();
    const e = ev(w.acquire(0));
    e.counter = 2;
    fillPattern(e.fields, 2);
    expect(rb.observer().latest()!.counter).toBe(1);
    w.commit();
    expect(rb.observer().latest()!.counter).toBe(2);
  });
});
