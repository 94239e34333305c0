// mimoCoRB's file formats, unit by unit: numbers as pandas writes them, the
// text exporter's format (header, tabs, one value per field), and tar archives
// (damaged, compressed, bzip2) read or refused with a message naming the file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvWriter } from './csv-writer';
import { MimocorbTarReader, recordedCounter, recordingArchives } from './mimocorb-tar';
import { pythonFloatRepr } from './python-repr';
import { TarArchive } from './tar';
import { MIMOCORB_UPSTREAM } from '../../test/support/python/mimocorb';

const dir = mkdtempSync(join(tmpdir(), 'ringscope-mimocorb-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TAR = join(MIMOCORB_UPSTREAM, 'recordings/lifetime_run/simulated_data.tar');

describe('numbers as pandas writes them', () => {
  it('matches Python repr for doubles and numpy str for float32 (values from a mimoCoRB text file and edge cases)', () => {
    expect([0.31145431145431146, 1796515622.3795831, 1e-5, 1.5e16, 1e16, 123, -0.001234, 1e-4, 1e22, 5e-324, 2 ** 53, -0].map((x) => pythonFloatRepr(x))).toEqual([
      '0.31145431145431146',
      '1796515622.3795831',
      '1e-05',
      '1.5e+16',
      '1e+16',
      '123.0',
      '-0.001234',
      '0.0001',
      '1e+22',
      '5e-324',
      '9007199254740992.0',
      '-0.0',
    ]);
    expect([286.7405, 6843.8535, 0, 1e-5, 3.4e38, 0.1, 100.5, -7.25e-7].map((x) => pythonFloatRepr(Math.fround(x), true))).toEqual([
      '286.7405',
      '6843.8535',
      '0.0',
      '1e-05',
      '3.4e+38',
      '0.1',
      '100.5',
      '-7.25e-07',
    ]);
    expect([NaN, Infinity, -Infinity].map((x) => pythonFloatRepr(x))).toEqual(['nan', 'inf', '-inf']);
  });
});

describe("mimoCoRB's text format", () => {
  const layout = { samples: 1, fields: [{ name: 'decay_time', dtype: 'int32' as const }, { name: 'h', dtype: 'float32' as const }] };

  it('writes a tab-separated header with the aliases and lines as rb_toTxtfile', () => {
    const path = join(dir, 'a.txt');
    const w = new CsvWriter(path, layout, { format: 'mimocorb', headerAlias: { counter: 'event id', timestamp: 'time of event (UTC)', deadtime: 'dead time', decay_time: 'decay time (ns)' } });
    w.append({ counter: 5, timestamp: 1796515622379.5831, deadtime: 0.25, fields: { decay_time: [976], h: [Math.fround(286.7405)] } });
    w.append({ counter: 7, timestamp: 1796515623000, deadtime: 0, fields: { decay_time: [0], h: [0] } });
    w.close();
    expect(readFileSync(path, 'utf8')).toBe(
      'event id\ttime of event (UTC)\tdead time\tdecay time (ns)\th\n' + `5\t${pythonFloatRepr(1796515622.3795831)}\t0.25\t976\t286.7405\n` + '7\t1796515623.0\t0.0\t0\t0.0\n',
    );
  });

  it('refuses waveform buffers as mimoCoRB does, naming what to use instead', () => {
    expect(() => new CsvWriter(join(dir, 'w.txt'), { samples: 8, fields: [{ name: 'chA', dtype: 'float32' }] }, { format: 'mimocorb' })).toThrow(/one value per field.*channel_per_slot 8.*format: csv/);
  });
});

describe("mimoCoRB's recordings: tar archives", () => {
  it('reads member names and counters, in archive order', () => {
    const t = new TarArchive(TAR);
    const names: string[] = [];
    for (let m = t.next(); m; m = t.next()) names.push(m.name);
    t.close();
    expect(names).toHaveLength(121);
    expect(names.slice(0, 4)).toEqual(['simulated_data_5.parquet', 'simulated_data_7.parquet', 'simulated_data_11.parquet', 'simulated_data_10.parquet']);
    expect(recordedCounter('simulated_data_11.parquet')).toBe(11);
    expect(recordedCounter('event.parquet')).toBeNull();
  });

  it('reads a gzip-compressed copy the same, and long member names (GNU tar)', async () => {
    const d = join(dir, 'gz');
    mkdirSync(d);
    writeFileSync(join(d, 'run.tar.gz'), gzipSync(readFileSync(TAR)));
    expect(recordingArchives('gz', dir)).toEqual([join(d, 'run.tar.gz')]);
    const r = new MimocorbTarReader([join(d, 'run.tar.gz')]);
    const first = (await r.next())!;
    r.close();
    expect(first.counter).toBe(5);
    expect([...first.columns.keys()]).toEqual(['chA', 'chB', 'chC', 'chD']);
    expect(first.columns.get('chA')!.length).toBe(4250);

    const long = 'x'.repeat(120);
    mkdirSync(join(dir, 'long'));
    writeFileSync(join(dir, 'long', `${long}_3.parquet`), 'data');
    execFileSync('tar', ['--format=gnu', '-cf', join(dir, 'long.tar'), '-C', join(dir, 'long'), `${long}_3.parquet`]);
    const t = new TarArchive(join(dir, 'long.tar'));
    const m = t.next()!;
    expect(m.name).toBe(`${long}_3.parquet`);
    expect(Buffer.from(t.bytes(m)).toString()).toBe('data');
    t.close();
  });

  it('refuses damaged, cut-off and bzip2 archives and missing paths with messages that name them', async () => {
    const bad = join(dir, 'bad.tar');
    writeFileSync(bad, Buffer.alloc(1024, 7));
    expect(() => new TarArchive(bad).next()).toThrow(/bad\.tar: not a tar archive, or damaged at byte 0/);
    const cut = join(dir, 'cut.tar');
    writeFileSync(cut, readFileSync(TAR).subarray(0, 50_000));
    expect(() => new TarArchive(cut).next()).toThrow(/cut\.tar: simulated_data_5\.parquet is cut off/);
    const bz = join(dir, 'rec.tar.bz2');
    writeFileSync(bz, 'BZh91AY&SY');
    expect(() => new TarArchive(bz)).toThrow(/bzip2.*bunzip2/);
    expect(() => recordingArchives('nowhere', dir)).toThrow(/nowhere does not exist/);
    expect(() => recordingArchives('', dir)).toThrow(/set "path"/);
    mkdirSync(join(dir, 'empty'));
    expect(() => recordingArchives('empty', dir)).toThrow(/holds no \.tar/);
    const notParquet = join(dir, 'np.tar');
    execFileSync('tar', ['-cf', notParquet, '-C', join(dir, 'long'), `${'x'.repeat(120)}_3.parquet`]);
    await expect(new MimocorbTarReader([notParquet]).next()).rejects.toThrow(/_3\.parquet in .*np\.tar is not a readable Parquet file/);
  });
});
