// builtin:sources/replay — a previous run's export played back into a buffer
// with the same layout. Parameters only; the implementation is src-workers/builtins/sources/replay.ts.
import type { BuiltinSpec } from './spec';

/** The replay source's declaration. */
export const SOURCE_REPLAY: BuiltinSpec = {
  id: 'sources/replay',
  kind: 'source',
  label: 'replay of a recorded run',
  writes: ['replayed events'],
  summary: "Plays a previous run's Parquet or CSV export back into a buffer with the same fields, keeping each event's counter and timestamp.",
  params: [
    {
      name: 'file',
      type: 'string',
      path: 'read',
      default: '',
      help: 'The export to replay: a .parquet or .csv file, or a run directory holding exactly one of them. Relative paths start at the folder of the setup file.',
    },
    {
      name: 'pace',
      type: 'enum',
      choices: ['original', 'rate', 'fast'],
      default: 'original',
      help: 'original: as recorded (from the timestamps, scaled by speed); rate: a fixed number of events per second; fast: as fast as the pipeline takes them.',
    },
    { name: 'rate', type: 'number', unit: 'Hz', default: 10, min: 0.001, max: 1_000_000, help: 'pace rate: events per second.' },
    { name: 'speed', type: 'number', default: 1, min: 0.001, max: 1_000_000, help: 'pace original: 2 replays twice as fast as recorded, 0.5 at half speed.' },
  ],
};
