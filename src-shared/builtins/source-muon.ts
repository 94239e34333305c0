// builtin:sources/muon — the simulated four-layer muon detector (mimoCoRB's
// pulse simulator). Parameters only; the implementation is
// src-workers/builtins/sources/muon.ts on src-workers/physics/muon-sim.ts (which holds the
// same defaults). Waveforms are in mV with the baseline at analogue_offset.
import { muonSourceLayout } from './layouts';
import type { BuiltinSpec } from './spec';

/** The muon simulation's declaration (mimoCoRB's names and defaults). */
export const SOURCE_MUON: BuiltinSpec = {
  id: 'sources/muon',
  kind: 'source',
  label: 'muon simulation',
  writes: ['raw waveforms (every trigger)'],
  summary:
    'Simulated cosmic muons in four scintillator layers (chA–chD, float32 waveforms in mV): passing muons, and stopped muons whose decay electron gives a second pulse after an exponentially distributed time (τ = 2197 ns).',
  params: [
    { name: 'sample_time_ns', type: 'number', unit: 'ns', default: 4, min: 0.001, max: 1e6, help: 'Time per sample; converts the drawn decay time into a sample position.' },
    { name: 'pre_trigger_samples', type: 'integer', unit: 'samples', default: 500, min: 0, max: 10_000_000, help: 'Sample where the muon’s pulse starts (the trigger position).' },
    { name: 'analogue_offset', type: 'number', unit: 'V', default: -0.48, min: -10, max: 10, help: 'Baseline of every channel, in volts as in mimoCoRB; the waveforms themselves are in mV (−0.48 V → −480 mV).' },
    {
      name: 'trigger_level',
      type: 'number',
      unit: 'mV',
      default: -440,
      min: -10_000,
      max: 10_000,
      help: 'Trigger threshold including the offset (−440 mV = 40 mV above the −480 mV baseline): layer A’s first pulse is redrawn until it reaches it.',
    },
    { name: 'pulseWindow', type: 'integer', unit: 'samples', default: 100, min: 1, max: 100_000, help: 'Length of a pulse: instant rise, then exp(−k/(pulseWindow/4)) for k = 0 … pulseWindow−1.' },
    { name: 'pulseHeight', type: 'number', unit: 'mV', default: 250, min: 0, max: 100_000, help: 'Mean pulse height above the baseline; the noise is ±pulseHeight/60 mV (uniform).' },
    { name: 'pulseSpread', type: 'number', unit: 'mV', default: 75, min: 0, max: 100_000, help: 'Standard deviation of the pulse height (normal), drawn per layer and pulse.' },
    { name: 'prbInteraction', type: 'number', default: 0.95, min: 0, max: 1, help: 'Probability that a layer records a pulse when a particle crosses it (detector efficiency).' },
    { name: 'prb2ndPulse', type: 'number', default: 0.1, min: 0, max: 1, help: 'Probability that the muon stops and decays: first pulse in A and B only, then the electron up (A, B) or down (C, D).' },
    { name: 'sleeptime', type: 'number', unit: 's', default: 0, min: 0, max: 3600, live: true, help: 'Mean wait between events; 0 = as fast as the buffers take them.' },
    { name: 'random', type: 'boolean', default: true, help: 'true: exponentially distributed waits (events at random times, as cosmic rays arrive); false: the same wait every time.' },
    { name: 'events_required', type: 'integer', unit: 'events', default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, help: 'Events to simulate, then the source ends; 0 = unlimited.' },
    {
      name: 'seed',
      type: 'integer',
      default: null,
      min: Number.MIN_SAFE_INTEGER,
      max: Number.MAX_SAFE_INTEGER,
      help: 'Seed of the random numbers: the same seed gives the same waveforms (reproducible runs). Empty = a new seed each run.',
    },
    {
      name: 'eventcount',
      type: 'integer',
      unit: 'events',
      default: null,
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      help: 'mimoCoRB’s name for events_required (its config files use it): counts when events_required is 0. 0 = unlimited.',
    },
    { name: 'number_of_samples', type: 'integer', unit: 'samples', default: null, min: 1, max: 100_000_000, help: 'As in mimoCoRB: when given, must equal channel_per_slot of the buffer written (checked with the setup).' },
  ],
  layout: muonSourceLayout,
};
