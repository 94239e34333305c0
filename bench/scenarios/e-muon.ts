// (e) The muon example end to end: simulation → lifetime filter (2 threads) →
// RB_2/RB_3 → CSV and two Parquet sinks, everything as `ringscope run` does it.
// Reports simulated (source) events per second, from start to the last file closed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src-main/engine/load';
import { round, type Scenario } from '../lib';

const setup = join(import.meta.dirname, '..', '..', 'examples', 'muon', 'setup.yaml');

export const scenario: Scenario = {
  id: 'e',
  title: 'muon example end to end (2 filter threads, CSV + 2 Parquet)',
  async run({ quick }) {
    const events = quick ? 5_000 : 40_000;
    const out = mkdtempSync(join(tmpdir(), 'ringscope-bench-e-'));
    try {
      const { engine, problems } = await loadEngine(setup);
      if (!engine) throw new Error(`the muon setup does not load: ${problems.map((p) => p.message).join('; ')}`);
      engine.setParam('Fkt_1', 'seed', 1);
      // Steady rate: RB_1 commits between the first and the last status report of the running run
      // (without worker start-up and the final drain and file closing).
      const samples: { t: number; n: number }[] = [];
      engine.on('status', (s) => {
        if (s.state === 'running') samples.push({ t: performance.now(), n: s.buffers.find((b) => b.name === 'RB_1')!.written });
      });
      const t0 = performance.now();
      await engine.start({ outputDirectory: out, runevents: events });
      const summary = await engine.waitForEnd();
      const seconds = (performance.now() - t0) / 1000;
      if (summary.buffers.RB_1.written !== events) throw new Error(`wrote ${summary.buffers.RB_1.written} of ${events} events`);
      return {
        events_per_s: round(events / seconds),
        mb_per_s: round((events * 4 * 4250 * 4) / seconds / 1e6),
        torn: 'n/a',
        steady_events_per_s: samples.length >= 3 ? round((samples.at(-1)!.n - samples[0].n) / ((samples.at(-1)!.t - samples[0].t) / 1000)) : 'n/a',
        accepted: summary.buffers.RB_3.written,
        deadtime_mean: Number(summary.buffers.RB_1.deadtime_mean.toFixed(4)),
        seconds: Number(seconds.toFixed(2)),
        target_events_per_s: 5_000,
      };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
};
