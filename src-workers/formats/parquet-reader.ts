// Reading a Parquet export back, one row group at a time (memory stays
// bounded on long runs of waveforms): counter int64, timestamp
// timestamp(ms, UTC), deadtime float64, scalar fields as columns, array fields
// as fixed-size lists — the format of parquet-writer.ts.
import { openAsBlob } from 'node:fs';
import * as arrow from 'apache-arrow';
import { loadParquetWasm } from './parquet-wasm';
import type { FieldLayout } from '../runtime/event-layout';
import { ReplayMismatchError, matchColumns, mismatchMessage, type ColumnInfo } from './replay-columns';
import type { ReplayReader } from './replay-reader';

/** What an Arrow type holds, as matchColumns wants it. */
export function columnInfo(field: arrow.Field): ColumnInfo {
  const t = field.type as arrow.DataType;
  const kindOf = (x: arrow.DataType): ColumnInfo['kind'] =>
    arrow.DataType.isInt(x) ? 'int' : arrow.DataType.isFloat(x) ? 'float' : arrow.DataType.isTimestamp(x) ? 'time' : null;
  if (arrow.DataType.isFixedSizeList(t)) {
    const item = (t as arrow.FixedSizeList).children[0].type as arrow.DataType;
    return { name: field.name, type: String(t), kind: kindOf(item), size: (t as arrow.FixedSizeList).listSize };
  }
  if (arrow.DataType.isList(t) || arrow.DataType.isLargeList?.(t)) {
    const item = (t as arrow.List).children[0].type as arrow.DataType;
    return { name: field.name, type: String(t), kind: kindOf(item), size: -1 };
  }
  return { name: field.name, type: String(t), kind: kindOf(t), size: 1 };
}

type Flat = ArrayLike<number> | ArrayLike<bigint>;

const MS_PER_UNIT = [1000, 1, 1e-3, 1e-6];

/** One batch of rows, columns flattened (an array field's values row after row). */
interface Chunk {
  rows: number;
  counter: Flat;
  timestamp: Flat;
  /** Multiply the timestamp by this for milliseconds. */
  tsScale: number;
  fields: Flat[];
}

function flatValues(v: arrow.Vector, size: number): Flat {
  if (size === 1) return v.toArray() as Flat;
  // A fixed-size list: its child's values, from this chunk's offset on.
  const data = v.data[0];
  const child = data.children[0];
  const start = child.offset + data.offset * size;
  const values = child.values as unknown as { subarray(a: number, b: number): Flat };
  return values.subarray(start, start + data.length * size);
}

function timeScale(t: arrow.DataType): number {
  return arrow.DataType.isTimestamp(t) ? MS_PER_UNIT[(t as arrow.Timestamp).unit] : 1;
}

export class ParquetReplay implements ReplayReader {
  readonly skipped = 0;
  readonly lastError = '';
  private row = -1;
  private chunk: Chunk | null = null;
  private pendingChunks: arrow.RecordBatch[] = [];
  private group = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    readonly rows: number,
    private readonly file: { read(o: { rowGroups: number[]; columns: string[] }): Promise<{ intoIPCStream(): Uint8Array }>; free(): void },
    private readonly groups: number,
    private readonly layout: readonly FieldLayout[],
    private readonly names: string[],
  ) {}

  /** Opens a Parquet export and checks it against the layout (ReplayMismatchError naming the columns). */
  static async open(path: string, layout: readonly FieldLayout[]): Promise<ParquetReplay> {
    const pq = await loadParquetWasm();
    let file;
    try {
      file = await pq.ParquetFile.fromFile(await openAsBlob(path));
    } catch (e) {
      throw new Error(`replay: ${path} is not a readable Parquet file (${e instanceof Error ? e.message : String(e)})`);
    }
    const schema = arrow.tableFromIPC(file.schema().intoIPCStream()).schema;
    const columns = schema.fields.map(columnInfo);
    const problems = matchColumns(columns, layout);
    if (problems.length) {
      file.free();
      throw new ReplayMismatchError(mismatchMessage(path, problems, columns, layout), problems);
    }
    const md = file.metadata();
    const groups = md.numRowGroups();
    const rows = Number(md.fileMetadata().numRows());
    const names = ['counter', 'timestamp', ...layout.map((f) => f.name)];
    return new ParquetReplay(path, rows, file as never, groups, layout, names);
  }

  get counter(): number {
    return Number(this.chunk!.counter[this.row]);
  }

  get timestamp(): number {
    return Number(this.chunk!.timestamp[this.row]) * this.chunk!.tsScale;
  }

  next(): boolean | Promise<boolean> {
    if (this.chunk && this.row + 1 < this.chunk.rows) {
      this.row++;
      return true;
    }
    return this.load();
  }

  writeInto(fields: Readonly<Record<string, ArrayLike<number | bigint>>>): void {
    const c = this.chunk!;
    this.layout.forEach((f, i) => writeRow(fields[f.name], c.fields[i], this.row, f.samples));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.chunk = null;
    this.pendingChunks = [];
    this.file.free();
  }

  private async load(): Promise<boolean> {
    for (;;) {
      const batch = this.pendingChunks.shift();
      if (batch) {
        if (batch.numRows === 0) continue;
        const col = (name: string) => batch.getChild(name)!;
        this.chunk = {
          rows: batch.numRows,
          counter: col('counter').toArray() as Flat,
          timestamp: col('timestamp').toArray() as Flat,
          tsScale: timeScale(batch.schema.fields.find((f) => f.name === 'timestamp')!.type),
          fields: this.layout.map((f) => flatValues(col(f.name), f.samples)),
        };
        this.row = 0;
        return true;
      }
      if (this.group >= this.groups || this.closed) return false;
      const wasm = await this.file.read({ rowGroups: [this.group++], columns: this.names });
      this.pendingChunks = arrow.tableFromIPC(wasm.intoIPCStream()).batches;
    }
  }
}

/** Copies one row's values of a field (flat source, `samples` per row) into the event's array, converting bigint ↔ number. */
export function writeRow(dst: ArrayLike<number | bigint>, src: Flat, row: number, samples: number): void {
  const d = dst as unknown as { [i: number]: number | bigint; set?: (a: ArrayLike<unknown>) => void };
  const base = row * samples;
  const dBig = dst instanceof BigInt64Array || dst instanceof BigUint64Array;
  const sBig = src instanceof BigInt64Array || src instanceof BigUint64Array;
  if (dBig === sBig && d.set && 'subarray' in src && (dst as unknown as { constructor: unknown }).constructor === (src as unknown as { constructor: unknown }).constructor) {
    d.set((src as unknown as { subarray(a: number, b: number): ArrayLike<unknown> }).subarray(base, base + samples));
    return;
  }
  for (let i = 0; i < samples; i++) {
    const v = src[base + i];
    d[i] = dBig ? BigInt(typeof v === 'bigint' ? v : Math.trunc(v)) : Number(v);
  }
}

/** A Parquet dataset folder read part after part, as one file (parts open one at a time; all footers read first for the row count). */
export class PartsReplay implements ReplayReader {
  readonly skipped = 0;
  readonly lastError = '';
  private current: ParquetReplay | null = null;
  private next_ = 0;

  private constructor(
    readonly path: string,
    readonly rows: number,
    private readonly parts: string[],
    private readonly layout: readonly FieldLayout[],
  ) {}

  /** Opens a dataset's parts (checking each against the layout) and counts their rows. */
  static async open(path: string, parts: string[], layout: readonly FieldLayout[]): Promise<PartsReplay> {
    if (parts.length === 0) throw new Error(`replay: ${path} is a Parquet dataset without parts`);
    let rows = 0;
    for (const p of parts) {
      const r = await ParquetReplay.open(p, layout);
      rows += r.rows;
      r.close();
    }
    return new PartsReplay(path, rows, parts, layout);
  }

  get counter(): number {
    return this.current!.counter;
  }

  get timestamp(): number {
    return this.current!.timestamp;
  }

  async next(): Promise<boolean> {
    for (;;) {
      if (this.current && (await this.current.next())) return true;
      this.current?.close();
      this.current = null;
      if (this.next_ >= this.parts.length) return false;
      this.current = await ParquetReplay.open(this.parts[this.next_++]!, this.layout);
    }
  }

  writeInto(fields: Readonly<Record<string, ArrayLike<number | bigint>>>): void {
    this.current!.writeInto(fields);
  }

  close(): void {
    this.current?.close();
    this.current = null;
    this.next_ = this.parts.length;
  }
}
