// The Parquet export as a dataset folder: <name>.parquet/ holds part-000000.parquet,
// part-000001.parquet …, each a complete Parquet file. A part is written under a
// hidden name (.part-N.parquet.inprogress), closed about once a second (its footer
// written), synced to the disk and only then renamed into place: so after a kill
// or a power cut every part in the folder is whole, and at most the last second of
// events is missing. The sync and rename are synchronous: a sink busy with events
// never lets its thread's event loop turn, so asynchronous file calls would wait. DuckDB (read_parquet('<name>.parquet/*.parquet')), pyarrow
// and pandas (read_parquet('<name>.parquet')) read the folder as one table.
//
// At a clean end a small dataset (a slow stream of many tiny parts) is compacted
// into one part; large ones keep their parts, since re-encoding them would cost as
// much as writing them. Compaction is crash-safe: the single part is written into
// <name>.parquet.compact/, and the folders are swapped by renames that
// settleDataset() completes or undoes after a kill.
import { closeSync, openAsBlob, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as arrow from 'apache-arrow';
import { writeError } from './export-file';
import { loadParquetWasm } from './parquet-wasm';
import { ParquetWriter, type ParquetWriterOptions } from './parquet-writer';
import type { ExportEvent, ExportLayout } from './csv-writer';

/** Seconds a part stays open: at most about this much is lost when the process is killed. */
export const PART_SECONDS = 1;
/** Datasets up to this size are compacted into one part at a clean end. */
export const COMPACT_BYTES = 16 * 2 ** 20;
const PART = /^part-(\d{6})\.parquet$/;
const INPROGRESS = /^\.part-(\d{6})\.parquet\.inprogress$/;

function partName(i: number): string {
  return `part-${String(i).padStart(6, '0')}.parquet`;
}

/** The Parquet files of an export: the parts of a dataset folder in order, or the file itself. */
export function parquetFiles(path: string): string[] {
  if (!existsSync(path) || !statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((n) => PART.test(n))
    .sort()
    .map((n) => join(path, n));
}

/** True for a dataset folder (a directory whose name ends in .parquet). */
export function isParquetDataset(path: string): boolean {
  return /\.parquet$/i.test(path) && existsSync(path) && statSync(path).isDirectory();
}

/** True when a file has Parquet's magic bytes at both ends (a footer was written). */
export function looksComplete(path: string): boolean {
  try {
    const b = readFileSync(path);
    return b.length >= 12 && b.toString('latin1', 0, 4) === 'PAR1' && b.toString('latin1', b.length - 4) === 'PAR1';
  } catch {
    return false;
  }
}

/**
 * After a kill: completes or undoes an interrupted compaction, renames parts that were
 * closed but not yet renamed, and removes the one that was being written. Returns what it did.
 */
export function settleDataset(path: string): string[] {
  const did: string[] = [];
  const compact = `${path}.compact`;
  const old = `${path}.old`;
  if (!existsSync(path) && existsSync(compact)) {
    renameSync(compact, path);
    did.push(`finished the compaction of ${basename(path)}`);
  }
  for (const leftover of [compact, old]) {
    if (existsSync(leftover)) {
      rmSync(leftover, { recursive: true, force: true });
      did.push(`removed ${basename(leftover)}`);
    }
  }
  if (!isParquetDataset(path)) return did;
  for (const n of readdirSync(path)) {
    // A named part is whole unless the disk lost what it had not synced (then it is moved aside).
    if (PART.test(n) && !looksComplete(join(path, n))) {
      renameSync(join(path, n), join(path, `.${n}.broken`));
      did.push(`moved the unreadable part ${n} aside (.${n}.broken)`);
      continue;
    }
    const m = INPROGRESS.exec(n);
    if (!m) continue;
    const p = join(path, n);
    if (looksComplete(p)) {
      renameSync(p, join(path, partName(Number(m[1]))));
      did.push(`kept the closed part ${partName(Number(m[1]))}`);
    } else {
      rmSync(p, { force: true });
      did.push(`removed the unfinished part ${n} (at most the last second of events)`);
    }
  }
  return did;
}

/** Rows in a Parquet export (a file or a dataset folder), from the footers. */
export async function parquetRows(path: string): Promise<number> {
  const pq = await loadParquetWasm();
  let rows = 0;
  for (const f of parquetFiles(path)) {
    const file = await pq.ParquetFile.fromFile(await openAsBlob(f));
    try {
      rows += Number(file.metadata().fileMetadata().numRows());
    } finally {
      file.free();
    }
  }
  return rows;
}

/** A dataset's options: a part's options, how long a part stays open, and up to which size the parts are compacted at the end. */
export interface DatasetOptions extends ParquetWriterOptions {
  /** Seconds a part stays open (default PART_SECONDS). */
  partSeconds?: number;
  /** Datasets up to this many bytes become one part at a clean end (default COMPACT_BYTES; 0: never). */
  compactBytes?: number;
}

/** Writes events into a dataset folder, one part about every second. Create with ParquetDatasetWriter.open(). */
export class ParquetDatasetWriter {
  private part: ParquetWriter | null = null;
  private partOpened = 0;
  private partIndex = 0;
  private rowCount = 0;
  private bytesWritten = 0;
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly path: string,
    readonly layout: ExportLayout,
    private readonly options: ParquetWriterOptions,
    private readonly partMs: number,
    private readonly compactBytes: number,
  ) {}

  /** Creates the dataset folder (refusing an existing one unless overwrite); throws naming it if it cannot. */
  static async open(path: string, layout: ExportLayout, options: DatasetOptions = {}): Promise<ParquetDatasetWriter> {
    await loadParquetWasm();
    try {
      if (options.overwrite) rmSync(path, { recursive: true, force: true });
      mkdirSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(code === 'EEXIST' ? `cannot create the Parquet dataset ${path}: it exists already` : writeError('Parquet dataset', path, e).message);
    }
    const w = new ParquetDatasetWriter(path, layout, options, (options.partSeconds ?? PART_SECONDS) * 1000, options.compactBytes ?? COMPACT_BYTES);
    // Part 0 holds no events, only the schema: the folder is a readable table from the start, whenever the run is killed.
    await w.openPart();
    await w.closePart();
    await w.openPart();
    return w;
  }

  /** Events appended so far. */
  get rows(): number {
    return this.rowCount;
  }

  /** Bytes of the parts closed so far. */
  get bytes(): number {
    return this.bytesWritten;
  }

  /** Appends one event; closes the part when it has been open for about a second. */
  async append(ev: ExportEvent): Promise<void> {
    if (this.closing) throw new Error(`Parquet dataset ${this.path} is closed`);
    if (this.failure) throw this.failure;
    if (!this.part) await this.openPart();
    await this.part!.append(ev);
    this.rowCount++;
    if (performance.now() - this.partOpened >= this.partMs) await this.closePart();
  }

  /** For a sink with no events arriving: closes a part that holds events and is a second old. */
  async flush(): Promise<void> {
    if (this.closing || this.failure) return;
    if (this.part && this.part.rows > 0 && performance.now() - this.partOpened >= this.partMs) await this.closePart();
  }

  /** Closes the last part, waits until every part is on the disk, and compacts a small dataset. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.part && this.part.rows > 0) await this.closePart();
      else if (this.part) await this.dropPart();
      if (this.failure) throw this.failure;
      if (parquetFiles(this.path).length > 1 && this.bytesWritten <= this.compactBytes) {
        try {
          await this.compact();
        } catch {
          // No room for the copy (a full disk): the parts stay, as readable as before.
          rmSync(`${this.path}.compact`, { recursive: true, force: true });
        }
      }
    })();
    return this.closing;
  }

  private async openPart(): Promise<void> {
    const tmp = join(this.path, `.${partName(this.partIndex)}.inprogress`);
    this.partIndex++;
    this.part = await ParquetWriter.open(tmp, this.layout, { ...this.options, sync: true });
    this.partOpened = performance.now();
  }

  private async dropPart(): Promise<void> {
    const p = this.part!;
    this.part = null;
    await p.close().catch(() => undefined);
    rmSync(p.path, { force: true });
  }

  private async closePart(): Promise<void> {
    const p = this.part!;
    this.part = null;
    const final = join(this.path, partName(this.partIndex - 1));
    try {
      await p.close();
    } catch (e) {
      // A part that could not be finished (a full disk) is removed: it would make the folder unreadable.
      rmSync(p.path, { force: true });
      this.failure = e as Error;
      throw e;
    }
    this.bytesWritten += p.bytes;
    try {
      renameSync(p.path, final);
    } catch (e) {
      this.failure = writeError('Parquet', final, e);
      throw this.failure;
    }
  }

  /** Rewrites the parts as one (crash-safe: see settleDataset). */
  private async compact(): Promise<void> {
    const pq = await loadParquetWasm();
    const batches: arrow.RecordBatch[] = [];
    for (const f of parquetFiles(this.path)) {
      // intoIPCStream() consumes the wasm table (no free() after it).
      batches.push(...arrow.tableFromIPC(pq.readParquet(readFileSync(f)).intoIPCStream()).batches);
    }
    const table = pq.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table(batches), 'stream'));
    const props = ParquetWriter.properties(pq, this.layout, this.options);
    const bytes = pq.writeParquet(table, props);
    const staging = `${this.path}.compact`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    const one = join(staging, partName(0));
    const fd = openSync(one, 'w');
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(this.path, `${this.path}.old`);
    renameSync(staging, this.path);
    await rm(`${this.path}.old`, { recursive: true, force: true });
  }
}
