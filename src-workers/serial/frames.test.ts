import { describe, expect, it } from 'vitest';
import type { FieldLayout } from '../runtime/event-layout';
import { FrameDecoder, decodePayload, encodePayload, parseSyncWord } from './frames';

const layout: FieldLayout[] = [
  { name: 'n', dtype: 'uint16', samples: 1 },
  { name: 'wave', dtype: 'int16', samples: 4 },
  { name: 'gain', dtype: 'float32', samples: 1 },
];
const SYNC = parseSyncWord('A55A');

function frame(values: number[], order: 'little' | 'big' = 'little'): Uint8Array {
  return concat(SYNC, encodePayload(layout, order, values));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function valuesOf(payload: Uint8Array, order: 'little' | 'big' = 'little'): number[] {
  const fields = { n: new Uint16Array(1), wave: new Int16Array(4), gain: new Float32Array(1) };
  decodePayload(payload, layout, order, fields);
  return [fields.n[0], ...fields.wave, fields.gain[0]];
}

const rec = (i: number) => [i, i, -i, 2 * i, -2 * i, 0.5 * i];

describe('parseSyncWord', () => {
  it('reads hex in common spellings and rejects the rest with a reason', () => {
    expect([...parseSyncWord('A55A')]).toEqual([0xa5, 0x5a]);
    expect([...parseSyncWord('0xA5 0x5A')]).toEqual([0xa5, 0x5a]);
    expect([...parseSyncWord('de:ad:be:ef')]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect(() => parseSyncWord('')).toThrow(/empty/);
    expect(() => parseSyncWord('A5G')).toThrow(/not hexadecimal/);
    expect(() => parseSyncWord('A55')).toThrow(/odd number/);
  });
});

describe('payload codec', () => {
  it('round-trips little- and big-endian records, including 64-bit integers', () => {
    for (const order of ['little', 'big'] as const) {
      expect(valuesOf(encodePayload(layout, order, rec(7)), order)).toEqual(rec(7));
    }
    const big: FieldLayout[] = [{ name: 'c', dtype: 'int64', samples: 2 }];
    const p = encodePayload(big, 'big', [-5, 2 ** 40]);
    expect([...p.slice(0, 8)]).toEqual([255, 255, 255, 255, 255, 255, 255, 251]);
    const c = new BigInt64Array(2);
    decodePayload(p, big, 'big', { c });
    expect([...c]).toEqual([-5n, 2n ** 40n]);
  });
});

describe('FrameDecoder', () => {
  it('accepts a frame once the next sync word follows it, or when the line goes quiet', () => {
    const d = new FrameDecoder({ sync: SYNC, layout, byteOrder: 'little' });
    expect(d.frameSize).toBe(2 + 8 + 4);
    const out: number[][] = [];
    const emit = (p: Uint8Array) => out.push(valuesOf(p));
    d.push(concat(frame(rec(1)), frame(rec(2))), emit);
    expect(out).toEqual([rec(1)]);
    expect(d.hasPending).toBe(true);
    d.flush(emit);
    expect(out).toEqual([rec(1), rec(2)]);
    expect(d.hasPending).toBe(false);
    expect(d.counts).toEqual({ good: 2, bad: 0, header: 0, skippedBytes: 0 });
  });

  it('decodes a stream cut into 1-byte chunks', () => {
    const d = new FrameDecoder({ sync: SYNC, layout, byteOrder: 'big' });
    const all = concat(frame(rec(1), 'big'), frame(rec(2), 'big'), frame(rec(3), 'big'), SYNC);
    const out: number[][] = [];
    for (const b of all) d.push(new Uint8Array([b]), (p) => out.push(valuesOf(p, 'big')));
    expect(out).toEqual([rec(1), rec(2), rec(3)]);
    expect(d.counts.bad).toBe(0);
  });

  it('skips garbage as one bad record per run and resyncs; a frame followed by garbage is not trusted', () => {
    const d = new FrameDecoder({ sync: SYNC, layout, byteOrder: 'little' });
    const junk = new Uint8Array([1, 2, 3, 0xa5, 4, 5]);
    const out: number[][] = [];
    d.push(concat(junk, frame(rec(1)), frame(rec(2)), junk, junk, frame(rec(3)), frame(rec(4))), (p) => out.push(valuesOf(p)));
    d.flush((p) => out.push(valuesOf(p)));
    // Frame 2 may be a cut-off frame followed by anything: without the next sync word right after it, it is rejected.
    expect(out).toEqual([rec(1), rec(3), rec(4)]);
    expect(d.counts).toMatchObject({ good: 3, bad: 2, skippedBytes: 6 + 16 + 12 });
  });

  it('rejects a cut-off frame instead of merging it with the next one', () => {
    const d = new FrameDecoder({ sync: SYNC, layout, byteOrder: 'little' });
    const partial = frame(rec(9)).slice(0, 7);
    const out: number[][] = [];
    const emit = (p: Uint8Array) => out.push(valuesOf(p));
    d.push(concat(frame(rec(1)), partial), emit);
    d.push(concat(frame(rec(2)), frame(rec(3))), emit);
    d.flush(emit);
    expect(out).toEqual([rec(1), rec(2), rec(3)]);
    expect(d.counts).toMatchObject({ good: 3, bad: 1, skippedBytes: 7 });
    expect(d.lastError).toMatch(/not followed by the sync word/);
  });

  it('counts a frame cut off by a disconnect, and starts clean after the reset', () => {
    const d = new FrameDecoder({ sync: SYNC, layout, byteOrder: 'little' });
    const out: number[][] = [];
    const emit = (p: Uint8Array) => out.push(valuesOf(p));
    d.push(concat(frame(rec(1)), frame(rec(2)).slice(0, 9)), emit);
    d.flush(emit);
    d.reset();
    d.push(frame(rec(3)), emit);
    d.flush(emit);
    expect(out).toEqual([rec(1), rec(3)]);
    expect(d.counts).toMatchObject({ good: 2, bad: 1 });
    expect(d.lastError).toMatch(/cut off by the disconnect \(7 of 14 bytes\)/);
  });
});
