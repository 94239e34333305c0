// Events through real worker threads: every event arrives exactly once per
// reader group, with its content intact (mimoCoRB's count + sum-of-1..N test,
// plus a per-counter tally and a content pattern check).
import { describe, expect, it } from 'vitest';
import { RingBuffer, type FieldSpec, type RingBufferLayout } from './index';
import { sharedInts, start } from './test-workers/harness';

const fields: FieldSpec[] = [
  { name: 'x', dtype: 'int32' },
  { name: 'y', dtype: 'float64' },
  { name: 'z', dtype: 'uint16' },
  { name: 'w', dtype: 'int64' },
];
const layout = (name: string, slots: number, groups: string[]): RingBufferLayout => ({ name, slots, samples: 8, fields, groups });
const N = 20_000;
const sum1toN = (n: number) => (n * (n + 1)) / 2;

/** Counters in 1..n that did not arrive exactly once, as "counter×times" (empty when all did). */
function notOnce(seen: Int32Array, n: number): string[] {
  const wrong: string[] = [];
  for (let c = 1; c <= n; c++) if (seen[c] !== 1 && wrong.length < 10) wrong.push(`${c}×${seen[c]}`);
  if (seen[0] !== 0) wrong.push(`0×${seen[0]}`);
  return wrong;
}

async function total(runs: { done: Promise<{ count?: number; sum?: number; bad?: number }> }[]) {
  const rs = await Promise.all(runs.map((r) => r.done));
  return { count: rs.reduce((a, r) => a + r.count!, 0), sum: rs.reduce((a, r) => a + r.sum!, 0), bad: rs.reduce((a, r) => a + r.bad!, 0) };
}

describe.each([4, 128])('ring buffer flows with %i slots', (slots) => {
  it('1 writer → 1 group: all N events once, in order, intact', async () => {
    const rb = RingBuffer.create(layout('RB_1', slots, ['sink']));
    const seen = sharedInts(N + 1);
    const writer = start({ role: 'writer', rb: rb.descriptor, first: 1, step: 1, count: N });
    const reader = start({ role: 'reader', rb: rb.descriptor, group: 'sink', seen: seen.buffer as SharedArrayBuffer, ordered: true });
    expect((await writer.done).count).toBe(N);
    rb.end();
    expect(await reader.done).toMatchObject({ count: N, sum: sum1toN(N), bad: 0 });
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
      expect(await total(readers[g])).toEqual({ count: N, sum: sum1toN(N), bad: 0 });
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
    expect(await reader.done).toMatchObject({ count: N, sum: sum1toN(N), bad: 0 });
    expect(notOnce(seen, N)).toEqual([]);
    expect(rb1.status()).toMatchObject({ written: N, released: { filter: N }, filled: 0 });
    expect(rb2.status()).toMatchObject({ written: N, released: { sink: N }, filled: 0 });
  });
});

describe('ring buffer stress', () => {
  it('2 writers, 2 groups × 2 readers, 8 slots, random batches, out-of-order releases, across 32-bit wrap: nothing lost, duplicated or corrupted', async () => {
    const M = 100_000;
    // Start the buffer's sequence just below 2^32, so the wrap happens under contention.
    const firstSeq = 2 ** 32 - M / 2;
    const rb = RingBuffer.create(layout('RB_stress', 8, ['a', 'b']), { testOnlyFirstSeq: firstSeq });
    const seen = { a: sharedInts(M + 1), b: sharedInts(M + 1) };
    const order = { a: sharedInts(3), b: sharedInts(3) };
    for (const o of [order.a, order.b]) o[1] = (firstSeq - 1) | 0;
    const writers = [1, 2].map((first) => start({ role: 'writer', rb: rb.descriptor, first, step: 2, count: M / 2, batch: 'random', seed: first * 101 }));
    const readers = { a: [] as ReturnType<typeof start>[], b: [] as ReturnType<typeof start>[] };
    for (const g of ['a', 'b'] as const) {
      for (const seed of [5, 9]) {
        readers[g].push(
          start({
            role: 'reader',
            rb: rb.descriptor,
            group: g,
            seen: seen[g].buffer as SharedArrayBuffer,
            order: order[g].buffer as SharedArrayBuffer,
            batch: 'random',
            jitter: true,
            recheck: true,
            firstSeq,
            seed: seed + (g === 'a' ? 0 : 1),
          }),
        );
      }
    }
    await Promise.all(writers.map((w) => w.done));
    rb.end();
    for (const g of ['a', 'b'] as const) {
      expect(await total(readers[g])).toEqual({ count: M, sum: sum1toN(M), bad: 0 });
      expect(notOnce(seen[g], M)).toEqual([]);
      // Group mates really did release out of order (forced once, then by chance).
      expect(order[g][2]).toBeGreaterThan(0);
    }
    const st = rb.status();
    expect([st.written, st.released.a, st.released.b].map((n) => n - firstSeq)).toEqual([M, M, M]);
    expect(st).toMatchObject({ filled: 0, free: 8 });
  });
});
