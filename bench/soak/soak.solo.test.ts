// A short soak in CI (the long one: `npm run soak -- --minutes 30`): 8 threads at
// full speed on a buffer with 12-bit sequences, so the few million events of a
// few seconds pass 2^11 and 2^12 hundreds of times; every event checked, counts,
// checksums and status reconciled.
import { expect, it } from 'vitest';
import { soak } from './soak';

it('soak, 8 threads for 8 seconds through hundreds of sequence wraps: nothing lost, duplicated or torn', async () => {
  const lines: string[] = [];
  const r = await soak({ minutes: 8 / 60, bits: 12, slots: 256, log: (l) => lines.push(l) });
  expect(r.problems).toEqual([]);
  expect(r.wraps).toBeGreaterThan(10);
  expect(r.observerCopies).toBeGreaterThan(0);
});
