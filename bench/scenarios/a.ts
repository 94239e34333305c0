// (a) 1 writer → 1 reader, 128 slots × 10 int32: the coordination cost per event.
import { SMALL_BYTES, writerToReader } from '../flows';
import { round, type Scenario } from '../lib';

export const scenario: Scenario = {
  id: 'a',
  title: '1 writer → 1 reader, 128 slots × 10 int32',
  async run({ quick }) {
    const count = quick ? 500_000 : 5_000_000;
    // The writer as a source (deadtime measured: one clock reading per commit) and as a filter ('keep').
    const one = await writerToReader({ slots: 128, big: false, batch: 1, count });
    const keep = await writerToReader({ slots: 128, big: false, batch: 1, count, deadtime: 'keep' });
    const batched = await writerToReader({ slots: 128, big: false, batch: 16, count: count * 2 });
    if (one.errors || keep.errors || batched.errors) throw new Error(`reader saw events out of order (${one.errors + keep.errors + batched.errors})`);
    return {
      events_per_s: round(one.events_per_s),
      mb_per_s: round((one.events_per_s * SMALL_BYTES) / 1e6),
      torn: 'n/a',
      keep_events_per_s: round(keep.events_per_s),
      batch16_events_per_s: round(batched.events_per_s),
      target_events_per_s: 3_000_000,
    };
  },
};
