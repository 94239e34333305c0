// The muon experiment's built-in declarations agree with the code that runs them.
import { describe, expect, it } from 'vitest';
import { CHANNELS, LIFETIME_FILTER_DEFAULTS, RB3_FIELDS, parseSignatures } from '../physics/double-pulse';
import { MUON_CHANNELS, PULSE_FIELDS } from '../../src-shared/builtins/layouts';
import { MUON_SIM_DEFAULTS } from '../physics/muon-sim';
import { BUILTINS, builtinDefaults, checkParamValue } from '../../src-shared/builtins/catalog';

describe('muon built-ins in the catalog', () => {
  it('registers all four with a unit or a plain number, a range and help for every parameter', () => {
    for (const id of ['sources/muon', 'filters/lifetime', 'sinks/csv', 'sinks/parquet']) {
      const spec = BUILTINS[id];
      expect(spec, id).toBeDefined();
      for (const p of spec!.params) {
        expect(p.help.length, `${id} ${p.name}`).toBeGreaterThan(10);
        if (p.type === 'number' || p.type === 'integer') {
          expect(p.min, `${id} ${p.name} min`).toBeDefined();
          expect(p.max, `${id} ${p.name} max`).toBeDefined();
          if (p.default !== null) expect(checkParamValue(p, p.default), `${id} ${p.name} default`).toBeNull();
        } else {
          expect(checkParamValue(p, p.default), `${id} ${p.name} default`).toBeNull();
        }
      }
    }
  });

  it('has the simulation’s and the filter’s defaults', () => {
    expect(builtinDefaults(BUILTINS['sources/muon']!)).toEqual({ ...MUON_SIM_DEFAULTS });
    const filter = builtinDefaults(BUILTINS['filters/lifetime']!);
    expect({ ...filter, signatures: undefined }).toEqual({ ...LIFETIME_FILTER_DEFAULTS, signatures: undefined });
    expect(parseSignatures(filter.signatures as never)).toEqual(parseSignatures(LIFETIME_FILTER_DEFAULTS.signatures));
  });

  it('checks list and mapping parameters by shape', () => {
    const sigs = BUILTINS['filters/lifetime']!.params.find((p) => p.name === 'signatures')!;
    expect(checkParamValue(sigs, [[['+', '+', '-', '-'], ['0', '+', '-', '-']]])).toBeNull();
    expect(checkParamValue(sigs, '++--')).toMatch(/must be a list/);
    const alias = BUILTINS['sinks/csv']!.params.find((p) => p.name === 'header_alias')!;
    expect(checkParamValue(alias, { decay_time: 'decay time (ns)' })).toBeNull();
    expect(checkParamValue(alias, ['decay_time'])).toMatch(/must be a mapping/);
    expect(checkParamValue(alias, null)).toMatch(/must be a mapping/);
  });

  it("validation's layout of the lifetime filter is the one the filter writes (names, order, which have fractions)", () => {
    expect(PULSE_FIELDS.map((f) => f.name)).toEqual(RB3_FIELDS.map((f) => f.name));
    expect(PULSE_FIELDS.map((f) => f.fraction)).toEqual(RB3_FIELDS.map((f) => f.dtype === 'float64'));
    expect([...MUON_CHANNELS]).toEqual([...CHANNELS]);
  });
});
