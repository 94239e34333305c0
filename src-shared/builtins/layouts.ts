// The record layouts the built-ins produce and consume, as checks the setup
// parser runs (src-shared/setup/parse-layouts.ts): a built-in whose buffers do
// not fit it is an error in `validate`, at the line that connects them, instead
// of a failure (or silently zero-filled fields) at the first event.
import type { LayoutBuffer, LayoutProblem } from './spec';

const FLOATS = ['float32', 'float64'];
const list = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/** The four waveform channels of the muon source and the lifetime filter, in order. */
export const MUON_CHANNELS = ['chA', 'chB', 'chC', 'chD'] as const;

/** The fields the sensors source fills; a buffer it writes holds some of them. */
export const SENSOR_FIELDS = ['time', 'cpu', 'memory', 'battery'] as const;

/** The lifetime filter's pulse parameters (mimoCoRB's RB_3, in its order) and whether each is a fraction (heights, integrals). */
export const PULSE_FIELDS: ReadonlyArray<{ name: string; fraction: boolean }> = (() => {
  const f = [{ name: 'decay_time', fraction: false }];
  for (const pulse of ['1st', '2nd'])
    for (const suffix of ['h', 'p', 'int']) for (const ch of ['chA', 'chB', 'chC']) f.push({ name: `${pulse}_${ch}_${suffix}`, fraction: suffix !== 'p' });
  for (const pulse of ['1st', '2nd']) for (const suffix of ['h', 'p', 'int']) f.push({ name: `${pulse}_chD_${suffix}`, fraction: suffix !== 'p' });
  return f;
})();

/** sources/muon: fills the first (up to four) fields of the buffer it writes with float32 waveforms in place. */
export function muonSourceLayout({ writes }: { writes: LayoutBuffer[] }): LayoutProblem[] {
  const out = writes[0];
  if (!out) return [];
  const problems: string[] = [];
  const wrong = out.fields.slice(0, 4).filter((f) => f.dtype !== 'float32');
  if (wrong.length) problems.push(`its field${wrong.length > 1 ? 's' : ''} ${wrong.map((f) => `${f.name} (${f.dtype})`).join(', ')} must be float32: the muon source writes float32 waveforms (mV) into the first four fields (chA…chD)`);
  const extra = out.fields.slice(4);
  if (extra.length) problems.push(`the muon source fills only the first four fields (the detector layers), so ${list(extra.map((f) => f.name))} would never be written. Remove ${extra.length > 1 ? 'them' : 'it'}, or write ${extra.length > 1 ? 'them' : 'it'} with a filter into another buffer`);
  return problems.map((m) => ({ buffer: out.name, message: `${out.name} does not fit builtin:sources/muon: ${m}.` }));
}

/** sources/sensors: one reading per event; every field of its buffer must be one of the sensors. */
export function sensorsSourceLayout({ writes }: { writes: LayoutBuffer[] }): LayoutProblem[] {
  const out = writes[0];
  if (!out) return [];
  const unknown = out.fields.filter((f) => !(SENSOR_FIELDS as readonly string[]).includes(f.name)).map((f) => f.name);
  if (!unknown.length) return [];
  return [{ buffer: out.name, message: `${out.name} does not fit builtin:sources/sensors: it fills only the fields ${list(SENSOR_FIELDS)}, so ${list(unknown)} would never be written. Remove or rename ${unknown.length > 1 ? 'them' : 'it'}.` }];
}

/**
 * filters/lifetime: reads float32 waveforms chA…chD; writes a copy of the input to its first
 * buffer, and the 25 pulse parameters (one value each) to its second (and third).
 */
export function lifetimeFilterLayout({ reads, writes }: { reads: LayoutBuffer[]; writes: LayoutBuffer[] }): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  const input = reads[0];
  if (input) {
    const missing = MUON_CHANNELS.filter((c) => !input.fields.some((f) => f.name === c));
    const wrong = input.fields.filter((f) => (MUON_CHANNELS as readonly string[]).includes(f.name) && f.dtype !== 'float32');
    if (missing.length || wrong.length) {
      const why = [missing.length ? `it lacks ${list(missing)}` : '', wrong.length ? `${wrong.map((f) => `${f.name} is ${f.dtype}`).join(', ')}` : ''].filter(Boolean).join('; ');
      problems.push({ buffer: input.name, message: `${input.name} does not fit builtin:filters/lifetime: the filter reads the float32 waveforms ${MUON_CHANNELS.join(', ')}; ${why}.` });
    }
  }
  const [copy, ...params] = writes;
  if (copy && input) {
    const why: string[] = [];
    for (const f of copy.fields) {
      const src = input.fields.find((g) => g.name === f.name);
      if (!src) why.push(`${f.name} is not a field of ${input.name} (it would be all zeros)`);
      else if (src.dtype !== f.dtype) why.push(`${f.name} is ${f.dtype} here but ${src.dtype} in ${input.name}`);
    }
    if (copy.samples !== input.samples) why.push(`channel_per_slot is ${copy.samples} here but ${input.samples} in ${input.name}`);
    if (why.length) problems.push({ buffer: copy.name, message: `${copy.name} does not fit builtin:filters/lifetime: its first output buffer receives a copy of each accepted event of ${input.name}, so it needs the same fields; ${why.join('; ')}.` });
  }
  for (const out of params.slice(0, 2)) {
    const names = out.fields.map((f) => f.name);
    const missing = PULSE_FIELDS.filter((p) => !names.includes(p.name)).map((p) => p.name);
    const extra = names.filter((n) => !PULSE_FIELDS.some((p) => p.name === n));
    const truncated = out.fields.filter((f) => PULSE_FIELDS.some((p) => p.name === f.name && p.fraction) && !FLOATS.includes(f.dtype));
    const why: string[] = [];
    if (missing.length) why.push(`it lacks ${list(missing)}`);
    if (extra.length) why.push(`${list(extra)} ${extra.length > 1 ? 'are' : 'is'} not among them (${extra.length > 1 ? 'they' : 'it'} would be all zeros)`);
    if (truncated.length) why.push(`${truncated.map((f) => `${f.name} is ${f.dtype}`).join(', ')}: heights and integrals have fractions, use float32 or float64`);
    if (out.samples !== 1) why.push(`channel_per_slot is ${out.samples}, where each parameter is one value (use 1)`);
    if (why.length)
      problems.push({
        buffer: out.name,
        message: `${out.name} does not fit builtin:filters/lifetime: the filter writes ${PULSE_FIELDS.length} pulse parameters (decay_time, 1st_chA_h … 2nd_chD_int, as in mimoCoRB's RB_3); ${why.join('; ')}.`,
      });
  }
  return problems;
}
