// builtin:sinks/parquet — a buffer's events as a Parquet dataset folder. Parameters
// only; the implementation is src-workers/builtins/sinks/parquet.ts on
// src-workers/formats/parquet-dataset.ts and parquet-writer.ts.
import type { BuiltinSpec } from './spec';

/** The Parquet exporter's declaration. */
export const SINK_PARQUET: BuiltinSpec = {
  id: 'sinks/parquet',
  kind: 'sink',
  label: 'Parquet export',
  summary:
    'Writes every event of the buffer it reads to a Parquet dataset in the run directory: a folder <name>.parquet of parts closed about once a second (a kill or a power cut loses at most the last second), read as one table by DuckDB (read_parquet(\'<name>.parquet/*.parquet\')), pandas, polars and Arrow (the folder). Columns: counter (int64), timestamp (ms, UTC), deadtime, scalar fields, array fields (waveforms) as fixed-size lists.',
  params: [
    { name: 'filename', type: 'string', fileName: true, default: '', help: 'Folder name in the run directory without .parquet; empty = <function>_<buffer>.' },
    { name: 'compression', type: 'enum', choices: ['zstd', 'snappy', 'gzip', 'brotli', 'lz4', 'none'], default: 'zstd', help: 'Codec of every column: zstd (small files, the default), snappy (faster), none …' },
    {
      name: 'row_group_events',
      type: 'integer',
      unit: 'events',
      default: 1000,
      min: 1,
      max: 1_000_000,
      help: 'Events per row group, at most; a row group is also kept under 4 MiB of values (about 60 four-channel 4250-sample waveforms), so memory stays bounded and encoding a row group never pauses the sink for long.',
    },
  ],
};
