import { describe, expect, it } from 'vitest';
import { BUILTINS, builtinDefaults, builtinId, checkParamValue, registerBuiltin, type BuiltinSpec } from '../builtins/catalog';
import { parseSetup } from './parse';

// A catalog of its own, so these tests do not depend on which built-ins exist.
const catalog: Record<string, BuiltinSpec> = {};
registerBuiltin(
  {
    id: 'sources/pulses',
    kind: 'source',
    summary: 'simulated pulses',
    params: [
      { name: 'rate', type: 'number', unit: 'Hz', default: 100, min: 0, max: 1e6, help: 'mean event rate' },
      { name: 'count', type: 'integer', default: 0, min: 0, help: 'events to make; 0 = endless' },
      { name: 'shape', type: 'enum', choices: ['gauss', 'exponential'], default: 'gauss', help: 'pulse shape' },
      { name: 'random', type: 'boolean', default: true, help: 'random arrival times' },
    ],
  },
  catalog,
);
registerBuiltin({ id: 'filters/threshold', kind: 'filter', summary: 'cut', params: [{ name: 'threshold', type: 'number', default: 30, help: '' }] }, catalog);
registerBuiltin({ id: 'sinks/table', kind: 'sink', summary: 'csv', params: [{ name: 'filename', type: 'string', default: 'data', help: '' }] }, catalog);

const setup = (fkt1: string, rest = ''): string => `RingBuffer:
  - RB_1: {number_of_slots: 8, channel_per_slot: 1, data_type: float64}
Functions:
  - Fkt_main:
  - Fkt_1:
${fkt1}
  - Fkt_2: {file_name: builtin:sinks/table, RB_assign: {RB_1: read}}
${rest}`;

describe('built-ins in a setup', () => {
  it('accepts a built-in with good parameters and names its parameter section after it', () => {
    const r = parseSetup(setup('      file_name: builtin:sources/pulses\n      RB_assign: {RB_1: write}\n      config: {rate: 20, shape: exponential, random: no, count: 5}'), { builtins: catalog });
    expect(r.problems).toEqual([]);
    expect(r.setup.functions[0]).toMatchObject({ builtin: 'sources/pulses', fkt_name: 'pulses', config: { rate: 20, shape: 'exponential', random: false, count: 5 } });
    expect(r.setup.functions[1]).toMatchObject({ builtin: 'sinks/table', fkt_name: 'table' });
  });

  it.each([
    ['an unknown built-in', '      file_name: builtin:sources/pulse\n      RB_assign: {RB_1: write}', 'error', 'Did you mean "builtin:sources/pulses"?', 'Functions[1].Fkt_1.file_name', 6],
    ['an unknown parameter', '      file_name: builtin:sources/pulses\n      RB_assign: {RB_1: write}\n      config: {rat: 20}', 'warning', 'has no parameter "rat"; it is ignored. Did you mean "rate"?', 'Functions[1].Fkt_1.config.rat', 8],
    ['a parameter of the wrong type', '      file_name: builtin:sources/pulses\n      RB_assign: {RB_1: write}\n      config:\n        rate: fast', 'error', 'rate of Fkt_1 (builtin:sources/pulses) must be a number, not "fast"', 'Functions[1].Fkt_1.config.rate', 9],
    ['a parameter out of range', '      file_name: builtin:sources/pulses\n      RB_assign: {RB_1: write}\n      config:\n        rate: -5', 'error', 'is -5 Hz, below the smallest allowed value 0 Hz', 'Functions[1].Fkt_1.config.rate', 9],
    ['a fractional integer', '      file_name: builtin:sources/pulses\n      RB_assign: {RB_1: write}\n      config:\n        count: 2.5', 'error', 'must be a whole number, not 2.5', 'Functions[1].Fkt_1.config.count', 9],
    ['an enum value misspelt', '      file_name: builtin:sources/pulses\n      RB_assign: {RB_1: write}\n      config:\n        shape: gaus', 'error', 'Did you mean "gauss"?', 'Functions[1].Fkt_1.config.shape', 9],
    ['an empty parameter', '      file_name: builtin:sources/pulses\n      RB_assign: {RB_1: write}\n      config:\n        random:', 'error', 'must be true or false, not empty. Fix it, or delete the line to use the default (true)', 'Functions[1].Fkt_1.config.random', 9],
    ['a source that reads', '      file_name: builtin:sources/pulses\n      RB_assign: {RB_1: read}', 'error', 'a source: it writes events and cannot read a buffer', 'Functions[1].Fkt_1.RB_assign.RB_1', 7],
  ])('reports %s', (_name, fkt1, severity, message, path, line) => {
    const { problems } = parseSetup(setup(fkt1), { builtins: catalog });
    const p = problems.find((x) => x.message.includes(message));
    expect(p, problems.map((x) => `${x.line} ${x.severity} ${x.message}`).join('\n')).toMatchObject({ severity, path, line });
  });

  it('checks the FunctionConfigs section a built-in reads, at its line', () => {
    const { problems } = parseSetup(setup('      file_name: builtin:sources/pulses\n      RB_assign: {RB_1: write}', 'FunctionConfigs:\n  pulses:\n    rate: "20"\n  table: {filenme: x}\n'), { builtins: catalog });
    expect(problems.map((p) => [p.severity, p.line, p.path])).toEqual([
      ['error', 11, 'FunctionConfigs.pulses.rate'],
      ['warning', 12, 'FunctionConfigs.table.filenme'],
    ]);
  });

  it('says which built-ins exist when a name is far off', () => {
    const { problems } = parseSetup(setup('      file_name: builtin:sources/zzz\n      RB_assign: {RB_1: write}'), { builtins: catalog });
    expect(problems[0].message).toContain('Built-ins: builtin:filters/threshold, builtin:sinks/table, builtin:sources/pulses.');
    const none = parseSetup(setup('      file_name: builtin:sources/zzz\n      RB_assign: {RB_1: write}'), { builtins: {} });
    expect(none.problems[0].message).toContain('no built-ins yet');
  });

  it('checks the role of a filter: it must read and write', () => {
    const text = `RingBuffer:
  - RB_1: {number_of_slots: 8, channel_per_slot: 1, data_type: float64}
Functions:
  - Fkt_main:
  - Fkt_1: {file_name: m, fkt_name: f, RB_assign: {RB_1: write}}
  - Fkt_2: {file_name: builtin:filters/threshold, RB_assign: {RB_1: read}}
`;
    const { problems } = parseSetup(text, { builtins: catalog });
    expect(problems.find((p) => p.code === 'builtin-role')?.message).toContain('give it a buffer to write');
  });
});

describe('the catalog', () => {
  it('starts as a working registry and refuses malformed declarations', () => {
    expect(typeof BUILTINS).toBe('object');
    const c: Record<string, BuiltinSpec> = {};
    const spec: BuiltinSpec = { id: 'sinks/x', kind: 'sink', summary: '', params: [{ name: 'a', type: 'integer', default: 1, help: '' }] };
    registerBuiltin(spec, c);
    expect(c['sinks/x']).toBe(spec);
    expect(() => registerBuiltin(spec, c)).toThrow(/twice/);
    expect(() => registerBuiltin({ ...spec, id: 'sinks/y', kind: 'source' }, c)).toThrow(/declared as a source/);
    expect(() => registerBuiltin({ ...spec, id: 'widgets/y' }, c)).toThrow(/must look like/);
    expect(() => registerBuiltin({ ...spec, id: 'sinks/z', params: [spec.params[0], spec.params[0]] }, c)).toThrow(/parameter a twice/);
    expect(builtinDefaults(catalog['sources/pulses'])).toEqual({ rate: 100, count: 0, shape: 'gauss', random: true });
    expect(builtinId('builtin:sinks/csv')).toBe('sinks/csv');
    expect(builtinId('modules/csv')).toBeNull();
  });

  it('checks single values the way the UI editors need', () => {
    const rate = catalog['sources/pulses'].params[0];
    expect(checkParamValue(rate, 10)).toBeNull();
    expect(checkParamValue(rate, 2e6)).toContain('above the largest allowed value 1000000 Hz');
    expect(checkParamValue(rate, Number.NaN)).toContain('must be a number');
    expect(checkParamValue({ name: 's', type: 'string', default: '', help: '' }, 5)).toBe('must be text, not 5');
  });
});
