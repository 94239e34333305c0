// builtin:sinks/parquet — writes every event of the buffer it reads to a Parquet
// dataset folder in the run directory (<name>.parquet/part-NNNNNN.parquet): parts
// closed about once a second, so a kill or a power cut loses at most the last
// second; row groups bounded in size (memory stays small); counter int64,
// timestamp (ms, UTC), deadtime, scalar fields as columns, array fields as
// fixed-size lists; ZSTD by default. See formats/parquet-dataset.ts.
import { ParquetDatasetWriter } from '../../formats/parquet-dataset';
import type { ParquetCompression } from '../../formats/parquet-writer';
import type { FunctionIO } from '../../runtime/io';

export default async function parquetSink(io: FunctionIO): Promise<void> {
  const buffer = Object.keys(io.readers)[0];
  if (!buffer) throw new Error('sinks/parquet needs a buffer to read (RB_assign: {RB_n: read})');
  const c = io.config;
  const writer = await ParquetDatasetWriter.open(io.exportPath('parquet', buffer), io.layouts[buffer], {
    compression: (c.compression as ParquetCompression | undefined) ?? undefined,
    rowGroupEvents: c.row_group_events !== undefined ? Number(c.row_group_events) : undefined,
    metadata: { 'ringscope.buffer': buffer, 'ringscope.function': io.name },
  });
  await io.sink((event) => (event === null ? writer.close() : writer.append(event)), {
    // With no events arriving, the open part is closed (and so readable) within about a second.
    onIdle: () => writer.flush(),
  });
}
