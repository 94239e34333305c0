import { describe, expect, it } from 'vitest';
import { parseEpicsSection, validateEpicsSection } from './epics-schema';

const context = {
  buffers: [
    { name: 'RB_1', samples: 1, fields: [{ name: 'time', dtype: 'float64' }, { name: 'cpu', dtype: 'float32' }] },
    { name: 'RB_2', samples: 4250, fields: [{ name: 'ch1', dtype: 'float32' }] },
  ],
  functions: [{ name: 'Fkt_1', fkt_name: 'sensors' }],
};

describe('epics: section', () => {
  it('normalises a full section with defaults', () => {
    const { config, problems } = parseEpicsSection(
      {
        enabled: true,
        prefix: 'simple_daq:',
        port: 5070,
        commands: true,
        pvs: [
          { name: 'TIME', buffer: 'RB_1', field: 'time', format: 'ctime' },
          { name: 'CPU', buffer: 'RB_1', field: 'cpu', units: '%', precision: 1, limits: { display: [0, 100], alarm: [null, 95], warning: { high: 80 } } },
          { name: 'WAVE', buffer: 'RB_2', field: 'ch1' },
          { name: 'COUNTER', buffer: 'RB_2', field: 'counter' },
          { name: 'dt', function: 'Fkt_1', param: 'dt', units: 's', precision: 3, limits: { control: [0.05, 60] } },
        ],
      },
      context,
    );
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ enabled: true, prefix: 'simple_daq:', port: 5070, rate: 10, status: true, commands: true, repeater: true });
    expect(config!.pvs).toEqual([
      { kind: 'field', name: 'TIME', type: 'string', buffer: 'RB_1', field: 'time', format: 'ctime' },
      { kind: 'field', name: 'CPU', type: 'float', buffer: 'RB_1', field: 'cpu', units: '%', precision: 1, limits: { display: { low: 0, high: 100 }, alarm: { high: 95 }, warning: { high: 80 } } },
      { kind: 'field', name: 'WAVE', type: 'float', buffer: 'RB_2', field: 'ch1' },
      { kind: 'field', name: 'COUNTER', type: 'double', buffer: 'RB_2', field: 'counter' },
      { kind: 'param', name: 'dt', type: 'double', function: 'Fkt_1', param: 'dt', units: 's', precision: 3, limits: { control: { low: 0.05, high: 60 } } },
    ]);
  });

  it('is off without enabled, and says so in a note', () => {
    const { config, problems } = parseEpicsSection({ prefix: 'X:' });
    expect(config?.enabled).toBe(false);
    expect(problems).toEqual([expect.objectContaining({ severity: 'note', path: 'epics.enabled' })]);
    expect(parseEpicsSection(undefined)).toEqual({ config: null, problems: [] });
  });

  it('names the key path, the wrong value and what would be right', () => {
    const problems = validateEpicsSection(
      {
        enabled: 'yes',
        prefx: 'A:',
        port: 70000,
        pvs: [
          { name: 'CPU', buffer: 'RB_1', field: 'cpuu' },
          { name: 'X', buffer: 'RB_9', field: 'x' },
          { name: 'Y', function: 'Fkt_7', param: 'dt' },
          { name: 'Z' },
          { name: 'W', buffer: 'RB_1', field: 'cpu', function: 'Fkt_1', param: 'dt' },
          { name: 'U', buffer: 'RB_1', field: 'cpu', units: 'kilograms', type: 'dubble', limits: { alarm: [5, 1] } },
          { name: 'RB_1:RATE', buffer: 'RB_1', field: 'cpu' },
          { name: 'E', function: 'Fkt_1', param: 'mode', type: 'enum' },
          { name: 'I', buffer: 'RB_2', field: 'ch1', index: 5000 },
          'CPU',
        ],
      },
      context,
    );
    const by = (path: string): string => problems.filter((p) => p.path === path).map((p) => p.message).join(' | ');
    expect(by('epics.enabled')).toMatch(/true or false, not "yes"/);
    expect(by('epics.prefx')).toMatch(/did you mean "prefix"/);
    expect(by('epics.port')).toMatch(/from 1 to 65535, not 70000/);
    expect(by('epics.pvs[0].field')).toMatch(/RB_1 has no field "cpuu" — did you mean "cpu"/);
    expect(by('epics.pvs[1].buffer')).toMatch(/no buffer "RB_9"/);
    expect(by('epics.pvs[2].function')).toMatch(/no function "Fkt_7" in this setup.*\(functions: Fkt_1\)/);
    expect(by('epics.pvs[3]')).toMatch(/either buffer and field .* or function and param/);
    expect(by('epics.pvs[4]')).toMatch(/has both/);
    expect(by('epics.pvs[5].units')).toMatch(/longer than 7 bytes/);
    expect(by('epics.pvs[5].type')).toMatch(/did you mean "double"/);
    expect(by('epics.pvs[5].limits.alarm')).toMatch(/low \(5\) is above high \(1\)/);
    expect(by('epics.pvs[6].name')).toMatch(/already RB_1's status PV/);
    expect(by('epics.pvs[7].enum_strings')).toMatch(/needed for an enum/);
    expect(by('epics.pvs[8].index')).toMatch(/past the last sample/);
    expect(by('epics.pvs[9]')).toMatch(/must be a mapping/);
    expect(by('epics.port')).toMatch(/^must be an integer/);
    expect(parseEpicsSection({ enabled: true, pvs: [{ name: 'Z' }] }).config).toBeNull();
  });

  it('rejects duplicate names and a section that is not a mapping', () => {
    const dup = validateEpicsSection({ enabled: true, pvs: [{ name: 'A', buffer: 'RB_1', field: 'cpu' }, { name: 'A', buffer: 'RB_1', field: 'time' }] }, context);
    expect(dup).toEqual([expect.objectContaining({ severity: 'error', path: 'epics.pvs[1].name', code: 'duplicate' })]);
    expect(validateEpicsSection([1, 2])).toEqual([expect.objectContaining({ severity: 'error', path: 'epics' })]);
  });
});
