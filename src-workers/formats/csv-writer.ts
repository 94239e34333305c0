// Incremental CSV export of a ring buffer's events (builtin:sinks/csv): one line
// per event — counter, timestamp (unix seconds with milliseconds), deadtime, then
// the fields (an array field as name_0 … name_{n−1}). Lines are buffered and
// written whole with synchronous writes, so whatever stops the run, the file
// ends with a complete line; flush() at least once a second (the owner's timer,
// and append() itself when half a second has passed or the buffer is large), and
// the file is synced to the disk once a second. A write that fails (a full disk,
// a removed folder) is cut back to the last whole line and every later call
// throws the same error, naming the file and the cause.
import { closeSync, fdatasync, ftruncateSync, writeSync } from 'node:fs';
import { createExportFile, writeError } from './export-file';
import { pythonFloatRepr } from './python-repr';
import type { DType, TypedArray } from '../../src-shared/ringbuffer/layout';

/** Element types of ring-buffer fields (numpy's names, as mimoCoRB's setups write them). */
export type Dtype = DType;

/** What an exporter needs of a buffer's record layout: values per field (`samples`) and the fields. */
export interface ExportLayout {
  samples: number;
  fields: readonly { name: string; dtype: Dtype }[];
}

/** The typed arrays a field's values may come in (the ring buffer's views, or copies). */
export type { TypedArray };

/** One event as exporters receive it. */
export interface ExportEvent {
  counter: number;
  /** Unix time in milliseconds. */
  timestamp: number;
  deadtime: number;
  /** One array of `samples` values per layout field (extra fields are ignored). */
  fields: Record<string, TypedArray | ArrayLike<number> | ArrayLike<bigint>>;
}

export interface CsvWriterOptions {
  /** Column separator, default ','. German spreadsheets want ';' (with decimal ','). */
  separator?: string;
  /** Decimal mark, default '.'; ',' needs a separator other than ','. */
  decimal?: '.' | ',';
  /** Header names to use instead of column names (counter, timestamp, deadtime, a field, or an array column name_i); an alias of an array field's name becomes alias_i. */
  headerAlias?: Record<string, string>;
  /** Write once this many characters are pending, default 1 MiB. */
  flushBytes?: number;
  /** append() flushes when the last write is this long ago, default 500 ms (so nothing waits much over a second). */
  flushIntervalMs?: number;
  /** Replace an existing file (default false: refuse, so no earlier run is lost). */
  overwrite?: boolean;
  /**
   * 'csv' (default); 'mimocorb': mimoCoRB's BufferToTxtfile text (tab-separated unless a separator is
   * given, timestamp in unix seconds and every float as pandas writes it: shortest, "0.0", "1e-05");
   * one value per field only, as there.
   */
  format?: 'csv' | 'mimocorb';
}

/** The three columns every export starts with. */
export const META_COLUMNS = ['counter', 'timestamp', 'deadtime'] as const;

/** Checks a layout for export: fields present, names unique, not a metadata column; throws RangeError. */
export function checkExportLayout(layout: ExportLayout): void {
  if (!Number.isInteger(layout.samples) || layout.samples < 1) {
    throw new RangeError(`export layout: samples must be an integer ≥ 1, got ${layout.samples}`);
  }
  const seen = new Set<string>(META_COLUMNS);
  for (const f of layout.fields) {
    if (!f.name) throw new RangeError('export layout: a field has no name');
    if (seen.has(f.name)) {
      throw new RangeError(
        (META_COLUMNS as readonly string[]).includes(f.name)
          ? `export layout: a field may not be called "${f.name}" (the exporter writes that column itself)`
          : `export layout: field "${f.name}" appears twice`,
      );
    }
    seen.add(f.name);
  }
}

/** Column names of a layout: counter, timestamp, deadtime, then fields (array fields expanded as name_i). */
export function csvColumns(layout: ExportLayout): string[] {
  const cols: string[] = [...META_COLUMNS];
  for (const f of layout.fields) {
    if (layout.samples === 1) cols.push(f.name);
    else for (let i = 0; i < layout.samples; i++) cols.push(`${f.name}_${i}`);
  }
  return cols;
}

/** The shortest decimal text that reads back as the same float32. */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 6; p < 9; p++) {
    const y = Number(v.toPrecision(p));
    if (Math.fround(y) === v) return String(y);
  }
  return String(Number(v.toPrecision(9)));
}

function formatter(dtype: Dtype, mimocorb: boolean): (v: number | bigint) => string {
  if (mimocorb && (dtype === 'float32' || dtype === 'float64')) {
    const f32 = dtype === 'float32';
    return (v) => pythonFloatRepr(Number(v), f32);
  }
  switch (dtype) {
    case 'float32':
      return (v) => formatFloat32(Number(v));
    case 'float64':
      return (v) => String(Number(v));
    case 'int64':
    case 'uint64':
      // bigint from BigInt64Array; numbers are written as integers
      return (v) => (typeof v === 'bigint' ? v.toString() : String(Math.trunc(v)));
    default:
      return (v) => String(v);
  }
}

function quote(name: string, separator: string): string {
  return name.includes(separator) || /["\r\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/** Writes events as CSV lines to one file, buffered, whole lines only. */
export class CsvWriter {
  readonly path: string;
  readonly layout: ExportLayout;
  readonly columns: readonly string[];
  private readonly separator: string;
  private readonly decimalComma: boolean;
  private readonly flushBytes: number;
  private readonly flushIntervalMs: number;
  private readonly formats: ((v: number | bigint) => string)[];
  private readonly meta: (ev: ExportEvent) => string;
  private fd: number | null;
  private pending: string[] = [];
  private pendingChars = 0;
  private lastFlush = Date.now();
  private lastSync = Date.now();
  private rowCount = 0;
  /** Bytes of whole lines in the file. */
  private size = 0;
  private failure: Error | null = null;

  /** Creates the file and writes the header line; throws an Error naming the file if it cannot. */
  constructor(path: string, layout: ExportLayout, options: CsvWriterOptions = {}) {
    checkExportLayout(layout);
    const mimocorb = options.format === 'mimocorb';
    if (mimocorb && layout.samples !== 1) {
      throw new RangeError(`mimoCoRB's text format holds one value per field, as its exporter; this buffer has channel_per_slot ${layout.samples}. Use format: csv (one column per sample) or Parquet`);
    }
    const separator = options.separator ?? (mimocorb ? '\t' : ',');
    const decimal = options.decimal ?? '.';
    // A separator may not contain anything a number or a quoted header can contain.
    if (separator.length === 0 || /["\r\n0-9.+\-A-Za-z]/.test(separator)) {
      throw new RangeError(
        `CSV separator must be a non-empty string without digits, letters, ".", "+", "-", quotes or line breaks, got ${JSON.stringify(separator)}`,
      );
    }
    if (decimal === ',' && separator.includes(',')) throw new RangeError('CSV with decimal "," needs another separator, such as ";"');
    this.path = path;
    this.layout = layout;
    this.separator = separator;
    this.decimalComma = decimal === ',';
    this.flushBytes = options.flushBytes ?? 1 << 20;
    this.flushIntervalMs = options.flushIntervalMs ?? 500;
    this.columns = csvColumns(layout);
    this.formats = layout.fields.map((f) => formatter(f.dtype, mimocorb));
    this.meta = mimocorb
      ? (ev) => `${ev.counter}${separator}${pythonFloatRepr(ev.timestamp / 1000)}${separator}${pythonFloatRepr(ev.deadtime)}`
      : (ev) => `${ev.counter}${separator}${(ev.timestamp / 1000).toFixed(3)}${separator}${String(ev.deadtime)}`;
    const alias = options.headerAlias ?? {};
    const header: string[] = [...META_COLUMNS].map((c) => alias[c] ?? c);
    for (const f of layout.fields) {
      if (layout.samples === 1) header.push(alias[f.name] ?? f.name);
      else for (let i = 0; i < layout.samples; i++) header.push(alias[`${f.name}_${i}`] ?? `${alias[f.name] ?? f.name}_${i}`);
    }
    this.fd = createExportFile(path, 'CSV', options.overwrite);
    this.push(header.map((h) => quote(h, separator)).join(separator) + '\n');
    this.flush();
  }

  /** Events appended so far. */
  get rows(): number {
    return this.rowCount;
  }

  /** True once close() was called. */
  get closed(): boolean {
    return this.fd === null;
  }

  /** Formats one event as a line and queues it; writes when the buffer is large or a second has passed. */
  append(ev: ExportEvent): void {
    if (this.failure) throw this.failure;
    if (this.fd === null) throw new Error(`CSV file ${this.path} is closed`);
    const sep = this.separator;
    const { samples, fields } = this.layout;
    let line = this.meta(ev);
    for (let f = 0; f < fields.length; f++) {
      const name = fields[f]!.name;
      const values = ev.fields[name];
      if (!values || values.length < samples) {
        throw new RangeError(`event ${ev.counter}: field "${name}" is missing or has fewer than ${samples} values`);
      }
      const fmt = this.formats[f]!;
      for (let i = 0; i < samples; i++) line += sep + fmt(values[i]!);
    }
    if (this.decimalComma) line = this.commaDecimals(line);
    this.push(line + '\n');
    this.rowCount++;
    if (this.pendingChars >= this.flushBytes || Date.now() - this.lastFlush >= this.flushIntervalMs) this.flush();
  }

  /** Writes every queued line to the file (whole lines), and syncs it to the disk when the last sync is a second old; throws naming the file and the cause if it cannot. */
  flush(): void {
    if (this.failure) throw this.failure;
    if (this.fd === null) return;
    const now = Date.now();
    this.lastFlush = now;
    if (this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    let off = 0;
    try {
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
      this.size += buf.length;
      if (now - this.lastSync >= 1000) this.sync(now);
    } catch (e) {
      this.failure = writeError('CSV', this.path, e);
      // A part of a line may have reached the file: cut back to the last whole line.
      if (off > 0) {
        try {
          ftruncateSync(this.fd, this.size);
        } catch {
          // the file is gone or unwritable; what was written stays as it is
        }
      }
      throw this.failure;
    }
  }

  /**
   * Syncs the file to the disk in the background (the thread pool): a synchronous sync here waited
   * for the file system's journal, which on ext4 also writes other files' data (the Parquet
   * waveforms), and stalled the sink for tens of milliseconds. A sink busy in a synchronous loop
   * sees the outcome only when its thread's event loop turns: a failure (a delayed "disk full")
   * becomes the error of the next call after that.
   */
  private sync(now: number): void {
    if (this.fd === null) return;
    this.lastSync = now;
    fdatasync(this.fd, (e) => {
      if (e && this.fd !== null && !this.failure) this.failure = writeError('CSV', this.path, e);
    });
  }

  /** Flushes and closes the file; calling it again does nothing (after a failed write it only closes the file). */
  close(): void {
    if (this.fd === null) return;
    try {
      if (!this.failure) this.flush();
    } finally {
      const fd = this.fd;
      this.fd = null;
      closeSync(fd);
    }
  }

  private push(s: string): void {
    this.pending.push(s);
    this.pendingChars += s.length;
  }

  private commaDecimals(line: string): string {
    // Only numbers are in a data line; the separator is not ',' here.
    return line.replace(/\./g, ',');
  }
}

/** Creates a CSV writer (the file and its header line). */
export function openCsvWriter(path: string, layout: ExportLayout, options: CsvWriterOptions = {}): CsvWriter {
  return new CsvWriter(path, layout, options);
}
