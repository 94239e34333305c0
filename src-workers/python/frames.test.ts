// The worker's side of the Python link without Python: events of every dtype through the
// shared file and back bit for bit, and put frames that do not fit refused with a reason.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RingBuffer, type EventView, type RingBufferLayout } from '../../src-shared/ringbuffer';
import { ev as event } from '../../test/support/ringbuffer/buffers';
import { encodeEvents, eventBytes, fillEvent, parsePut } from './frames';
import { SharedFile } from './shared-file';

const layout: RingBufferLayout = {
  name: 'RB_1',
  slots: 4,
  samples: 3,
  groups: ['g'],
  fields: [
    { name: 'a', dtype: 'float32' },
    { name: 'b', dtype: 'int64' },
    { name: 'c', dtype: 'uint8' },
  ],
};

describe('events through the shared file', () => {
  it('come back bit for bit with their metadata (timestamp in seconds in the file, ms in the buffer)', () => {
    const src = RingBuffer.create(layout);
    const w = src.writer();
    for (let k = 0; k < 3; k++) {
      const ev = event(w.acquire(0));
      ev.counter = 1000 + k;
      ev.timestamp = 1_796_548_829_034 + k;
      (ev.fields.a as Float32Array).set([k + 0.5, -k, Math.fround(1e-3)]);
      (ev.fields.b as BigInt64Array).set([2n ** 62n + BigInt(k), -1n, 0n]);
      (ev.fields.c as Uint8Array).set([255, k, 7]);
      w.commit();
    }
    const r = src.reader('g');
    const batch = r.nextBatch(3, 0) as readonly EventView[];
    expect(batch).toHaveLength(3);
    const shared = new SharedFile([layout], [layout]);
    try {
      expect(shared.readCapacity(layout)).toBe(Math.floor(shared.plan.read.size / eventBytes(layout)));
      // What the worker puts for Python to read is what Python would put back into an output's half.
      const bytes = encodeEvents(batch, layout, shared.readScratch(3 * eventBytes(layout)));
      expect(bytes.length).toBe(3 * eventBytes(layout));
      shared.putRead(bytes);
      const copy = readFileSync(shared.plan.path).subarray(shared.plan.read.offset, shared.plan.read.offset + bytes.length);
      const dst = RingBuffer.create(layout);
      const dw = dst.writer();
      for (let i = 0; i < 3; i++) {
        const out = event(dw.acquire(0));
        const meta = fillEvent(out, copy, i, layout);
        expect(meta).toMatchObject({ counter: 1000 + i, deadtime: batch[i].deadtime });
        expect(meta.timestamp).toBeCloseTo(1_796_548_829_034 + i, 3);
        expect(Array.from(out.fields.a as Float32Array)).toEqual([i + 0.5, -i, Math.fround(1e-3)]);
        expect(Array.from(out.fields.b as BigInt64Array)).toEqual([2n ** 62n + BigInt(i), -1n, 0n]);
        expect(Array.from(out.fields.c as Uint8Array)).toEqual([255, i, 7]);
        dw.commit();
      }
    } finally {
      shared.close();
    }
    expect(existsSync(shared.plan.path)).toBe(false);
  });

  it('sizes a half for at least one event however big, and one read region for the biggest buffer read', () => {
    const big: RingBufferLayout = { ...layout, name: 'RB_big', samples: 100_000, fields: [{ name: 'w', dtype: 'float64' }] };
    const shared = new SharedFile([layout, big], [big, layout]);
    try {
      expect(shared.plan.read.size).toBeGreaterThanOrEqual(eventBytes(big));
      expect(shared.plan.sinks[0].half).toBeGreaterThanOrEqual(eventBytes(big));
      expect(shared.plan.sinks[1].offset).toBe(shared.plan.sinks[0].offset + 2 * shared.plan.sinks[0].half);
      expect(shared.plan.size).toBe(shared.plan.sinks[1].offset + 2 * shared.plan.sinks[1].half);
    } finally {
      shared.close();
    }
  });
});

describe('put frames', () => {
  const half = () => 1 << 20;
  const put = (index: number, h: number, count: number) => {
    const b = Buffer.alloc(6);
    b[0] = index;
    b[1] = h;
    b.writeUInt32LE(count, 2);
    return b;
  };

  it('accept a batch that fits its half', () => {
    expect(parsePut(put(0, 1, 5), [layout], half)).toEqual({ index: 0, half: 1, count: 5 });
  });

  it('refuse what does not fit, naming the buffer and the limits', () => {
    const fit = Math.floor((1 << 20) / eventBytes(layout));
    expect(() => parsePut(put(0, 0, fit + 1), [layout], half)).toThrow(`the Python side announced ${fit + 1} event(s) for RB_1 in half 0; a half holds 1 to ${fit} (${eventBytes(layout)} bytes each)`);
    expect(() => parsePut(put(0, 2, 1), [layout], half)).toThrow('in half 2');
    expect(() => parsePut(put(0, 0, 0), [layout], half)).toThrow('announced 0 event(s)');
    expect(() => parsePut(put(1, 0, 1), [layout], half)).toThrow('Python wrote to output 2, but RB_assign gives it 1 buffer(s) to write');
    expect(() => parsePut(Buffer.alloc(3), [layout], half)).toThrow('a put frame of 3 bytes (6 expected)');
  });
});
