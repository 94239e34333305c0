// Parquet dataset folders: parts closed as the writer goes, read as one table by DuckDB; a small
// dataset compacted at the end; what settleDataset does with what a kill leaves behind.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportLayout } from './csv-writer';
import { ParquetDatasetWriter, parquetFiles, parquetRows, settleDataset } from './parquet-dataset';

const dir = mkdtempSync(join(tmpdir(), 'ringscope-dataset-'));
let n = 0;
const folder = (): string => join(dir, `d${n++}.parquet`);
let db: DuckDBConnection;
beforeAll(async () => {
  db = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LAYOUT: ExportLayout = { samples: 1, fields: [{ name: 'x', dtype: 'float64' }] };
const event = (i: number) => ({ counter: i, timestamp: 1_700_000_000_000 + i, deadtime: 0, fields: { x: [i / 2] } });

async function table(path: string): Promise<{ n: number; sum: number }> {
  const [r] = (await db.runAndReadAll(`SELECT count(*) AS n, sum(x) AS s FROM read_parquet('${path}/*.parquet')`)).getRowObjectsJS();
  return { n: Number(r!.n as bigint), sum: Number(r!.s ?? 0) };
}

/** Writes `count` events with partSeconds 0 (every append closes its part), and closes the dataset unless asked not to. */
async function writeParts(path: string, count: number, close = true): Promise<ParquetDatasetWriter> {
  const w = await ParquetDatasetWriter.open(path, LAYOUT, { partSeconds: 0 });
  for (let i = 0; i < count; i++) await w.append(event(i));
  if (close) await w.close();
  return w;
}

describe('Parquet dataset folders', () => {
  it('is a readable (empty) table from the moment it is opened', async () => {
    const p = folder();
    const w = await ParquetDatasetWriter.open(p, LAYOUT);
    expect(await table(p)).toEqual({ n: 0, sum: 0 });
    await w.close();
    expect(await table(p)).toEqual({ n: 0, sum: 0 });
  });

  it('closes parts as it goes (each readable at once) and compacts a small dataset into one part at the end', async () => {
    const p = folder();
    const w = await writeParts(p, 5, false);
    // partSeconds 0: every append closed its part; the parts so far hold every event.
    expect(parquetFiles(p).length).toBe(6);
    expect(await table(p)).toEqual({ n: 5, sum: (0 + 1 + 2 + 3 + 4) / 2 });
    await w.close();
    expect(parquetFiles(p).map((f) => f.slice(p.length + 1))).toEqual(['part-000000.parquet']);
    expect(await table(p)).toEqual({ n: 5, sum: 5 });
    expect(await parquetRows(p)).toBe(5);
    expect(readdirSync(dir).filter((f) => f.endsWith('.compact') || f.endsWith('.old'))).toEqual([]);
  });

  it('keeps the parts of a dataset larger than the compaction limit', async () => {
    const p = folder();
    const big = 3;
    const w = await ParquetDatasetWriter.open(p, LAYOUT, { partSeconds: 0, compactBytes: 100 });
    for (let i = 0; i < big; i++) await w.append(event(i));
    await w.close();
    expect(parquetFiles(p).length).toBe(big + 1);
    expect(await table(p)).toEqual({ n: 3, sum: 1.5 });
  });

  it('refuses an existing folder', async () => {
    const p = folder();
    await writeParts(p, 1);
    await expect(ParquetDatasetWriter.open(p, LAYOUT)).rejects.toThrow(`cannot create the Parquet dataset ${p}: it exists already`);
  });

  it('settles what a kill leaves: a closed part not yet renamed is kept, an unfinished one removed', async () => {
    const p = folder();
    await writeParts(p, 3);
    const whole = parquetFiles(p)[0]!;
    // A part closed but killed before its rename, and one killed while being written.
    copyFileSync(whole, join(p, '.part-000007.parquet.inprogress'));
    writeFileSync(join(p, '.part-000008.parquet.inprogress'), Buffer.from('PAR1 half a row group'));
    expect(await table(p)).toEqual({ n: 3, sum: 1.5 });
    expect(settleDataset(p)).toEqual([
      'kept the closed part part-000007.parquet',
      'removed the unfinished part .part-000008.parquet.inprogress (at most the last second of events)',
    ]);
    expect(await table(p)).toEqual({ n: 6, sum: 3 });
  });

  it('settles an interrupted compaction, whichever rename the kill came between', async () => {
    // Killed after the dataset was moved aside and before the compacted one took its place.
    const p = folder();
    await writeParts(p, 4);
    renameSync(p, `${p}.compact`);
    await writeParts(`${p}.old`, 2);
    expect(settleDataset(p)).toEqual([`finished the compaction of ${p.split('/').pop()}`, `removed ${p.split('/').pop()}.old`]);
    expect(await table(p)).toEqual({ n: 4, sum: 3 });
    expect(existsSync(`${p}.old`)).toBe(false);
    // Killed before the swap: the staging copy is dropped, the dataset stays.
    await writeParts(`${p}.compact`, 1);
    expect(settleDataset(p)).toEqual([`removed ${p.split('/').pop()}.compact`]);
    expect(await table(p)).toEqual({ n: 4, sum: 3 });
  });
});
