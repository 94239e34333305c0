// Incremental Parquet export of a ring buffer's events (builtin:sinks/parquet):
// one file per sink and run, written row group by row group so memory stays
// bounded on long runs. Columns: counter int64, timestamp timestamp(ms, UTC),
// deadtime float64, each scalar field as a column of its dtype, each array field
// as a fixed-size-list column; ZSTD by default.
//
// Events are copied into column buffers; a full row group becomes an Arrow
// record batch (apache-arrow → IPC → parquet-wasm) that parquet-wasm's streaming
// writer (transformParquetStream, parquet-rs's AsyncArrowWriter) encodes; its
// output bytes go to the file as they come. close() writes the footer, so every
// path that stops a run must await close() for the file to be valid.
import { closeSync, fdatasyncSync, writeSync } from 'node:fs';
import { createExportFile, writeError } from './export-file';
import type * as ParquetWasm from 'parquet-wasm';
import { loadParquetWasm, type ParquetWasmModule } from './parquet-wasm';
import * as arrow from 'apache-arrow';
import { checkExportLayout, type Dtype, type ExportEvent, type ExportLayout, type TypedArray } from './csv-writer';

export type ParquetCompression = 'zstd' | 'snappy' | 'gzip' | 'brotli' | 'lz4' | 'none';

export interface ParquetWriterOptions {
  /** Codec for every column, default 'zstd' ('lz4' means LZ4_RAW). */
  compression?: ParquetCompression;
  /** At most this many events per row group (default 1000). */
  rowGroupEvents?: number;
  /**
   * At most this many bytes of raw values per row group (default 4 MiB); bounds memory for waveforms.
   * A row group is encoded in one go while the sink reads nothing: at 32 MiB (~500 waveforms, ~0.5 s
   * of ZSTD) the sink's input buffer filled and stalled the whole muon pipeline every 1.5 s; at
   * 4 MiB the pause is short enough for the buffer to absorb (bench e: 5,260 → 6,060 events/s).
   */
  rowGroupBytes?: number;
  /** Replace an existing file (default false: refuse, so no earlier run is lost). */
  overwrite?: boolean;
  /** Sync the file to the disk before closing it (the dataset's parts: closed, synced, then renamed into place). */
  sync?: boolean;
  /** Extra key/value metadata stored in the file's schema. */
  metadata?: Record<string, string>;
}

interface ColumnKind {
  arrowType: () => arrow.DataType;
  make: (n: number) => TypedArray;
  bigint: boolean;
  bytes: number;
}

const KINDS: Record<Dtype, ColumnKind> = {
  int8: { arrowType: () => new arrow.Int8(), make: (n) => new Int8Array(n), bigint: false, bytes: 1 },
  int16: { arrowType: () => new arrow.Int16(), make: (n) => new Int16Array(n), bigint: false, bytes: 2 },
  int32: { arrowType: () => new arrow.Int32(), make: (n) => new Int32Array(n), bigint: false, bytes: 4 },
  int64: { arrowType: () => new arrow.Int64(), make: (n) => new BigInt64Array(n), bigint: true, bytes: 8 },
  uint8: { arrowType: () => new arrow.Uint8(), make: (n) => new Uint8Array(n), bigint: false, bytes: 1 },
  uint16: { arrowType: () => new arrow.Uint16(), make: (n) => new Uint16Array(n), bigint: false, bytes: 2 },
  uint32: { arrowType: () => new arrow.Uint32(), make: (n) => new Uint32Array(n), bigint: false, bytes: 4 },
  uint64: { arrowType: () => new arrow.Uint64(), make: (n) => new BigUint64Array(n), bigint: true, bytes: 8 },
  float32: { arrowType: () => new arrow.Float32(), make: (n) => new Float32Array(n), bigint: false, bytes: 4 },
  float64: { arrowType: () => new arrow.Float64(), make: (n) => new Float64Array(n), bigint: false, bytes: 8 },
};

/** The Arrow schema of an export: counter, timestamp, deadtime, then the fields (non-nullable). */
export function exportSchema(layout: ExportLayout, metadata: Record<string, string> = {}): arrow.Schema {
  checkExportLayout(layout);
  const fields: arrow.Field[] = [
    new arrow.Field('counter', new arrow.Int64(), false),
    new arrow.Field('timestamp', new arrow.TimestampMillisecond('UTC'), false),
    new arrow.Field('deadtime', new arrow.Float64(), false),
  ];
  for (const f of layout.fields) {
    const kind = KINDS[f.dtype];
    if (!kind) throw new RangeError(`export layout: field "${f.name}" has an unknown dtype "${String(f.dtype)}"`);
    const type =
      layout.samples === 1 ? kind.arrowType() : new arrow.FixedSizeList(layout.samples, new arrow.Field('item', kind.arrowType(), false));
    fields.push(new arrow.Field(f.name, type, false));
  }
  const meta = new Map<string, string>([
    ['ringscope.layout', JSON.stringify({ samples: layout.samples, fields: layout.fields.map((f) => ({ name: f.name, dtype: f.dtype })) })],
    ...Object.entries(metadata),
  ]);
  return new arrow.Schema(fields, meta);
}

/** Raw bytes of one event in a layout's export (metadata columns included). */
export function eventBytes(layout: ExportLayout): number {
  return 24 + layout.fields.reduce((s, f) => s + KINDS[f.dtype].bytes * layout.samples, 0);
}

/** Events per row group: rowGroupEvents, and no more than rowGroupBytes of raw values. */
function rowsPerGroup(layout: ExportLayout, options: ParquetWriterOptions): number {
  const byBytes = Math.floor((options.rowGroupBytes ?? 4 * 2 ** 20) / eventBytes(layout));
  return Math.max(1, Math.min(options.rowGroupEvents ?? 1000, byBytes));
}

const COMPRESSION: Record<ParquetCompression, keyof typeof ParquetWasm.Compression> = {
  zstd: 'ZSTD',
  snappy: 'SNAPPY',
  gzip: 'GZIP',
  brotli: 'BROTLI',
  lz4: 'LZ4_RAW',
  none: 'UNCOMPRESSED',
};

/** Writes events to one Parquet file, a row group at a time. Create with ParquetWriter.open(). */
export class ParquetWriter {
  readonly path: string;
  readonly layout: ExportLayout;
  /** Events per row group (from rowGroupEvents and rowGroupBytes). */
  readonly rowsPerGroup: number;
  private readonly pq: ParquetWasmModule;
  private readonly schema: arrow.Schema;
  private readonly kinds: ColumnKind[];
  private fd: number | null;
  private counter: BigInt64Array;
  private timestamp: BigInt64Array;
  private deadtime: Float64Array;
  private columns: TypedArray[];
  private buffered = 0;
  private rowCount = 0;
  private batchesOut = 0;
  private bytesWritten = 0;
  // Batches waiting for the encoder to pull them; `ended` closes its input stream.
  private queue: ParquetWasm.RecordBatch[] = [];
  private ended = false;
  private pullWaiter: (() => void) | null = null;
  private progressWaiters: (() => void)[] = [];
  private failure: Error | null = null;
  private readonly finished: Promise<void>;
  private closing: Promise<void> | null = null;
  private readonly syncOnClose: boolean;

  private constructor(pq: ParquetWasmModule, fd: number, path: string, layout: ExportLayout, options: ParquetWriterOptions) {
    this.pq = pq;
    this.fd = fd;
    this.path = path;
    this.layout = layout;
    this.schema = exportSchema(layout, options.metadata);
    this.kinds = layout.fields.map((f) => KINDS[f.dtype]);
    this.rowsPerGroup = rowsPerGroup(layout, options);
    this.syncOnClose = options.sync === true;
    const n = this.rowsPerGroup;
    this.counter = new BigInt64Array(n);
    this.timestamp = new BigInt64Array(n);
    this.deadtime = new Float64Array(n);
    this.columns = this.kinds.map((k) => k.make(n * layout.samples));

    const props = ParquetWriter.properties(pq, layout, options);
    const input = new ReadableStream<ParquetWasm.RecordBatch>(
      {
        // The encoder asks for the next batch only after it has written the previous one.
        pull: (controller) =>
          new Promise<void>((resolve) => {
            const give = (): void => {
              const next = this.queue.shift();
              if (next) controller.enqueue(next);
              else if (this.ended) controller.close();
              else {
                this.pullWaiter = give;
                return;
              }
              this.pullWaiter = null;
              this.notify();
              resolve();
            };
            give();
          }),
      },
      { highWaterMark: 0 },
    );
    this.finished = pq
      .transformParquetStream(input, props)
      .then(async (output) => {
        const reader = (output as ReadableStream<Uint8Array>).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          let off = 0;
          while (off < value.byteLength) off += writeSync(this.fd!, value, off, value.byteLength - off);
          this.bytesWritten += value.byteLength;
        }
      })
      .catch((e: unknown) => {
        // A file-system error (a full disk, a removed folder) names its cause; anything else is the encoder's.
        this.failure = (e as NodeJS.ErrnoException)?.code
          ? writeError('Parquet', path, e)
          : new Error(`writing the Parquet file ${path} failed: ${e instanceof Error ? e.message : String(e)}`);
        this.notify();
      });
  }

  /** The encoder's settings for a layout and options (codec, row group size). */
  static properties(pq: ParquetWasmModule, layout: ExportLayout, options: ParquetWriterOptions): ParquetWasm.WriterProperties {
    return (
      new pq.WriterPropertiesBuilder()
        .setCompression(pq.Compression[COMPRESSION[options.compression ?? 'zstd']])
        .setMaxRowGroupSize(rowsPerGroup(layout, options))
        // Waveform samples are nearly all distinct: dictionaries only cost time.
        .setDictionaryEnabled(false)
        .setCreatedBy('RingScope (parquet-wasm)')
        .build()
    );
  }

  /** Creates the file and the encoder; rejects with an Error naming the file if it cannot. */
  static async open(path: string, layout: ExportLayout, options: ParquetWriterOptions = {}): Promise<ParquetWriter> {
    checkExportLayout(layout);
    for (const [key, v] of [
      ['rowGroupEvents', options.rowGroupEvents],
      ['rowGroupBytes', options.rowGroupBytes],
    ] as const) {
      if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new RangeError(`Parquet ${key} must be an integer ≥ 1, got ${v}`);
    }
    if (options.compression !== undefined && !(options.compression in COMPRESSION)) {
      throw new RangeError(`Parquet compression must be one of ${Object.keys(COMPRESSION).join(', ')}, got ${options.compression}`);
    }
    const pq = await loadParquetWasm();
    const fd = createExportFile(path, 'Parquet', options.overwrite);
    return new ParquetWriter(pq, fd, path, layout, options);
  }

  /** Events appended so far. */
  get rows(): number {
    return this.rowCount;
  }

  /** Bytes written to the file so far. */
  get bytes(): number {
    return this.bytesWritten;
  }

  /** True once close() was called. */
  get closed(): boolean {
    return this.closing !== null;
  }

  /**
   * Copies one event into the current row group; when the group is full, hands it
   * to the encoder and waits until the encoder has taken it (bounded memory).
   */
  async append(ev: ExportEvent): Promise<void> {
    if (this.closing) throw new Error(`Parquet file ${this.path} is closed`);
    if (this.failure) throw this.failure;
    const row = this.buffered;
    const { samples, fields } = this.layout;
    // Check every field first, so a bad event leaves the row group untouched.
    for (const f of fields) {
      const values = ev.fields[f.name];
      if (!values || values.length < samples) {
        throw new RangeError(`event ${ev.counter}: field "${f.name}" is missing or has fewer than ${samples} values`);
      }
    }
    for (let c = 0; c < fields.length; c++) {
      copyInto(this.columns[c]!, row * samples, ev.fields[fields[c]!.name]!, samples, this.kinds[c]!.bigint);
    }
    this.counter[row] = BigInt(Math.trunc(ev.counter));
    this.timestamp[row] = BigInt(Math.round(ev.timestamp));
    this.deadtime[row] = ev.deadtime;
    this.buffered++;
    this.rowCount++;
    if (this.buffered === this.rowsPerGroup) await this.emit();
  }

  /**
   * Hands the buffered events to the encoder and waits until it has taken them.
   * Row groups keep their size (the encoder fills them across batches); the file
   * is readable only after close().
   */
  async flush(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.failure) throw this.failure;
    if (this.buffered > 0) await this.emit();
  }

  /** Writes the remaining events and the footer and closes the file; later calls return the same promise. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (this.buffered > 0 || this.batchesOut === 0) this.enqueue(this.batch());
        this.ended = true;
        this.pullWaiter?.();
        await this.finished;
      } finally {
        const fd = this.fd;
        this.fd = null;
        if (fd !== null) {
          try {
            if (this.syncOnClose && !this.failure) fdatasyncSync(fd);
          } catch (e) {
            this.failure = writeError('Parquet', this.path, e);
          } finally {
            closeSync(fd);
          }
        }
      }
      if (this.failure) throw this.failure;
    })();
    return this.closing;
  }

  private async emit(): Promise<void> {
    this.enqueue(this.batch());
    // Wait until the encoder took this batch, so at most one row group waits in memory.
    while (this.queue.length > 0 && !this.failure) await new Promise<void>((r) => this.progressWaiters.push(r));
    if (this.failure) throw this.failure;
  }

  private enqueue(batches: ParquetWasm.RecordBatch[]): void {
    this.queue.push(...batches);
    this.batchesOut++;
    this.buffered = 0;
    this.pullWaiter?.();
  }

  private notify(): void {
    const w = this.progressWaiters;
    this.progressWaiters = [];
    for (const r of w) r();
  }

  /** The buffered events as parquet-wasm record batches (copied into wasm memory, so the buffers can be refilled). */
  private batch(): ParquetWasm.RecordBatch[] {
    const n = this.buffered;
    const { samples } = this.layout;
    const children: arrow.Data[] = [
      arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: this.counter.subarray(0, n) }),
      arrow.makeData({ type: new arrow.TimestampMillisecond('UTC'), length: n, nullCount: 0, data: this.timestamp.subarray(0, n) }),
      arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: 0, data: this.deadtime.subarray(0, n) }),
    ];
    const fields = this.schema.fields;
    for (let c = 0; c < this.columns.length; c++) {
      const type = fields[3 + c]!.type;
      const values = this.columns[c]!.subarray(0, n * samples);
      if (samples === 1) {
        children.push(arrow.makeData({ type, length: n, nullCount: 0, data: values } as never));
      } else {
        const itemType = (type as arrow.FixedSizeList).children[0]!.type;
        const child = arrow.makeData({ type: itemType, length: n * samples, nullCount: 0, data: values } as never);
        children.push(arrow.makeData({ type: type as arrow.FixedSizeList, length: n, nullCount: 0, child }));
      }
    }
    const struct = arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children });
    const ipc = arrow.tableToIPC(new arrow.Table([new arrow.RecordBatch(this.schema, struct)]), 'stream');
    const table = this.pq.Table.fromIPCStream(ipc);
    const batches = table.recordBatches();
    table.free();
    return batches;
  }
}

/** Copies `samples` values into a column buffer at `offset`, converting between number and bigint as needed. */
function copyInto(
  target: TypedArray,
  offset: number,
  source: TypedArray | ArrayLike<number> | ArrayLike<bigint>,
  samples: number,
  bigint: boolean,
): void {
  const srcIsTyped = ArrayBuffer.isView(source);
  const srcBig = srcIsTyped ? source instanceof BigInt64Array || source instanceof BigUint64Array : typeof source[0] === 'bigint';
  if (srcIsTyped && srcBig === bigint) {
    const view = (source as TypedArray).subarray(0, samples);
    (target as { set(a: ArrayLike<number | bigint>, o: number): void }).set(view as ArrayLike<number | bigint>, offset);
    return;
  }
  if (bigint) {
    const t = target as BigInt64Array | BigUint64Array;
    for (let i = 0; i < samples; i++) {
      const v = source[i]!;
      t[offset + i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
    }
  } else {
    const t = target as Float64Array;
    for (let i = 0; i < samples; i++) t[offset + i] = Number(source[i]!);
  }
}

/** Creates a Parquet writer (the file and the encoder). */
export function openParquetWriter(path: string, layout: ExportLayout, options: ParquetWriterOptions = {}): Promise<ParquetWriter> {
  return ParquetWriter.open(path, layout, options);
}
