// mimoCoRB's recordings (its exporters.save_parquet, rb_toParquetfile): a tar
// of one Parquet file per event, named <filename>_<counter>.parquet, each with
// one column per field (pandas/pyarrow) and one row per sample. Read event by
// event, in archive order, archive after archive, as its parquetReader does.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import * as arrow from 'apache-arrow';
import type { FieldLayout } from '../runtime/event-layout';
import { loadParquetWasm } from './parquet-wasm';
import { writeRow } from './parquet-reader';
import { TarArchive, type TarMember } from './tar';

/** The archive suffixes mimoCoRB's parquetReader takes from a folder. */
const SUFFIXES = ['.tar', '.gz', '.tgz', '.bz2'];

/** The archives a `path` names: the file itself, or the folder's archives sorted by name. Throws naming what is wrong. */
export function recordingArchives(path: string, cwd: string): string[] {
  if (!path.trim()) throw new Error('tar_parquet: set "path" to a mimoCoRB recording (a .tar of Parquet files) or a folder of them');
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) throw new Error(`tar_parquet: ${abs} does not exist`);
  if (!statSync(abs).isDirectory()) return [abs];
  const found = readdirSync(abs)
    .filter((f) => SUFFIXES.includes(extname(f).toLowerCase()) && statSync(join(abs, f)).isFile())
    .sort();
  if (!found.length) throw new Error(`tar_parquet: ${abs} holds no .tar, .gz, .tgz or .bz2 archive`);
  return found.map((f) => join(abs, f));
}

/** The counter in a member's name (<filename>_<counter>.parquet), or null. */
export function recordedCounter(name: string): number | null {
  const m = /_(\d+)\.parquet$/i.exec(basename(name));
  return m ? Number(m[1]) : null;
}

/** One recorded event: its counter (from the member's name, when there) and a column per field. */
export interface RecordedEvent {
  member: string;
  counter: number | null;
  columns: Map<string, ArrayLike<number> | ArrayLike<bigint>>;
}

/** Reads the events of mimoCoRB recordings one at a time. */
export class MimocorbTarReader {
  private archive: TarArchive | null = null;
  private index = 0;

  constructor(readonly archives: readonly string[]) {}

  /** The next event, or null after the last archive; throws naming the archive and member that cannot be read. */
  async next(): Promise<RecordedEvent | null> {
    const pq = await loadParquetWasm();
    for (;;) {
      if (!this.archive) {
        const path = this.archives[this.index++];
        if (path === undefined) return null;
        this.archive = new TarArchive(path);
      }
      const m: TarMember | null = this.archive.next();
      if (!m) {
        this.archive.close();
        this.archive = null;
        continue;
      }
      let table: arrow.Table;
      try {
        table = arrow.tableFromIPC(pq.readParquet(this.archive.bytes(m)).intoIPCStream());
      } catch (e) {
        throw new Error(`tar_parquet: ${m.name} in ${this.archive.path} is not a readable Parquet file (${e instanceof Error ? e.message : String(e)})`);
      }
      const columns = new Map<string, ArrayLike<number> | ArrayLike<bigint>>();
      for (const f of table.schema.fields) columns.set(f.name, table.getChild(f.name)!.toArray() as ArrayLike<number>);
      return { member: `${m.name} in ${this.archive.path}`, counter: recordedCounter(m.name), columns };
    }
  }

  close(): void {
    this.archive?.close();
    this.archive = null;
  }
}

/** Writes a recorded event into an event's fields; throws naming the member, the columns it has and the buffer's fields when they do not fit. */
export function writeRecorded(ev: RecordedEvent, layout: readonly FieldLayout[], fields: Readonly<Record<string, ArrayLike<number | bigint>>>): void {
  for (const f of layout) {
    const col = ev.columns.get(f.name);
    if (!col) {
      throw new Error(`tar_parquet: ${ev.member} has no column "${f.name}" (it has ${[...ev.columns.keys()].join(', ')}); the buffer's fields must be named like the recorded ones`);
    }
    if (col.length !== f.samples) {
      throw new Error(`tar_parquet: ${ev.member} holds ${col.length} samples per field, but the buffer has channel_per_slot ${f.samples}`);
    }
    writeRow(fields[f.name]!, col, 0, f.samples);
  }
}
