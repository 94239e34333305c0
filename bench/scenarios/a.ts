// (a) 1 writer → 1 reader, 128 slots × 10 int32: the coordination cost per event.
import { SMALL_BYTES, writerToReader } from '../flows';
import { round, type Scenario } from '../lib';

export const scenario: Scenario = {
  id: 'a',
  title: '1 writer → 1 reader, 128 slots × 10 int32',
  async run({ quick }) {
    const count = quick ? 500_000 : 5_000_000;
    // A source writer (deadtime measured) that sets its own timestamps; and one that leaves
    // them to the buffer, which then reads the clock (~60 ns here) at every commit.
    const one = await writerToReader({ slots: 128, big: false, batch: 1, count });
    const clock = await writerToReader({ slots: 128, big: false, batch: 1, count, stampTime: false });
    const batched = await writerToReader({ slots: 128, big: false, batch: 16, count: count * 2 });
    if (one.errors || clock.errors || batched.errors) throw new Error(`reader saw events out of order (${one.errors + clock.errors + batched.errors})`);
    return {
      events_per_s: round(one.events_per_s),
      mb_per_s: round((one.events_per_s * SMALL_BYTES) / 1e6),
      torn: 'n/a',
      clock_events_per_s: round(clock.events_per_s),
      batch16_events_per_s: round(batched.events_per_s),
      target_events_per_s: 3_000_000,
    };
  },
};
