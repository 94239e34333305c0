// What the single-thread ring-buffer tests share: a small layout (4 slots,
// an int32 and a float64 field of 3 samples, group "g"), a buffer made from it,
// and writing counters with the test pattern.
import { RingBuffer, type EventView, type RingBufferLayout } from '../../../src-shared/ringbuffer';
import { fillPattern } from './pattern';

export const base: RingBufferLayout = {
  name: 'RB',
  slots: 4,
  samples: 3,
  fields: [
    { name: 'x', dtype: 'int32' },
    { name: 'y', dtype: 'float64' },
  ],
  groups: ['g'],
};
/** A buffer of `base`, changed by `over`. */
export const mk = (over: Partial<RingBufferLayout> = {}, options = {}) => RingBuffer.create({ ...base, ...over }, options);

/** The event, or a thrown error when there is none. */
export function ev(v: EventView | 'timeout' | null): EventView {
  if (v === null || v === 'timeout') throw new Error(`expected an event, got ${v}`);
  return v;
}

/** Writes counters into the buffer one event at a time. */
export function write(rb: RingBuffer, counters: number[], w = rb.writer()): void {
  for (const c of counters) {
    const e = ev(w.acquire(0));
    e.counter = c;
    fillPattern(e.fields, c);
    w.commit();
  }
}
