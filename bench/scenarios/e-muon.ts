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
      const t0 = performance.now();
      await engine.start({ outputDirectory: out, runevents: events });
      const summary = await engine.waitForEnd();
      const seconds = (performance.now() - t0) / 1000;
      if (summary.buffers.RB_1.written !== events) throw new Error(`wrote ${summary.buffers.RB_1.written} of ${events} events`);
      return {
        events_per_s: round(events / seconds),
        mb_per_s: round((events * 4 * 4250 * 4) / seconds / 1e6),
        torn: 'n/a',
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
