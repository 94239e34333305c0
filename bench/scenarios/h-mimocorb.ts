// (h) mimoCoRB's lifetime example with its own Python modules (simulation → lifetime
// filter in 2 processes → text file; waveforms drained), as mimoCoRB's recording ran it
// (no plots, the simulator's sleeptime 0), in RingScope and in mimoCoRB 1.0.2 itself.
// RingScope runs as a user runs it: the built `ringscope run`, timed from the command's
// start to its exit (Python start-up and the drain at the end included); the steady rate
// comes from its status lines. Parquet export is replaced by drain on both sides:
// mimoCoRB's needs pyarrow, which Debian lacks.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../src-shared/engine/status';
import { MIMOCORB_UPSTREAM, mimocorbPython } from '../../test/support/python/mimocorb';
import { round, type Scenario } from '../lib';

const ROOT = join(import.meta.dirname, '..', '..');

/** The recorded run's setup and configs with the upstream modules, in a fresh folder. */
function prepare(events: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'ringscope-bench-h-'));
  const rec = join(MIMOCORB_UPSTREAM, 'recordings/lifetime_run');
  cpSync(join(MIMOCORB_UPSTREAM, 'examples/modules'), join(dir, 'modules'), { recursive: true });
  mkdirSync(join(dir, 'config'));
  cpSync(join(rec, 'save_lifetime.yaml'), join(dir, 'config/save_lifetime.yaml'));
  writeFileSync(join(dir, 'config/simulation_config.yaml'), readFileSync(join(rec, 'simulation_config.yaml'), 'utf8').replace('runevents: 1500', `runevents: ${events}`));
  writeFileSync(join(dir, 'lifetime_setup.yaml'), readFileSync(join(rec, 'lifetime_setup.yaml'), 'utf8').replace('fkt_name: save_parquet', 'fkt_name: drain'));
  return dir;
}

export const scenario: Scenario = {
  id: 'h',
  title: "mimoCoRB's lifetime example, its Python modules (RingScope vs mimoCoRB 1.0.2)",
  async run({ quick }) {
    if (!existsSync(join(ROOT, 'out/main/cli.js'))) throw new Error('scenario h needs the build (npm run build): out/main/cli.js is missing');
    const events = quick ? 1_000 : Number(process.env.RINGSCOPE_BENCH_H_EVENTS) || 5_000;
    const python = process.env.RINGSCOPE_PYTHON || mimocorbPython();
    const dir = prepare(events);
    try {
      const ours = await ringscopeRun(join(dir, 'lifetime_setup.yaml'), join(dir, 'rs'), python);
      const { summary, seconds } = ours;
      if (summary.buffers.RB_1.written !== events) throw new Error(`wrote ${summary.buffers.RB_1.written} of ${events} events`);
      let own: number | string = 'n/a';
      try {
        const out = execFileSync(python, [join(import.meta.dirname, '..', 'mimocorb', 'own.py'), join(dir, 'lifetime_setup.yaml')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 900_000 });
        // mimoCoRB's own account: its source overshoots runevents a little, so its count and time are the fair ones.
        const m = /Execution time: ([\d.]+)s - +Events processed: (\d+)/.exec(out);
        own = m ? round(Number(m[2]) / Number(m[1])) : `no "Execution time" line in its output`;
      } catch (e) {
        own = `failed: ${(e as Error).message.split('\n')[0]}`;
      }
      return {
        events_per_s: round(events / seconds),
        mb_per_s: round((events * 4 * 4250 * 4) / seconds / 1e6),
        torn: 'n/a',
        steady_events_per_s: ours.steady,
        mimocorb_events_per_s: own,
        mimocorb_published_events_per_s: 875,
        accepted: summary.buffers.RB_3.written,
        seconds: Number(seconds.toFixed(2)),
        target_events_per_s: 875,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** `ringscope run` (the build) on the setup: wall seconds from start to exit, run.json, and the rate between its first and last status line with events. */
async function ringscopeRun(setup: string, output: string, python: string): Promise<{ seconds: number; summary: RunSummary; steady: number | string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin/ringscope.mjs'), 'run', setup, '--output', output, '--status-every', '0', '--json'], {
    env: { ...process.env, RINGSCOPE_PYTHON: python },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await new Promise<number | null>((res) => child.on('close', res));
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`ringscope run exited with ${code}: ${err.slice(-2000)}`);
  const summary = JSON.parse(out.trim().split('\n').at(-1)!) as RunSummary;
  // "[running 3.5 s] RB_1 1,020 Hz 2,540 ev …": elapsed seconds and RB_1's events.
  const points = [...err.matchAll(/\[running ([\d.]+) s\] RB_1 [\d,]+ Hz ([\d,]+) ev/g)].map((m) => ({ t: Number(m[1]), n: Number(m[2].replace(/,/g, '')) })).filter((p) => p.n > 0);
  const steady = points.length >= 3 ? round((points.at(-1)!.n - points[0].n) / (points.at(-1)!.t - points[0].t)) : 'n/a';
  return { seconds, summary, steady };
}
