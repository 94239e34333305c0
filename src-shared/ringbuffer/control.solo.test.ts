// Run control across threads: end() drains, pause() parks writers while
// readers drain, resume() frees them, abort() wakes every waiter. Synchronised
// only by counts and the buffer's own waiting counters, never by sleeps.
import { describe, expect, it } from 'vitest';
import { RingBuffer, type RingBufferLayout } from './index';
import { sharedInts, start, until } from '../../test/support/ringbuffer/harness';

const layout = (name: string, slots: number, groups: string[]): RingBufferLayout => ({
  name,
  slots,
  samples: 4,
  fields: [
    { name: 'x', dtype: 'int32' },
    { name: 'y', dtype: 'float64' },
  ],
  groups,
});
const CAP = 2_000_000;

/** Counters in [from, to) that did not arrive exactly once. */
function notOnce(seen: Int32Array, from: number, to: number): string[] {
  const wrong: string[] = [];
  for (let c = from; c < to && wrong.length < 10; c++) if (seen[c] !== 1) wrong.push(`${c}×${seen[c]}`);
  for (let c = to; c < seen.length && wrong.length < 10; c++) if (seen[c] !== 0) wrong.push(`${c}×${seen[c]}`);
  return wrong;
}

describe('ring buffer control across threads', () => {
  it('end() stops writers and lets every group drain everything committed', async () => {
    const rb = RingBuffer.create(layout('RB_end', 4, ['fast', 'slow']));
    const progress = sharedInts(1);
    const seen = { fast: sharedInts(CAP + 1), slow: sharedInts(CAP + 1) };
    const writer = start({ role: 'writer', rb: rb.descriptor, first: 0, step: 1, count: 0, untilNull: true, cap: CAP, progress: progress.buffer as SharedArrayBuffer });
    const readers = (['fast', 'slow'] as const).map((g) =>
      start({ role: 'reader', rb: rb.descriptor, group: g, seen: seen[g].buffer as SharedArrayBuffer, ordered: true, jitter: g === 'slow' }),
    );
    await until(() => Atomics.load(progress, 0) >= 2000, 'writer committed 2000 events');
    rb.end();
    const written = (await writer.done).count!;
    expect(written).toBeGreaterThanOrEqual(2000);
    expect(written).toBeLessThan(CAP);
    const [fast, slow] = await Promise.all(readers.map((r) => r.done));
    expect(fast).toMatchObject({ count: written, bad: 0 });
    expect(slow).toMatchObject({ count: written, bad: 0 });
    expect(notOnce(seen.fast, 0, written)).toEqual([]);
    expect(notOnce(seen.slow, 0, written)).toEqual([]);
    expect(rb.status()).toMatchObject({ written, released: { fast: written, slow: written }, filled: 0, ended: true, waiting_writers: 0, waiting_readers: 0 });
  });

  it('pause() parks every writer while readers drain; resume() frees them', async () => {
    const rb = RingBuffer.create(layout('RB_pause', 16, ['g']));
    const progress = sharedInts(1);
    const seen = sharedInts(CAP + 1);
    const writers = [0, 1].map((first) =>
      start({ role: 'writer', rb: rb.descriptor, first, step: 2, count: 0, untilNull: true, cap: CAP / 2, progress: progress.buffer as SharedArrayBuffer, batch: first === 1 ? 'random' : 1 }),
    );
    const reader = start({ role: 'reader', rb: rb.descriptor, group: 'g', seen: seen.buffer as SharedArrayBuffer });
    await until(() => Atomics.load(progress, 0) >= 1000, 'writers committed 1000 events');

    rb.pause();
    // Parked: both writers asleep in acquire, the reader asleep on an empty buffer.
    await until(() => {
      const s = rb.status();
      return s.waiting_writers === 2 && s.waiting_readers === 1 && s.filled === 0;
    }, 'both writers parked and the buffer drained');
    const parked = rb.status();
    expect(parked.paused).toBe(true);
    expect(parked.written).toBe(Atomics.load(progress, 0));
    expect(parked.released.g).toBe(parked.written);

    rb.resume();
    expect(rb.status().paused).toBe(false);
    await until(() => Atomics.load(progress, 0) >= parked.written + 1000, 'writers resumed and committed 1000 more');
    rb.end();
    const counts = (await Promise.all(writers.map((w) => w.done))).map((w) => w.count!);
    const written = counts[0] + counts[1];
    expect(await reader.done).toMatchObject({ count: written, bad: 0 });
    // Each writer's counters are consecutive (step 2) and every one arrived once.
    const expected = new Int32Array(CAP + 1);
    for (let k = 0; k < counts[0]; k++) expected[2 * k] = 1;
    for (let k = 0; k < counts[1]; k++) expected[2 * k + 1] = 1;
    let mismatches = 0;
    for (let c = 0; c <= CAP; c++) if (expected[c] !== seen[c]) mismatches++;
    expect(mismatches).toBe(0);
    expect(rb.status()).toMatchObject({ written, released: { g: written }, filled: 0 });
  });

  it('abort() wakes every waiting thread (sync and async, full, empty and paused) and they get null', async () => {
    const full = RingBuffer.create(layout('RB_full', 4, ['g']));
    const empty = RingBuffer.create(layout('RB_empty', 4, ['g']));
    const paused = RingBuffer.create(layout('RB_paused', 4, ['g']));
    const w = full.writer();
    for (let i = 0; i < 4; i++) {
      expect(w.acquire(0)).not.toBe('timeout');
      w.commit();
    }
    paused.pause();
    const blocked = [
      start({ role: 'block', calls: [{ rb: full.descriptor, what: 'acquire' }] }),
      start({ role: 'block', calls: [{ rb: empty.descriptor, what: 'next', group: 'g' }] }),
      start({ role: 'block', calls: [{ rb: paused.descriptor, what: 'acquire' }] }),
      start({
        role: 'block',
        calls: [
          { rb: full.descriptor, what: 'acquireAsync' },
          { rb: empty.descriptor, what: 'nextAsync', group: 'g' },
          { rb: paused.descriptor, what: 'acquireAsync' },
        ],
      }),
    ];
    const here = [full.writer().acquireAsync(), empty.reader('g').nextAsync()];
    await until(
      () => full.status().waiting_writers === 3 && empty.status().waiting_readers === 3 && paused.status().waiting_writers === 2,
      'all eight calls waiting',
    );
    for (const rb of [full, empty, paused]) rb.abort();
    const results = await Promise.all(blocked.map((b) => b.done));
    expect(results.map((r) => r.results)).toEqual([[null], [null], [null], [null, null, null]]);
    expect(await Promise.all(here)).toEqual([null, null]);
    for (const rb of [full, empty, paused]) expect(rb.status()).toMatchObject({ aborted: true, waiting_writers: 0, waiting_readers: 0 });
  });
});
