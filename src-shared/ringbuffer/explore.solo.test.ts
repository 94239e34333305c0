// Every interleaving of the buffer protocol, for small configurations: the real
// ring-buffer code runs in real threads whose every atomic operation waits for
// the scheduler's turn (test/support/ringbuffer/explore/). After each
// execution: no thread left asleep, every committed event received exactly once
// per group (at most once after abort), contents whole, status consistent.
//
// "Exhaustive" here is exhaustive under a preemption bound (CHESS): every
// schedule in which threads are switched against their will at most `bound`
// times, plus every switch at a block or an end. A lost wake-up needs one
// preemption (the window between deciding to sleep and sleeping); bound 2
// covers pairs of such windows. Larger configurations get seeded random
// schedules, where a switch may happen at every step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Explorer, describeSchedule, explore, sample, type Exploration, type Scenario } from '../../test/support/ringbuffer/explore/explore';
import type { Role } from '../../test/support/ringbuffer/explore/protocol';
import type { RingBufferLayout } from './layout';

const layout = (slots: number, groups: string[]): RingBufferLayout => ({ name: 'RB', slots, samples: 2, fields: [{ name: 'x', dtype: 'int32' }], groups });
const writer = (id: number, events: number, more: Partial<Extract<Role, { kind: 'writer' }>> = {}): Role => ({ kind: 'writer', id, events, ...more });
const reader = (group: string, batch?: number): Role => ({ kind: 'reader', group, batch });
const control = (...actions: ('pause' | 'resume' | 'end' | 'abort')[]): Role => ({ kind: 'control', actions });

const endAfterWriters: Role = { kind: 'control', actions: ['end'], afterWriters: true };

/** The exhaustive table: [scenario, preemption bound]. */
const exhaustive: [Scenario, number][] = [
  // Bug 3 (a reader asleep for good at the end of the stream): reintroduced, bound 2 finds it.
  [{ name: 'the last claim cancelled after end(): 1 writer, 1 reader, 1 slot', layout: layout(1, ['a']), roles: [writer(1, 1, { cancel: [0] }), control('end'), reader('a')] }, 2],
  // Bug 4 (a writer asleep on a paused buffer that ends or aborts): reintroduced, bound 1 finds both.
  [{ name: 'end() while a writer waits on a paused buffer', layout: layout(1, ['a']), paused: true, roles: [writer(1, 1), control('end'), reader('a')] }, 2],
  [{ name: 'abort() while a writer waits on a paused buffer', layout: layout(1, ['a']), paused: true, roles: [writer(1, 2), control('abort'), reader('a')] }, 1],
  [{ name: '1 writer × 2 → 1 reader, 1 slot, end', layout: layout(1, ['a']), roles: [writer(1, 2), reader('a'), control('end')] }, 1],
  [{ name: 'pause, resume, end with 2 writers, 1 slot', layout: layout(1, ['a']), roles: [writer(1, 1), writer(2, 1), reader('a'), control('pause', 'resume', 'end')] }, 1],
  [{ name: '2 groups, 2 slots, end', layout: layout(2, ['a', 'b']), roles: [writer(1, 2), reader('a'), reader('b'), control('end')] }, 1],
  [{ name: 'batches of 2 into 3 slots, abort', layout: layout(3, ['a']), roles: [writer(1, 4, { batch: 2 }), reader('a', 2), control('abort')] }, 1],
  [{ name: 'pause then abort, 2 writers, 2 slots', layout: layout(2, ['a']), roles: [writer(1, 2), writer(2, 1), reader('a'), control('pause', 'abort')] }, 1],
  [{ name: 'an observer copies while a writer laps 2 slots', layout: layout(2, ['a']), roles: [writer(1, 3), reader('a'), { kind: 'observer', copies: 2 }, control('end')] }, 1],
];

/** Seeded random schedules for configurations too large to enumerate. */
const sampled: [Scenario, number][] = [
  [{ name: 'the last event taken by a group mate after end(): 1 writer, 2 readers, 1 slot', layout: layout(1, ['a']), roles: [writer(1, 1), control('end'), reader('a'), reader('a')] }, 1500],
  [{ name: 'the last claim cancelled: 2 readers of one group, 1 slot', layout: layout(1, ['a']), roles: [writer(1, 2, { cancel: [1] }), reader('a'), reader('a'), control('end')] }, 1000],
  [{ name: '2 writers (one batching, one cancelling) → 2 groups × 2 readers, 3 slots, pause/resume/end', layout: layout(3, ['a', 'b']), roles: [writer(1, 4, { batch: 2 }), writer(2, 3, { cancel: [1] }), reader('a'), reader('a', 2), reader('b'), reader('b'), control('pause', 'resume', 'end')] }, 600],
  [{ name: '2 writers → 2 groups × 2 readers + observer, 2 slots, abort', layout: layout(2, ['a', 'b']), roles: [writer(1, 3), writer(2, 3), reader('a'), reader('a'), reader('b'), reader('b'), { kind: 'observer', copies: 3 }, control('abort')] }, 300],
  [{ name: '8-bit sequences past 2^7 and 2^8: 2 writers × 200 → 1 group × 2 readers, 1 slot', layout: layout(1, ['a']), options: { testOnlySeqBits: 8 }, roles: [writer(1, 200, { batch: 3 }), writer(2, 200), reader('a'), reader('a', 2), endAfterWriters] }, 8],
];

let x: Explorer;
beforeAll(async () => {
  x = await Explorer.start(8);
});
afterAll(async () => {
  await x?.close();
});

function report(sc: Scenario, r: Exploration): string {
  if (!r.failure) return '';
  const ex = r.failure.execution;
  return [`${sc.name}: execution ${r.executions} failed:`, ...ex.problems.map((p) => `  ${p}`), 'schedule (switches):', describeSchedule(ex), `replay with schedule [${r.failure.schedule.join(',')}]`].join('\n');
}

describe('every interleaving (preemption-bounded)', () => {
  // Minutes, not seconds, on a loaded machine: every step is a hand-over between two threads.
  it.each(exhaustive.map(([sc, b]) => [`${sc.name} — bound ${b}`, sc, b] as const))('%s', { timeout: 900_000 }, (_title, sc, bound) => {
    const r = explore(x, sc, bound);
    expect(report(sc, r)).toBe('');
    expect(r.complete).toBe(true);
    // Not a vacuous run: many distinct schedules were executed.
    expect(r.executions).toBeGreaterThan(20);
  });
});

describe('seeded random interleavings', () => {
  it.each(sampled.map(([sc, n]) => [`${sc.name} — ${n} executions`, sc, n] as const))('%s', { timeout: 900_000 }, (_title, sc, n) => {
    const r = sample(x, sc, n, 0x5eed + n);
    expect(report(sc, r)).toBe('');
  });
});
