// Simulation → double-pulse filter → lifetime fit, with a fixed seed: the
// library-level version of the muon experiment (CPU-heavy, hence serial).
import { describe, expect, it } from 'vitest';
import { fitLifetime } from '../../src-shared/fit/lifetime';
import { Random } from '../../src-shared/random';
import { createDoublePulseAnalyzer } from './double-pulse';
import { MUON_SIM_DEFAULTS, simulateMuonEvent } from './muon-sim';

describe('simulated muon events through the lifetime filter', () => {
  it('accepts about 8 % of events, each a stopped muon, with the simulated decay time and direction', () => {
    const rng = new Random(20_241_121);
    const channels = Array.from({ length: 4 }, () => new Float32Array(4250));
    const analyze = createDoublePulseAnalyzer();
    const events = 10_000;
    let accepted = 0;
    let notStopped = 0;
    let worstSamples = 0;
    let wrongDirection = 0;
    const decayTimes: number[] = [];
    for (let e = 0; e < events; e++) {
      const truth = simulateMuonEvent(rng, MUON_SIM_DEFAULTS, channels);
      const r = analyze(channels);
      if (!r) continue;
      accepted++;
      if (!truth.stopped) {
        notStopped++;
        continue;
      }
      // the filter measures from the pulse starts: ⌊t/4⌋ samples, so within a few samples of t
      worstSamples = Math.max(worstSamples, Math.abs(r.decay_time - truth.decayTime_ns!) / 4);
      if (r.up !== truth.up) wrongDirection++;
      decayTimes.push(r.decay_time);
    }
    const fraction = accepted / events;
    expect(fraction).toBeGreaterThan(0.07);
    expect(fraction).toBeLessThan(0.09);
    expect(notStopped).toBe(0);
    expect(wrongDirection).toBe(0);
    expect(worstSamples).toBeLessThanOrEqual(3);

    // RB_3 stores decay_time as int32 (truncated like numpy); fit what a file would hold.
    const fit = fitLifetime(Int32Array.from(decayTimes));
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.tau - 2197)).toBeLessThan(3 * fit.sigma);
  });
});
