// Finding and opening a recorded run for the replay source: the export a
// `file` parameter names, read by the reader for its format.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { FieldLayout } from '../runtime/event-layout';
import { isParquetDataset, parquetFiles } from './parquet-dataset';
import type { ReplayReader } from './replay-reader';

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
  if (statSync(path).isDirectory() && !isParquetDataset(path)) {
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
  const { ParquetReplay, PartsReplay } = await import('./parquet-reader');
  return isParquetDataset(path) ? PartsReplay.open(path, parquetFiles(path), layout) : ParquetReplay.open(path, layout);
}
