// A recorded run, read row by row for the replay source; Parquet and CSV alike.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { FieldLayout } from '../runtime/event-layout';

/** A cursor over the rows of an export. */
export interface ReplayReader {
  readonly path: string;
  /** Rows in the file, when known up front (Parquet). */
  readonly rows: number | null;
  /** Moves to the next row; false at the end of the file. */
  next(): boolean | Promise<boolean>;
  /** The current row's event counter. */
  readonly counter: number;
  /** The current row's timestamp, ms since the epoch. */
  readonly timestamp: number;
  /** Copies the current row's field values into an event. */
  writeInto(fields: Readonly<Record<string, ArrayLike<number | bigint>>>): void;
  /** Malformed rows skipped so far (CSV), and why the last one was. */
  readonly skipped: number;
  readonly lastError: string;
  close(): void;
}

const EXTS = ['.parquet', '.csv'];

/**
 * The export file a `file` parameter names: a .parquet or .csv file, or a run
 * directory holding exactly one of them (Parquet preferred). Throws naming what
 * was found instead.
 */
export function resolveReplayFile(file: string, cwd = process.cwd()): string {
  if (!file.trim()) throw new Error('replay: set "file" to a .parquet or .csv export, or to a run directory holding one');
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new Error(`replay: ${path} does not exist`);
  if (statSync(path).isDirectory()) {
    const all = readdirSync(path).filter((n) => EXTS.includes(extname(n).toLowerCase()));
    for (const ext of EXTS) {
      const found = all.filter((n) => extname(n).toLowerCase() === ext);
      if (found.length === 1) return join(path, found[0]);
      if (found.length > 1) throw new Error(`replay: ${path} holds several ${ext} exports (${found.join(', ')}); set "file" to the one to replay`);
    }
    throw new Error(`replay: ${path} holds no .parquet or .csv export`);
  }
  if (!EXTS.includes(extname(path).toLowerCase())) throw new Error(`replay: ${path} is neither a .parquet nor a .csv file`);
  return path;
}

/** Opens an export for replay into a buffer of this layout; checks the columns first. */
export async function openReplay(path: string, layout: readonly FieldLayout[]): Promise<ReplayReader> {
  if (extname(path).toLowerCase() === '.csv') {
    const { CsvReplay } = await import('./csv-reader');
    return CsvReplay.open(path, layout);
  }
  const { ParquetReplay } = await import('./parquet-reader');
  return ParquetReplay.open(path, layout);
}
