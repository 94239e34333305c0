// mimoCoRB's own recording (test/fixtures/mimocorb-upstream/recordings/lifetime_run:
// its lifetime example's save_parquet tar and save_to_txt text of one run)
// in the real engine: builtin:sources/tar_parquet replays every event value for
// value (the tar's Parquet files and our export both read by DuckDB); the
// replayed waveforms through builtin:filters/lifetime and mimoCoRB's exporter
// name save_to_txt give a .txt that pandas reads exactly as mimoCoRB's, with
// the same decay times per event id; `ringscope fit` (the built CLI too) finds
// the aliased column. A member that is no Parquet file ends the run naming it,
// with the events before it written.
// And mimoCoRB's lifetime_setup.yaml itself, ported to built-ins, writes its
// muon_lifetime.txt in that format.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src-main/engine/load';
import { readFitInput } from '../../src-main/hosts/cli/commands/fit';
import type { RunSummary } from '../../src-shared/engine/status';
import { portedLifetime } from '../../test/support/fuzz/corpus';
import { MIMOCORB_UPSTREAM, mimocorbPython } from '../../test/support/python/mimocorb';
import { openDuckDb, type Sql } from '../../test/support/duckdb';

const RECORDING = join(MIMOCORB_UPSTREAM, 'recordings/lifetime_run');
const dir = mkdtempSync(join(tmpdir(), 'ringscope-mimocorb-rec-'));
let sql: Sql;
beforeAll(async () => {
  sql = await openDuckDb();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(setup: string, runevents = 0): Promise<RunSummary> {
  const { engine, problems } = await loadEngine(setup);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  await engine!.start({ outputDirectory: join(dir, 'runs'), runevents });
  return engine!.waitForEnd();
}

const exportOf = (s: RunSummary, name: string): string => {
  const f = s.exports.find((p) => p.endsWith(name));
  expect(f, `${name} in ${s.exports.join(', ')}`).toBeDefined();
  return f!;
};

const WAVES = `{number_of_slots: 16, channel_per_slot: 4250, data_type: {1: [chA, float32], 2: [chB, float32], 3: [chC, float32], 4: [chD, float32]}}`;

/** The recording's RB_3 (mimoCoRB's lifetime layout), as its setup copy has it. */
function rb3(): string {
  const text = readFileSync(join(MIMOCORB_UPSTREAM, 'examples/lifetime_setup.yaml'), 'utf8');
  return text.slice(text.indexOf('  - RB_3:'), text.indexOf('Functions:'));
}

/** pandas' view of a mimoCoRB text file: columns, dtypes, and decay time by event id. */
function pandasView(python: string, file: string): { columns: string[]; dtypes: string[]; rows: number; decay: Record<string, number> } {
  const script = `import json, sys, pandas as pd
df = pd.read_csv(sys.argv[1], sep="\\t")
print(json.dumps({"columns": list(df.columns), "dtypes": [str(t) for t in df.dtypes], "rows": len(df),
  "decay": {str(k): int(v) for k, v in zip(df["event id"], df["decay time (ns)"])}}))`;
  return JSON.parse(execFileSync(python, ['-c', script, file], { encoding: 'utf8' }));
}

describe("mimoCoRB's recording replayed with built-ins", () => {
  it('replays every event of the tar value for value, and its text export reads in pandas as mimoCoRB’s', async () => {
    const d = join(dir, 'replay');
    mkdirSync(d);
    for (const f of ['simulated_data.tar', 'simulation_config.yaml', 'save_lifetime.yaml']) cpSync(join(RECORDING, f), join(d, f));
    const setup = join(d, 'setup.yaml');
    writeFileSync(
      setup,
      `RingBuffer:
  - RB_1: ${WAVES}
  - RB_2: ${WAVES}
${rb3()}Functions:
  - Fkt_main: {config_file: simulation_config.yaml}
  - Fkt_1: {file_name: builtin:sources/tar_parquet, fkt_name: tar_parquet_source, RB_assign: {RB_1: write}, config: {path: simulated_data.tar, sleeptime: 0}}
  - Fkt_2: {file_name: builtin:filters/lifetime, fkt_name: calculate_decay_time, num_process: 2, RB_assign: {RB_1: read, RB_2: write, RB_3: write}}
  - Fkt_3: {file_name: builtin:sinks/csv, fkt_name: save_to_txt, config_file: save_lifetime.yaml, RB_assign: {RB_3: read}}
  - Fkt_4: {file_name: builtin:sinks/parquet, fkt_name: save_parquet, RB_assign: {RB_1: read}, config: {filename: replayed}}
  - Fkt_5: {file_name: builtin:sinks/drain, fkt_name: drain, RB_assign: {RB_2: read}}
`,
    );
    const s = await run(setup);
    expect(s.end_reason).toBe('source_ended');
    expect(s.buffers.RB_1!.written).toBe(121);

    // Value for value: each Parquet file of the tar (unpacked by GNU tar, read by DuckDB) against our export.
    const unpacked = join(d, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xf', join(d, 'simulated_data.tar'), '-C', unpacked]);
    const recorded = await sql(
      `SELECT CAST(regexp_extract(filename, '_(\\d+)\\.parquet$', 1) AS INTEGER) AS counter, list(chA ORDER BY file_row_number) AS chA, list(chB ORDER BY file_row_number) AS chB, list(chC ORDER BY file_row_number) AS chC, list(chD ORDER BY file_row_number) AS chD FROM read_parquet('${unpacked}/*.parquet', filename = true, file_row_number = true) GROUP BY filename ORDER BY counter`,
    );
    const replayed = await sql(`SELECT CAST(counter AS INTEGER) AS counter, chA, chB, chC, chD FROM read_parquet('${exportOf(s, 'replayed.parquet')}/*.parquet') ORDER BY counter`);
    expect(recorded.length).toBe(121);
    expect(replayed.map((r) => r.counter)).toEqual(recorded.map((r) => r.counter));
    for (let i = 0; i < recorded.length; i++) {
      for (const ch of ['chA', 'chB', 'chC', 'chD']) {
        const a = replayed[i]![ch] as number[];
        expect(a.length).toBe(4250);
        expect(a, `event ${recorded[i]!.counter} ${ch}`).toEqual(recorded[i]![ch]);
      }
    }

    // The text export: mimoCoRB's name, columns, separators and types; the same decay time for each event.
    const txt = exportOf(s, 'muon_lifetime.txt');
    const python = mimocorbPython();
    const ours = pandasView(python, txt);
    const theirs = pandasView(python, join(RECORDING, 'muon_lifetime.txt'));
    expect(ours.columns).toEqual(theirs.columns);
    expect(ours.dtypes).toEqual(theirs.dtypes);
    expect(ours.rows).toBe(theirs.rows);
    expect(ours.decay).toEqual(theirs.decay);

    // ringscope fit finds decay_time under its alias "decay time (ns)" in the run directory.
    const fit = await readFitInput(s.run_directory, 'decay_time');
    expect(fit.files).toEqual([txt]);
    expect(fit.values.length).toBe(121);
    const cli = execFileSync(process.execPath, [join(import.meta.dirname, '../../bin/ringscope.mjs'), 'fit', join(RECORDING, 'muon_lifetime.txt'), '--bins', '0'], { encoding: 'utf8' });
    expect(cli).toMatch(/^decay_time \(column "decay time \(ns\)"\) from .*muon_lifetime\.txt\n121 events, 106 in \[400, 14,000\] ns\nτ = /);
  });

  it('ends the run at a member that is no Parquet file, naming it, with the events before it written', async () => {
    const d = join(dir, 'damaged');
    const members = join(d, 'members');
    mkdirSync(members, { recursive: true });
    execFileSync('tar', ['-xf', join(RECORDING, 'simulated_data.tar'), '-C', members, 'simulated_data_5.parquet', 'simulated_data_7.parquet']);
    writeFileSync(join(members, 'simulated_data_8.parquet'), 'not parquet at all\n');
    execFileSync('tar', ['-cf', join(d, 'damaged.tar'), '-C', members, 'simulated_data_5.parquet', 'simulated_data_7.parquet', 'simulated_data_8.parquet']);
    const setup = join(d, 'setup.yaml');
    writeFileSync(
      setup,
      `RingBuffer:
  - RB_1: ${WAVES}
Functions:
  - Fkt_1: {file_name: builtin:sources/tar_parquet, fkt_name: tar_parquet_source, RB_assign: {RB_1: write}, config: {path: damaged.tar, sleeptime: 0}}
  - Fkt_2: {file_name: builtin:sinks/parquet, fkt_name: save_parquet, RB_assign: {RB_1: read}, config: {filename: replayed}}
`,
    );
    const s = await run(setup);
    expect(s.end_reason).toBe('error');
    expect(s.error).toMatch(/simulated_data_8\.parquet in .*damaged\.tar is not a readable Parquet file/);
    expect(s.buffers.RB_1!.written).toBe(2);
    const rows = await sql(`SELECT CAST(counter AS INTEGER) AS counter FROM read_parquet('${exportOf(s, 'replayed.parquet')}/*.parquet') ORDER BY counter`);
    expect(rows.map((r) => r.counter)).toEqual([5, 7]);
  });

  it("writes lifetime_setup.yaml's muon_lifetime.txt (ported to built-ins) in mimoCoRB's format", async () => {
    const d = join(dir, 'lifetime');
    cpSync(join(MIMOCORB_UPSTREAM, 'examples'), d, { recursive: true });
    const setup = join(d, 'lifetime_setup.yaml');
    writeFileSync(setup, portedLifetime(readFileSync(setup, 'utf8')));
    const s = await run(setup, 3000);
    expect(s.end_reason).toBe('runevents');
    const txt = exportOf(s, 'muon_lifetime.txt');
    const [header, first] = readFileSync(txt, 'utf8').split('\n');
    const [theirHeader] = readFileSync(join(RECORDING, 'muon_lifetime.txt'), 'utf8').split('\n');
    expect(header).toBe(theirHeader);
    expect(first!.split('\t')).toHaveLength(28);
    const python = mimocorbPython();
    const ours = pandasView(python, txt);
    const theirs = pandasView(python, join(RECORDING, 'muon_lifetime.txt'));
    expect(ours.columns).toEqual(theirs.columns);
    expect(ours.dtypes).toEqual(theirs.dtypes);
    expect(ours.rows).toBe(s.buffers.RB_3!.written);
    expect(ours.rows).toBeGreaterThan(50);
  });
});
