import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fitLifetime } from '../../../../src-shared/fit/lifetime';
import { Random } from '../../../../src-shared/random';
import { RB3_FIELDS } from '../../../../src-workers/physics/double-pulse';
import { CsvWriter, type ExportLayout } from '../../../../src-workers/formats/csv-writer';
import { ParquetWriter } from '../../../../src-workers/formats/parquet-writer';
import { fit, readFitInput } from './fit';

const root = mkdtempSync(join(tmpdir(), 'ringscope-fit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RB3: ExportLayout = { samples: 1, fields: RB3_FIELDS };
const WAVES: ExportLayout = { samples: 16, fields: ['chA', 'chB', 'chC', 'chD'].map((name) => ({ name, dtype: 'float32' as const })) };
const EVENTS = 3000;
const rng = new Random(2197);
// decay times as the filter stores them (int32 ns); counters as the source numbers events
const decays = Array.from({ length: EVENTS }, () => Math.trunc(rng.exponential(2197)));
const counters = Array.from({ length: EVENTS }, (_, i) => 10 * i + 3);

function rb3Event(i: number) {
  const fields: Record<string, number[]> = {};
  for (const f of RB3_FIELDS) fields[f.name] = [f.name === 'decay_time' ? decays[i]! : -1];
  return { counter: counters[i]!, timestamp: 1_700_000_000_000 + i, deadtime: 0, fields };
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await fit(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

let runDir: string;
let movedDir: string;
let csvOnly: string;
beforeAll(async () => {
  // A run directory as the engine leaves it: RB_3 exported to Parquet and CSV (the same events), RB_2 waveforms.
  runDir = join(root, 'muon_2026-11-21T220000');
  mkdirSync(runDir);
  const pqPath = join(runDir, 'Fkt_4_RB_3.parquet');
  const csvPath = join(runDir, 'Fkt_3_RB_3.csv');
  const wavePath = join(runDir, 'Fkt_5_RB_2.parquet');
  const p = await ParquetWriter.open(pqPath, RB3, { rowGroupEvents: 500 });
  const c = new CsvWriter(csvPath, RB3);
  const w = await ParquetWriter.open(wavePath, WAVES);
  for (let i = 0; i < EVENTS; i++) {
    await p.append(rb3Event(i));
    c.append(rb3Event(i));
    if (i < 50) await w.append({ counter: counters[i]!, timestamp: 0, deadtime: 0, fields: Object.fromEntries(WAVES.fields.map((f) => [f.name, new Float32Array(16)])) });
  }
  await p.close();
  c.close();
  await w.close();
  writeFileSync(join(runDir, 'run.json'), JSON.stringify({ setup: 'setup.yaml', exports: [csvPath, pqPath, wavePath].sort() }));

  // The same run after being copied elsewhere: run.json's absolute paths no longer exist.
  movedDir = join(root, 'copied');
  mkdirSync(movedDir);
  const moved = await ParquetWriter.open(join(movedDir, 'Fkt_4_RB_3.parquet'), RB3);
  for (let i = 0; i < EVENTS; i++) await moved.append(rb3Event(i));
  await moved.close();
  writeFileSync(join(movedDir, 'run.json'), JSON.stringify({ exports: [join(runDir, 'gone', 'Fkt_4_RB_3.parquet')] }));

  // A German-spreadsheet CSV with header aliases on its own
  csvOnly = join(root, 'lifetimes.csv');
  const g = new CsvWriter(csvOnly, RB3, { separator: ';', decimal: ',', headerAlias: { decay_time: 'decay time (ns)' } });
  for (let i = 0; i < EVENTS; i++) g.append(rb3Event(i));
  g.close();
});

describe('ringscope fit', () => {
  it('fits a run directory from its Parquet export, each event once', async () => {
    const { code, out } = await run([runDir, '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.files).toEqual([join(runDir, 'Fkt_4_RB_3.parquet')]);
    expect(r.events).toBe(EVENTS);
    expect(r.duplicates).toBe(0);
    const expected = fitLifetime(decays);
    expect(r.n).toBe(expected.n);
    expect(r.tau).toBeCloseTo(expected.tau, 6);
    expect(r.sigma).toBeCloseTo(expected.sigma, 6);
    expect(Math.abs(r.tau - 2197)).toBeLessThan(3 * r.sigma);
    expect(r).toMatchObject({ converged: true, t_min: 400, t_max: 14_000, field: 'decay_time' });
  });

  it('prints τ ± σ, n and a text histogram with the fit', async () => {
    const { code, out } = await run([runDir, '--bins', '10']);
    expect(code).toBe(0);
    const expected = fitLifetime(decays);
    expect(out).toContain(`τ = ${Math.round(expected.tau).toLocaleString('en-US')} ± ${Math.round(expected.sigma)} ns`);
    expect(out).toContain(`n = ${expected.n.toLocaleString('en-US')}`);
    const bars = out.split('\n').filter((l) => / ns .*fit \d/.test(l));
    expect(bars).toHaveLength(10);
    expect(bars[0]).toMatch(/^ *400– *1,760 ns █+/);
  });

  it('reads a CSV file with another separator, decimal comma and an aliased column', async () => {
    const { code, out } = await run([csvOnly, '--field', 'decay time (ns)', '--min', '1000', '--max', '8000', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    const expected = fitLifetime(decays, { t_min: 1000, t_max: 8000 });
    expect(r.n).toBe(expected.n);
    expect(r.tau).toBeCloseTo(expected.tau, 6);
  });

  it('falls back to CSV when no Parquet export has the field, and finds moved exports by name', async () => {
    const csvRun = join(root, 'csv-run');
    mkdirSync(csvRun);
    const c = new CsvWriter(join(csvRun, 'Fkt_3_RB_3.csv'), RB3);
    for (let i = 0; i < 100; i++) c.append(rb3Event(i));
    c.close();
    const input = await readFitInput(csvRun, 'decay_time'); // no run.json: the folder's files
    expect(input.files).toEqual([join(csvRun, 'Fkt_3_RB_3.csv')]);
    expect(Array.from(input.values)).toEqual(decays.slice(0, 100));

    const moved = await readFitInput(movedDir, 'decay_time');
    expect(moved.files).toEqual([join(movedDir, 'Fkt_4_RB_3.parquet')]);
    expect(moved.values).toHaveLength(EVENTS);
  });

  it('counts events exported by two sinks of one buffer once (by counter)', async () => {
    const dir = join(root, 'twice');
    mkdirSync(dir);
    for (const name of ['Fkt_4_RB_3_0.parquet', 'Fkt_6_RB_3.parquet']) {
      const w = await ParquetWriter.open(join(dir, name), RB3);
      for (let i = name.endsWith('_0.parquet') ? 0 : 1000; i < (name.endsWith('_0.parquet') ? 2000 : EVENTS); i++) await w.append(rb3Event(i));
      await w.close();
    }
    const input = await readFitInput(dir, 'decay_time');
    expect(input.files).toHaveLength(2);
    expect(input.values).toHaveLength(EVENTS);
    expect(input.duplicates).toBe(1000);
  });

  it('reports what is missing, and usage errors, with exit codes', async () => {
    let r = await run([runDir, '--field', 'lifetime']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no export in .* has a column "lifetime"/);
    // each export's columns are listed, so a renamed column can be named with --field
    expect(r.err).toMatch(/looked at .*\.csv: counter, timestamp, deadtime, decay_time, .*; give the decay times' column as its header is written with --field/);
    r = await run([join(root, 'nothing-here')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not exist/);
    r = await run([join(runDir, 'Fkt_5_RB_2.parquet')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no column "decay_time"/);
    r = await run([join(runDir, 'run.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/neither a run directory nor/);
    r = await run([]);
    expect(r.code).toBe(2);
    r = await run([runDir, '--min', '5000', '--max', '100']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/min < max/);
    r = await run([runDir, '--frobnicate']);
    expect(r.code).toBe(2);
    r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: ringscope fit/);
  });

  it('exits 1 with the reason when the fit has nothing to fit', async () => {
    const { code, out } = await run([runDir, '--min', '50000', '--max', '60000']);
    expect(code).toBe(1);
    expect(out).toMatch(/no lifetime: no values in \[50000, 60000\]/);
    const j = await run([runDir, '--min', '50000', '--max', '60000', '--json']);
    expect(JSON.parse(j.out)).toMatchObject({ converged: false, n: 0, sigma: null });
  });
});
