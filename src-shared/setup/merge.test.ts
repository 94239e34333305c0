import { describe, expect, it } from 'vitest';
import type { BuiltinSpec } from '../builtins/catalog';
import { configLayers, mergeConfig, resolveFunctionConfig, resolveRunLimits } from './merge';
import { parseSetup } from './parse';

const spec: BuiltinSpec = {
  id: 'filters/threshold',
  kind: 'filter',
  summary: 'keeps events above a threshold',
  params: [
    { name: 'threshold', type: 'number', default: 10, help: '' },
    { name: 'channel', type: 'string', default: 'chA', help: '' },
    { name: 'invert', type: 'boolean', default: false, help: '' },
  ],
};

describe('mergeConfig', () => {
  it('merges key by key, later layers winning, and records where each value came from', () => {
    const m = mergeConfig([
      { source: 'a', values: { x: 1, y: 1, nested: { p: 1, q: 1 } } },
      { source: 'b', values: undefined },
      { source: 'c', values: { y: 2, nested: { p: 2 } } },
      { source: 'd', values: { z: null } },
    ]);
    expect(m.config).toEqual({ x: 1, y: 2, nested: { p: 2 }, z: null });
    expect(m.origin).toEqual({ x: 'a', y: 'c', nested: 'c', z: 'd' });
  });

  it('layers a function in the documented order: defaults, FunctionConfigs, common section, config_file, inline config', () => {
    const { setup } = parseSetup(`RingBuffer:
  - RB_1: {number_of_slots: 4, channel_per_slot: 1, data_type: f8}
  - RB_2: {number_of_slots: 4, channel_per_slot: 1, data_type: f8}
Functions:
  - Fkt_main: {config_file: common.yaml}
  - Fkt_1: {file_name: m/src, fkt_name: src, RB_assign: {RB_1: write}}
  - Fkt_2:
      file_name: builtin:filters/threshold
      fkt_name: cut
      RB_assign: {RB_1: read, RB_2: write}
      config_file: cut.yaml
      config: {invert: true}
  - Fkt_3: {file_name: m/sink, fkt_name: sink, RB_assign: {RB_2: read}}
FunctionConfigs:
  cut: {threshold: 20, channel: chB, extra: 1}
`, { builtins: { [spec.id]: spec } });
    const fn = setup.functions[1];
    const inputs = {
      builtin: spec,
      common: { label: 'common.yaml', values: { general: { runtime: 5 }, cut: { threshold: 30 }, other: { threshold: 99 } } },
      file: { label: 'cut.yaml', values: { channel: 'chC' } },
    };
    expect(configLayers(fn, setup, inputs).map((l) => l.source)).toEqual([
      'defaults of builtin:filters/threshold',
      'FunctionConfigs.cut',
      'common.yaml (section cut)',
      'cut.yaml',
      'Fkt_2.config',
    ]);
    const m = resolveFunctionConfig(fn, setup, inputs);
    expect(m.config).toEqual({ threshold: 30, channel: 'chC', invert: true, extra: 1 });
    expect(m.origin).toEqual({ threshold: 'common.yaml (section cut)', channel: 'cut.yaml', invert: 'Fkt_2.config', extra: 'FunctionConfigs.cut' });
    // A user module has no defaults layer and nothing from sections named after other functions.
    expect(resolveFunctionConfig(setup.functions[0], setup, { common: inputs.common }).config).toEqual({});
  });
});

describe('resolveRunLimits', () => {
  it("uses Fkt_main's non-zero values, else the common config's general:, else 0", () => {
    expect(resolveRunLimits({ runtime: 60, runevents: 0 }, { runtime: 600, runevents: 1000 })).toEqual({
      runtime: 60,
      runevents: 1000,
      from: { runtime: 'Fkt_main', runevents: 'general' },
    });
    expect(resolveRunLimits({ runtime: 0, runevents: 0 }, undefined)).toEqual({ runtime: 0, runevents: 0, from: { runtime: 'default', runevents: 'default' } });
    expect(resolveRunLimits({ runtime: 0, runevents: 0 }, { runtime: 'long' })).toMatchObject({ runtime: 0 });
  });
});
