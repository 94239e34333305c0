// builtin:sources/tar_parquet — mimoCoRB's file_source.tar_parquet_source: its
// own recordings (save_parquet: a tar of one Parquet file per event) replayed
// into a buffer. Parameters only, with mimoCoRB's names and defaults; the
// implementation is src-workers/builtins/sources/tar-parquet.ts.
import type { BuiltinSpec } from './spec';

/** The mimoCoRB recording replay's declaration. */
export const SOURCE_TAR_PARQUET: BuiltinSpec = {
  id: 'sources/tar_parquet',
  kind: 'source',
  summary:
    "Replays mimoCoRB recordings (its save_parquet: a .tar of one Parquet file per event, one column per field) into a buffer whose fields are named like the recorded columns, value for value; each event keeps the counter in its file name (<name>_<counter>.parquet).",
  params: [
    {
      name: 'path',
      type: 'string',
      path: 'read',
      default: '',
      help: 'A recording (.tar, or gzip-compressed .tar.gz/.tgz), or a folder whose archives are replayed one after the other (by name). Relative paths start at the folder of the setup file.',
    },
    { name: 'sleeptime', type: 'number', unit: 's', default: 0.1, min: 0, max: 3600, live: true, help: 'Wait before each event (mean wait when random); 0 = as fast as the buffers take them. mimoCoRB’s default 0.1 s.' },
    { name: 'random', type: 'boolean', default: false, help: 'true: exponentially distributed waits (events at random times); false: the same wait every time (mimoCoRB’s default).' },
    { name: 'number_of_samples', type: 'integer', unit: 'samples', default: null, min: 1, max: 100_000_000, help: 'As in mimoCoRB: when given, must equal channel_per_slot of the buffer written (checked with the setup).' },
    { name: 'pre_trigger_samples', type: 'integer', unit: 'samples', default: null, min: 0, max: 10_000_000, help: 'Accepted for mimoCoRB’s config files; not used by the replay.' },
  ],
};
