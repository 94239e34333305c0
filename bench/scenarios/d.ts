// (d) an observer copying the newest event 60 times a second during (b), with 4 slots.
import { BIG_BYTES, writerToReader } from '../flows';
import { round, type Scenario } from '../lib';

export const scenario: Scenario = {
  id: 'd',
  title: '(b) with 4 slots + observer at 60 Hz',
  async run({ quick }) {
    const count = quick ? 20_000 : 200_000;
    const r = await writerToReader({ slots: 4, big: true, batch: 1, count, observerHz: 60 });
    return {
      events_per_s: round(r.events_per_s),
      mb_per_s: round((r.events_per_s * BIG_BYTES) / 1e6),
      torn: r.torn!,
      observer_copies: r.copies!,
      observer_copies_per_s: round(r.copies! / r.seconds),
      target_torn: 0,
    };
  },
};
