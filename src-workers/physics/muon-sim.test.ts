import { describe, expect, it } from 'vitest';
import { Random } from '../../src-shared/random';
import {
  checkMuonSimParams,
  eventsRemaining,
  MUON_SIM_DEFAULTS,
  nextWaitSeconds,
  pulseTemplate,
  simulateMuonEvent,
  sourceDone,
  type MuonSimParams,
} from './muon-sim';

const SAMPLES = 4250;
const BASELINE = -480; // mV: analogue_offset −0.48 V
const HALF_NOISE = 250 / 30 / 2; // mV: noise = pulseHeight/30 · (0.5 − U)

function channels(n = 4, samples = SAMPLES): Float32Array[] {
  return Array.from({ length: n }, () => new Float32Array(samples));
}

/** Largest excursion above the baseline in a sample range. */
function maxAbove(ch: Float32Array, from: number, to: number): number {
  let m = -Infinity;
  for (let i = from; i < to; i++) m = Math.max(m, ch[i]! - BASELINE);
  return m;
}

describe('simulateMuonEvent', () => {
  it('has mimoCoRB’s defaults', () => {
    expect(MUON_SIM_DEFAULTS).toMatchObject({
      sample_time_ns: 4,
      pre_trigger_samples: 500,
      analogue_offset: -0.48,
      trigger_level: -440,
      pulseWindow: 100,
      pulseHeight: 250,
      pulseSpread: 75,
      prbInteraction: 0.95,
      prb2ndPulse: 0.1,
      sleeptime: 0,
      random: true,
      events_required: 0,
    });
    expect(checkMuonSimParams(MUON_SIM_DEFAULTS)).toEqual([]);
  });

  it('repeats the same waveforms for the same seed', () => {
    const a = channels();
    const b = channels();
    const ra = new Random(5);
    const rb = new Random(5);
    for (let i = 0; i < 20; i++) {
      expect(simulateMuonEvent(ra, MUON_SIM_DEFAULTS, a)).toEqual(simulateMuonEvent(rb, MUON_SIM_DEFAULTS, b));
      let differ = 0;
      for (let c = 0; c < 4; c++) for (let i = 0; i < SAMPLES; i++) if (a[c]![i] !== b[c]![i]) differ++;
      expect(differ).toBe(0);
    }
  });

  it('puts uniform noise of ±pulseHeight/60 mV around the baseline in mV', () => {
    const ch = channels();
    const rng = new Random(1);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let count = 0;
    for (let e = 0; e < 50; e++) {
      simulateMuonEvent(rng, MUON_SIM_DEFAULTS, ch);
      for (const c of ch) {
        for (let i = 0; i < 500; i++) {
          min = Math.min(min, c[i]!);
          max = Math.max(max, c[i]!);
          sum += c[i]!;
          count++;
        }
      }
    }
    expect(min).toBeGreaterThanOrEqual(BASELINE - HALF_NOISE - 1e-3);
    expect(max).toBeLessThanOrEqual(BASELINE + HALF_NOISE + 1e-3);
    expect(max - min).toBeGreaterThan(2 * HALF_NOISE * 0.99);
    expect(Math.abs(sum / count - BASELINE)).toBeLessThan(0.05);
  });

  it('draws pulses going up from the baseline with the exp(−k/25) shape at the trigger position', () => {
    const ch = channels();
    const rng = new Random(2);
    let checked = 0;
    for (let e = 0; e < 200 && checked < 20; e++) {
      const truth = simulateMuonEvent(rng, MUON_SIM_DEFAULTS, ch);
      if (truth.stopped) continue;
      for (const c of ch) {
        const h = c[500]! - BASELINE;
        if (h < 30) continue; // this layer saw nothing (or a tiny pulse)
        // rise within one sample, then the template times the height (± noise)
        expect(c[499]! - BASELINE).toBeLessThan(HALF_NOISE + 1e-3);
        for (const k of [10, 25, 50, 99]) {
          expect(Math.abs(c[500 + k]! - BASELINE - h * Math.exp(-k / 25))).toBeLessThan(2 * HALF_NOISE + 1e-3);
        }
        expect(Math.abs(c[600]! - BASELINE)).toBeLessThan(HALF_NOISE + 1e-3);
        checked++;
      }
    }
    expect(checked).toBe(20);
    expect(pulseTemplate(100)[25]).toBeCloseTo(Math.exp(-1), 6);
  });

  it('gives passing muons a pulse in every layer, stopped ones in A and B and a delayed pulse', () => {
    const ch = channels();
    const rng = new Random(3);
    let passing = 0;
    let stopped = 0;
    let up = 0;
    const layerHits = [0, 0, 0, 0];
    let aHeightBelowTrigger = 0;
    for (let e = 0; e < 3000; e++) {
      const t = simulateMuonEvent(rng, MUON_SIM_DEFAULTS, ch);
      const first = ch.map((c) => maxAbove(c, 500, 501));
      if (first[0]! > 20 && first[0]! < 40 - HALF_NOISE) aHeightBelowTrigger++;
      if (!t.stopped) {
        passing++;
        first.forEach((h, i) => {
          if (h > 20) layerHits[i]!++;
        });
        expect(t.decayTime_ns).toBeUndefined();
        continue;
      }
      stopped++;
      expect(first[2]).toBeLessThan(HALF_NOISE + 1e-3);
      expect(first[3]).toBeLessThan(HALF_NOISE + 1e-3);
      const pos2 = 500 + Math.floor(t.decayTime_ns! / 4);
      if (t.up) up++;
      if (pos2 >= 4150 || pos2 < 610) continue; // no pulse drawn, or overlapping the first
      const second = ch.map((c) => maxAbove(c, pos2, pos2 + 1));
      const before = ch.map((c) => maxAbove(c, pos2 - 1, pos2));
      const [on, off] = t.up ? [[0, 1], [2, 3]] : [[2, 3], [0, 1]];
      for (const i of off) expect(second[i]!).toBeLessThan(HALF_NOISE + 1e-3);
      // the pulse starts exactly at pos2 (when the layer saw it and the height was positive)
      for (const i of on) if (second[i]! > 20) expect(before[i]!).toBeLessThan(HALF_NOISE + 1e-3);
    }
    expect(Math.abs(stopped / 3000 - 0.1)).toBeLessThan(0.02);
    expect(Math.abs(up / stopped - 0.5)).toBeLessThan(0.1);
    // prbInteraction 0.95 per layer (B–D: heights ~ N(250, 75) are above 20 mV practically always)
    for (const i of [1, 2, 3]) expect(Math.abs(layerHits[i]! / passing - 0.95)).toBeLessThan(0.02);
    // layer A's first pulse is redrawn until it reaches the trigger level (40 mV above the baseline)
    expect(aHeightBelowTrigger).toBe(0);
  });

  it('draws the second pulse only when it starts before samples − pulseWindow', () => {
    const ch = channels(4, 1000); // the last start is sample 899
    const rng = new Random(4);
    let late = 0;
    for (let e = 0; e < 3000; e++) {
      const t = simulateMuonEvent(rng, MUON_SIM_DEFAULTS, ch);
      if (!t.stopped) continue;
      const pos2 = 500 + Math.floor(t.decayTime_ns! / 4);
      if (pos2 < 900) continue;
      late++;
      for (const c of ch) expect(maxAbove(c, 600, 1000)).toBeLessThan(HALF_NOISE + 1e-3);
    }
    expect(late).toBeGreaterThan(20);
  });

  it('uses the exponential decay-time distribution with τ = 2197 ns', () => {
    const rng = new Random(6);
    const ch = channels(4, 600);
    let n = 0;
    let sum = 0;
    for (let e = 0; e < 20_000; e++) {
      const t = simulateMuonEvent(rng, MUON_SIM_DEFAULTS, ch);
      if (t.stopped) {
        n++;
        sum += t.decayTime_ns!;
      }
    }
    expect(Math.abs(sum / n - 2197)).toBeLessThan(4 * (2197 / Math.sqrt(n)));
  });

  it('never hangs on a trigger level no pulse reaches, and picks heights from a list', () => {
    const ch = channels(2, 700);
    const high: MuonSimParams = { ...MUON_SIM_DEFAULTS, trigger_level: 5000, pulseSpread: 0, prbInteraction: 1 };
    simulateMuonEvent(new Random(7), high, ch);
    expect(ch[0]![500]! - BASELINE).toBeGreaterThan(5480 - HALF_NOISE - 1);
    const listed: MuonSimParams = { ...MUON_SIM_DEFAULTS, pulseHeight: [100, 400], pulseSpread: 0, prbInteraction: 1, trigger_level: -480 };
    const seen = new Set<number>();
    const rng = new Random(8);
    for (let e = 0; e < 50; e++) {
      simulateMuonEvent(rng, listed, ch);
      seen.add(Math.round((ch[1]![500]! - BASELINE) / 10) * 10);
    }
    expect([...seen].sort()).toEqual([100, 400]);
  });

  it('reports bad parameters by key', () => {
    const errs = checkMuonSimParams({ ...MUON_SIM_DEFAULTS, prb2ndPulse: 2, pulseWindow: 0, seed: 1.5 });
    expect(errs.join('\n')).toMatch(/prb2ndPulse/);
    expect(errs.join('\n')).toMatch(/pulseWindow/);
    expect(errs.join('\n')).toMatch(/seed/);
    expect(checkMuonSimParams({ ...MUON_SIM_DEFAULTS, seed: 'lab-3' })).toEqual([]);
  });
});

describe('source timing helpers', () => {
  it('waits nothing for sleeptime 0, exactly sleeptime when not random, exponentially when random', () => {
    const rng = new Random(9);
    expect(nextWaitSeconds(rng, { sleeptime: 0, random: true })).toBe(0);
    expect(nextWaitSeconds(rng, { sleeptime: 0.25, random: false })).toBe(0.25);
    let s = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) s += nextWaitSeconds(rng, { sleeptime: 0.003, random: true });
    expect(Math.abs(s / n - 0.003)).toBeLessThan(5 * (0.003 / Math.sqrt(n)));
  });

  it('counts events_required down, 0 meaning unlimited', () => {
    expect(eventsRemaining(0, 0)).toBe(Infinity);
    expect(sourceDone(1e9, 0)).toBe(false);
    expect(eventsRemaining(3, 10)).toBe(7);
    expect(sourceDone(9, 10)).toBe(false);
    expect(sourceDone(10, 10)).toBe(true);
    expect(eventsRemaining(12, 10)).toBe(0);
  });
});
