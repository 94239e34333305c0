// (c) writer → group of 2 filter threads → second buffer → reader, small events.
import { SMALL_BYTES, cascade } from '../flows';
import { round, type Scenario } from '../lib';

export const scenario: Scenario = {
  id: 'c',
  title: 'writer → 2 filters → buffer 2 → reader, 10 int32',
  async run({ quick }) {
    const count = quick ? 300_000 : 3_000_000;
    const one = await cascade({ slots: 128, batch: 1, count });
    const batched = await cascade({ slots: 128, batch: 16, count: count * 2 });
    return {
      events_per_s: round(one.events_per_s),
      mb_per_s: round((one.events_per_s * SMALL_BYTES) / 1e6),
      torn: 'n/a',
      batch16_events_per_s: round(batched.events_per_s),
      target_events_per_s: 1_500_000,
    };
  },
};
