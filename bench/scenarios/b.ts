// (b) 4 × 4250 float64 (136,000 B) copied in by the writer and out by the reader: memory bandwidth.
import { BIG_BYTES, writerToReader } from '../flows';
import { round, type Scenario } from '../lib';

export const scenario: Scenario = {
  id: 'b',
  title: '4×4250 float64 copy in/out, 128 slots (and 8)',
  async run({ quick }) {
    const count = quick ? 10_000 : 100_000;
    const s128 = await writerToReader({ slots: 128, big: true, batch: 1, count });
    const s8 = await writerToReader({ slots: 8, big: true, batch: 1, count });
    if (s128.errors || s8.errors) throw new Error('reader saw events out of order');
    return {
      events_per_s: round(s128.events_per_s),
      mb_per_s: round((s128.events_per_s * BIG_BYTES) / 1e6),
      torn: 'n/a',
      slots8_events_per_s: round(s8.events_per_s),
      slots8_mb_per_s: round((s8.events_per_s * BIG_BYTES) / 1e6),
      target_events_per_s: 40_000,
      target_slots8_events_per_s: 60_000,
    };
  },
};
