// builtin:sources/replay in the real engine: a recorded file played back into
// a buffer keeps every event's counter, timestamp and values; a file that does
// not fit the buffer ends the run naming the columns; and muon waveforms
// recorded by the muon example give, replayed through the lifetime filter,
// the same decay times for the same counters. Parquet read with DuckDB.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvWriter, type ExportLayout } from '../../formats/csv-writer';
import { ParquetWriter } from '../../formats/parquet-writer';
import { loadEngine } from '../../../src-main/engine/load';
import type { RunSummary } from '../../../src-shared/engine/status';
import { openDuckDb, type Sql } from '../../../test/support/duckdb';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'ringscope-replay-src-'));
const out = join(dir, 'runs');
let sql: Sql;
beforeAll(async () => {
  sql = await openDuckDb();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(setup: string, runevents = 0): Promise<RunSummary> {
  const { engine, problems } = await loadEngine(setup);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  await engine!.start({ outputDirectory: out, runevents });
  return engine!.waitForEnd();
}

const exportOf = (s: RunSummary, name: string) => {
  const f = s.exports.find((p) => p.endsWith(name));
  expect(f, `${name} in ${s.exports.join(', ')}`).toBeDefined();
  return f!;
};

const small: ExportLayout = {
  samples: 8,
  fields: [
    { name: 'wave', dtype: 'float32' },
    { name: 'n', dtype: 'int32' },
  ],
};
const event = (i: number) => ({
  counter: 10 + 3 * i,
  timestamp: 1_700_000_000_000 + 40 * i + (i % 3),
  deadtime: 0.01 * (i % 5),
  fields: {
    wave: Float32Array.from({ length: 8 }, (_, k) => Math.fround(Math.sin(i + k / 8))),
    n: Int32Array.from({ length: 8 }, (_, k) => i * 8 + k - 100),
  },
});

function replaySetup(name: string, file: string, buffer: string, pace = 'fast', sink = 'csv'): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const path = join(d, 'setup.yaml');
  writeFileSync(
    path,
    `title: replay ${name}
RingBuffer:
  - RB_1: ${buffer}
Functions:
  - Fkt_main: {runtime: 0, runevents: 0}
  - Fkt_1: {file_name: builtin:sources/replay, fkt_name: replay, num_process: 1, RB_assign: {RB_1: write}}
  - Fkt_2: {file_name: builtin:sinks/${sink}, fkt_name: save, num_process: 1, RB_assign: {RB_1: read}, config: {filename: replayed}}
FunctionConfigs:
  replay: {file: ${JSON.stringify(file)}, pace: ${pace}, rate: 200}
`,
  );
  return path;
}

const SMALL_RB = '{number_of_slots: 4, channel_per_slot: 8, data_type: {1: [wave, float32], 2: [n, int32]}}';

/** The CSV export's rows as counter, timestamp (ms), then the field values (the 8 wave values read back as float32). */
function csvRows(path: string): number[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number))
    .map((r) => [r[0], Math.round(r[1] * 1000), ...r.slice(3, 11).map(Math.fround), ...r.slice(11)]);
}

const expectedRows = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const e = event(i);
    return [e.counter, e.timestamp, ...e.fields.wave, ...e.fields.n];
  });

describe('builtin:sources/replay in the engine', () => {
  it('replays a small Parquet recording: counters, timestamps and values kept', async () => {
    const file = join(dir, 'small.parquet');
    const w = await ParquetWriter.open(file, small, { rowGroupEvents: 16 });
    for (let i = 0; i < 50; i++) await w.append(event(i));
    await w.close();
    const summary = await run(replaySetup('small-parquet', file, SMALL_RB));
    expect(summary.end_reason).toBe('source_ended');
    expect(summary.buffers.RB_1.written).toBe(50);
    expect(csvRows(exportOf(summary, 'replayed.csv'))).toEqual(expectedRows(50));
  });

  it('replays a CSV recording into a Parquet export (read back with DuckDB), at a fixed rate', async () => {
    const file = join(dir, 'small.csv');
    const w = new CsvWriter(file, small);
    for (let i = 0; i < 20; i++) w.append(event(i));
    w.close();
    const summary = await run(replaySetup('small-csv', file, SMALL_RB, 'rate', 'parquet'));
    expect(summary.end_reason).toBe('source_ended');
    const rows = await sql(`SELECT counter, epoch_ms(timestamp) AS ts, wave, n FROM read_parquet('${exportOf(summary, 'replayed.parquet')}/*.parquet') ORDER BY counter`);
    expect(rows.map((r) => [Number(r.counter), Number(r.ts), ...(r.wave as number[]), ...(r.n as number[])])).toEqual(expectedRows(20));
  });

  it('runevents stops a replay part way', async () => {
    const summary = await run(replaySetup('limit', join(dir, 'small.parquet'), SMALL_RB), 7);
    expect(summary.end_reason).toBe('runevents');
    expect(csvRows(exportOf(summary, 'replayed.csv'))).toEqual(expectedRows(7));
  });

  it('a recording that does not fit the buffer ends the run, naming missing and mistyped columns', async () => {
    const setup = replaySetup('mismatch', join(dir, 'small.parquet'), '{number_of_slots: 4, channel_per_slot: 16, data_type: {1: [wave, float32], 2: [n, float32], 3: [extra, float64]}}');
    const summary = await run(setup);
    expect(summary.end_reason).toBe('error');
    const msg = summary.functions.Fkt_1.errors[0].message;
    expect(msg).toContain('does not fit the buffer: missing column "extra". mistyped: "wave" holds 8 values per event; the buffer field wave (float32 × 16) has 16; "n" holds 8 values per event');
  });

  it('muon waveforms recorded by the muon example give the same decay times for the same counters when replayed through the lifetime filter', async () => {
    // 1. Record: the muon example as it ships, with a seed, for a few thousand events.
    const rec = join(dir, 'muon');
    mkdirSync(join(rec, 'config'), { recursive: true });
    copyFileSync(join(root, 'examples/muon/setup.yaml'), join(rec, 'setup.yaml'));
    const config = readFileSync(join(root, 'examples/muon/config/muon_config.yaml'), 'utf8');
    expect(config).toMatch(/^simulation_source:$/m);
    writeFileSync(join(rec, 'config/muon_config.yaml'), config.replace(/^simulation_source:$/m, 'simulation_source:\n  seed: 2197'));
    const recorded = await run(join(rec, 'setup.yaml'), 2000);
    expect(recorded.end_reason).toBe('runevents');
    const waves = exportOf(recorded, 'accepted_waveforms.parquet');
    const params = exportOf(recorded, 'pulse_parameters.parquet');
    const accepted = recorded.buffers.RB_2.written;
    expect(accepted).toBeGreaterThan(50);

    // 2. Replay the accepted waveforms through the same filter with the same parameters.
    const rp = join(dir, 'muon-replay');
    mkdirSync(join(rp, 'config'), { recursive: true });
    copyFileSync(join(rec, 'config/muon_config.yaml'), join(rp, 'config/muon_config.yaml'));
    const wavesRB = `{number_of_slots: 16, channel_per_slot: 4250, data_type: {1: [chA, float32], 2: [chB, float32], 3: [chC, float32], 4: [chD, float32]}}`;
    const rb3 = /- RB_3:\n([\s\S]*?)\n\nFunctions:/.exec(readFileSync(join(rec, 'setup.yaml'), 'utf8'))![1];
    writeFileSync(
      join(rp, 'setup.yaml'),
      `title: muon replay
RingBuffer:
  - RB_1: ${wavesRB}
  - RB_2: ${wavesRB}
  - RB_3:
${rb3}
Functions:
  - Fkt_main: {config_file: config/muon_config.yaml}
  - Fkt_1: {file_name: builtin:sources/replay, fkt_name: replay, num_process: 1, RB_assign: {RB_1: write}, config: {file: ${JSON.stringify(waves)}, pace: fast}}
  - Fkt_2:
      file_name: builtin:filters/lifetime
      fkt_name: calculate_decay_time
      num_process: 2
      RB_assign: {RB_1: read, RB_2: write, RB_3: write}
  - Fkt_3: {file_name: builtin:sinks/parquet, fkt_name: save_parquet, num_process: 1, RB_assign: {RB_3: read}, config: {filename: pulse_parameters}}
`,
    );
    const replayed = await run(join(rp, 'setup.yaml'), 0);
    expect(replayed.end_reason).toBe('source_ended');
    expect(replayed.buffers.RB_1.written).toBe(accepted);
    // Every replayed event was a double pulse the first time, so it is accepted again.
    expect(replayed.buffers.RB_3.written).toBe(accepted);

    const q = (f: string) => sql(`SELECT * FROM read_parquet('${f}/*.parquet') ORDER BY counter`);
    const before = await q(params);
    const after = await q(exportOf(replayed, 'pulse_parameters.parquet'));
    expect(after.map((r) => Number(r.counter))).toEqual(before.map((r) => Number(r.counter)));
    expect(after.map((r) => [Number(r.counter), Number(r.decay_time)])).toEqual(before.map((r) => [Number(r.counter), Number(r.decay_time)]));
    // The timestamps travel with the events, and so does every other pulse parameter.
    expect(after.map((r) => String(r.timestamp))).toEqual(before.map((r) => String(r.timestamp)));
    const strip = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'deadtime').map(([k, v]) => [k, String(v)]));
    expect(after.map(strip)).toEqual(before.map(strip));
  });
});
