// builtin:filters/lifetime — mimoCoRB's double-pulse filter: finds muon decays
// in four-channel waveforms. Writers, in RB_assign order: accepted waveforms
// (a copy of the input), pulse parameters (decay_time + 24 fields), and
// optionally a third buffer: then up decays go to the second, down decays to
// the third (decays not told apart go to both).
import { CHANNELS, createDoublePulseAnalyzer, type LifetimeFilterParams } from '../../physics/double-pulse';
import type { FilterResult, FunctionIO } from '../../runtime/io';

export default async function lifetimeFilter(io: FunctionIO): Promise<void> {
  const analyze = createDoublePulseAnalyzer(io.config as Partial<LifetimeFilterParams>);
  const outputs = Object.keys(io.writers).length;
  if (outputs < 1) throw new Error('filters/lifetime needs at least one buffer to write (accepted waveforms)');
  await io.filter((input): FilterResult => {
    const channels = CHANNELS.map((c) => input.fields[c] as Float32Array | undefined);
    if (!channels[0]) {
      throw new Error(`filters/lifetime reads fields ${CHANNELS.join(', ')}; the input has ${Object.keys(input.fields).join(', ')}`);
    }
    const found = analyze(channels);
    if (!found) return null;
    if (outputs === 1) return true;
    if (outputs === 2) return [true, found.fields];
    return [true, found.up === false ? null : found.fields, found.up === true ? null : found.fields];
  });
}
