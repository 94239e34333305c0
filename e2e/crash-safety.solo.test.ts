// Nothing recorded is lost (issue 17): the real CLI in a child process, stopped by signals, by a
// full or read-only disk, by a function that exits its thread or never stops; files read back by
// an independent reader (DuckDB), counts checked against run.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunProgress, RunSummary } from '../src-shared/engine/status';
import { repoRoot, ringscopeBin, startRun } from '../test/support/cli-run';
import { mountTmpfs, type Tmpfs } from '../test/support/tmpfs';

const out = mkdtempSync(join(tmpdir(), 'ringscope-crash-'));
let db: DuckDBConnection;

beforeAll(async () => {
  db = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => {
  db?.disconnectSync?.();
  rmSync(out, { recursive: true, force: true });
});

function runFile(dir: string): RunSummary | RunProgress {
  return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunSummary | RunProgress;
}

function ended(dir: string): RunSummary {
  const r = runFile(dir);
  expect(r.state).toBe('ended');
  return r as RunSummary;
}

/** Rows of a CSV export as DuckDB reads it (strict: a torn last line is an error). */
async function csvRows(path: string): Promise<number> {
  const rows = (await db.runAndReadAll(`SELECT count(*) AS n FROM read_csv('${path}', header = true, strict_mode = true)`)).getRowObjectsJS();
  return Number(rows[0]!.n as bigint);
}

function expectReconciled(s: RunSummary): void {
  for (const [name, b] of Object.entries(s.buffers)) for (const [g, n] of Object.entries(b.released)) expect(n, `${name} released by ${g}`).toBe(b.written);
}

/** Resolves once run.json says `running` with events counted (in `buffer`, default RB_1) and was rewritten since `after`. */
async function progressed(dir: string, after: string | null, buffer = 'RB_1'): Promise<RunProgress> {
  for (;;) {
    const r = existsSync(join(dir, 'run.json')) ? runFile(dir) : null;
    if (r?.state === 'running' && r.updated !== after && r.buffers[buffer]!.written > 0) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Rows and distinct counters of a Parquet dataset folder, as DuckDB reads it. */
async function parquetRows(dataset: string): Promise<{ n: number; distinct: number }> {
  const rows = (await db.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT counter) AS d FROM read_parquet('${dataset}/*.parquet')`)).getRowObjectsJS();
  return { n: Number(rows[0]!.n as bigint), distinct: Number(rows[0]!.d as bigint) };
}

function recover(dir: string) {
  return spawnSync(process.execPath, [ringscopeBin, 'recover', dir, '--json'], { encoding: 'utf8', cwd: repoRoot });
}

describe('signals stop a run like the first Ctrl-C', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: everything buffered is written, run.json reconciles, exit 0`, async () => {
      const run = startRun(['test/fixtures/engine/paced.yaml', '--output', out]);
      const dir = await run.started;
      await run.flowing();
      run.child.kill(signal);
      const { code, stderr } = await run.exited;
      expect(stderr).toContain(`stopping (${signal}): writing what is buffered`);
      expect(code).toBe(0);
      const s = ended(dir);
      expect(s.end_reason).toBe('stop');
      expectReconciled(s);
      const seen = JSON.parse(readFileSync(join(dir, 'Fkt_2_RB_1.json'), 'utf8'));
      expect(seen.values).toHaveLength(s.buffers.RB_1!.written);
    });
  }

  it('a SIGTERM delivered twice at once (as `timeout` sends it) is one graceful stop', async () => {
    const run = startRun(['test/fixtures/engine/csv.yaml', '--output', out]);
    const dir = await run.started;
    await run.flowing();
    run.child.kill('SIGTERM');
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.exited;
    expect(stderr).not.toContain('aborting');
    expect(code).toBe(0);
    const s = ended(dir);
    expect(s.end_reason).toBe('stop');
    expectReconciled(s);
    expect(await csvRows(join(dir, 'values.csv'))).toBe(s.buffers.RB_1!.written);
  });
});

describe('run.json while a run goes', () => {
  it('exists from the start (state running) and is rewritten with the counts so far', async () => {
    const run = startRun(['test/fixtures/engine/csv.yaml', '--output', out]);
    const dir = await run.started;
    const first = runFile(dir);
    expect(first.state).toBe('running');
    expect(first.end_reason).toBeNull();
    const later = await progressed(dir, (first as RunProgress).updated);
    expect(later.buffers.RB_1!.written).toBeGreaterThan(0);
    // What run.json says so far is already in the CSV (flushed at least every second) or still on its way.
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(0);
    const s = ended(dir);
    expect(s.buffers.RB_1!.written).toBeGreaterThanOrEqual(later.buffers.RB_1!.written);
    expect(await csvRows(join(dir, 'values.csv'))).toBe(s.buffers.RB_1!.written);
    expect(existsSync(join(dir, 'run.json.tmp'))).toBe(false);
  });
});

describe('a function whose thread dies or never stops', () => {
  it('process.exit(7) in a filter thread: a function error naming it and the code, the run ends and reconciles, exit 1', async () => {
    const run = startRun(['test/fixtures/engine/exiting.yaml', '--output', out]);
    const dir = await run.started;
    const { code, stderr } = await run.exited;
    expect(stderr).toMatch(/error in Fkt_2 \(exiting_filter\) #[01]: its thread exited with code 7/);
    expect(code).toBe(1);
    const s = ended(dir);
    expect(s.end_reason).toBe('error');
    expect(s.error).toMatch(/^Fkt_2 \(exiting_filter\) #[01]: its thread exited with code 7/);
    expect(s.functions.Fkt_2!.state).toBe('failed');
    expectReconciled(s);
    // Every event the filters took was forwarded or is counted as failed (the one the dead thread held).
    expect(s.functions.Fkt_2!.events_in).toBe(s.buffers.RB_1!.written);
    expect(s.functions.Fkt_2!.events_out.RB_2! + s.functions.Fkt_2!.failed_events).toBe(s.functions.Fkt_2!.events_in);
    expect(s.functions.Fkt_2!.failed_events).toBeGreaterThanOrEqual(1);
    expect(await csvRows(join(dir, 'values.csv'))).toBe(s.buffers.RB_2!.written);
  });

  it('a filter in an endless loop: named after the grace period (not the source), the second signal aborts', async () => {
    const run = startRun(['test/fixtures/engine/endless.yaml', '--output', out]);
    const dir = await run.started;
    await run.flowing();
    run.child.kill('SIGTERM');
    const [warning] = await run.printed(/not stopped within \d+ s: [^\n]*\n/);
    expect(warning).toMatch(/not stopped within \d+ s: Fkt_2 \(endless_filter, thread 1\) — still busy in its function/);
    expect(warning).not.toMatch(/: Fkt_1|a source of/);
    run.child.kill('SIGINT');
    const { code, stderr } = await run.exited;
    expect(stderr).toContain('aborting');
    expect(code).toBe(3);
    const s = ended(dir);
    expect(s.end_reason).toBe('abort');
    // Aborted: what was in flight is reported as not released, honestly; the CSV holds what its sink released.
    expect(s.buffers.RB_2!.released.Fkt_3).toBe(s.buffers.RB_2!.written);
    expect(await csvRows(join(dir, 'values.csv'))).toBe(s.buffers.RB_2!.written);
  });
});

describe('a full or read-only disk', () => {
  const small = mountTmpfs('5m');
  const skip = 'skip' in small ? small.skip : null;
  afterAll(() => (small as Tmpfs).unmount?.());

  it.skipIf(skip !== null)(`a full disk (5 MB tmpfs) stops the muon example cleanly: file and cause named, run.json error, exit 1${skip ? ` — skipped: ${skip}` : ''}`, async () => {
    const fs = small as Tmpfs;
    const run = startRun(['examples/muon/setup.yaml', '--output', fs.dir]);
    const dir = await run.started;
    const { code, stderr } = await run.exited;
    expect(stderr).toMatch(/cannot write the (CSV|Parquet) file \S+\/(decay_times\.csv|(accepted_waveforms|pulse_parameters)\.parquet\/\.part-\d+\.parquet\.inprogress): the disk is full \(ENOSPC\)/);
    expect(stderr).not.toMatch(/Uncaught|\n\s+at /);
    expect(code).toBe(1);
    const s = ended(dir);
    expect(s.end_reason).toBe('error');
    expect(s.error).toMatch(/the disk is full \(ENOSPC\)/);
    expectReconciled(s);
    // The CSV written before the disk filled is whole lines, every one an event of RB_3.
    const rows = await csvRows(join(dir, 'decay_times.csv'));
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThanOrEqual(s.buffers.RB_3!.written);
    // The Parquet parts closed before the disk filled open as they lie (the unfinished part was removed).
    const waves = await parquetRows(join(dir, 'accepted_waveforms.parquet'));
    expect(waves.n).toBe(waves.distinct);
    expect(waves.n).toBeLessThanOrEqual(s.buffers.RB_2!.written);
    const pulses = await parquetRows(join(dir, 'pulse_parameters.parquet'));
    expect(pulses.n).toBeLessThanOrEqual(s.buffers.RB_3!.written);
  }, 120_000);

  it.skipIf(skip !== null)(`the status line warns when the output disk will be full within five minutes${skip ? ` — skipped: ${skip}` : ''}`, async () => {
    const tiny = mountTmpfs('1m') as Tmpfs;
    try {
      const run = startRun(['test/fixtures/engine/csv.yaml', '--output', tiny.dir]);
      const dir = await run.started;
      const [line] = await run.printed(/\[running [^\n]*warning: the output disk is full in about [^\n]*\n/);
      expect(line).toMatch(/full in about \d+ (s|min) at this rate \([\d.]+ kB free, [\d.]+ (B|kB)\/s\)/);
      run.child.kill('SIGINT');
      expect((await run.exited).code).toBe(0);
      expect(await csvRows(join(dir, 'values.csv'))).toBe(ended(dir).buffers.RB_1!.written);
    } finally {
      tiny.unmount();
    }
  });

  it.skipIf(skip !== null)(`a read-only output folder: a clear error naming it, nothing started, exit 1${skip ? ` — skipped: ${skip}` : ''}`, async () => {
    const ro = mountTmpfs('1m') as Tmpfs;
    try {
      ro.readOnly();
      const run = startRun(['test/fixtures/engine/csv.yaml', '--output', ro.dir]);
      const { code, stderr } = await run.exited;
      expect(stderr).toContain(`cannot create the run directory in ${ro.dir}: the file system is read-only (EROFS)`);
      expect(code).toBe(1);
    } finally {
      ro.unmount();
    }
  });
});

describe('SIGKILL at any moment, then `ringscope recover`', () => {
  const exportOf = (s: { exports: string[] }, name: string) => s.exports.find((e) => e.endsWith(name));

  /** After recover: run.json complete, and every export's events as DuckDB finds them equal to its sink's count. */
  async function recovered(dir: string): Promise<RunSummary> {
    const r = recover(dir);
    expect(r.status, r.stderr).toBe(0);
    const s = ended(dir);
    expect(s.end_reason).toBe('killed');
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual(s);
    const sinks: [string, string, string][] = [
      ['accepted_waveforms.parquet', 'RB_2', 'Fkt_4'],
      ['pulse_parameters.parquet', 'RB_3', 'Fkt_5'],
      ['decay_times.csv', 'RB_3', 'Fkt_3'],
    ];
    for (const [name, buffer, fn] of sinks) {
      const path = exportOf(s, name);
      if (!path) continue; // killed before that sink had saved anything
      const found = name.endsWith('.csv') ? await csvRows(path) : (await parquetRows(path)).n;
      expect(s.recovered!.rows[path], name).toBe(found);
      expect(s.buffers[buffer]!.released[fn], name).toBe(found);
      if (!name.endsWith('.csv')) expect((await parquetRows(path)).distinct).toBe(found);
    }
    for (const b of Object.values(s.buffers)) for (const n of Object.values(b.released)) expect(n).toBeLessThanOrEqual(b.written);
    return s;
  }

  it('killed while starting: run.json exists (running); recover completes it and every export left opens', async () => {
    const run = startRun(['examples/muon/setup.yaml', '--output', out]);
    const dir = await run.started;
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');
    expect(runFile(dir).state).toBe('running');
    await recovered(dir);
  }, 120_000);

  for (const rewrites of [2, 4]) {
    it(`killed after ${rewrites} rewrites of run.json: Parquet readable as it lies, recover loses at most the last seconds`, async () => {
      const run = startRun(['examples/muon/setup.yaml', '--output', out]);
      const dir = await run.started;
      // A snapshot with accepted events, then `rewrites` more (2 s apart): what it counted is at least that old.
      const early = await progressed(dir, null, 'RB_2');
      let last = early;
      for (let i = 0; i < rewrites; i++) last = await progressed(dir, last.updated, 'RB_2');
      run.child.kill('SIGKILL');
      expect((await run.exited).signal).toBe('SIGKILL');
      const waves = join(dir, 'accepted_waveforms.parquet');
      const pulses = join(dir, 'pulse_parameters.parquet');
      // As it lies: every closed part is whole (the one being written is hidden), so DuckDB reads the folders.
      const asItLies = { waves: (await parquetRows(waves)).n, pulses: (await parquetRows(pulses)).n };
      const s = await recovered(dir);
      expect(s.buffers.RB_2!.released.Fkt_4).toBeGreaterThanOrEqual(asItLies.waves);
      expect(s.buffers.RB_3!.released.Fkt_5).toBeGreaterThanOrEqual(asItLies.pulses);
      // What the sinks had taken seconds before the kill is in the files.
      expect(s.buffers.RB_2!.released.Fkt_4).toBeGreaterThanOrEqual(early.buffers.RB_2!.released.Fkt_4!);
      expect(s.buffers.RB_3!.released.Fkt_5).toBeGreaterThanOrEqual(early.buffers.RB_3!.released.Fkt_5!);
      expect(s.buffers.RB_3!.released.Fkt_3).toBeGreaterThanOrEqual(early.buffers.RB_3!.released.Fkt_3!);
    }, 180_000);
  }

  it('refuses a run that ended, and a folder that is no run directory', async () => {
    const done = startRun(['test/fixtures/engine/csv.yaml', '--output', out, '--events', '20']);
    const dir = await done.started;
    expect((await done.exited).code).toBe(0);
    const before = readFileSync(join(dir, 'run.json'), 'utf8');
    const again = recover(dir);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('is complete already (the run ended: runevents); nothing to recover');
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe(before);
    const none = recover(out);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('holds no run.json: not a run directory');
  });
});
