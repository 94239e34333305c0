// mimoCoRB's own setups and Python modules, unchanged, through `ringscope run` (the built
// CLI): the lifetime example for 20,000 events with its lifetime fit and mimoCoRB's text
// file, the demo, and a Ctrl-C to the whole process group (as a terminal sends it).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistogramRequest, HistogramUpdate } from '../src-shared/bridge/protocol';
import { loadEngine } from '../src-main/engine/load';
import { repoRoot, ringscopeBin } from '../test/support/cli-run';
import { MIMOCORB_UPSTREAM, mimocorbPython } from '../test/support/python/mimocorb';
import { openDuckDb, type Sql } from '../test/support/duckdb';

interface Summary {
  end_reason: string;
  exports: string[];
  buffers: Record<string, { written: number; released: Record<string, number> }>;
  functions: Record<string, { events_in: number; failed_events: number; errors: unknown[] }>;
}

let tmp: string;
let sql: Sql;
let env: NodeJS.ProcessEnv;

/** A fresh copy of mimoCoRB's examples folder (setups, config/, modules/), as shipped. */
function examples(): string {
  const dir = mkdtempSync(join(tmp, 'ex-'));
  cpSync(join(MIMOCORB_UPSTREAM, 'examples'), dir, { recursive: true });
  return dir;
}

function ringscope(args: string[]) {
  return spawnSync(process.execPath, [ringscopeBin, ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 900_000 });
}

const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Summary;
const runDirOf = (stderr: string) => /Run started: (.+)\n/.exec(stderr)![1];
const txtRows = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');

async function parquetRows(folder: string): Promise<bigint> {
  const rows = await sql(`SELECT count(*) AS n FROM read_parquet('${folder}/*.parquet')`);
  return rows[0].n as bigint;
}

/** Every buffer's events released by every reader group, and the exports hold what their buffers carried. */
async function expectReconciled(s: Summary, dir: string): Promise<void> {
  for (const [name, b] of Object.entries(s.buffers)) for (const [group, n] of Object.entries(b.released)) expect(n, `${name} released by ${group}`).toBe(b.written);
  expect(txtRows(join(dir, 'muon_lifetime.txt'))).toHaveLength(s.buffers.RB_3.written + 1);
  expect(await parquetRows(join(dir, 'simulated_data.parquet'))).toBe(BigInt(s.buffers.RB_2.written));
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rs-mimocorb-'));
  env = { ...process.env, RINGSCOPE_PYTHON: mimocorbPython() };
  sql = await openDuckDb();
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('lifetime_setup.yaml with its Python modules', () => {
  let dir: string;
  let s: Summary;

  beforeAll(() => {
    const ex = examples();
    const r = ringscope(['run', join(ex, 'lifetime_setup.yaml'), '--events', '20000', '--output', join(ex, 'out'), '--status-every', '0']);
    expect(r.status, r.stderr).toBe(0);
    dir = runDirOf(r.stderr);
    s = summaryOf(dir);
  }, 900_000);

  it('runs 20,000 events and reconciles run.json with the text and Parquet exports', async () => {
    expect(s.end_reason).toBe('runevents');
    expect(s.buffers.RB_1.written).toBe(20_000);
    expect(s.functions.Fkt_2.events_in).toBe(20_000);
    expect(s.buffers.RB_3.written).toBe(s.buffers.RB_2.written);
    expect(s.buffers.RB_3.written).toBeGreaterThan(1000);
    for (const f of Object.values(s.functions)) expect(f.errors).toEqual([]);
    await expectReconciled(s, dir);
  });

  it('writes muon_lifetime.txt as mimoCoRB does: its header with the aliases, its number formats', () => {
    const ours = txtRows(join(dir, 'muon_lifetime.txt'));
    const theirs = txtRows(join(MIMOCORB_UPSTREAM, 'recordings/lifetime_run/muon_lifetime.txt'));
    expect(ours[0]).toBe(theirs[0]);
    // Column by column, a whole number where mimoCoRB wrote one and a decimal where it wrote one.
    const kind = (cell: string) => (/^-?\d+$/.test(cell) ? 'int' : /^-?\d+\.\d+(e[-+]\d+)?$/.test(cell) ? 'float' : `other: ${cell}`);
    const kinds = (line: string) => line.split('\t').map(kind);
    const want = kinds(theirs[1]);
    for (const line of ours.slice(1, 200)) expect(kinds(line)).toEqual(want);
    // Event ids are the source's counters, each once.
    const ids = ours.slice(1).map((l) => Number(l.split('\t')[0]));
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids)).toBeLessThan(20_000);
  });

  it('gives the muon lifetime within 3σ of 2,197 ns by ringscope fit', () => {
    const r = ringscope(['fit', dir, '--field', 'decay time (ns)', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const fit = JSON.parse(r.stdout.trim().split('\n').pop()!) as { tau: number; sigma: number; n: number; converged: boolean };
    expect(fit.converged).toBe(true);
    expect(fit.n).toBeGreaterThan(1000);
    expect(Math.abs(fit.tau - 2197)).toBeLessThan(3 * fit.sigma);
  });
});

describe('demo_setup.yaml', () => {
  it('runs its 1,000 events through the Python peak finder in two processes and drains both buffers', () => {
    const ex = examples();
    const r = ringscope(['run', join(ex, 'demo_setup.yaml'), '--output', join(ex, 'out'), '--status-every', '0']);
    expect(r.status, r.stderr).toBe(0);
    const s = summaryOf(runDirOf(r.stderr));
    expect(s.end_reason).toBe('runevents');
    expect(s.buffers.RB_1.written).toBe(1000);
    expect(s.buffers.RB_1.released).toEqual({ Fkt_2: 1000, Fkt_3: 1000 });
    // find_peaks writes a pulse-parameter record for each waveform with a trigger pulse.
    expect(s.buffers.RB_2.written).toBeGreaterThan(500);
    expect(s.buffers.RB_2.released).toEqual({ Fkt_4: s.buffers.RB_2.written });
    expect(r.stderr).toMatch(/Fkt_6 \(plot_histograms\).*histogram panel/);
  }, 600_000);
});

describe("the window's panels from mimoCoRB's plot functions", () => {
  it('demo: plot_histograms becomes the pulse-height spectrum the window shows for RB_2, filled by the Python peak finder', async () => {
    process.env.RINGSCOPE_PYTHON = env.RINGSCOPE_PYTHON;
    const ex = examples();
    const { engine, problems } = await loadEngine(join(ex, 'demo_setup.yaml'));
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    const buffers = engine!.buffers();
    const rb1 = buffers.find((b) => b.name === 'RB_1')!.display!;
    expect(rb1).toMatchObject({ title: 'Muon waveform', sample_time_ns: 4, trigger_level: -440, pre_trigger_samples: 100, channel_range: 500 });
    const hint = buffers.find((b) => b.name === 'RB_2')!.display!;
    expect(hint.histogram).toEqual({ field: 'chA_height', range: [50, 1000], bins: 75 });
    expect(hint.histograms).toHaveLength(2);
    const request: HistogramRequest = { buffer: 'RB_2', field: 'chA_height', range: [50, 1000], bins: 75 };
    let last: HistogramUpdate | null = null;
    const done = new Promise<void>((res) => {
      engine!.histogram(request, (u) => {
        last = u;
        if (u.final) res();
      });
    });
    // As a window's host starts a run: with histogram readers on the scalar buffers.
    await engine!.start({ outputDirectory: join(ex, 'out'), runevents: 400, histograms: true });
    const s = await engine!.waitForEnd();
    await done;
    const h = last! as HistogramUpdate;
    expect(h.events).toBe(s.buffers.RB_2.written);
    expect(h.entries).toBeGreaterThan(0.8 * h.events);
    // The simulated pulses are 250 mV high with a 30 % spread: the spectrum peaks there.
    const peak = h.counts.indexOf(Math.max(...h.counts));
    const centre = 50 + ((peak + 0.5) * 950) / 75;
    expect(centre).toBeGreaterThan(150);
    expect(centre).toBeLessThan(350);
    await engine!.close();
  }, 600_000);
});

describe('Ctrl-C', () => {
  it('to the whole process group (a terminal) stops the run and loses nothing the Python functions held', async () => {
    const ex = examples();
    // Detached: a process group of its own, so that the signal goes to every process in it, as a terminal's does.
    const child = spawn(process.execPath, [ringscopeBin, 'run', join(ex, 'lifetime_setup.yaml'), '--output', join(ex, 'out'), '--status-every', '1'], { cwd: repoRoot, env, detached: true });
    let stderr = '';
    const flowing = new Promise<void>((res) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/RB_3 [\d.]+ Hz [1-9]\d* ev/.test(stderr)) res();
      }),
    );
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    await flowing;
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited, stderr).toBe(0);
    const dir = runDirOf(stderr);
    const s = summaryOf(dir);
    expect(s.end_reason).toBe('stop');
    expect(s.buffers.RB_3.written).toBeGreaterThan(0);
    for (const f of Object.values(s.functions)) expect(f.errors).toEqual([]);
    await expectReconciled(s, dir);
  }, 600_000);
});

describe('SIGKILL of the engine', () => {
  /** Processes whose working folder is `dir` (the Python processes of a run start in the setup's folder). */
  const processesIn = (dir: string) =>
    readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readlinkSync(`/proc/${p}/cwd`) === dir;
        } catch {
          return false;
        }
      });

  for (const fork of ['1', '0']) {
    it(`leaves no Python running (${fork === '1' ? 'forked by the fork server' : 'RINGSCOPE_PYTHON_FORK=0'}), even one in user code that never looks at its link`, async () => {
      const ex = examples();
      // The source sleeps in user code for ever after its first events (nothing ends it but its parent's death).
      writeFileSync(
        join(ex, 'modules', 'stuck_source.py'),
        `import time\nimport numpy as np\nfrom mimocorb.buffer_control import rbImport\n\ndef source(source_list=None, sink_list=None, observe_list=None, config_dict=None, **rb_info):\n    n = sink_list[0]["values_per_slot"]\n    def gen():\n        for k in range(3):\n            yield ([np.full(n, k)], None)\n        while True:\n            time.sleep(1)\n    rbImport(sink_list=sink_list, config_dict=config_dict, ufunc=gen, **rb_info)()\n`,
      );
      writeFileSync(
        join(ex, 'stuck.yaml'),
        'RingBuffer:\n  - RB_1: {number_of_slots: 4, channel_per_slot: 2, data_type: {1: [x, float64]}}\nFunctions:\n  - Fkt_1: {file_name: modules/stuck_source, fkt_name: source, RB_assign: {RB_1: write}}\n  - Fkt_2: {file_name: modules/exporters, fkt_name: drain, RB_assign: {RB_1: read}}\n',
      );
      const child = spawn(process.execPath, [ringscopeBin, 'run', join(ex, 'stuck.yaml'), '--output', join(ex, 'out'), '--status-every', '0'], {
        cwd: repoRoot,
        env: { ...env, RINGSCOPE_PYTHON_FORK: fork },
      });
      let stderr = '';
      const flowing = new Promise<void>((res) =>
        child.stderr.on('data', (d) => {
          stderr += d;
          if (/RB_1 [\d.,]+ Hz 3 ev/.test(stderr)) res();
        }),
      );
      const exited = new Promise<void>((res) => child.on('exit', () => res()));
      await flowing;
      expect(processesIn(ex).length).toBeGreaterThanOrEqual(2); // the two functions' Pythons (and a fork server)
      child.kill('SIGKILL');
      await exited;
      for (let i = 0; i < 100 && processesIn(ex).length; i++) await new Promise((r) => setTimeout(r, 100));
      expect(processesIn(ex)).toEqual([]);
    }, 300_000);
  }
});
