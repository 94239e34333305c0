// The muon-lifetime example end to end: simulation → double-pulse filter (2
// threads) → CSV and Parquet exports, read back with an independent reader
// (DuckDB), and the lifetime fit from the CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src-shared/engine/status';
import { createRandom } from '../src-shared/random';
import { loadEngine } from '../src-main/engine/load';
import { MUON_SIM_DEFAULTS, simulateMuonEvent, type MuonSimParams } from '../src-workers/physics/muon-sim';

const root = join(import.meta.dirname, '..');
const setup = join(root, 'examples', 'muon', 'setup.yaml');
const bin = join(root, 'bin', 'ringscope.mjs');
const out = mkdtempSync(join(tmpdir(), 'ringscope-muon-'));
const SEED = 20261121;
const EVENTS = 8000;

let db: DuckDBConnection;
let summary: RunSummary;

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

function exportPath(s: RunSummary, name: string): string {
  const p = s.exports.find((e) => e.endsWith(name));
  expect(p, `${name} among ${s.exports.join(', ')}`).toBeDefined();
  return p!;
}

beforeAll(async () => {
  db = await (await DuckDBInstance.create(':memory:')).connect();
  const { engine, problems } = await loadEngine(setup);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  engine!.setParam('Fkt_1', 'seed', SEED);
  await engine!.start({ outputDirectory: out, runevents: EVENTS });
  summary = await engine!.waitForEnd();
}, 600_000);

afterAll(() => {
  db?.disconnectSync?.();
  rmSync(out, { recursive: true, force: true });
});

describe('muon example', () => {
  it('runs exactly the requested events and reconciles every buffer', () => {
    expect(summary.end_reason).toBe('runevents');
    expect(summary.buffers.RB_1.written).toBe(EVENTS);
    for (const b of Object.values(summary.buffers)) for (const n of Object.values(b.released)) expect(n).toBe(b.written);
    // About 8 % of simulated events are double pulses.
    const accepted = summary.buffers.RB_3.written;
    expect(accepted / EVENTS).toBeGreaterThan(0.06);
    expect(accepted / EVENTS).toBeLessThan(0.1);
    expect(summary.buffers.RB_2.written).toBe(accepted);
    expect(summary.functions.Fkt_2.events_in).toBe(EVENTS);
  });

  it('writes Parquet files whose row counts match run.json (read by DuckDB)', async () => {
    const waves = exportPath(summary, 'accepted_waveforms.parquet');
    const pulses = exportPath(summary, 'pulse_parameters.parquet');
    expect((await query(`SELECT count(*) AS n FROM read_parquet('${waves}/*.parquet')`))[0].n).toBe(BigInt(summary.buffers.RB_2.written));
    expect((await query(`SELECT count(*) AS n, count(DISTINCT counter) AS d FROM read_parquet('${pulses}/*.parquet')`))[0]).toEqual({
      n: BigInt(summary.buffers.RB_3.written),
      d: BigInt(summary.buffers.RB_3.written),
    });
    const cols = await query(`SELECT column_name AS c, column_type AS t FROM (DESCRIBE SELECT * FROM read_parquet('${waves}/*.parquet'))`);
    expect(cols.slice(0, 4)).toEqual([
      { c: 'counter', t: 'BIGINT' },
      { c: 'timestamp', t: 'TIMESTAMP WITH TIME ZONE' },
      { c: 'deadtime', t: 'DOUBLE' },
      { c: 'chA', t: 'FLOAT[]' }, // Parquet stores Arrow's fixed-size list as a list: check the lengths
    ]);
    const [len] = await query(`SELECT min(len(chA)) AS lo, max(len(chD)) AS hi FROM read_parquet('${waves}/*.parquet')`);
    expect(len).toEqual({ lo: 4250n, hi: 4250n });
  });

  it('stores a waveform equal, value by value, to what the source simulated for that counter', async () => {
    const waves = exportPath(summary, 'accepted_waveforms.parquet');
    const [row] = await query(`SELECT counter, chA, chB, chC, chD FROM read_parquet('${waves}/*.parquet') ORDER BY counter LIMIT 1 OFFSET 3`);
    const counter = Number(row.counter as bigint);
    // Re-simulate with the same seed: event `counter` is the (counter+1)-th draw of the single source thread.
    const params = { ...MUON_SIM_DEFAULTS, seed: SEED } as MuonSimParams;
    const rng = createRandom(SEED);
    const channels = [0, 1, 2, 3].map(() => new Float32Array(4250));
    for (let c = 0; c <= counter; c++) simulateMuonEvent(rng, params, channels);
    ['chA', 'chB', 'chC', 'chD'].forEach((name, i) => {
      const stored = row[name] as number[];
      expect(stored).toHaveLength(4250);
      expect(Float32Array.from(stored)).toEqual(channels[i]);
    });
  });

  it('writes a CSV with a header and one whole line per accepted event, agreeing with the Parquet export', async () => {
    const csv = exportPath(summary, 'decay_times.csv');
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(lines[0].split(',').slice(0, 5)).toEqual(['counter', 'timestamp', 'deadtime', 'decay time (ns)', '1st_chA_h']);
    expect(lines).toHaveLength(summary.buffers.RB_3.written + 1);
    const fromCsv = new Map(lines.slice(1).map((l) => l.split(',')).map((c) => [Number(c[0]), Number(c[3])]));
    const pulses = exportPath(summary, 'pulse_parameters.parquet');
    const rows = await query(`SELECT counter, decay_time FROM read_parquet('${pulses}/*.parquet')`);
    for (const r of rows) expect(fromCsv.get(Number(r.counter as bigint))).toBe(r.decay_time);
  });

  it('fits the lifetime within 3σ of 2197 ns with `ringscope fit` on the run directory', () => {
    const r = spawnSync(process.execPath, [bin, 'fit', summary.run_directory, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const fit = JSON.parse(r.stdout.trim().split('\n').pop()!) as { tau: number; sigma: number; n: number };
    expect(fit.n).toBeGreaterThan(300);
    expect(fit.n).toBeLessThanOrEqual(summary.buffers.RB_3.written);
    expect(Math.abs(fit.tau - 2197)).toBeLessThan(3 * fit.sigma);
  });

  it('leaves complete, readable files when stopped mid-run', async () => {
    const { engine } = await loadEngine(setup);
    await engine!.start({ outputDirectory: out, runevents: 0 });
    await new Promise<void>((resolve) => {
      const off = engine!.on('status', (s) => {
        if ((s.buffers.find((b) => b.name === 'RB_2')?.written ?? 0) >= 20) {
          off();
          resolve();
        }
      });
    });
    const s = await engine!.stop();
    expect(s.end_reason).toBe('stop');
    const waves = exportPath(s, 'accepted_waveforms.parquet');
    expect((await query(`SELECT count(*) AS n FROM read_parquet('${waves}/*.parquet')`))[0].n).toBe(BigInt(s.buffers.RB_2.written));
    const csv = readFileSync(exportPath(s, 'decay_times.csv'), 'utf8');
    expect(csv.endsWith('\n')).toBe(true);
    expect(csv.trimEnd().split('\n')).toHaveLength(s.buffers.RB_3.written + 1);
  }, 300_000);
});
