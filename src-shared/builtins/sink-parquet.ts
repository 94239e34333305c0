// builtin:sinks/parquet — a buffer's events as one Parquet file. Parameters
// only; the implementation is src-workers/builtins/sinks/parquet.ts on
// src-workers/formats/parquet-writer.ts.
import type { BuiltinSpec } from './spec';

/** The Parquet exporter's declaration. */
export const SINK_PARQUET: BuiltinSpec = {
  id: 'sinks/parquet',
  kind: 'sink',
  summary:
    'Writes every event of the buffer it reads to one Parquet file in the run directory, a row group at a time: counter (int64), timestamp (ms, UTC), deadtime, scalar fields as columns, array fields (waveforms) as fixed-size lists. Readable with pandas, polars, DuckDB, Arrow.',
  params: [
    { name: 'filename', type: 'string', fileName: true, default: '', help: 'File name in the run directory without .parquet; empty = <function>_<buffer>.' },
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
