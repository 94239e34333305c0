// builtin:filters/spectrum — mimoCoRB's pulse-height spectrum filter
// (spectrum_filter.find_peaks, used by its demo_setup). Parameters only; the
// implementation is src-workers/builtins/filters/spectrum.ts on
// src-workers/physics/spectrum.ts (which holds the same defaults).
import type { BuiltinSpec, LayoutBuffer, LayoutProblem } from './spec';

const SUFFIXES = ['height', 'position', 'integral'];

/** filters/spectrum: reads waveforms; writes `<channel>_height/_position/_integral` (one value each) for the channels it reads. */
export function spectrumFilterLayout({ reads, writes }: { reads: LayoutBuffer[]; writes: LayoutBuffer[] }): LayoutProblem[] {
  const input = reads[0];
  const out = writes[0];
  if (!input || !out) return [];
  const wanted = input.fields.flatMap((f) => SUFFIXES.map((s) => `${f.name}_${s}`));
  const names = out.fields.map((f) => f.name);
  const missing = wanted.filter((n) => !names.includes(n));
  const extra = names.filter((n) => !wanted.includes(n));
  const why: string[] = [];
  if (missing.length) why.push(`it lacks ${missing.map((n) => `"${n}"`).join(', ')}`);
  if (extra.length) why.push(`${extra.map((n) => `"${n}"`).join(', ')} would never be written`);
  if (out.samples !== 1) why.push(`channel_per_slot is ${out.samples}, where each value is one number (use 1)`);
  if (!why.length) return [];
  return [
    {
      buffer: out.name,
      message: `${out.name} does not fit builtin:filters/spectrum: for every field of ${input.name} (${input.fields.map((f) => f.name).join(', ')}) the filter writes <field>_height, <field>_position and <field>_integral, as mimoCoRB's find_peaks; ${why.join('; ')}.`,
    },
  ];
}

/** The spectrum filter's declaration (mimoCoRB's names; defaults from its spectrum_config.yaml). */
export const FILTER_SPECTRUM: BuiltinSpec = {
  id: 'filters/spectrum',
  kind: 'filter',
  summary:
    "Pulse-height spectrum, as mimoCoRB's spectrum_filter.find_peaks: peaks per channel (scipy find_peaks rules); an event whose trigger channel has no peak is dropped; for each channel, the peak within trigger_position_tolerance of the trigger peak gives <channel>_height (mV above the baseline), _position (sample) and _integral (0 when there is none).",
  params: [
    { name: 'sample_time_ns', type: 'number', unit: 'ns', default: 4, min: 0.001, max: 1e6, help: 'Time per sample; scales the integral.' },
    { name: 'analogue_offset', type: 'number', unit: 'V', default: -0.48, min: -10, max: 10, help: 'Baseline in volts (waveforms in mV): heights and integrals are measured above it.' },
    { name: 'peak_minimal_prominence', type: 'number', unit: 'mV', default: 50, min: 0, max: 100_000, help: 'A peak needs at least this prominence; keep it above the noise.' },
    { name: 'peak_minimal_distance', type: 'number', unit: 'samples', default: 10, min: 1, max: 1_000_000, help: 'Peaks of one channel closer than this: only the higher counts.' },
    { name: 'peak_minimal_width', type: 'number', unit: 'samples', default: 7, min: 0, max: 1_000_000, help: 'Minimal width at half the prominence; shorter spikes are noise.' },
    { name: 'pre_trigger_samples', type: 'integer', unit: 'samples', default: 100, min: 0, max: 10_000_000, help: 'The nominal trigger position: the trigger channel’s peak nearest to it is the reference.' },
    { name: 'trigger_channel', type: 'string', default: 'A', help: '"A" … "D": the channel chA … chD whose peak is the reference (no peak: the event is dropped); anything else: pre_trigger_samples is.' },
    { name: 'trigger_position_tolerance', type: 'number', unit: 'samples', default: 7, min: 0, max: 1_000_000, help: 'A channel’s peak counts when it is less than this from the reference.' },
    { name: 'number_of_samples', type: 'integer', unit: 'samples', default: null, min: 1, max: 100_000_000, help: 'As in mimoCoRB: when given, must equal channel_per_slot of the buffer read (checked with the setup).' },
  ],
  layout: spectrumFilterLayout,
};
