// builtin:filters/lifetime — mimoCoRB's double-pulse filter for the muon
// lifetime. Parameters only; the implementation is src-workers/builtins/filters/lifetime.ts
// on src-workers/physics/double-pulse.ts (which holds the same defaults).
// Prominences are in mV (independent of the baseline), distances and widths in samples.
import { lifetimeFilterLayout } from './layouts';
import type { BuiltinSpec } from './spec';

const scaling = (ch: string): BuiltinSpec['params'][number] => ({
  name: `${ch}_scaling`,
  type: 'number',
  default: 1,
  min: 0.001,
  max: 1000,
  help: `Factor on ${ch}'s pulse prominences before the thresholds, to even out the layers' gains.`,
});

/** The lifetime filter's declaration (mimoCoRB's names and defaults). */
export const FILTER_LIFETIME: BuiltinSpec = {
  id: 'filters/lifetime',
  kind: 'filter',
  label: 'decay finder',
  writes: ['accepted waveforms (decays)', 'decay times and pulse parameters', 'decay times and pulse parameters (down decays)'],
  summary:
    'Finds muon decays: pulses per channel (scipy find_peaks rules), grouped across chA–chD, matched against start/stop signatures. Accepted waveforms go to the first buffer, decay_time and the pulse parameters (25 fields) to the second; with a third, up decays to the second and down decays to the third.',
  params: [
    { name: 'sample_time_ns', type: 'number', unit: 'ns', default: 4, min: 0.001, max: 1e6, help: 'Time per sample; decay_time = sample difference × this.' },
    { name: 'analogue_offset', type: 'number', unit: 'V', default: -0.48, min: -10, max: 10, help: 'Baseline in volts (waveforms in mV): heights and integrals are measured above it.' },
    { name: 'peak_minimal_prominence_initial', type: 'number', unit: 'mV', default: 90, min: 0, max: 100_000, help: 'A channel counts in the first (muon) pulse group when its pulse’s prominence × scaling reaches this.' },
    { name: 'peak_minimal_prominence_secondary', type: 'number', unit: 'mV', default: 35, min: 0, max: 100_000, help: 'A channel counts in the second (decay electron) group when its prominence × scaling reaches this; also the threshold of the peak search (the smaller of the two).' },
    { name: 'peak_minimal_distance', type: 'number', unit: 'samples', default: 10, min: 1, max: 1_000_000, help: 'Peaks of one channel closer than this: only the higher counts.' },
    { name: 'peak_minimal_width', type: 'number', unit: 'samples', default: 10, min: 0, max: 1_000_000, help: 'Minimal pulse width at half its prominence; shorter spikes are noise.' },
    { name: 'trigger_position_tolerance', type: 'number', unit: 'samples', default: 20, min: 0, max: 1_000_000, help: 'Pulses of different channels less than this apart form one group (one particle).' },
    scaling('chA'),
    scaling('chB'),
    scaling('chC'),
    scaling('chD'),
    {
      name: 'signatures',
      type: 'list',
      default: [
        [['+', '+', '-', '-'], ['0', '+', '-', '-']],
        [['+', '+', '-', '-'], ['-', '-', '+', '0']],
        [['+', '+', '+', '+'], ['0', '0', '0', '+']],
      ],
      help: 'Start and stop patterns over chA…chD, as [[start], [stop]] pairs: "+" a pulse, "-" none, "0" either (rows may also be written as strings, "++--"). The last matching signature wins; its direction (up: stop pulse in A/B only, down: in C/D only) picks the output buffer.',
    },
  ],
  layout: lifetimeFilterLayout,
};
