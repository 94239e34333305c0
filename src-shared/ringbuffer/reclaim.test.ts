// A handle whose thread died: what it held is given back through its track words, so the
// other threads never wait on it (the engine does this when a function's thread exits).
import { describe, expect, it } from 'vitest';
import { ev, mk, write } from '../../test/support/ringbuffer/buffers';

const track = () => new Int32Array(new SharedArrayBuffer(8));

describe('reclaiming a dead handle', () => {
  it('a writer that claimed a slot and never committed: the slot becomes "no event" and readers go past it', () => {
    const rb = mk();
    const deadTrack = track();
    const dead = rb.writer({ track: deadTrack });
    ev(dead.acquire(0)).counter = 99;
    write(rb, [1, 2]);
    const r = rb.reader('g');
    // The reader waits on the dead writer's slot, which comes first.
    expect(r.next(5)).toBe('timeout');
    expect(rb.reclaimWriter(deadTrack)).toBe(1);
    expect(rb.reclaimWriter(deadTrack)).toBe(0);
    expect([ev(r.next(0)).counter, ev(r.next(0)).counter]).toEqual([1, 2]);
    r.release();
    expect(rb.status()).toMatchObject({ written: 2, released: { g: 2 }, filled: 0 });
  });

  it('a committed writer has nothing to give back', () => {
    const rb = mk();
    const t = track();
    write(rb, [1], rb.writer({ track: t }));
    expect(rb.reclaimWriter(t)).toBe(0);
    expect(rb.status().written).toBe(1);
  });

  it('a reader that held an event: it is released for its group, so writers can reuse the slot', () => {
    const rb = mk();
    const slots = rb.layout.slots;
    write(rb, Array.from({ length: slots }, (_, i) => i));
    const t = track();
    const dead = rb.reader('g', { track: t });
    expect(ev(dead.next(0)).counter).toBe(0);
    const live = rb.reader('g');
    for (let i = 1; i < slots; i++) ev(live.next(0));
    live.release();
    // Full: the dead reader's event is the one not released.
    expect(rb.writer().acquire(0)).toBe('timeout');
    expect(rb.reclaimReader('g', t)).toBe(1);
    expect(rb.reclaimReader('g', t)).toBe(0);
    expect(rb.status()).toMatchObject({ written: slots, released: { g: slots }, filled: 0 });
    expect(rb.writer().acquire(0)).not.toBe('timeout');
  });

  it('a reader that died right after releasing (its track not yet cleared): a late reclaim never stops the group', () => {
    const rb = mk(); // 4 slots
    const t = track();
    const dead = rb.reader('g', { track: t });
    write(rb, [0]);
    expect(ev(dead.next(0)).counter).toBe(0);
    // The thread released its event (sequence 0, slot 0) and died before clearing its track.
    const held = Int32Array.from(t);
    dead.release();
    t.set(held);
    const a = rb.reader('g');
    const b = rb.reader('g');
    // The buffer goes round: sequences 1…6 come and go.
    for (let c = 1; c <= 6; c++) {
      write(rb, [c]);
      expect(ev(a.next(0)).counter).toBe(c);
      a.release();
    }
    // Sequences 7 and 8 (slot 0 again) go to a and b; b releases first: out of order.
    write(rb, [7, 8]);
    expect(ev(a.next(0)).counter).toBe(7);
    expect(ev(b.next(0)).counter).toBe(8);
    b.release();
    // Now the reclaim comes: it must not set slot 0's mark back from 8 to 0.
    expect(rb.reclaimReader('g', t)).toBe(1);
    a.release();
    expect(rb.status()).toMatchObject({ released: { g: 9 }, filled: 0 });
  });
});
