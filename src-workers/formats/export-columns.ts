// One numeric column of an export, with each row's event counter: what
// `ringscope fit` reads (decay times). Parquet is read row group by row group
// and CSV line by line, so memory stays small for runs of any length.
import { createReadStream, openAsBlob } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import * as arrow from 'apache-arrow';
import { splitCsv } from './csv-reader';
import { parquetFiles } from './parquet-dataset';
import { loadParquetWasm } from './parquet-wasm';

/** Something wrong with the export file itself (a missing column, a cell that is no number): the message says where. */
export class ExportReadError extends Error {}

/** A row's event counter (null when the file has none) and its value. */
export type AddValue = (counter: bigint | null, value: number) => void;

/** A header as a plain name: "decay time (ns)" → "decay_time" (lower case, without a trailing unit in parentheses). */
function plainName(header: string): string {
  return header
    .toLowerCase()
    .replace(/\s*\([^()]*\)\s*$/, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The index of `field` among an export's columns: its own name, else a header that
 * header_alias gave it as mimoCoRB's examples write them ("decay time (ns)" for
 * decay_time, "event id" for counter); -1 when none.
 */
export function findColumn(columns: readonly string[], field: string): number {
  const exact = columns.indexOf(field);
  if (exact >= 0) return exact;
  const want = field === 'counter' ? ['counter', 'event_id'] : [plainName(field)];
  const found = columns.map(plainName).map((c, i) => (want.includes(c) ? i : -1)).filter((i) => i >= 0);
  return found.length === 1 ? found[0]! : -1;
}

/** The column names of an export: a Parquet file's schema (footer only) or a CSV file's header. */
export async function exportColumns(path: string): Promise<string[]> {
  return extname(path).toLowerCase() === '.parquet' ? parquetColumns(path) : (await csvHeader(path)).columns;
}

/** Reads `field` (and the counter, where there is one) of every row of a .parquet or .csv export. */
export async function readExportColumn(path: string, field: string, add: AddValue): Promise<void> {
  if (extname(path).toLowerCase() === '.parquet') await readParquet(path, field, add);
  else await readCsv(path, field, add);
}

/** The column names of a Parquet file or dataset folder (the first part's footer only). */
async function parquetColumns(path: string): Promise<string[]> {
  const pq = await loadParquetWasm();
  const first = parquetFiles(path)[0];
  if (!first) throw new ExportReadError(`${path} is a Parquet dataset without parts`);
  const file = await pq.ParquetFile.fromFile(await openAsBlob(first));
  try {
    return arrow.tableFromIPC(file.schema().intoIPCStream()).schema.fields.map((f) => f.name);
  } finally {
    file.free();
  }
}

/** Reads counter and field from a Parquet file or each part of a dataset folder, row group by row group. */
async function readParquet(path: string, field: string, add: AddValue): Promise<void> {
  for (const part of parquetFiles(path)) await readParquetFile(part, field, add);
}

/** Reads counter and field from one Parquet file row group by row group (memory stays small). */
async function readParquetFile(path: string, field: string, add: AddValue): Promise<void> {
  const pq = await loadParquetWasm();
  const file = await pq.ParquetFile.fromFile(await openAsBlob(path));
  try {
    const names = arrow.tableFromIPC(file.schema().intoIPCStream()).schema.fields.map((f) => f.name);
    const at = findColumn(names, field);
    if (at < 0) throw new ExportReadError(`${path} has no column "${field}" (its columns: ${names.join(', ')})`);
    field = names[at]!;
    const withCounter = names.includes('counter');
    const stream = (await file.stream({ columns: withCounter ? ['counter', field] : [field] })) as ReadableStream<{ intoIPCStream(): Uint8Array }>;
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const t = arrow.tableFromIPC(value.intoIPCStream());
      const col = t.getChild(field)!;
      const cnt = withCounter ? t.getChild('counter') : null;
      for (let i = 0; i < t.numRows; i++) {
        const v = col.get(i);
        if (typeof v !== 'number' && typeof v !== 'bigint') {
          throw new ExportReadError(`${path}: column "${field}" does not hold single numbers (it is ${String(col.type)})`);
        }
        const c = cnt ? cnt.get(i) : null;
        add(c === null ? null : BigInt(c), Number(v));
      }
    }
  } finally {
    file.free();
  }
}

/**
 * The separator a CSV header uses: the most frequent of ',', ';' and tab (',' when none).
 * (The replay reader's detectSeparator prefers a tab, then ';': the same for every header
 * RingScope writes; they differ only for a header holding several kinds.)
 */
function majoritySeparator(header: string): string {
  const count = (s: string): number => header.split(s).length - 1;
  const candidates: [string, number][] = [
    [',', count(',')],
    [';', count(';')],
    ['\t', count('\t')],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0]![1] > 0 ? candidates[0]![0] : ',';
}

async function csvHeader(path: string): Promise<{ sep: string; columns: string[] }> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  try {
    for await (const line of rl) {
      const sep = majoritySeparator(line);
      return { sep, columns: splitCsv(line, sep).map((c) => c.trim()) };
    }
  } finally {
    rl.close();
  }
  return { sep: ',', columns: [] };
}

async function readCsv(path: string, field: string, add: AddValue): Promise<void> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let sep = ',';
  let col = -1;
  let cnt = -1;
  let decimalComma = false;
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (lineNo === 1) {
      sep = majoritySeparator(line);
      const columns = splitCsv(line, sep).map((c) => c.trim());
      col = findColumn(columns, field);
      if (col < 0) throw new ExportReadError(`${path} has no column "${field}" (its columns: ${columns.slice(0, 30).join(', ')}${columns.length > 30 ? ' …' : ''})`);
      cnt = findColumn(columns, 'counter');
      decimalComma = sep !== ',';
      continue;
    }
    if (line.trim() === '') continue;
    const cells = splitCsv(line, sep);
    let text = (cells[col] ?? '').trim();
    if (decimalComma) text = text.replace(',', '.');
    const v = Number(text);
    if (text === '' || Number.isNaN(v)) throw new ExportReadError(`${path}:${lineNo}: "${cells[col] ?? ''}" in column "${field}" is not a number`);
    let c: bigint | null = null;
    if (cnt >= 0) {
      try {
        c = BigInt((cells[cnt] ?? '').trim());
      } catch {
        c = null;
      }
    }
    add(c, v);
  }
  if (lineNo === 0) throw new ExportReadError(`${path} is empty`);
}
