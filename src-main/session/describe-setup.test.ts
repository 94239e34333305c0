import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSetup } from '../setup/load';
import { describeSetup } from './describe-setup';

const root = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'rs-describe-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('describeSetup', () => {
  it('names the muon example\'s buffers and functions as the built-ins describe themselves', async () => {
    const loaded = await loadSetup(join(root, 'examples', 'muon', 'setup.yaml'), { checkModules: false });
    const d = describeSetup(loaded);
    expect(d.buffers).toEqual({
      RB_1: 'raw waveforms (every trigger)',
      RB_2: 'accepted waveforms (decays)',
      RB_3: 'decay times and pulse parameters',
    });
    expect(d.functions!.map((f) => [f.name, f.description])).toEqual([
      ['Fkt_1', 'muon simulation'],
      ['Fkt_2', 'decay finder'],
      ['Fkt_3', 'CSV export'],
      ['Fkt_4', 'Parquet export'],
      ['Fkt_5', 'Parquet export'],
    ]);
    expect(d.limitsFrom).toEqual({ runevents: undefined, runtime: undefined });
  });

  it('prefers the setup\'s own descriptions, says where limits are written, and finds a source\'s events_required', async () => {
    const path = join(tmp, 'setup.yaml');
    writeFileSync(
      path,
      `RingBuffer:
  - RB_1: {number_of_slots: 8, channel_per_slot: 10, data_type: {1: [chA, float32]}, description: pulses of the PMT, display: {scope: true, histogram: {expected: 2197}}}
Functions:
  - Fkt_main: {runevents: 500}
  - Fkt_1: {file_name: "builtin:sources/muon", fkt_name: sim, RB_assign: {RB_1: write}, config: {events_required: 300}, description: my detector}
  - Fkt_2: {file_name: "builtin:sinks/csv", RB_assign: {RB_1: read}}
`,
    );
    const loaded = await loadSetup(path, { checkModules: false });
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(loaded.setup.buffers[0].display).toEqual({ scope: true, histogram: { expected: 2197 } });
    const d = describeSetup(loaded);
    expect(d.buffers).toEqual({ RB_1: 'pulses of the PMT' });
    expect(d.functions![0]).toEqual({ name: 'Fkt_1', fkt_name: 'sim', description: 'my detector' });
    expect(d.limitsFrom!.runevents).toBe('Fkt_main');
    expect(d.sourceEvents).toEqual({ events: 300, from: 'events_required of Fkt_1' });
  });

  it('refuses a description that is not text and a scope hint that is not true or false, at their lines', async () => {
    const path = join(tmp, 'bad.yaml');
    writeFileSync(
      path,
      `RingBuffer:
  - RB_1: {number_of_slots: 8, channel_per_slot: 1, data_type: {1: [x, float64]}, description: [a, b], display: {scope: maybe}}
Functions:
  - Fkt_1: {file_name: "builtin:sources/sensors", RB_assign: {RB_1: write}}
`,
    );
    const loaded = await loadSetup(path, { checkModules: false });
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => [p.line, p.message])).toEqual(
      expect.arrayContaining([
        [2, expect.stringContaining('description of RB_1 must be text')],
        [2, expect.stringContaining('scope must be true')],
      ]),
    );
  });
});
