import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE, edit } from '../../test/support/setup/two-buffers';
import { hasErrors, parseSetup } from './parse';

describe('parseSetup', () => {
  it('reads a valid setup without problems', () => {
    const { setup, problems } = parseSetup(BASE);
    expect(problems).toEqual([]);
    expect(setup.title).toBe('Two buffers');
    expect(setup.output_directory).toBe('target');
    expect(setup.buffers).toEqual([
      { name: 'RB_1', slots: 16, samples: 100, fields: [{ name: 'chA', dtype: 'float32' }, { name: 'chB', dtype: 'float32' }] },
      { name: 'RB_2', slots: 8, samples: 1, fields: [{ name: 'height', dtype: 'float64' }, { name: 'position', dtype: 'int32' }] },
    ]);
    expect(setup.main).toEqual({ runtime: 10, runevents: 0 });
    expect(setup.functions.map((f) => [f.name, f.fkt_name, f.num_process, f.assign])).toEqual([
      ['Fkt_1', 'source', 1, [{ buffer: 'RB_1', mode: 'write' }]],
      ['Fkt_2', 'filter', 2, [{ buffer: 'RB_1', mode: 'read' }, { buffer: 'RB_2', mode: 'write' }]],
      ['Fkt_3', 'sink', 1, [{ buffer: 'RB_2', mode: 'read' }]],
    ]);
    expect(setup.functions.every((f) => f.builtin === null && f.on_error === 'stop')).toBe(true);
  });

  it('reports every problem at once, in file order', () => {
    const text = edit('number_of_slots: 16', 'number_of_slots: 0').replace('num_process: 2', 'num_process: zero').replace('RB_assign: {RB_2: read}', 'RB_assign: {RB_2: raed}');
    const { problems } = parseSetup(text);
    // (No echo about RB_2 losing its reader: the rejected assignment says it all.)
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [5, 'RingBuffer[0].RB_1.number_of_slots'],
      [24, 'Functions[2].Fkt_2.num_process'],
      [31, 'Functions[3].Fkt_3.RB_assign.RB_2'],
    ]);
    expect(problems.find((p) => p.path.endsWith('RB_assign.RB_2'))?.suggestion).toBe('read');
  });

  it('keeps data_type fields in file order, not sorted by their keys, and reads numpy codes', () => {
    const text = 'RingBuffer:\n  - RB_1:\n      number_of_slots: 4\n      channel_per_slot: 1\n      data_type:\n          1: [a, "int32"]\n          3: [b, "f4"]\n          2: [c, "<i8"]\n          10: [d, float]\n          4: [e, u1]\nFunctions:\n  - Fkt_main:\n  - Fkt_1: {file_name: m, fkt_name: f, num_process: 1, RB_assign: {RB_1: write}}\n';
    const { setup, problems } = parseSetup(text);
    expect(problems.filter((p) => p.severity !== 'note')).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('RB_1 is written but no function reads') }),
    ]);
    expect(setup.buffers[0].fields).toEqual([
      { name: 'a', dtype: 'int32' },
      { name: 'b', dtype: 'float32' },
      { name: 'c', dtype: 'int64' },
      { name: 'd', dtype: 'float64' },
      { name: 'e', dtype: 'uint8' },
    ]);
  });

  it('reads one dtype for the whole slot as a field named data, and our additions', () => {
    const text = `title: Pulses
description: A test
output_directory: runs
epics: {prefix: "LAB:"}
RingBuffer:
  - RB_1:
      number_of_slots: 32
      channel_per_slot: 500
      data_type: f8
      display:
        sample_time_ns: 4
        units: mV
        trigger_level: -40
        pre_trigger_samples: 100
        colors: {data: "#1f77b4"}
        histogram: {field: data, range: [0, 1000], bins: 50}
Functions:
  - Fkt_main: {config_file: config/common.yaml, runtime: 60, runevents: 1000}
  - Fkt_1:
      file_name: modules/src
      fkt_name: src
      RB_assign: {RB_1: write}
      on_error: skip_event
      config: {rate: 20}
  - Fkt_2: {file_name: modules/show, fkt_name: show, RB_assign: {RB_1: observe}}
`;
    const { setup, problems } = parseSetup(text);
    // The epics: section's own validator notes that it is not enabled.
    expect(problems.map((p) => p.code)).toEqual(['disabled', 'only-observed']);
    expect(setup).toMatchObject({
      title: 'Pulses',
      description: 'A test',
      output_directory: 'runs',
      epics: { prefix: 'LAB:' },
      main: { config_file: 'config/common.yaml', runtime: 60, runevents: 1000 },
    });
    expect(setup.buffers[0]).toEqual({
      name: 'RB_1',
      slots: 32,
      samples: 500,
      fields: [{ name: 'data', dtype: 'float64' }],
      display: { sample_time_ns: 4, units: 'mV', trigger_level: -40, pre_trigger_samples: 100, colors: { data: '#1f77b4' }, histogram: { field: 'data', range: [0, 1000], bins: 50 } },
    });
    expect(setup.functions[0]).toMatchObject({ on_error: 'skip_event', config: { rate: 20 }, num_process: 1 });
  });

  it("accepts mimoCoRB's own style: nested - RB_1: blocks, quoted values, yes/no booleans, GUI keys", () => {
    const file = join(import.meta.dirname, '../../test/fixtures/setups/spin/setup.yaml');
    const { setup, problems } = parseSetup(readFileSync(file, 'utf8'));
    expect(hasErrors(problems)).toBe(false);
    expect(problems.map((p) => p.code)).toEqual(['mimocorb-gui-key', 'mimocorb-gui-key', 'only-observed']);
    expect(setup.buffers.map((b) => b.name)).toEqual(['RB_1', 'RB_2', 'RB_3', 'RB_4']);
    expect(setup.buffers[2].fields.map((f) => f.name)).toEqual(['decay_time', '1st_chA_h', '1st_chA_p', '1st_chA_int', '1st_chB_h', '1st_chB_p', '1st_chB_int']);
    expect(setup.functions.map((f) => f.name)).toEqual(['Fkt_1', 'Fkt_2', 'Fkt_3', 'Fkt_4', 'Fkt_5']);
    expect(setup.function_configs.save_to_txt).toEqual({ filename: 'spin' });
  });

  it('refuses more reader groups than a ring buffer has room for', () => {
    const readers = Array.from({ length: 33 }, (_, i) => `  - Fkt_${i + 4}: {file_name: m/sink, fkt_name: sink, RB_assign: {RB_2: read}}\n`).join('');
    const { problems } = parseSetup(BASE + readers);
    expect(problems.find((p) => p.code === 'over-limit')).toMatchObject({ severity: 'error', line: 10, path: 'RingBuffer[1].RB_2', message: expect.stringContaining('34 functions read RB_2; at most 32 can') });
  });

  it('recovers from a list entry whose settings sit level with its name and still checks them', () => {
    const text = edit(
      '  - RB_1:\n      number_of_slots: 16\n      channel_per_slot: 100\n      data_type:\n        1: [chA, float32]\n        2: [chB, float32]\n',
      '  - RB_1:\n    number_of_slots: 0\n    channel_per_slot: 100\n    data_type:\n      1: [chA, float32]\n      2: [chB, float32]\n',
    );
    const { problems } = parseSetup(text);
    expect(problems.map((p) => p.code)).toEqual(expect.arrayContaining(['bad-indent', 'out-of-range']));
  });

  it('reads aliases and merge keys inside the setup', () => {
    const text = BASE.replace('      number_of_slots: 16\n', '      number_of_slots: &slots 16\n').replace('      number_of_slots: 8\n', '      number_of_slots: *slots\n');
    const { setup, problems } = parseSetup(text);
    expect(problems).toEqual([]);
    expect(setup.buffers[1].slots).toBe(16);
  });
});
