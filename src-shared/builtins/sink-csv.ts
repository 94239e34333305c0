// builtin:sinks/csv — a buffer's events as CSV lines. Parameters only; the
// implementation is src-workers/builtins/sinks/csv.ts on src-workers/formats/csv-writer.ts.
import type { BuiltinSpec } from './spec';

/** The CSV exporter's declaration. */
export const SINK_CSV: BuiltinSpec = {
  id: 'sinks/csv',
  kind: 'sink',
  label: 'CSV export',
  summary:
    "Writes every event of the buffer it reads to a CSV file in the run directory: counter, timestamp (unix seconds with ms), deadtime, then the fields (array fields as name_0 … name_{n−1}); flushed at least once a second, always ending with a whole line. With format mimocorb (the default for fkt_name save_to_txt): mimoCoRB's tab-separated .txt.",
  params: [
    {
      name: 'format',
      type: 'enum',
      choices: ['auto', 'csv', 'mimocorb'],
      default: 'auto',
      help: "csv: comma-separated .csv; mimocorb: mimoCoRB's tab-separated .txt (its save_to_txt: timestamp in unix seconds, floats as pandas writes them, one value per field); auto: mimocorb when fkt_name is save_to_txt (mimoCoRB's exporter name), else csv.",
    },
    { name: 'filename', type: 'string', fileName: true, default: '', help: 'File name in the run directory without .csv; empty = <function>_<buffer>.' },
    { name: 'separator', type: 'string', default: '', help: 'Column separator; empty = "," for csv, a tab for mimocorb. ";" for German spreadsheets (with decimal ","), or a tab.' },
    { name: 'decimal', type: 'enum', choices: ['.', ','], default: '.', help: 'Decimal mark of the numbers; "," needs a separator other than ",".' },
    {
      name: 'header_alias',
      type: 'mapping',
      default: {},
      help: 'Header names to use instead of column names, as in mimoCoRB: counter: "event id", decay_time: "decay time (ns)" … An array field’s alias becomes alias_0, alias_1 ….',
    },
  ],
};

/** The text format a sinks/csv function writes: its `format`, where 'auto' means mimoCoRB's for mimoCoRB's exporter name save_to_txt. */
export function textExportFormat(config: Record<string, unknown>, fktName: string): 'csv' | 'mimocorb' {
  const f = config.format;
  if (f === 'csv' || f === 'mimocorb') return f;
  return fktName === 'save_to_txt' ? 'mimocorb' : 'csv';
}

/** The file extension of that format: mimoCoRB writes .txt. */
export function textExportExtension(format: 'csv' | 'mimocorb'): string {
  return format === 'mimocorb' ? 'txt' : 'csv';
}
