import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RB3_FIELDS } from '../physics/double-pulse';
import { checkExportLayout, CsvWriter, csvColumns, formatFloat32, openCsvWriter, type ExportLayout } from './csv-writer';

const dir = mkdtempSync(join(tmpdir(), 'ringscope-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (): string => join(dir, `t${n++}.csv`);
const lines = (p: string): string[] => readFileSync(p, 'utf8').split('\n');

const RB3: ExportLayout = { samples: 1, fields: RB3_FIELDS };

describe('CsvWriter', () => {
  it('writes counter, timestamp in unix seconds with ms, deadtime, then the fields', () => {
    const p = file();
    const w = openCsvWriter(p, { samples: 1, fields: [{ name: 'decay_time', dtype: 'int32' }, { name: '1st_chA_h', dtype: 'float64' }] });
    w.append({ counter: 1, timestamp: 1_700_000_000_123, deadtime: 0.25, fields: { decay_time: new Int32Array([2004]), '1st_chA_h': new Float64Array([201.5]) } });
    w.append({ counter: 2, timestamp: 1_700_000_001_000.4, deadtime: 0, fields: { decay_time: [-1], '1st_chA_h': [-1] } });
    w.close();
    expect(lines(p)).toEqual([
      'counter,timestamp,deadtime,decay_time,1st_chA_h',
      '1,1700000000.123,0.25,2004,201.5',
      '2,1700000001.000,0,-1,-1',
      '',
    ]);
    expect(w.rows).toBe(2);
  });

  it('expands array fields as name_0 … name_{n−1} and writes float32 values that read back exactly', () => {
    const p = file();
    const layout: ExportLayout = { samples: 3, fields: [{ name: 'chA', dtype: 'float32' }, { name: 'n', dtype: 'int64' }] };
    expect(csvColumns(layout)).toEqual(['counter', 'timestamp', 'deadtime', 'chA_0', 'chA_1', 'chA_2', 'n_0', 'n_1', 'n_2']);
    const w = new CsvWriter(p, layout);
    const wave = new Float32Array([-480.1, 0.1, 3.4028234663852886e38]);
    w.append({ counter: 7, timestamp: 0, deadtime: 0.5, fields: { chA: wave, n: new BigInt64Array([2n ** 62n, -1n, 0n]) } });
    w.close();
    const [header, row] = lines(p);
    expect(header).toBe('counter,timestamp,deadtime,chA_0,chA_1,chA_2,n_0,n_1,n_2');
    const cells = row!.split(',');
    expect(cells.slice(3, 6)).toEqual(['-480.1', '0.1', '3.4028235e+38']);
    expect(Float32Array.from(cells.slice(3, 6).map(Number))).toEqual(wave);
    expect(cells.slice(6)).toEqual(['4611686018427387904', '-1', '0']);
  });

  it('formats float32 values with the fewest digits that round-trip', () => {
    const rnd = new Float32Array(2000);
    for (let i = 0; i < rnd.length; i++) rnd[i] = (Math.sin(i * 12.9898) * 43758.5453) % 1000;
    for (const v of rnd) expect(Math.fround(Number(formatFloat32(v)))).toBe(v);
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(1 / 3))).toBe('0.33333334');
    expect(formatFloat32(Number.NaN)).toBe('NaN');
  });

  it('uses another separator, decimal comma and header aliases (mimoCoRB’s header_alias)', () => {
    const p = file();
    const w = new CsvWriter(p, { samples: 1, fields: [{ name: 'decay_time', dtype: 'float64' }] }, {
      separator: ';',
      decimal: ',',
      headerAlias: { counter: 'event id', timestamp: 'time of event (UTC)', decay_time: 'decay time (ns); rounded' },
    });
    w.append({ counter: 3, timestamp: 1500, deadtime: 0.125, fields: { decay_time: [1234.5] } });
    w.close();
    expect(lines(p).slice(0, 2)).toEqual(['event id;time of event (UTC);deadtime;"decay time (ns); rounded"', '3;1,500;0,125;1234,5']);
    expect(() => new CsvWriter(file(), RB3, { decimal: ',' })).toThrow(/another separator/);
    expect(() => new CsvWriter(file(), RB3, { separator: '.' })).toThrow(RangeError);
    const tab = file();
    new CsvWriter(tab, { samples: 2, fields: [{ name: 'x', dtype: 'int8' }] }, { separator: '\t', headerAlias: { x: 'X' } }).close();
    expect(lines(tab)[0]).toBe('counter\ttimestamp\tdeadtime\tX_0\tX_1');
  });

  it('writes the 25-field RB_3 layout with the header in mimoCoRB’s order', () => {
    const p = file();
    const w = new CsvWriter(p, RB3);
    const fields = Object.fromEntries(RB3_FIELDS.map((f, i) => [f.name, [i]]));
    w.append({ counter: 1, timestamp: 0, deadtime: 0, fields });
    w.close();
    const [header, row] = lines(p);
    expect(header!.split(',')).toEqual(['counter', 'timestamp', 'deadtime', ...RB3_FIELDS.map((f) => f.name)]);
    expect(row!.split(',').slice(3).map(Number)).toEqual(RB3_FIELDS.map((_, i) => i));
  });

  it('keeps lines in memory until flush, then writes whole lines only', () => {
    const p = file();
    const w = new CsvWriter(p, { samples: 1, fields: [{ name: 'x', dtype: 'float64' }] }, { flushIntervalMs: 3_600_000 });
    expect(lines(p)).toEqual(['counter,timestamp,deadtime,x', '']); // the header is written at once
    for (let i = 0; i < 10; i++) w.append({ counter: i, timestamp: 0, deadtime: 0, fields: { x: [i] } });
    expect(lines(p)).toHaveLength(2);
    w.flush();
    const text = readFileSync(p, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(12);
    w.close();
  });

  it('writes on its own when the buffer is large or the interval has passed', () => {
    const big = file();
    const w = new CsvWriter(big, { samples: 100, fields: [{ name: 'x', dtype: 'float64' }] }, { flushBytes: 200, flushIntervalMs: 3_600_000 });
    w.append({ counter: 1, timestamp: 0, deadtime: 0, fields: { x: new Float64Array(100).fill(1.5) } });
    expect(lines(big)).toHaveLength(3);
    const every = file();
    const v = new CsvWriter(every, { samples: 1, fields: [{ name: 'x', dtype: 'int32' }] }, { flushIntervalMs: 0 });
    v.append({ counter: 1, timestamp: 0, deadtime: 0, fields: { x: [5] } });
    expect(lines(every)).toEqual(['counter,timestamp,deadtime,x', '1,0.000,0,5', '']);
    w.close();
    v.close();
  });

  it('close() is idempotent and leaves a complete file; append after close throws', () => {
    const p = file();
    const w = new CsvWriter(p, { samples: 1, fields: [{ name: 'x', dtype: 'uint16' }] });
    w.append({ counter: 1, timestamp: 0, deadtime: 0, fields: { x: new Uint16Array([65535]) } });
    w.close();
    w.close();
    w.flush();
    expect(w.closed).toBe(true);
    expect(readFileSync(p, 'utf8')).toBe('counter,timestamp,deadtime,x\n1,0.000,0,65535\n');
    expect(() => w.append({ counter: 2, timestamp: 0, deadtime: 0, fields: { x: [1] } })).toThrow(/closed/);
  });

  it('refuses to replace a file unless told to, and names the file in errors', () => {
    const p = file();
    writeFileSync(p, 'earlier run\n');
    expect(() => new CsvWriter(p, RB3)).toThrow(new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: it exists already`));
    expect(readFileSync(p, 'utf8')).toBe('earlier run\n');
    new CsvWriter(p, RB3, { overwrite: true }).close();
    expect(lines(p)[0]).toMatch(/^counter,timestamp,deadtime,decay_time/);
    expect(() => new CsvWriter(join(dir, 'missing', 'x.csv'), RB3)).toThrow(/folder does not exist/);
  });

  it('rejects events with missing fields and layouts that clash with the metadata columns', () => {
    const w = new CsvWriter(file(), { samples: 2, fields: [{ name: 'x', dtype: 'float32' }] });
    expect(() => w.append({ counter: 1, timestamp: 0, deadtime: 0, fields: {} })).toThrow(/field "x"/);
    expect(() => w.append({ counter: 1, timestamp: 0, deadtime: 0, fields: { x: [1] } })).toThrow(/fewer than 2/);
    w.close();
    expect(() => checkExportLayout({ samples: 1, fields: [{ name: 'counter', dtype: 'int32' }] })).toThrow(/may not be called "counter"/);
    expect(() => checkExportLayout({ samples: 1, fields: [{ name: 'a', dtype: 'int32' }, { name: 'a', dtype: 'int8' }] })).toThrow(/twice/);
    expect(() => checkExportLayout({ samples: 0, fields: [] })).toThrow(/samples/);
  });
});
