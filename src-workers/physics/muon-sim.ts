// The muon-lifetime detector simulation behind `builtin:sources/muon`, after
// mimoCoRB's pulseSimulator (examples/modules, KIT): four scintillator layers
// A–D see cosmic muons; a muon that stops decays, and the decay electron gives
// a second pulse in the upper (A, B) or lower (C, D) pair of layers.
//
// Units, as in mimoCoRB: waveforms are in millivolts, with the baseline at the
// analogue offset (analogue_offset is given in volts, −0.48 V → −480 mV) and
// pulses going up from it. trigger_level is in mV *including* the offset
// (−440 mV = 40 mV above the baseline); pulseHeight, pulseSpread and the noise
// are in mV above the baseline. Times are in ns, positions in samples.
import type { Random } from '../../src-shared/random';

/** Simulation parameters, with mimoCoRB's names (see MUON_SIM_DEFAULTS for the values). */
export interface MuonSimParams {
  /** ns per sample. */
  sample_time_ns: number;
  /** Sample where the first (muon) pulse starts. */
  pre_trigger_samples: number;
  /** Baseline in volts (mimoCoRB's unit for this key); the waveform unit is mV. */
  analogue_offset: number;
  /** Trigger threshold in mV including the analogue offset: layer A's first pulse is redrawn until it reaches it. */
  trigger_level: number;
  /** Pulse length in samples; the shape is exp(−k / (pulseWindow/4)), k = 0 … pulseWindow−1, instant rise. */
  pulseWindow: number;
  /** Mean pulse height in mV; with a list, each pulse picks one entry at random (as mimoCoRB). */
  pulseHeight: number | readonly number[];
  /** Standard deviation of the pulse height in mV. */
  pulseSpread: number;
  /** Probability that a layer records a pulse when the particle crosses it. */
  prbInteraction: number;
  /** Probability that a muon stops in the absorber and decays (a second pulse). */
  prb2ndPulse: number;
  /** Mean wait between events in seconds; 0 = as fast as possible. */
  sleeptime: number;
  /** true: exponentially distributed waits (Poisson arrivals); false: a fixed wait. */
  random: boolean;
  /** Number of events to produce; 0 = unlimited. */
  events_required: number;
  /** Seed for reproducible runs; null/undefined = a fresh seed each run. */
  seed?: number | string | null;
  /** mimoCoRB's name for events_required: used when events_required is 0. */
  eventcount?: number | null;
  /** mimoCoRB's check: when given, the buffer's channel_per_slot (validation compares them). */
  number_of_samples?: number | null;
}

/** mimoCoRB's defaults for the simulation (pulseSimulator and examples/config). */
export const MUON_SIM_DEFAULTS: Readonly<MuonSimParams> = Object.freeze({
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
  seed: null,
  eventcount: null,
  number_of_samples: null,
});

/** The muon lifetime used by the simulation, ns (mimoCoRB's tau_mu). */
export const MUON_LIFETIME_NS = 2197;
/** Spin-precession period, ns (mimoCoRB: 0.85 × tau_mu). */
export const SPIN_PERIOD_NS = 0.85 * MUON_LIFETIME_NS;
/** Relative amplitude of the up/down asymmetry from spin precession (mimoCoRB's A_spin). */
export const SPIN_AMPLITUDE = 0.03;

/** After this many redraws below the trigger level, layer A's first pulse gets exactly the trigger level. */
const MAX_TRIGGER_REDRAWS = 10_000;

/** What the simulation drew for one event (the truth a test or a display can compare with). */
export interface MuonEventTruth {
  /** The muon stopped and decayed. */
  stopped: boolean;
  /** The drawn decay time in ns (stopped muons only; the second pulse may lie beyond the record). */
  decayTime_ns?: number;
  /** The decay electron went up (layers A, B) rather than down (C, D); stopped muons only. */
  up?: boolean;
}

const templates = new Map<number, Float32Array>();

/** The pulse shape exp(−k/τ), τ = pulseWindow/4, in float32 as mimoCoRB computes it. */
export function pulseTemplate(pulseWindow: number): Float32Array {
  let t = templates.get(pulseWindow);
  if (!t) {
    const tau = pulseWindow / 4;
    t = new Float32Array(pulseWindow);
    for (let k = 0; k < pulseWindow; k++) t[k] = Math.exp(-k / tau);
    templates.set(pulseWindow, t);
  }
  return t;
}

/** Problems with a parameter set, as messages naming the key; empty when it is usable. */
export function checkMuonSimParams(p: MuonSimParams): string[] {
  const errors: string[] = [];
  const need = (key: keyof MuonSimParams, ok: boolean, what: string): void => {
    if (!ok) errors.push(`${key}: ${what} (got ${JSON.stringify(p[key])})`);
  };
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  need('sample_time_ns', finite(p.sample_time_ns) && p.sample_time_ns > 0, 'must be a number > 0');
  need(
    'pre_trigger_samples',
    Number.isInteger(p.pre_trigger_samples) && p.pre_trigger_samples >= 0,
    'must be an integer ≥ 0',
  );
  need('analogue_offset', finite(p.analogue_offset), 'must be a number (volts)');
  need('trigger_level', finite(p.trigger_level), 'must be a number (mV, including the offset)');
  need('pulseWindow', Number.isInteger(p.pulseWindow) && p.pulseWindow >= 1, 'must be an integer ≥ 1');
  const heights = typeof p.pulseHeight === 'number' ? [p.pulseHeight] : p.pulseHeight;
  need(
    'pulseHeight',
    Array.isArray(heights) && heights.length > 0 && heights.every(finite),
    'must be a number or a non-empty list of numbers (mV)',
  );
  need('pulseSpread', finite(p.pulseSpread) && p.pulseSpread >= 0, 'must be a number ≥ 0 (mV)');
  need('prbInteraction', finite(p.prbInteraction) && p.prbInteraction >= 0 && p.prbInteraction <= 1, 'must be in [0, 1]');
  need('prb2ndPulse', finite(p.prb2ndPulse) && p.prb2ndPulse >= 0 && p.prb2ndPulse <= 1, 'must be in [0, 1]');
  need('sleeptime', finite(p.sleeptime) && p.sleeptime >= 0, 'must be a number ≥ 0 (seconds)');
  need('random', typeof p.random === 'boolean', 'must be true or false');
  need(
    'events_required',
    Number.isSafeInteger(p.events_required) && p.events_required >= 0,
    'must be an integer ≥ 0 (0 = unlimited)',
  );
  if (p.seed !== undefined && p.seed !== null) {
    need('seed', typeof p.seed === 'string' || Number.isSafeInteger(p.seed), 'must be an integer or a string');
  }
  return errors;
}

function drawHeight(rng: Random, heights: number | readonly number[], spread: number): number {
  const mean = typeof heights === 'number' ? heights : heights[heights.length === 1 ? 0 : rng.integer(heights.length)]!;
  return mean + spread * rng.normal();
}

function addPulse(ch: Float32Array, start: number, height: number, template: Float32Array): void {
  const end = Math.min(ch.length, start + template.length);
  for (let i = Math.max(0, start); i < end; i++) ch[i] = ch[i]! + height * template[i - start]!;
}

/**
 * Simulates one event into `channels` (layers A, B, C, D …, each the buffer's
 * samples), overwriting them: uniform noise of ±pulseHeight/60 mV around the
 * baseline, the muon's pulse at pre_trigger_samples (A, B for a stopped muon;
 * every layer for a passing one), and for a stopped muon the decay electron's
 * pulse at pre_trigger_samples + ⌊t / sample_time_ns⌋ in A, B (up) or C, D (down),
 * drawn only when it starts before samples − pulseWindow. Returns the truth.
 */
export function simulateMuonEvent(rng: Random, params: MuonSimParams, channels: readonly Float32Array[]): MuonEventTruth {
  const nchan = channels.length;
  if (nchan === 0) return { stopped: false };
  const samples = channels[0]!.length;
  for (const ch of channels) {
    if (ch.length !== samples) throw new RangeError('simulateMuonEvent: all channels must have the same number of samples');
  }
  const offsetMv = params.analogue_offset * 1000;
  const triggerAboveBaseline = params.trigger_level - offsetMv;
  const plen = params.pulseWindow;
  const template = pulseTemplate(plen);
  const heights = params.pulseHeight;
  const meanHeight =
    typeof heights === 'number' ? heights : heights.reduce((a, b) => a + b, 0) / Math.max(1, heights.length);
  const noise = meanHeight / 30;
  const spread = params.pulseSpread;
  const eff = params.prbInteraction;
  const mnPosition = params.pre_trigger_samples;
  const mxPosition = samples - plen;

  // noise · (0.5 − U) around the baseline, U uniform in [0, 1)
  for (const ch of channels) rng.fillUniform(ch, offsetMv + 0.5 * noise, -noise);

  const stopped = rng.uniform() < params.prb2ndPulse;
  const n1 = stopped ? Math.min(2, nchan) : nchan;
  for (let layer = 0; layer < n1; layer++) {
    let h = drawHeight(rng, heights, spread);
    if (layer === 0) {
      let redraws = 0;
      while (h < triggerAboveBaseline) {
        if (++redraws > MAX_TRIGGER_REDRAWS) {
          h = triggerAboveBaseline;
          break;
        }
        h = drawHeight(rng, heights, spread);
      }
    }
    if (rng.uniform() < eff) addPulse(channels[layer]!, mnPosition, h, template);
  }
  if (!stopped) return { stopped: false };

  const t = rng.exponential(MUON_LIFETIME_NS);
  const pos2 = Math.floor(t / params.sample_time_ns) + mnPosition;
  const up = rng.uniform() < 0.5 + 0.5 * SPIN_AMPLITUDE * Math.cos((2 * Math.PI * t) / SPIN_PERIOD_NS);
  const from = up ? 0 : Math.min(nchan, 2);
  const to = up ? Math.min(nchan, 2) : Math.min(nchan, 4);
  for (let layer = from; layer < to; layer++) {
    const h = drawHeight(rng, heights, spread);
    if (rng.uniform() < eff && pos2 < mxPosition) addPulse(channels[layer]!, pos2, h, template);
  }
  return { stopped: true, decayTime_ns: t, up };
}

/**
 * Seconds to wait before the next event: 0 when sleeptime is 0; an exponential
 * deviate with mean sleeptime when `random` (Poisson arrivals); else sleeptime.
 * Draw it from a generator of its own so the waveforms of a seed do not depend on the rate.
 */
export function nextWaitSeconds(rng: Random, params: Pick<MuonSimParams, 'sleeptime' | 'random'>): number {
  if (!(params.sleeptime > 0)) return 0;
  return params.random ? rng.exponential(params.sleeptime) : params.sleeptime;
}

/** Events still to produce after `produced` of events_required (0 = unlimited → Infinity). */
export function eventsRemaining(produced: number, events_required: number): number {
  if (!(events_required > 0)) return Number.POSITIVE_INFINITY;
  return Math.max(0, events_required - produced);
}

/** True when the source has produced all it should (never for events_required = 0). */
export function sourceDone(produced: number, events_required: number): boolean {
  return eventsRemaining(produced, events_required) === 0;
}
