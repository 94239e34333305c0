// The observer under stress: a writer rewrites 4 slots as fast as a reader
// frees them while an observer copies in a tight loop. Every event's samples
// are derived from its counter, so a copy mixing two events is detectable.
import { describe, expect, it } from 'vitest';
import { RingBuffer, type RingBufferLayout } from './index';
import { sharedInts, start } from '../../test/support/ringbuffer/harness';

const layout: RingBufferLayout = {
  name: 'RB_observed',
  slots: 4,
  samples: 1024,
  fields: [
    { name: 'a', dtype: 'float64' },
    { name: 'b', dtype: 'int32' },
  ],
  groups: ['sink'],
};

/** Runs writer + reader + observer until the writer has written `count` events and the observer's counters reached their minimums. */
async function run(bypass: boolean, count: number, min: { index: number; min: number }[], maxCount: number) {
  const rb = RingBuffer.create(layout);
  const obs = sharedInts(4); // [stop, copies, torn, rejected by the seqlock]
  const observer = start({ role: 'observer', rb: rb.descriptor, bypass, shared: obs.buffer as SharedArrayBuffer });
  const reader = start({ role: 'reader', rb: rb.descriptor, group: 'sink' });
  const writer = start({
    role: 'writer',
    rb: rb.descriptor,
    first: 0,
    step: 1,
    count,
    untilPeer: { shared: obs.buffer as SharedArrayBuffer, min, maxCount },
  });
  const written = (await writer.done).count!;
  Atomics.store(obs, 0, 1);
  rb.end();
  const [seen, read] = await Promise.all([observer.done, reader.done]);
  return { written, read, seen, status: rb.status() };
}

describe('observer', () => {
  it('gives only whole events: ≥ 100,000 events through 4 slots, 0 torn copies', async () => {
    // Keep writing until the observer made ≥ 1000 copies and its seqlock rejected
    // at least one copy that raced a rewrite (so the race really happened).
    const r = await run(false, 100_000, [{ index: 1, min: 1000 }, { index: 3, min: 1 }], 5_000_000);
    expect(r.written).toBeGreaterThanOrEqual(100_000);
    expect(r.read).toMatchObject({ count: r.written, bad: 0 });
    expect(r.seen.copies).toBeGreaterThanOrEqual(1000);
    expect(r.seen.retries).toBeGreaterThan(0);
    expect(r.seen.torn).toBe(0);
    expect(r.status).toMatchObject({ written: r.written, released: { sink: r.written }, filled: 0 });
  });

  it('detector check: with the seqlock bypassed, the same harness does catch torn copies', async () => {
    // The writer keeps going until the observer has counted 10 torn copies (at most 2M events).
    const r = await run(true, 10_000, [{ index: 2, min: 10 }], 2_000_000);
    expect(r.read).toMatchObject({ count: r.written, bad: 0 });
    expect(r.seen.torn).toBeGreaterThan(0);
  });
});
