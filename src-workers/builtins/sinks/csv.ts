// builtin:sinks/csv — writes every event of the buffer it reads to a CSV file
// in the run directory: counter, timestamp (unix seconds), deadtime, then the
// fields (array fields as name_0 … name_{n-1}). Flushed at least every second.
// With format mimocorb (the default for fkt_name save_to_txt): mimoCoRB's .txt.
import { CsvWriter } from '../../formats/csv-writer';
import type { FunctionIO } from '../../runtime/io';
import { textExportExtension, textExportFormat } from '../../../src-shared/builtins/sink-csv';

export default async function csvSink(io: FunctionIO): Promise<void> {
  const buffer = Object.keys(io.readers)[0];
  if (!buffer) throw new Error('sinks/csv needs a buffer to read (RB_assign: {RB_n: read})');
  const layout = io.layouts[buffer];
  const c = io.config;
  const format = textExportFormat(c, io.fkt_name);
  const writer = new CsvWriter(io.exportPath(textExportExtension(format), buffer), layout, {
    format,
    separator: typeof c.separator === 'string' && c.separator !== '' ? c.separator : undefined,
    decimal: c.decimal === ',' ? ',' : undefined,
    headerAlias: (c.header_alias as Record<string, string> | undefined) ?? undefined,
  });
  await io.sink(
    (event) => {
      if (event === null) writer.close();
      else writer.append(event);
    },
    // With no events arriving, what was written still reaches the disk within a second.
    { onIdle: () => writer.flush() },
  );
}
