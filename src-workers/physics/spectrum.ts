// mimoCoRB's pulse-height spectrum filter (examples/modules/spectrum_filter.py,
// find_peaks → tag_pulses), for builtin:filters/spectrum: peaks per channel by
// scipy's find_peaks rules (prominence, distance, width), a reference position
// from the trigger channel's peak nearest pre_trigger_samples (no peak there: the
// event is rejected), and for every channel its peak within
// trigger_position_tolerance of it: height above the baseline, position and
// integral. Arithmetic as in the Python: float32 sums, float64 products.
import { findPeaks } from './peaks';

/** The filter's parameters, with mimoCoRB's names (spectrum_config.yaml's values as defaults). */
export interface SpectrumFilterParams {
  sample_time_ns: number;
  /** Baseline in volts; the waveforms are in mV. */
  analogue_offset: number;
  /** mV: minimal prominence of a peak. */
  peak_minimal_prominence: number;
  /** Samples between neighbouring peaks of a channel (the higher wins). */
  peak_minimal_distance: number;
  /** Samples: minimal width at half prominence. */
  peak_minimal_width: number;
  /** The nominal trigger position (samples). */
  pre_trigger_samples: number;
  /** 'A' … 'D': the channel ch<X> whose peak sets the reference; anything else: pre_trigger_samples. */
  trigger_channel: string;
  /** Samples: a peak counts when it is less than this from the reference. */
  trigger_position_tolerance: number;
}

/** spectrum_config.yaml's values (upstream's find_peaks has no defaults: every key is required there). */
export const SPECTRUM_DEFAULTS: Readonly<SpectrumFilterParams> = Object.freeze({
  sample_time_ns: 4,
  analogue_offset: -0.48,
  peak_minimal_prominence: 50,
  peak_minimal_distance: 10,
  peak_minimal_width: 7,
  pre_trigger_samples: 100,
  trigger_channel: 'A',
  trigger_position_tolerance: 7,
});

/** The three values written per channel: `<channel>_height`, `_position`, `_integral`. */
export const SPECTRUM_SUFFIXES = ['height', 'position', 'integral'] as const;

/** Output values by field name (`chA_height` …); channels without a peak near the reference are 0. */
export type SpectrumValues = Record<string, number>;

/**
 * Returns the analyser for one parameter set: it takes the event's channels by
 * name and gives the output fields, or null when the trigger channel has no peak.
 */
export function createSpectrumAnalyzer(config: Partial<SpectrumFilterParams>): (channels: Record<string, ArrayLike<number>>) => SpectrumValues | null {
  const p = { ...SPECTRUM_DEFAULTS, ...config };
  const offset = p.analogue_offset * 1000;
  const trigger = ['A', 'B', 'C', 'D'].includes(p.trigger_channel) ? `ch${p.trigger_channel}` : null;
  const options = { prominence: p.peak_minimal_prominence, distance: p.peak_minimal_distance, width: p.peak_minimal_width };
  return (channels) => {
    const found: Record<string, ReturnType<typeof findPeaks>> = {};
    for (const [name, x] of Object.entries(channels)) found[name] = findPeaks(x, options);
    let reference = p.pre_trigger_samples;
    if (trigger !== null && !(trigger in channels)) {
      // mimoCoRB fails here with a KeyError; say what is wrong instead of dropping every event
      throw new Error(`filters/spectrum: trigger_channel "${p.trigger_channel}" means field ${trigger}, which the buffer read does not have (it has ${Object.keys(channels).join(', ')}); set trigger_channel to one of them, or to "none" for pre_trigger_samples`);
    }
    if (trigger !== null) {
      const peaks = found[trigger]?.peaks;
      if (!peaks || peaks.length === 0) return null;
      // numpy's argmin: the first of equally near peaks
      let best = 0;
      for (let i = 1; i < peaks.length; i++) if (Math.abs(peaks[i]! - p.pre_trigger_samples) < Math.abs(peaks[best]! - p.pre_trigger_samples)) best = i;
      reference = peaks[best]!;
    }
    const out: SpectrumValues = {};
    for (const [name, x] of Object.entries(channels)) {
      for (const s of SPECTRUM_SUFFIXES) out[`${name}_${s}`] = 0;
      const f = found[name]!;
      for (let i = 0; i < f.peaks.length; i++) {
        const position = f.peaks[i]!;
        if (!(Math.abs(reference - position) < p.trigger_position_tolerance)) continue;
        // a later peak within the tolerance overwrites an earlier one, as in the Python loop
        out[`${name}_position`] = position;
        out[`${name}_height`] = x[position]! - offset;
        const left = Math.floor(f.left_ips![i]!);
        const right = Math.ceil(f.right_ips![i]!);
        let sum = 0; // Python's sum() over a float32 array: accumulated in float32
        for (let k = left; k < right; k++) sum = Math.fround(sum + Math.fround(x[k]! - offset));
        // the same order of float64 operations as the Python
        out[`${name}_integral`] = (((sum * p.sample_time_ns) * 1e-9) / 50) / 5;
      }
    }
    return out;
  };
}
