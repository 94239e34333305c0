// Events through real worker threads: every event arrives exactly once per
// reader group, with its content intact (mimoCoRB's count + sum-of-1..N test,
// plus a per-counter tally and a content pattern check).
import { describe, expect, it } from 'vitest';
import { RingBuffer, type FieldSpec, type RingBufferLayout } from './index';
import { notOnce, sharedInts, start, sum1to, total } from '../../test/support/ringbuffer/harness';

const fields: FieldSpec[] = [
  { name: 'x', dtype: 'int32' },
  { name: 'y', dtype: 'float64' },
  { name: 'z', dtype: 'uint16' },
  { name: 'w', dtype: 'int64' },
];
const layout = (name: string, slots: number, groups: string[]): RingBufferLayout => ({ name, slots, samples: 8, fields, groups });
const N = 20_000;

describe.each([4, 128])('ring buffer flows with %i slots', (slots) => {
  it('1 writer → 1 group: all N events once, in order, intact', async () => {
    const rb = RingBuffer.create(layout('RB_1', slots, ['sink']));
    const seen = sharedInts(N + 1);
    const writer = start({ role: 'writer', rb: rb.descriptor, first: 1, step: 1, count: N });
    const reader = start({ role: 'reader', rb: rb.descriptor, group: 'sink', seen: seen.buffer as SharedArrayBuffer, ordered: true });
    expect((await writer.done).count).toBe(N);
    rb.end();
    expect(await reader.done).toMatchObject({ count: N, sum: sum1to(N), bad: 0 });
    expect(notOnce(seen, N)).toEqual([]);
    expect(rb.status()).toMatchObject({ written: N, released: { sink: N }, filled: 0, free: slots, ended: true });
  });

  it('2 writers → 2 groups × 3 readers: every event once per group', async () => {
    const rb = RingBuffer.create(layout('RB_1', slots, ['a', 'b']));
    const seen = { a: sharedInts(N + 1), b: sharedInts(N + 1) };
    // Mixed styles: sync one at a time, async batches; readers sync, async and batched.
    const writers = [
      start({ role: 'writer', rb: rb.descriptor, first: 1, step: 2, count: N / 2 }),
      start({ role: 'writer', rb: rb.descriptor, first: 2, step: 2, count: N / 2, batch: 'random', async: true, seed: 3 }),
    ];
    const readers = { a: [] as ReturnType<typeof start>[], b: [] as ReturnType<typeof start>[] };
    for (const g of ['a', 'b'] as const) {
      const s = seen[g].buffer as SharedArrayBuffer;
      readers[g].push(start({ role: 'reader', rb: rb.descriptor, group: g, seen: s }));
      readers[g].push(start({ role: 'reader', rb: rb.descriptor, group: g, seen: s, async: true }));
      readers[g].push(start({ role: 'reader', rb: rb.descriptor, group: g, seen: s, batch: 'random', seed: g === 'a' ? 11 : 13 }));
    }
    const written = await Promise.all(writers.map((w) => w.done));
    expect(written.map((w) => w.count)).toEqual([N / 2, N / 2]);
    rb.end();
    for (const g of ['a', 'b'] as const) {
      expect(await total(readers[g])).toEqual({ count: N, sum: sum1to(N), bad: 0 });
      expect(notOnce(seen[g], N)).toEqual([]);
    }
    expect(rb.status()).toMatchObject({ written: N, released: { a: N, b: N }, filled: 0 });
  });

  it('writer → group of 2 filter threads → second buffer → reader: every event once', async () => {
    const rb1 = RingBuffer.create(layout('RB_1', slots, ['filter']));
    const rb2 = RingBuffer.create(layout('RB_2', slots, ['sink']));
    const seen = sharedInts(N + 1);
    const writer = start({ role: 'writer', rb: rb1.descriptor, first: 1, step: 1, count: N });
    const filters = [0, 1].map(() => start({ role: 'filter', input: rb1.descriptor, group: 'filter', output: rb2.descriptor }));
    const reader = start({ role: 'reader', rb: rb2.descriptor, group: 'sink', seen: seen.buffer as SharedArrayBuffer });
    expect((await writer.done).count).toBe(N);
    rb1.end();
    const filtered = await Promise.all(filters.map((f) => f.done));
    expect(filtered.reduce((a, f) => a + f.count!, 0)).toBe(N);
    rb2.end();
    expect(await reader.done).toMatchObject({ count: N, sum: sum1to(N), bad: 0 });
    expect(notOnce(seen, N)).toEqual([]);
    expect(rb1.status()).toMatchObject({ written: N, released: { filter: N }, filled: 0 });
    expect(rb2.status()).toMatchObject({ written: N, released: { sink: N }, filled: 0 });
  });
});
