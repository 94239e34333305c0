// (h) mimoCoRB's lifetime example with its own Python modules (simulation → lifetime
// filter in 2 processes → text file; waveforms drained), as mimoCoRB's recording ran it
// (no plots, the simulator's sleeptime 0), in RingScope and in mimoCoRB 1.0.2 itself.
// Parquet export is replaced by drain on both sides: mimoCoRB's needs pyarrow, which Debian lacks.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src-main/engine/load';
import { MIMOCORB_UPSTREAM, mimocorbPython } from '../../test/support/python/mimocorb';
import { round, type Scenario } from '../lib';

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
    const events = quick ? 1_000 : 5_000;
    const python = process.env.RINGSCOPE_PYTHON || mimocorbPython();
    process.env.RINGSCOPE_PYTHON = python;
    const dir = prepare(events);
    try {
      const { engine, problems } = await loadEngine(join(dir, 'lifetime_setup.yaml'));
      if (!engine) throw new Error(`the setup does not load: ${problems.map((p) => p.message).join('; ')}`);
      const samples: { t: number; n: number }[] = [];
      engine.on('status', (s) => {
        if (s.state === 'running') samples.push({ t: performance.now(), n: s.buffers.find((b) => b.name === 'RB_1')!.written });
      });
      const t0 = performance.now();
      await engine.start({ outputDirectory: join(dir, 'rs') });
      const summary = await engine.waitForEnd();
      const seconds = (performance.now() - t0) / 1000;
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
        steady_events_per_s: samples.length >= 3 ? round((samples.at(-1)!.n - samples[0].n) / ((samples.at(-1)!.t - samples[0].t) / 1000)) : 'n/a',
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
