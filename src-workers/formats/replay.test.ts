// Reading exports back for replay: files written by the exporters themselves
// (csv-writer.ts, parquet-writer.ts), then read row by row into event fields; mismatches named.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvWriter, type ExportLayout } from './csv-writer';
import { loadParquetWasm } from './parquet-wasm';
import { ParquetWriter } from './parquet-writer';
import type { FieldLayout } from '../runtime/event-layout';
import { ReplayMismatchError, foldCsvColumns, matchColumns, type ColumnInfo } from './replay-columns';
import { detectSeparator, splitCsv } from './csv-reader';
import { openReplay, resolveReplayFile } from './open-replay';
import type { ReplayReader } from './replay-reader';
import { PaceSchedule, paceOf } from '../builtins/sources/replay';

const dir = mkdtempSync(join(tmpdir(), 'ringscope-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const wave: ExportLayout = {
  samples: 6,
  fields: [
    { name: 'chA', dtype: 'float32' },
    { name: 'adc', dtype: 'int16' },
    { name: 'tag', dtype: 'int64' },
  ],
};
const waveLayout: FieldLayout[] = wave.fields.map((f) => ({ ...f, samples: wave.samples }));

function event(i: number) {
  return {
    counter: 3 * i + 1,
    timestamp: 1_700_000_000_000 + 250 * i,
    deadtime: i / 100,
    fields: {
      chA: Float32Array.from({ length: 6 }, (_, k) => -0.5 + i * 0.25 + k / 8),
      adc: Int16Array.from({ length: 6 }, (_, k) => i * 100 - k),
      tag: BigInt64Array.from({ length: 6 }, (_, k) => BigInt(i) * 2n ** 40n + BigInt(k)),
    },
  };
}

async function readAll(r: ReplayReader, layout: FieldLayout[]) {
  const rows: { counter: number; timestamp: number; fields: Record<string, number[] | bigint[]> }[] = [];
  for (;;) {
    const more = r.next();
    if (!(more instanceof Promise ? await more : more)) break;
    const fields: Record<string, Float32Array | Int16Array | BigInt64Array | Float64Array | Int32Array> = {};
    for (const f of layout) {
      fields[f.name] =
        f.dtype === 'float32' ? new Float32Array(f.samples) : f.dtype === 'int16' ? new Int16Array(f.samples) : f.dtype === 'int64' ? new BigInt64Array(f.samples) : f.dtype === 'int32' ? new Int32Array(f.samples) : new Float64Array(f.samples);
    }
    r.writeInto(fields);
    rows.push({ counter: r.counter, timestamp: r.timestamp, fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, [...v] as number[] | bigint[]])) });
  }
  r.close();
  return rows;
}

const expected = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const e = event(i);
    return { counter: e.counter, timestamp: e.timestamp, fields: { chA: [...e.fields.chA], adc: [...e.fields.adc], tag: [...e.fields.tag] } };
  });

describe('replaying exports', () => {
  it('reads a Parquet export (several row groups) back value for value', async () => {
    const path = join(dir, 'waves.parquet');
    const w = await ParquetWriter.open(path, wave, { rowGroupEvents: 4 });
    for (let i = 0; i < 10; i++) await w.append(event(i));
    await w.close();
    const r = await openReplay(path, waveLayout);
    expect(r.rows).toBe(10);
    expect(await readAll(r, waveLayout)).toEqual(expected(10));
  });

  it('reads a CSV export back value for value, also with ";" and decimal commas', async () => {
    for (const [name, opts] of [
      ['waves.csv', {}],
      ['waves-de.csv', { separator: ';', decimal: ',' as const }],
    ] as const) {
      const path = join(dir, name);
      const w = new CsvWriter(path, wave, opts);
      for (let i = 0; i < 7; i++) w.append(event(i));
      w.close();
      const r = await openReplay(path, waveLayout);
      expect(await readAll(r, waveLayout), name).toEqual(expected(7));
    }
  });

  it('replays a subset of the columns (a buffer with fewer fields)', async () => {
    const path = join(dir, 'waves.parquet');
    const only: FieldLayout[] = [{ name: 'adc', dtype: 'int16', samples: 6 }];
    const rows = await readAll(await openReplay(path, only), only);
    expect(rows.map((r) => r.fields.adc)).toEqual(expected(10).map((e) => e.fields.adc));
  });

  it('names missing and mistyped columns (Parquet)', async () => {
    const path = join(dir, 'waves.parquet');
    const layout: FieldLayout[] = [
      { name: 'chA', dtype: 'float32', samples: 100 },
      { name: 'adc', dtype: 'float32', samples: 6 },
      { name: 'chB', dtype: 'float32', samples: 6 },
    ];
    const err = await openReplay(path, layout).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayMismatchError);
    expect((err as ReplayMismatchError).problems).toEqual([
      'missing column "chB"',
      'mistyped: "chA" holds 6 values per event; the buffer field chA (float32 × 100) has 100',
    ]);
    expect((err as Error).message).toContain(`replay: ${path} does not fit the buffer: missing column "chB". mistyped: "chA"`);
    expect((err as Error).message).toContain('The file has counter (Int64), timestamp (Timestamp<MILLISECOND, UTC>), deadtime (Float64), chA (FixedSizeList[6]<Float32>)');
    expect((err as Error).message).toContain('the buffer needs counter, timestamp and chA (float32 × 100), adc (float32 × 6), chB (float32 × 6).');
  });

  it('names missing and mistyped columns (CSV): float values into an integer field, text, too few samples', async () => {
    const path = join(dir, 'odd.csv');
    writeFileSync(path, 'counter,timestamp,deadtime,x,label,w_0,w_1\n0,1700000000.000,0,1.5,abc,1,2\n');
    const layout: FieldLayout[] = [
      { name: 'x', dtype: 'int32', samples: 1 },
      { name: 'label', dtype: 'float64', samples: 1 },
      { name: 'y', dtype: 'float64', samples: 1 },
    ];
    const err = (await openReplay(path, layout).catch((e: unknown) => e)) as ReplayMismatchError;
    expect(err.problems).toEqual([
      'missing column "y"',
      'mistyped: "x" holds float values; the buffer field x (int32) is an integer field and would lose the fractions; "label" holds text, not numbers; the buffer field label (float64) holds numbers',
    ]);
    const w: FieldLayout[] = [{ name: 'w', dtype: 'float32', samples: 4 }];
    const err2 = (await openReplay(path, w).catch((e: unknown) => e)) as ReplayMismatchError;
    expect(err2.problems).toEqual(['mistyped: "w" holds 2 values per event; the buffer field w (float32 × 4) has 4']);
  });

  it('skips and counts malformed CSV rows', async () => {
    const path = join(dir, 'bad-rows.csv');
    writeFileSync(path, 'counter,timestamp,deadtime,v\n0,1.000,0,10\n1,1.5\n2,2.000,0,x\n3,3.000,0,13\n\n');
    const layout: FieldLayout[] = [{ name: 'v', dtype: 'float64', samples: 1 }];
    const r = await openReplay(path, layout);
    const rows = await readAll(r, layout);
    expect(rows.map((x) => [x.counter, x.timestamp, x.fields.v[0]])).toEqual([
      [0, 1000, 10],
      [3, 3000, 13],
    ]);
    expect(r.skipped).toBe(2);
    expect(r.lastError).toBe('line 4: "x" (v) is not a number');
  });

  it('reads timestamps of any unit as milliseconds and counters of any integer width', async () => {
    const pq = await loadParquetWasm();
    const n = 3;
    const table = new arrow.Table({
      counter: arrow.makeVector(Int32Array.from([5, 6, 7])),
      timestamp: arrow.makeVector(arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: n, data: BigInt64Array.from([1n, 2n, 3n], (x) => x * 1_000_000n) })),
      v: arrow.makeVector(Float64Array.from([0.5, 1.5, 2.5])),
    });
    const path = join(dir, 'micro.parquet');
    writeFileSync(path, pq.writeParquet(pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'))));
    const layout: FieldLayout[] = [{ name: 'v', dtype: 'float64', samples: 1 }];
    const rows = await readAll(await openReplay(path, layout), layout);
    expect(rows.map((r) => [r.counter, r.timestamp, r.fields.v[0]])).toEqual([
      [5, 1000, 0.5],
      [6, 2000, 1.5],
      [7, 3000, 2.5],
    ]);
  });
});

describe('matchColumns', () => {
  const col = (name: string, kind: ColumnInfo['kind'], size = 1, type = kind ?? 'Utf8'): ColumnInfo => ({ name, kind, size, type });
  it('accepts ints into float fields, needs counter and timestamp', () => {
    const layout: FieldLayout[] = [{ name: 'a', dtype: 'float64', samples: 1 }];
    expect(matchColumns([col('counter', 'int'), col('timestamp', 'time'), col('a', 'int')], layout)).toEqual([]);
    expect(matchColumns([col('a', 'float')], layout)).toEqual(['missing columns "counter", "timestamp"']);
    expect(matchColumns([col('counter', 'float'), col('timestamp', 'time'), col('a', 'float', -1, 'List<Float64>')], layout)).toEqual([
      'mistyped: "counter" holds float values; the counter is a whole number and would lose the fractions; "a" holds lists of varying length (List<Float64>); the buffer field a (float64) needs exactly 1 per event',
    ]);
  });

  it('folds CSV array columns name_0 … name_n−1', () => {
    const names = ['counter', 'timestamp', 'deadtime', 'w_0', 'w_1', 'w_2', 's'];
    const kinds: ColumnInfo['kind'][] = ['int', 'float', 'float', 'int', 'float', 'int', 'int'];
    const { columns, index } = foldCsvColumns(names, kinds, [
      { name: 'w', dtype: 'float32', samples: 3 },
      { name: 's', dtype: 'int8', samples: 1 },
    ]);
    expect(columns.find((c) => c.name === 'w')).toEqual({ name: 'w', type: '3 columns w_0 … w_2, float', kind: 'float', size: 3 });
    expect(index.get('w')).toEqual([3, 4, 5]);
    expect(index.get('s')).toEqual([6]);
  });

  it('splits quoted CSV headers and finds the separator', () => {
    expect(splitCsv('"a;b";c;"d ""x"""', ';')).toEqual(['a;b', 'c', 'd "x"']);
    expect(detectSeparator('counter;timestamp')).toBe(';');
    expect(detectSeparator('counter\ttimestamp')).toBe('\t');
    expect(detectSeparator('counter,timestamp')).toBe(',');
  });
});

describe('resolveReplayFile', () => {
  it('takes a file, or the one export in a run directory', () => {
    const run = join(dir, 'run1');
    mkdirSync(run);
    writeFileSync(join(run, 'run.json'), '{}');
    writeFileSync(join(run, 'Fkt_4_RB_2.parquet'), '');
    writeFileSync(join(run, 'Fkt_3_RB_3.csv'), '');
    expect(resolveReplayFile(run)).toBe(join(run, 'Fkt_4_RB_2.parquet'));
    writeFileSync(join(run, 'pulse_parameters.parquet'), '');
    expect(() => resolveReplayFile(run)).toThrow(`replay: ${run} holds several .parquet exports (Fkt_4_RB_2.parquet, pulse_parameters.parquet); set "file" to the one to replay`);
    expect(resolveReplayFile('Fkt_3_RB_3.csv', run)).toBe(join(run, 'Fkt_3_RB_3.csv'));
    expect(() => resolveReplayFile('')).toThrow(/set "file"/);
    expect(() => resolveReplayFile(join(dir, 'nope.parquet'))).toThrow(/does not exist/);
    expect(() => resolveReplayFile(join(run, 'run.json'))).toThrow(/neither a .parquet nor a .csv file/);
  });
});

describe('pace', () => {
  it('original: from the timestamps, scaled by speed; restarts instead of bursting after falling behind', () => {
    const s = new PaceSchedule(paceOf({ pace: 'original', speed: 2 }));
    expect(s.due(10_000, 500)).toBe(500);
    expect(s.due(10_400, 510)).toBe(700);
    expect(s.due(11_000, 520)).toBe(1000);
    // 5 s behind (a pause): starts afresh from now.
    expect(s.due(12_000, 7000)).toBe(7000);
    expect(s.due(12_100, 7001)).toBe(7050);
  });

  it('rate: fixed intervals; fast: now', () => {
    const r = new PaceSchedule(paceOf({ pace: 'rate', rate: 4 }));
    expect([r.due(0, 100), r.due(99, 100), r.due(5, 100)]).toEqual([100, 350, 600]);
    const f = new PaceSchedule(paceOf({ pace: 'fast' }));
    expect(f.due(123, 42)).toBe(42);
  });

  it('rejects bad pace parameters by name', () => {
    expect(() => paceOf({ pace: 'slow' })).toThrow('pace must be original, rate or fast, not "slow"');
    expect(() => paceOf({ pace: 'rate', rate: 0 })).toThrow(/^rate must be a positive number/);
    expect(() => paceOf({ speed: -1 })).toThrow(/^speed must be a positive number/);
  });
});
