// Parquet files written incrementally, read back with two independent readers:
// DuckDB (ZSTD files) and hyparquet (uncompressed and Snappy files: it has no ZSTD).
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src-shared/random';
import { RB3_FIELDS } from '../physics/double-pulse';
import { MUON_SIM_DEFAULTS, simulateMuonEvent } from '../physics/muon-sim';
import type { ExportEvent, ExportLayout } from './csv-writer';
import { loadParquetWasm } from './parquet-wasm';
import { eventBytes, exportSchema, ParquetWriter } from './parquet-writer';

const dir = mkdtempSync(join(tmpdir(), 'ringscope-parquet-'));
let n = 0;
const file = (): string => join(dir, `t${n++}.parquet`);
let db: DuckDBConnection;
beforeAll(async () => {
  db = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sql(q: string): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(q)).getRowObjectsJS() as Record<string, unknown>[];
}
async function types(path: string): Promise<Record<string, string>> {
  const rows = await sql(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
  return Object.fromEntries(rows.map((r) => [r.column_name as string, r.column_type as string]));
}
async function rowGroups(path: string): Promise<number[]> {
  const rows = await sql(
    `SELECT row_group_id, any_value(row_group_num_rows) AS n FROM parquet_metadata('${path}') GROUP BY row_group_id ORDER BY row_group_id`,
  );
  return rows.map((r) => Number(r.n));
}

const WAVES: ExportLayout = { samples: 4250, fields: ['chA', 'chB', 'chC', 'chD'].map((name) => ({ name, dtype: 'float32' as const })) };
const RB3: ExportLayout = { samples: 1, fields: RB3_FIELDS };

/** Simulated muon events with counters 1…; the same seed gives the same waveforms. */
function* muonEvents(seed: number, count: number): Generator<ExportEvent & { fields: Record<string, Float32Array> }> {
  const rng = new Random(seed);
  const ch = [0, 1, 2, 3].map(() => new Float32Array(4250));
  for (let i = 1; i <= count; i++) {
    simulateMuonEvent(rng, MUON_SIM_DEFAULTS, ch);
    yield { counter: i, timestamp: 1_700_000_000_000 + 3 * i, deadtime: i / 1000, fields: { chA: ch[0]!, chB: ch[1]!, chC: ch[2]!, chD: ch[3]! } };
  }
}

describe('ParquetWriter', () => {
  it('loads parquet-wasm in Node (its "node" entry, wasm instantiated from its folder)', async () => {
    const pq = await loadParquetWasm();
    expect(typeof pq.transformParquetStream).toBe('function');
    expect(await loadParquetWasm()).toBe(pq);
  });

  it('writes the RB_3 pulse parameters as typed columns, ZSTD by default (read with DuckDB)', async () => {
    const p = file();
    const w = await ParquetWriter.open(p, RB3);
    for (let i = 1; i <= 25; i++) {
      const fields: Record<string, number[]> = {};
      RB3_FIELDS.forEach((f, k) => (fields[f.name] = [f.dtype === 'int32' ? i * 100 + k : i + k / 8]));
      await w.append({ counter: i, timestamp: 1_700_000_000_000 + i, deadtime: i / 100, fields });
    }
    await w.close();
    const t = await types(p);
    expect(t).toMatchObject({ counter: 'BIGINT', timestamp: 'TIMESTAMP WITH TIME ZONE', deadtime: 'DOUBLE', decay_time: 'INTEGER', '1st_chA_h': 'DOUBLE', '2nd_chD_p': 'INTEGER' });
    expect(Object.keys(t)).toEqual(['counter', 'timestamp', 'deadtime', ...RB3_FIELDS.map((f) => f.name)]);
    const rows = await sql(`SELECT counter, epoch_ms(timestamp) AS ms, deadtime, decay_time, "1st_chA_h", "2nd_chD_int" FROM read_parquet('${p}') ORDER BY counter`);
    expect(rows).toHaveLength(25);
    expect(rows[4]).toEqual({ counter: 5n, ms: 1_700_000_000_005n, deadtime: 0.05, decay_time: 500, '1st_chA_h': 5 + 1 / 8, '2nd_chD_int': 5 + 24 / 8 });
    const codecs = await sql(`SELECT DISTINCT compression FROM parquet_metadata('${p}')`);
    expect(codecs.map((r) => r.compression)).toEqual(['ZSTD']);
  });

  it('writes waveforms as fixed-size lists in row groups; one waveform reads back value by value (DuckDB)', async () => {
    const p = file();
    const w = await ParquetWriter.open(p, WAVES, { rowGroupEvents: 40 });
    expect(w.rowsPerGroup).toBe(40);
    let kept: Float32Array | null = null;
    for (const ev of muonEvents(99, 100)) {
      if (ev.counter === 57) kept = ev.fields.chB!.slice();
      await w.append(ev);
    }
    await w.close();
    expect(await types(p)).toMatchObject({ chA: 'FLOAT[]', chD: 'FLOAT[]' });
    expect(await rowGroups(p)).toEqual([40, 40, 20]);
    const [row] = await sql(`SELECT chB, len(chA) AS len FROM read_parquet('${p}') WHERE counter = 57`);
    expect(row!.len).toBe(4250n);
    const back = Float32Array.from(row!.chB as number[]);
    let differ = 0;
    for (let i = 0; i < 4250; i++) if (back[i] !== kept![i]) differ++;
    expect(differ).toBe(0);
    // the same seed re-simulates the same event: a reader can check a file against the source
    const again = [...muonEvents(99, 57)].pop()!;
    expect(Float32Array.from(row!.chB as number[])).toEqual(again.fields.chB);
  });

  it('writes uncompressed and Snappy files that hyparquet reads: counts, types and values', async () => {
    for (const compression of ['none', 'snappy'] as const) {
      const p = file();
      const layout: ExportLayout = { samples: 8, fields: [{ name: 'wave', dtype: 'float32' }, { name: 'adc', dtype: 'int16' }] };
      const w = await ParquetWriter.open(p, layout, { compression, rowGroupEvents: 3 });
      for (let i = 0; i < 7; i++) {
        await w.append({
          counter: i,
          timestamp: 1_700_000_000_000 + i,
          deadtime: 0.5,
          fields: { wave: Float32Array.from({ length: 8 }, (_, k) => i + k / 10), adc: Int16Array.from({ length: 8 }, (_, k) => -i * k) },
        });
      }
      await w.close();
      const buf = await asyncBufferFromFile(p);
      const meta = await parquetMetadataAsync(buf);
      expect(Number(meta.num_rows)).toBe(7);
      expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([3, 3, 1]);
      expect(meta.row_groups[0]!.columns.every((c) => c.meta_data?.codec === (compression === 'none' ? 'UNCOMPRESSED' : 'SNAPPY'))).toBe(true);
      const leaves = meta.schema.filter((s) => !s.num_children);
      expect(leaves.map((s) => [s.name, s.type])).toEqual([
        ['counter', 'INT64'],
        ['timestamp', 'INT64'],
        ['deadtime', 'DOUBLE'],
        ['item', 'FLOAT'],
        ['item', 'INT32'],
      ]);
      const ts = leaves[1]!;
      expect(ts.logical_type).toMatchObject({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' });
      expect(parquetSchema(meta).children.map((c) => c.element.name)).toEqual(['counter', 'timestamp', 'deadtime', 'wave', 'adc']);
      const rows = (await parquetReadObjects({ file: buf, utf8: false })) as Record<string, unknown>[];
      expect(rows).toHaveLength(7);
      expect(rows.map((r) => r.counter)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n]);
      expect(new Date(rows[2]!.timestamp as Date).getTime()).toBe(1_700_000_000_002);
      expect(Array.from(rows[6]!.wave as number[])).toEqual(Array.from(Float32Array.from({ length: 8 }, (_, k) => 6 + k / 10)));
      expect(Array.from(rows[6]!.adc as number[])).toEqual(Array.from({ length: 8 }, (_, k) => -6 * k || 0));
    }
  });

  it('stores every dtype with its type', async () => {
    const p = file();
    const dtypes = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64'] as const;
    const layout: ExportLayout = { samples: 1, fields: dtypes.map((d) => ({ name: d, dtype: d })) };
    const w = await ParquetWriter.open(p, layout);
    await w.append({
      counter: 1,
      timestamp: 0,
      deadtime: 0,
      fields: {
        int8: new Int8Array([-128]),
        int16: [-32768],
        int32: new Int32Array([-(2 ** 31)]),
        int64: new BigInt64Array([-(2n ** 63n)]),
        uint8: new Uint8Array([255]),
        uint16: [65535],
        uint32: new Uint32Array([2 ** 32 - 1]),
        uint64: [2 ** 53],
        float32: new Float64Array([0.1]),
        float64: new Float64Array([0.1]),
      },
    });
    await w.close();
    expect(await types(p)).toMatchObject({
      int8: 'TINYINT', int16: 'SMALLINT', int32: 'INTEGER', int64: 'BIGINT',
      uint8: 'UTINYINT', uint16: 'USMALLINT', uint32: 'UINTEGER', uint64: 'UBIGINT',
      float32: 'FLOAT', float64: 'DOUBLE',
    });
    const [r] = await sql(`SELECT * EXCLUDE (timestamp) FROM read_parquet('${p}')`);
    expect(r).toMatchObject({
      int8: -128, int16: -32768, int32: -(2 ** 31), int64: -(2n ** 63n),
      uint8: 255, uint16: 65535, uint32: 2 ** 32 - 1, uint64: 2n ** 53n,
      float32: Math.fround(0.1), float64: 0.1,
    });
  });

  it('leaves a valid file when closed mid-run, mid-row-group, or before any event', async () => {
    const p = file();
    const w = await ParquetWriter.open(p, WAVES, { rowGroupEvents: 25 });
    let i = 0;
    for (const ev of muonEvents(5, 60)) {
      await w.append(ev);
      if (++i === 37) break; // the run stops here: one full row group, 12 events pending
    }
    await w.close();
    expect(await rowGroups(p)).toEqual([25, 12]);
    const [c] = await sql(`SELECT count(*) AS n, max(counter) AS last FROM read_parquet('${p}')`);
    expect(c).toEqual({ n: 37n, last: 37n });

    const empty = file();
    const e = await ParquetWriter.open(empty, RB3);
    await e.close();
    const [z] = await sql(`SELECT count(*) AS n FROM read_parquet('${empty}')`);
    expect(z!.n).toBe(0n);
    expect(Object.keys(await types(empty))).toHaveLength(28);
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(empty));
    expect(Number(meta.num_rows)).toBe(0);
  });

  it('streams row groups to the file before close, and keeps their size across flushes', async () => {
    const p = file();
    const w = await ParquetWriter.open(p, WAVES, { rowGroupEvents: 20 });
    let i = 0;
    for (const ev of muonEvents(6, 130)) {
      await w.append(ev);
      if (++i % 7 === 0) await w.flush();
    }
    const before = w.bytes;
    await w.close();
    expect(before).toBeGreaterThan(0);
    expect(w.bytes).toBeGreaterThan(before);
    expect(await rowGroups(p)).toEqual([20, 20, 20, 20, 20, 20, 10]);
  });

  it('close() is idempotent; append after close is refused; existing files are kept', async () => {
    const p = file();
    const w = await ParquetWriter.open(p, RB3);
    const closing = w.close();
    expect(w.close()).toBe(closing);
    await closing;
    expect(w.closed).toBe(true);
    await expect(w.append({ counter: 1, timestamp: 0, deadtime: 0, fields: {} })).rejects.toThrow(/closed/);
    await w.flush();

    const old = file();
    writeFileSync(old, 'earlier run');
    await expect(ParquetWriter.open(old, RB3)).rejects.toThrow(/exists already/);
    expect(readFileSync(old, 'utf8')).toBe('earlier run');
    const o = await ParquetWriter.open(old, RB3, { overwrite: true });
    await o.close();
    await expect(ParquetWriter.open(join(dir, 'no', 'x.parquet'), RB3)).rejects.toThrow(/folder does not exist/);
    await expect(ParquetWriter.open(file(), RB3, { compression: 'lzo' as never })).rejects.toThrow(/compression/);
    await expect(ParquetWriter.open(file(), RB3, { rowGroupEvents: 0 })).rejects.toThrow(/rowGroupEvents/);
  });

  it('rejects an event with a missing field without touching the row group', async () => {
    const p = file();
    const layout: ExportLayout = { samples: 2, fields: [{ name: 'x', dtype: 'float64' }] };
    const w = await ParquetWriter.open(p, layout);
    await w.append({ counter: 1, timestamp: 0, deadtime: 0, fields: { x: [1, 2] } });
    await expect(w.append({ counter: 2, timestamp: 0, deadtime: 0, fields: { y: [1, 2] } })).rejects.toThrow(/field "x"/);
    await w.append({ counter: 3, timestamp: 0, deadtime: 0, fields: { x: new Float32Array([3, 4]) } });
    await w.close();
    const rows = await sql(`SELECT counter, x FROM read_parquet('${p}') ORDER BY counter`);
    expect(rows).toEqual([{ counter: 1n, x: [1, 2] }, { counter: 3n, x: [3, 4] }]);
  });

  it('sizes row groups by bytes as well as by events', async () => {
    expect(eventBytes(WAVES)).toBe(24 + 4 * 4 * 4250);
    const w = await ParquetWriter.open(file(), WAVES);
    expect(w.rowsPerGroup).toBe(Math.floor((4 * 2 ** 20) / eventBytes(WAVES))); // 61 waveform events ≤ 4 MiB
    await w.close();
    const small = await ParquetWriter.open(file(), WAVES, { rowGroupBytes: 10 * eventBytes(WAVES) });
    expect(small.rowsPerGroup).toBe(10);
    await small.close();
    const r = await ParquetWriter.open(file(), RB3);
    expect(r.rowsPerGroup).toBe(1000);
    await r.close();
    expect(exportSchema(RB3).fields.map((f) => f.name).slice(0, 4)).toEqual(['counter', 'timestamp', 'deadtime', 'decay_time']);
  });
});
