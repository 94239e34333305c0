// The spectrum analyser on waveforms whose answers are known: a pulse's height
// above the baseline, its position and integral; the trigger channel's rules.
import { describe, expect, it } from 'vitest';
import { createSpectrumAnalyzer } from './spectrum';

const OFFSET_MV = -480;

/** A baseline at −480 mV with pulses (start, height mV) of the muon simulation's shape (25-sample decay). */
function wave(pulses: Array<[number, number]>, samples = 500): Float32Array {
  const x = new Float32Array(samples).fill(OFFSET_MV);
  for (const [start, h] of pulses) for (let k = 0; k < 100 && start + k < samples; k++) x[start + k]! += h * Math.exp(-k / 25);
  return x;
}

describe('the spectrum analyser (mimoCoRB find_peaks)', () => {
  const analyze = createSpectrumAnalyzer({});

  it('gives height above the baseline, position and a positive integral for each channel at the trigger', () => {
    const out = analyze({ chA: wave([[100, 250]]), chB: wave([[102, 120]]) })!;
    expect(out.chA_position).toBe(100);
    expect(out.chA_height).toBeCloseTo(250, 3);
    expect(out.chB_position).toBe(102);
    expect(out.chB_height).toBeCloseTo(120, 3);
    expect(out.chA_integral).toBeGreaterThan(out.chB_integral!);
    expect(out.chB_integral).toBeGreaterThan(0);
  });

  it('writes zeros for a channel whose pulse is outside the tolerance, and drops events without a trigger peak', () => {
    const out = analyze({ chA: wave([[100, 250]]), chB: wave([[300, 200]]) })!;
    expect([out.chB_height, out.chB_position, out.chB_integral]).toEqual([0, 0, 0]);
    expect(analyze({ chA: wave([]), chB: wave([[100, 200]]) })).toBeNull();
  });

  it('takes pre_trigger_samples as the reference when trigger_channel is not A–D', () => {
    const free = createSpectrumAnalyzer({ trigger_channel: 'none' });
    const out = free({ chA: wave([]), chB: wave([[98, 200]]) })!;
    expect(out.chB_position).toBe(98);
    expect(out.chA_height).toBe(0);
  });

  it('names a trigger channel the buffer does not have', () => {
    expect(() => createSpectrumAnalyzer({ trigger_channel: 'C' })({ chA: wave([]), chB: wave([]) })).toThrow(/trigger_channel "C" means field chC, which the buffer read does not have \(it has chA, chB\)/);
  });
});
