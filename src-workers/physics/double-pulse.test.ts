import { describe, expect, it } from 'vitest';
import {
  analyzeDoublePulse,
  createDoublePulseAnalyzer,
  groupPeaks,
  inferDirection,
  LIFETIME_FILTER_DEFAULTS,
  matchSignature,
  parseSignatures,
  pulseIntegral,
  RB3_FIELDS,
} from './double-pulse';

const BASELINE = -480;

/** Noise-free chA…chD at the baseline with pulses h·exp(−k/25), k < 100, at the given positions. */
function event(pulses: [channel: number, position: number, height: number][], samples = 4250): Float32Array[] {
  const ch = Array.from({ length: 4 }, () => new Float32Array(samples).fill(BASELINE));
  for (const [c, pos, h] of pulses) for (let k = 0; k < 100; k++) ch[c]![pos + k]! += h * Math.exp(-k / 25);
  return ch;
}

describe('RB_3 layout', () => {
  it('has mimoCoRB’s 25 fields in its order and dtypes', () => {
    expect(RB3_FIELDS.map((f) => f.name)).toEqual([
      'decay_time',
      '1st_chA_h', '1st_chB_h', '1st_chC_h',
      '1st_chA_p', '1st_chB_p', '1st_chC_p',
      '1st_chA_int', '1st_chB_int', '1st_chC_int',
      '2nd_chA_h', '2nd_chB_h', '2nd_chC_h',
      '2nd_chA_p', '2nd_chB_p', '2nd_chC_p',
      '2nd_chA_int', '2nd_chB_int', '2nd_chC_int',
      '1st_chD_h', '1st_chD_p', '1st_chD_int',
      '2nd_chD_h', '2nd_chD_p', '2nd_chD_int',
    ]);
    expect(RB3_FIELDS.filter((f) => f.dtype === 'int32').map((f) => f.name)).toEqual([
      'decay_time', '1st_chA_p', '1st_chB_p', '1st_chC_p', '2nd_chA_p', '2nd_chB_p', '2nd_chC_p', '1st_chD_p', '2nd_chD_p',
    ]);
  });
});

describe('analyzeDoublePulse', () => {
  it('accepts an upward decay and measures time, heights, positions and integrals', () => {
    const r = analyzeDoublePulse(event([[0, 500, 200], [1, 500, 180], [0, 1000, 120], [1, 1002, 100]]));
    expect(r).not.toBeNull();
    expect(r!.up).toBe(true);
    // (mean(1000, 1002) − mean(500, 500)) × 4 ns
    expect(r!.decay_time).toBe(2004);
    expect(Object.keys(r!.fields)).toEqual(RB3_FIELDS.map((f) => f.name));
    const f = r!.fields;
    expect(f.decay_time).toBe(2004);
    expect([f['1st_chA_p'], f['1st_chB_p'], f['2nd_chA_p'], f['2nd_chB_p']]).toEqual([500, 500, 1000, 1002]);
    expect(f['1st_chA_h']).toBeCloseTo(200, 3);
    expect(f['2nd_chB_h']).toBeCloseTo(100, 3);
    // Integral: the samples from ⌊left⌋ to ⌈right⌉ − 1 where the pulse crosses 10 mV.
    // Left: 499 + 10/200 → 499 (which adds 0); right: 25·ln(20) = 74.9 → up to sample 574.
    const expected = (200 * (1 - Math.exp(-75 / 25))) / (1 - Math.exp(-1 / 25));
    expect(f['1st_chA_int']).toBeCloseTo(expected, 1);
    // channels without a pulse: −1 everywhere
    for (const k of ['1st_chC_h', '1st_chC_p', '1st_chC_int', '2nd_chD_h', '2nd_chD_p', '2nd_chD_int']) expect(f[k]).toBe(-1);
  });

  it('accepts a downward decay (second pulse in C, D)', () => {
    const r = analyzeDoublePulse(event([[0, 500, 200], [1, 500, 200], [2, 800, 90], [3, 800, 90]]));
    expect(r?.up).toBe(false);
    expect(r?.decay_time).toBe(1200);
    expect(r?.fields['2nd_chC_p']).toBe(800);
    expect(r?.fields['2nd_chA_p']).toBe(-1);
  });

  it('accepts a muon stopped below the detector ([++++] → [000+]) with no direction', () => {
    const r = analyzeDoublePulse(event([[0, 500, 200], [1, 500, 200], [2, 500, 200], [3, 500, 200], [3, 1500, 90]]));
    expect(r?.up).toBeNull();
    expect(r?.decay_time).toBe(4000);
  });

  it('rejects single pulses, missing layers and second pulses below the secondary prominence', () => {
    expect(analyzeDoublePulse(event([[0, 500, 200], [1, 500, 200]]))).toBeNull();
    // B's first pulse below 90 mV does not count: [+−−−] matches no start signature
    expect(analyzeDoublePulse(event([[0, 500, 200], [1, 500, 80], [0, 1000, 100], [1, 1000, 100]]))).toBeNull();
    // second pulse of 30 mV is below the 35 mV threshold everywhere
    expect(analyzeDoublePulse(event([[0, 500, 200], [1, 500, 200], [0, 1000, 30], [1, 1000, 30]]))).toBeNull();
    // a passing muon with no second pulse
    expect(analyzeDoublePulse(event([[0, 500, 200], [1, 500, 200], [2, 500, 200], [3, 500, 200]]))).toBeNull();
    // an "up" electron that also shows in C breaks [0+−−]
    expect(analyzeDoublePulse(event([[0, 500, 200], [1, 500, 200], [1, 1000, 100], [2, 1000, 100]]))).toBeNull();
  });

  it('scales prominences per channel before the thresholds', () => {
    const ev = event([[0, 500, 200], [1, 500, 150], [0, 1000, 100], [1, 1000, 100]]);
    expect(analyzeDoublePulse(ev)).not.toBeNull();
    expect(analyzeDoublePulse(ev, { chB_scaling: 0.5 })).toBeNull(); // 150 · 0.5 < 90
    expect(analyzeDoublePulse(ev, { peak_minimal_prominence_initial: 160 })).toBeNull(); // B: 150 < 160
    expect(analyzeDoublePulse(ev, { peak_minimal_prominence_initial: 160, chB_scaling: 1.2 })).not.toBeNull(); // 180 ≥ 160
  });

  it('groups pulses only when strictly closer than the tolerance', () => {
    // B 19 samples after A: one group; 20 after: two groups, so no [++−−] start
    expect(analyzeDoublePulse(event([[0, 500, 200], [1, 519, 200], [0, 1000, 100], [1, 1000, 100]]))?.decay_time).toBe(
      (1000 - 509.5) * 4,
    );
    expect(analyzeDoublePulse(event([[0, 500, 200], [1, 520, 200], [0, 1000, 100], [1, 1000, 100]]))).toBeNull();
  });

  it('lets the last matching signature decide the direction', () => {
    const ev = event([[0, 500, 200], [1, 500, 200], [1, 1000, 100]]);
    expect(analyzeDoublePulse(ev)?.up).toBe(true);
    const sigs = [...LIFETIME_FILTER_DEFAULTS.signatures, { start: '++--', stop: '0+-0', direction: 'down' as const }];
    expect(analyzeDoublePulse(ev, { signatures: sigs })?.up).toBe(false);
    const reversed = [{ start: '++--', stop: '0+-0', direction: 'down' as const }, ...LIFETIME_FILTER_DEFAULTS.signatures];
    expect(analyzeDoublePulse(ev, { signatures: reversed })?.up).toBe(true);
  });

  it('uses the sample time and the analogue offset', () => {
    const ev = event([[0, 500, 200], [1, 500, 200], [0, 600, 100], [1, 600, 100]]).map((c) => c.map((v) => v + 480 - 100));
    const r = analyzeDoublePulse(ev, { sample_time_ns: 2, analogue_offset: -0.1 });
    expect(r?.decay_time).toBe(200);
    expect(r?.fields['1st_chA_h']).toBeCloseTo(200, 3);
  });

  it('reuses a prepared analyzer', () => {
    const an = createDoublePulseAnalyzer();
    expect(an.signatures.map((s) => s.direction)).toEqual(['up', 'down', null]);
    expect(an(event([[0, 500, 200], [1, 500, 200], [1, 900, 100]]))?.decay_time).toBe(1600);
    expect(() => an([new Float32Array(10), new Float32Array(10), new Float32Array(10), new Float32Array(10), new Float32Array(10)])).toThrow(
      RangeError,
    );
  });
});

describe('double-pulse helpers', () => {
  it('groupPeaks groups by the earliest remaining peak (mimoCoRB’s correlate_peaks)', () => {
    expect(groupPeaks([[500, 1000], [505], [], [1010, 3000]], 20)).toEqual([
      [0, 0, -1, -1],
      [1, -1, -1, 0],
      [-1, -1, -1, 1],
    ]);
    expect(groupPeaks([[], [], [], []], 20)).toEqual([]);
  });

  it('matchSignature needs two groups and honours +, − and 0', () => {
    const [up] = parseSignatures(LIFETIME_FILTER_DEFAULTS.signatures);
    expect(matchSignature([[0, 0, -1, -1]], up!)).toBe(false);
    expect(matchSignature([[0, 0, -1, -1], [-1, 1, -1, -1]], up!)).toBe(true);
    expect(matchSignature([[0, 0, -1, -1], [1, 1, -1, -1]], up!)).toBe(true);
    expect(matchSignature([[0, 0, 0, -1], [1, 1, -1, -1]], up!)).toBe(false);
  });

  it('parses signatures as pairs, strings or objects, and rejects bad ones by index', () => {
    const s = parseSignatures([['++−−', ['0', '+', '-', '-']], { start: '++++', stop: '000+' }]);
    expect(s[0]).toEqual({ start: ['+', '+', '-', '-'], stop: ['0', '+', '-', '-'], direction: 'up' });
    expect(s[1]!.direction).toBeNull();
    expect(inferDirection(['-', '-', '+', '0'])).toBe('down');
    expect(() => parseSignatures([['++-', '0+--']])).toThrow(/signatures\[0\] start/);
    expect(() => parseSignatures([['++-x', '0+--']])).toThrow(/"\+", "-" or "0"/);
    expect(() => parseSignatures([{ start: '++--', stop: '0+--', direction: 'left' as never }])).toThrow(/direction/);
  });

  it('pulseIntegral is 0 for a peak not above 10 mV', () => {
    const x = new Float32Array(20).fill(BASELINE);
    x[10] = BASELINE + 8;
    expect(pulseIntegral(x, 10, 8, 0, 19, BASELINE)).toBe(0);
  });
});
