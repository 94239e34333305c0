// Single-thread behaviour of the ring buffer: layouts and their errors,
// descriptors, event content of every dtype, slot reuse rules, batches.
// Control, status, deadtime, observer and sequence wrap-around are in
// ringbuffer-control.test.ts. The same code under real threads is in the
// *.solo.test.ts files.
import { describe, expect, it, vi } from 'vitest';
import { RingBuffer, RingBufferLayoutError, computeOffsets, type DType, type RingBufferDescriptor, type RingBufferLayout } from './index';
import { base, ev, mk, write } from '../../test/support/ringbuffer/buffers';
import { checkPattern, fillPattern } from '../../test/support/ringbuffer/pattern';

describe('layout validation', () => {
  const bad: [string, Partial<RingBufferLayout> | Record<string, unknown>, string][] = [
    ['zero slots', { slots: 0 }, 'ring buffer "RB": slots must be at least 1, got 0'],
    ['fractional slots', { slots: 2.5 }, 'ring buffer "RB": slots must be an integer, got 2.5'],
    ['too many slots', { slots: 65_537 }, 'ring buffer "RB": slots is 65537, over the limit of 65536'],
    ['zero samples', { samples: 0 }, 'ring buffer "RB": samples must be at least 1, got 0'],
    ['samples not a number', { samples: '10' }, 'ring buffer "RB": samples must be an integer, got "10"'],
    ['too many samples', { samples: 16_777_217 }, 'ring buffer "RB": samples is 16777217, over the limit of 16777216'],
    ['unknown dtype', { fields: [{ name: 'x', dtype: 'float16' }] }, 'ring buffer "RB": field "x" has unknown dtype "float16" (known: int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64)'],
    ['duplicate field', { fields: [{ name: 'x', dtype: 'int8' }, { name: 'x', dtype: 'int16' }] }, 'ring buffer "RB": duplicate field name "x"'],
    ['empty field name', { fields: [{ name: 'x', dtype: 'int8' }, { name: '', dtype: 'int16' }] }, 'ring buffer "RB": field 2 has an empty name'],
    ['too many fields', { fields: Array.from({ length: 1025 }, (_, i) => ({ name: `f${i}`, dtype: 'int8' })) }, 'ring buffer "RB": 1025 fields, over the limit of 1024'],
    ['duplicate group', { groups: ['a', 'a'] }, 'ring buffer "RB": duplicate reader group name "a"'],
    ['empty group name', { groups: [' '] }, 'ring buffer "RB": reader group 1 has an empty name'],
    ['too many groups', { groups: Array.from({ length: 33 }, (_, i) => `g${i}`) }, 'ring buffer "RB": 33 reader groups, over the limit of 32'],
    [
      'too many bytes',
      { slots: 64, samples: 1_100_000, fields: [{ name: 'y', dtype: 'float64' }, { name: 'z', dtype: 'float64' }] },
      'ring buffer "RB": needs 1074.2 MiB, over the limit of 1024 MiB (reduce slots, samples or fields)',
    ],
    ['empty name', { name: '' }, 'ring buffer layout has an empty name'],
    ['fields not a list', { fields: 'x' }, 'ring buffer "RB": fields must be a list'],
  ];
  it.each(bad)('rejects %s with a message naming it', (_what, over, message) => {
    expect(() => RingBuffer.create({ ...base, ...over } as RingBufferLayout)).toThrowError(new RingBufferLayoutError(message));
  });

  it('rejects an unknown reader group, listing the known ones', () => {
    const rb = mk({ groups: ['filter', 'sink'] });
    expect(() => rb.reader('display')).toThrowError(new RingBufferLayoutError('ring buffer "RB": unknown reader group "display" (groups: "filter", "sink")'));
    expect(() => mk({ groups: [] }).reader('x')).toThrowError(new RingBufferLayoutError('ring buffer "RB": unknown reader group "x" (groups: none)'));
  });

  it('errors are RingBufferLayoutError instances', () => {
    try {
      mk({ slots: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RingBufferLayoutError);
      expect((e as Error).name).toBe('RingBufferLayoutError');
    }
  });

  it('aligns every field for its dtype and keeps slots on separate cache lines', () => {
    const dtypes: DType[] = ['int8', 'float64', 'int16', 'int64', 'uint8', 'float32', 'uint64', 'uint16', 'int32', 'uint32'];
    const off = computeOffsets({ ...base, samples: 3, slots: 5, fields: dtypes.map((d, i) => ({ name: `f${i}`, dtype: d })) });
    expect(off.capacity).toBe(5);
    expect(off.physicalSlots).toBe(8);
    expect(off.slotBytes % 64).toBe(0);
    expect(off.slots % 64).toBe(0);
    for (const f of off.fields) expect(f.byteOffset % 8).toBe(0);
    expect(off.fields.map((f) => f.name)).toEqual(dtypes.map((_, i) => `f${i}`));
  });
});

describe('descriptor', () => {
  it('is structured-clonable and opens onto the same memory', () => {
    const rb = mk();
    const d: RingBufferDescriptor = structuredClone(rb.descriptor);
    expect(d.buffer).toBe(d.buffer);
    const other = RingBuffer.open(d);
    write(rb, [7]);
    const e = ev(other.reader('g').next(0));
    expect(e.counter).toBe(7);
    expect(checkPattern(e.fields, 7)).toBe(true);
    expect(other.layout).toEqual(rb.layout);
  });

  it('rejects what is not a descriptor or does not match its memory', () => {
    expect(() => RingBuffer.open({} as RingBufferDescriptor)).toThrowError(new RingBufferLayoutError('not a ring-buffer descriptor'));
    const d = mk().descriptor;
    expect(() => RingBuffer.open({ ...d, layout: { ...d.layout, samples: 4 } })).toThrowError(/descriptor offsets do not match its layout/);
    expect(() => RingBuffer.open({ ...d, buffer: new SharedArrayBuffer(d.buffer.byteLength) })).toThrowError(/shared memory is not a ring buffer/);
  });

  it('copies the layout, so later changes to the caller object do not matter', () => {
    const layout = { ...base, fields: [...base.fields], groups: ['g'] };
    const rb = RingBuffer.create(layout);
    layout.groups.push('h');
    expect(rb.layout.groups).toEqual(['g']);
  });
});

describe('events', () => {
  it('carries every dtype, counter, timestamp and deadtime through shared memory', () => {
    const dtypes: DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64'];
    const rb = mk({ samples: 5, fields: dtypes.map((d) => ({ name: d, dtype: d })) });
    const w = rb.writer({ deadtime: 'keep' });
    const r = rb.reader('g');
    const e = ev(w.acquire(0));
    expect(Object.keys(e.fields)).toEqual(dtypes);
    expect(e.fields.int64).toBeInstanceOf(BigInt64Array);
    expect(e.fields.uint64).toBeInstanceOf(BigUint64Array);
    expect(e.fields.float32).toBeInstanceOf(Float32Array);
    fillPattern(e.fields, 12345);
    e.fields.int64[4] = -(2n ** 62n);
    e.counter = 12345;
    e.timestamp = 1_700_000_000_123.5;
    e.deadtime = 0.25;
    w.commit();
    const got = ev(r.next(0));
    expect(got.counter).toBe(12345);
    expect(got.timestamp).toBe(1_700_000_000_123.5);
    expect(got.deadtime).toBe(0.25);
    expect(got.fields.int64[4]).toBe(-(2n ** 62n));
    got.fields.int64[4] = BigInt(12345 * 4096 + 3 * 1024 + 4);
    expect(checkPattern(got.fields, 12345)).toBe(true);
  });

  it('stores the counter as a real int64, exact to 2^53, negative too', () => {
    const rb = mk({ slots: 8 });
    const values = [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, 2 ** 53 - 1, -1, -3, -(2 ** 40)];
    const w = rb.writer();
    const r = rb.reader('g');
    for (const v of values) {
      const e = ev(w.acquire(0));
      e.counter = v;
      // The raw 8 bytes, as an exporter would read them.
      const raw = new BigInt64Array(rb.descriptor.buffer, rb.descriptor.offsets.slots + e.slot * rb.descriptor.offsets.slotBytes, 1);
      expect(raw[0]).toBe(BigInt(v));
      w.commit();
      expect(ev(r.next(0)).counter).toBe(v);
    }
  });

  it('measure mode fills a timestamp the caller left unset, and keeps one it set', () => {
    const rb = mk();
    const w = rb.writer();
    const r = rb.reader('g');
    const before = Date.now();
    ev(w.acquire(0));
    w.commit();
    const t = ev(r.next(0)).timestamp;
    // Date.now() has ms resolution; the stamp, sub-ms, is within 1.5 ms of the true time.
    expect(t).toBeGreaterThanOrEqual(before - 1.5);
    expect(t).toBeLessThanOrEqual(Date.now() + 2.5);
    ev(w.acquire(0)).timestamp = 42;
    w.commit();
    expect(ev(r.next(0)).timestamp).toBe(42);
  });

  it('measure mode follows the system clock when it parts from the monotonic one (NTP), and never steps back', () => {
    const rb = mk();
    const w = rb.writer();
    const r = rb.reader('g');
    ev(w.acquire(0));
    w.commit();
    ev(r.next(0));
    const mono = performance.now();
    const origin = performance.timeOrigin;
    const nowSpy = vi.spyOn(performance, 'now');
    const dateSpy = vi.spyOn(Date, 'now');
    try {
      // Two seconds on, the system clock is 5 s ahead of timeOrigin + performance.now().
      nowSpy.mockReturnValue(mono + 2000);
      dateSpy.mockReturnValue(Math.floor(origin + mono + 2000 + 5000));
      ev(w.acquire(0));
      w.commit();
      const ahead = ev(r.next(0)).timestamp;
      expect(Math.abs(ahead - (origin + mono + 2000 + 5000))).toBeLessThanOrEqual(1);
      // Half a second later, within the second: the offset holds, time goes on.
      nowSpy.mockReturnValue(mono + 2500);
      ev(w.acquire(0));
      w.commit();
      expect(ev(r.next(0)).timestamp - ahead).toBeCloseTo(500, 6);
      // Then the clock is set back 3 s: stamps hold still rather than go back.
      nowSpy.mockReturnValue(mono + 4000);
      dateSpy.mockReturnValue(Math.floor(origin + mono + 4000 + 2000));
      ev(w.acquire(0));
      w.commit();
      expect(ev(r.next(0)).timestamp).toBe(ahead + 500);
    } finally {
      nowSpy.mockRestore();
      dateSpy.mockRestore();
    }
  });

  it('hands out views that are valid until the next call and cost no allocation per event', () => {
    const rb = mk();
    const w = rb.writer();
    const first = ev(w.acquire(0));
    w.commit();
    for (let i = 0; i < 3; i++) {
      ev(w.acquire(0));
      w.commit();
    }
    const r = rb.reader('g');
    for (let i = 0; i < 4; i++) r.next(0);
    r.release();
    // Same slot again: the same view object, pointing at the new event.
    const again = ev(w.acquire(0));
    expect(again).toBe(first);
    expect(again.seq).toBe(4);
    w.commit();
  });
});

describe('slots and groups', () => {
  it('blocks a writer when full and frees a slot only when every group released it', () => {
    const rb = mk({ groups: ['a', 'b'] });
    const w = rb.writer();
    write(rb, [1, 2, 3, 4], w);
    expect(w.acquire(0)).toBe('timeout');
    const a = rb.reader('a');
    const b = rb.reader('b');
    expect(ev(a.next(0)).counter).toBe(1);
    a.release();
    expect(w.acquire(0)).toBe('timeout');
    expect(rb.status()).toMatchObject({ written: 4, released: { a: 1, b: 0 }, filled: 4, free: 0 });
    expect(ev(b.next(0)).counter).toBe(1);
    expect(ev(b.next(0)).counter).toBe(2); // releases 1
    expect(ev(w.acquire(0)).slot).toBe(0);
    w.cancel();
  });

  it('holds slots released out of order until the gap closes', () => {
    const rb = mk();
    const w = rb.writer();
    write(rb, [1, 2, 3, 4], w);
    const r1 = rb.reader('g');
    const r2 = rb.reader('g');
    expect(ev(r1.next(0)).counter).toBe(1);
    expect(ev(r2.next(0)).counter).toBe(2);
    r2.release();
    expect(ev(r2.next(0)).counter).toBe(3);
    r2.release();
    expect(rb.status()).toMatchObject({ released: { g: 0 }, free: 0 });
    expect(w.acquire(0)).toBe('timeout');
    r1.release();
    expect(rb.status()).toMatchObject({ released: { g: 3 }, free: 3 });
    write(rb, [5, 6, 7], w);
    expect(w.acquire(0)).toBe('timeout');
  });

  it('gives each event of a group to exactly one of its readers, in commit order', () => {
    const rb = mk({ slots: 8 });
    write(rb, [1, 2, 3, 4, 5, 6]);
    const r1 = rb.reader('g');
    const r2 = rb.reader('g');
    const got: number[] = [];
    for (let i = 0; i < 3; i++) {
      got.push(ev(r1.next(0)).counter);
      got.push(ev(r2.next(0)).counter);
    }
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r1.next(0)).toBe('timeout');
  });

  it('holds at most `slots` events with a slot count that is not a power of two', () => {
    const rb = mk({ slots: 3 });
    const w = rb.writer();
    write(rb, [1, 2, 3], w);
    expect(w.acquire(0)).toBe('timeout');
    expect(rb.status()).toMatchObject({ filled: 3, free: 0 });
    const r = rb.reader('g');
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3; i++) expect(ev(r.next(0)).counter).toBe(round * 3 + i + 1);
      r.release();
      write(rb, [round * 3 + 4, round * 3 + 5, round * 3 + 6], w);
    }
  });

  it('without reader groups, never blocks writers (for observed-only buffers)', () => {
    const rb = mk({ groups: [] });
    const w = rb.writer();
    for (let i = 0; i < 50; i++) write(rb, [i], w);
    expect(rb.status()).toMatchObject({ written: 50, released: {}, filled: 0, free: 4 });
    expect(rb.observer().latest()!.counter).toBe(49);
  });
});

describe('batches', () => {
  it('acquireBatch takes what is free (up to max), nextBatch what is ready', () => {
    const rb = mk({ slots: 8 });
    const w = rb.writer();
    write(rb, [1, 2, 3], w);
    const batch = w.acquireBatch(16, 0);
    if (typeof batch !== 'object' || batch === null) throw new Error(String(batch));
    expect(batch.length).toBe(5);
    batch.forEach((e, i) => {
      e.counter = 4 + i;
      fillPattern(e.fields, 4 + i);
    });
    w.commit();
    const r = rb.reader('g');
    const got = r.nextBatch(3, 0);
    if (typeof got !== 'object' || got === null) throw new Error(String(got));
    expect(got.map((e) => e.counter)).toEqual([1, 2, 3]);
    const rest = r.nextBatch(100, 0);
    if (typeof rest !== 'object' || rest === null) throw new Error(String(rest));
    expect(rest.map((e) => e.counter)).toEqual([4, 5, 6, 7, 8]);
    expect(rest.every((e) => checkPattern(e.fields, e.counter))).toBe(true);
    expect(r.nextBatch(4, 0)).toBe('timeout');
    expect(rb.status()).toMatchObject({ written: 8, released: { g: 8 } });
    expect(() => r.nextBatch(0)).toThrow(/batch size must be at least 1/);
  });

  it('skips cancelled events, also inside a batch', () => {
    const rb = mk({ slots: 8 });
    const w = rb.writer();
    write(rb, [1], w);
    ev(w.acquire(0));
    w.cancel();
    write(rb, [2], w);
    const b = w.acquireBatch(2, 0);
    if (typeof b !== 'object' || b === null) throw new Error(String(b));
    w.cancel();
    write(rb, [3], w);
    const r = rb.reader('g');
    const got = r.nextBatch(8, 0);
    if (typeof got !== 'object' || got === null) throw new Error(String(got));
    expect(got.map((e) => e.counter)).toEqual([1, 2, 3]);
    expect(r.next(0)).toBe('timeout');
    expect(rb.status()).toMatchObject({ written: 3, released: { g: 3 }, filled: 0 });
    expect(rb.observer().latest()!.counter).toBe(3);
  });
});
