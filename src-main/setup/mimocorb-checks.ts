// mimoCoRB's own checks, kept where its setups expect them: a source's or
// filter's `number_of_samples` must equal channel_per_slot of its buffer
// (mimoCoRB's simul_source and file_source exit with "requested number of
// samples does not match buffer size"); here it is an error before the run.
import type { KeyPath, Setup } from '../../src-shared/setup/types';

/** Reports built-ins whose merged `number_of_samples` differs from channel_per_slot of the buffer they write (sources) or read. */
export function numberOfSamplesProblems(
  setup: Setup,
  functions: Record<string, { config: Record<string, unknown>; origin: Record<string, string> }>,
  functionPaths: Record<string, KeyPath>,
  at: (severity: 'error', path: KeyPath, message: string, code: string) => void,
): void {
  for (const f of setup.functions) {
    const resolved = functions[f.name];
    const where = functionPaths[f.name];
    const wanted = resolved?.config.number_of_samples;
    if (!f.builtin || !where || typeof wanted !== 'number') continue;
    const mode = f.builtin.startsWith('sources/') ? 'write' : 'read';
    const name = f.assign.find((a) => a.mode === mode)?.buffer;
    const buffer = setup.buffers.find((b) => b.name === name);
    if (!buffer || buffer.samples === wanted) continue;
    at(
      'error',
      [...where, 'RB_assign', buffer.name],
      `${f.name} (builtin:${f.builtin}): number_of_samples is ${wanted} (from ${resolved.origin.number_of_samples ?? 'its parameters'}), but ${buffer.name} has channel_per_slot ${buffer.samples}; mimoCoRB stops with "requested number of samples does not match buffer size". Make them equal, or delete number_of_samples.`,
      'number-of-samples',
    );
  }
}
