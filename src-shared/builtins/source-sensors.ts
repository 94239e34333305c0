// builtin:sources/sensors — the computer's own sensors (the seed's "simple
// DAQ"). Parameters only; the implementation is src-workers/builtins/sources/sensors.ts.
import { sensorsSourceLayout } from './layouts';
import type { BuiltinSpec } from './spec';

/** The computer-sensors source's declaration. */
export const SOURCE_SENSORS: BuiltinSpec = {
  id: 'sources/sensors',
  kind: 'source',
  label: 'computer sensors',
  writes: ['sensor readings'],
  summary: "Every dt seconds one event of the computer's own sensors: time (unix s), cpu (%), memory (GiB used), battery (% or NaN).",
  params: [
    {
      name: 'dt',
      type: 'number',
      unit: 's',
      default: 1,
      min: 0.01,
      max: 3600,
      live: true,
      help: 'Seconds between readings; ticks keep to a fixed grid from the start, and a reading that takes too long skips ticks (counted as missed).',
    },
  ],
  layout: sensorsSourceLayout,
};
