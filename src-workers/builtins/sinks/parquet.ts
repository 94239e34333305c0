// builtin:sinks/parquet — writes every event of the buffer it reads to one
// Parquet file in the run directory, a row group at a time (bounded memory):
// counter int64, timestamp (ms, UTC), deadtime, scalar fields as columns,
// array fields as fixed-size lists; ZSTD by default.
import { ParquetWriter, type ParquetCompression } from '../../formats/parquet-writer';
import type { FunctionIO } from '../../runtime/io';

export default async function parquetSink(io: FunctionIO): Promise<void> {
  const buffer = Object.keys(io.readers)[0];
  if (!buffer) throw new Error('sinks/parquet needs a buffer to read (RB_assign: {RB_n: read})');
  const c = io.config;
  const writer = await ParquetWriter.open(io.exportPath('parquet', buffer), io.layouts[buffer], {
    compression: (c.compression as ParquetCompression | undefined) ?? undefined,
    rowGroupEvents: c.row_group_events !== undefined ? Number(c.row_group_events) : undefined,
    metadata: { 'ringscope.buffer': buffer, 'ringscope.function': io.name },
  });
  await io.sink((event) => (event === null ? writer.close() : writer.append(event)));
}
