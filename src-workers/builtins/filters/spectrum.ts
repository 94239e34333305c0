// builtin:filters/spectrum — mimoCoRB's pulse-height spectrum filter
// (spectrum_filter.find_peaks): per event, the height, position and integral of
// each channel's pulse at the trigger, written to the first output buffer.
import { createSpectrumAnalyzer, type SpectrumFilterParams } from '../../physics/spectrum';
import type { FilterResult, FunctionIO } from '../../runtime/io';

export default async function spectrumFilter(io: FunctionIO): Promise<void> {
  const analyze = createSpectrumAnalyzer(io.config as Partial<SpectrumFilterParams>);
  const output = Object.keys(io.writers)[0];
  if (!output) throw new Error('filters/spectrum needs a buffer to write (the pulse parameters)');
  const wanted = new Set(io.layouts[output]!.fields.map((f) => f.name));
  await io.filter((input): FilterResult => {
    const found = analyze(input.fields as Record<string, ArrayLike<number>>);
    if (!found) return null;
    // Only the output buffer's fields (validation names any it lacks).
    const values: Record<string, number> = {};
    for (const name of wanted) values[name] = found[name] ?? 0;
    return [values];
  });
}
