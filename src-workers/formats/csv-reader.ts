// Reading a CSV export back (csv-writer.ts): a header line,
// then one line per event — counter, timestamp (unix seconds with ms),
// deadtime, the fields (array fields as name_0 … name_{n−1}). The separator
// is found from the header (",", ";" or tab); with ";" a decimal comma is
// understood too. Read in chunks, so files larger than memory replay fine.
import { closeSync, openSync, readSync } from 'node:fs';
import { isIntegerDType, type FieldLayout } from '../runtime/event-layout';
import { ReplayMismatchError, foldCsvColumns, matchColumns, mismatchMessage, type ColumnInfo } from './replay-columns';
import type { ReplayReader } from './replay-reader';
import { parseNumber } from './text-number';

const CHUNK = 1 << 20;

/** Reads a file line by line with synchronous reads. */
export class LineReader {
  private fd: number;
  private buf = Buffer.alloc(CHUNK);
  private text = '';
  private pos = 0;
  private eof = false;
  private readonly decoder = new TextDecoder('utf-8');
  /** 1-based number of the line last returned. */
  line = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  /** The next line without its terminator; null at the end. */
  next(): string | null {
    for (;;) {
      const nl = this.text.indexOf('\n', this.pos);
      if (nl >= 0) {
        let s = this.text.slice(this.pos, nl);
        this.pos = nl + 1;
        if (s.endsWith('\r')) s = s.slice(0, -1);
        this.line++;
        return s;
      }
      if (this.eof) {
        if (this.pos >= this.text.length) return null;
        const s = this.text.slice(this.pos);
        this.pos = this.text.length;
        this.line++;
        return s.endsWith('\r') ? s.slice(0, -1) : s;
      }
      const n = this.fd >= 0 ? readSync(this.fd, this.buf, 0, CHUNK, null) : 0;
      this.text = this.text.slice(this.pos) + this.decoder.decode(this.buf.subarray(0, n), { stream: n > 0 });
      this.pos = 0;
      if (n === 0) this.eof = true;
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Splits a header or data line; strips quotes of quoted names. */
export function splitCsv(line: string, sep: string): string[] {
  if (!line.includes('"')) return line.split(sep);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (line.startsWith(sep, i)) {
      out.push(cur);
      cur = '';
      i += sep.length - 1;
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** The separator of a header line: tab, ";" or ",". */
export function detectSeparator(header: string): string {
  if (header.includes('\t')) return '\t';
  if (header.includes(';')) return ';';
  return ',';
}

export class CsvReplay implements ReplayReader {
  readonly rows = null;
  skipped = 0;
  lastError = '';
  counter = 0;
  timestamp = 0;
  private values: number[] = [];

  private constructor(
    readonly path: string,
    private readonly reader: LineReader,
    private readonly sep: string,
    private readonly decimalComma: boolean,
    private readonly width: number,
    private readonly cols: { counter: number; timestamp: number; fields: number[][] },
    private readonly layout: readonly FieldLayout[],
    private first: string | null,
  ) {}

  /** Opens a CSV export and checks its header (and first row's values) against the layout. */
  static open(path: string, layout: readonly FieldLayout[]): CsvReplay {
    let reader: LineReader;
    try {
      reader = new LineReader(path);
    } catch (e) {
      throw new Error(`replay: cannot read ${path} (${e instanceof Error ? e.message : String(e)})`);
    }
    try {
      const header = reader.next();
      if (header === null || header.trim() === '') throw new Error(`replay: ${path} is empty (no header line)`);
      const sep = detectSeparator(header);
      const names = splitCsv(header.replace(/^\uFEFF/, ''), sep).map((n) => n.trim());
      let first = reader.next();
      while (first !== null && first.trim() === '') first = reader.next();
      const decimalComma = sep !== ',' && first !== null && /\d,\d/.test(first);
      const tokens = first === null ? [] : splitCsv(first, sep);
      const kinds: ColumnInfo['kind'][] = names.map((_, i) => {
        const t = tokens[i];
        if (t === undefined) return 'float';
        const v = parseNumber(decimalComma ? t.replace(',', '.') : t);
        return v === null ? null : Number.isInteger(v) ? 'int' : 'float';
      });
      const { columns, index } = foldCsvColumns(names, kinds, layout);
      const problems = matchColumns(columns, layout);
      if (problems.length) throw new ReplayMismatchError(mismatchMessage(path, problems, columns, layout), problems);
      const cols = { counter: index.get('counter')![0], timestamp: index.get('timestamp')![0], fields: layout.map((f) => index.get(f.name)!.slice(0, f.samples)) };
      return new CsvReplay(path, reader, sep, decimalComma, names.length, cols, layout, first);
    } catch (e) {
      reader.close();
      throw e;
    }
  }

  next(): boolean {
    for (;;) {
      let line: string | null;
      if (this.first !== null) {
        line = this.first;
        this.first = null;
      } else line = this.reader.next();
      if (line === null) return false;
      if (line.trim() === '') continue;
      const why = this.parse(line);
      if (why === null) return true;
      this.skipped++;
      this.lastError = `line ${this.reader.line}: ${why}`;
    }
  }

  writeInto(fields: Readonly<Record<string, ArrayLike<number | bigint>>>): void {
    let k = 0;
    for (const f of this.layout) {
      const dst = fields[f.name] as unknown as { [i: number]: number | bigint };
      const big = fields[f.name] instanceof BigInt64Array || fields[f.name] instanceof BigUint64Array;
      for (let s = 0; s < f.samples; s++) {
        const v = this.values[k++];
        dst[s] = big ? BigInt(Math.trunc(v)) : v;
      }
    }
  }

  close(): void {
    this.reader.close();
  }

  /** Parses a data line into counter, timestamp and values; the reason when it is malformed. */
  private parse(line: string): string | null {
    const t = splitCsv(line, this.sep);
    if (t.length !== this.width) return `${t.length} values where the header has ${this.width}`;
    const num = (i: number): number | null => parseNumber(this.decimalComma ? t[i].replace(',', '.') : t[i]);
    const c = num(this.cols.counter);
    if (c === null || !Number.isInteger(c)) return `counter "${t[this.cols.counter]}" is not a whole number`;
    const ts = num(this.cols.timestamp);
    if (ts === null || !Number.isFinite(ts)) return `timestamp "${t[this.cols.timestamp]}" is not a number`;
    const values = this.values;
    values.length = 0;
    for (let f = 0; f < this.layout.length; f++) {
      const field = this.layout[f];
      for (const i of this.cols.fields[f]) {
        const v = num(i);
        if (v === null) return `"${t[i]}" (${field.name}) is not a number`;
        if (isIntegerDType(field.dtype) && !Number.isFinite(v)) return `${v} cannot go into the integer field ${field.name}`;
        values.push(v);
      }
    }
    this.counter = c;
    // Seconds with milliseconds in the file; rounding keeps whole milliseconds exact.
    this.timestamp = Math.round(ts * 1000);
    return null;
  }
}
