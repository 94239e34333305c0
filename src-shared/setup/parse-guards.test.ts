// Bad input the parser must refuse with file, line and key (issue 18): line
// endings, alias bombs, thread limits, names reserved in JavaScript objects,
// and built-ins whose buffers do not fit them.
import { describe, expect, it } from 'vitest';
import { BASE, edit } from '../../test/support/setup/two-buffers';
import { MAX_ALIAS_VALUES } from './alias-size';
import { resolveFunctionConfig } from './merge';
import { MAX_NUM_PROCESS, MAX_THREADS, RESERVED_NAMES, parseSetup } from './parse';

const errors = (text: string) => parseSetup(text).problems.filter((p) => p.severity === 'error');
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('line endings', () => {
  it('reads LF, CRLF and CR-only files alike, with the same lines', () => {
    const lf = parseSetup(BASE);
    for (const eol of ['\r\n', '\r']) {
      const other = parseSetup(BASE.replace(/\n/g, eol));
      expect(other.setup).toEqual(lf.setup);
      expect(other.problems.map((p) => [p.line, p.column, p.message])).toEqual(lf.problems.map((p) => [p.line, p.column, p.message]));
    }
    // And a problem in a CR-only file is reported on its own line.
    const bad = edit('number_of_slots: 16', 'number_of_slots: -1');
    const [e] = errors(bad.replace(/\n/g, '\r'));
    expect([e.line, e.path]).toEqual([lineOf(bad, 'number_of_slots: -1'), 'RingBuffer[0].RB_1.number_of_slots']);
  });
});

describe('alias bombs', () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]', 'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]', 'g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]'].join('\n');

  it('a "billion laughs" setup is one clear error at the alias that passes the limit, not a crash', () => {
    const text = `${BASE}FunctionConfigs:\n  lol:\n${bomb.replace(/^/gm, '    ')}\n`;
    const errs = errors(text);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ code: 'yaml-alias-bomb', file: 'setup.yaml', line: lineOf(text, 'f: &f') });
    expect(errs[0].message).toContain(`more than ${MAX_ALIAS_VALUES.toLocaleString('en')} values`);
  });

  it('ordinary anchors used many times are read', () => {
    // A shared section that itself uses aliases, named 400 times: 1,600 values in all.
    const uses = Array.from({ length: 400 }, (_, i) => `  f${i}: *shared`).join('\n');
    const text = `${BASE}FunctionConfigs:\n  a: &a {x: 1}\n  base: &shared {p: *a, q: *a}\n${uses}\n`;
    const r = parseSetup(text);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.setup.function_configs.f399).toEqual({ p: { x: 1 }, q: { x: 1 } });
  });
});

describe('thread limits', () => {
  it('num_process over the limit is an error at its value', () => {
    const text = edit('num_process: 2', 'num_process: 1000000');
    const errs = errors(text);
    expect(errs.map((e) => [e.line, e.path, e.code])).toEqual([[lineOf(text, '1000000'), 'Functions[2].Fkt_2.num_process', 'over-limit']]);
    expect(errs[0].message).toContain(`num_process of Fkt_2 is 1000000; a function runs at most ${MAX_NUM_PROCESS} threads`);
    expect(errors(edit('num_process: 2', `num_process: ${MAX_NUM_PROCESS}`))).toEqual([]);
  });

  it('all functions together over the limit is an error naming the sum', () => {
    const many = Array.from({ length: 5 }, (_, i) => `  - Fkt_${i + 4}: {file_name: modules/sink, fkt_name: sink, num_process: ${MAX_NUM_PROCESS}, RB_assign: {RB_2: read}}`).join('\n');
    const errs = errors(`${BASE}${many}\n`);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ path: 'Functions', line: lineOf(BASE, 'Functions:'), code: 'over-limit' });
    expect(errs[0].message).toContain(`run ${2 + 1 + 1 + 5 * MAX_NUM_PROCESS} threads`);
    expect(errs[0].message).toContain(`at most ${MAX_THREADS}`);
  });
});

describe('names reserved in JavaScript objects', () => {
  it.each(['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'isPrototypeOf'])('refuses a field named %s, saying why', (name) => {
    const text = edit('2: [chB, float32]', `2: ["${name}", float32]`);
    const errs = errors(text);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ code: 'reserved-name', line: lineOf(text, name), path: 'RingBuffer[0].RB_1.data_type.2[0]' });
    expect(errs[0].message).toContain(`Field name "${name}" of RB_1 is reserved in JavaScript`);
  });

  it('parameters named like them stay parameters, and an fkt_name like them finds only its own section', () => {
    const text = edit('      fkt_name: filter\n', '      fkt_name: constructor\n      config: {__proto__: {polluted: 1}, toString: 3, valueOf: [1, 2]}\n');
    const { setup } = parseSetup(text);
    expect(errors(text)).toEqual([]);
    const fn = setup.functions.find((f) => f.name === 'Fkt_2')!;
    const { config, origin } = resolveFunctionConfig(fn, setup);
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(Object.keys(config).sort()).toEqual(['__proto__', 'toString', 'valueOf']);
    expect(Object.getOwnPropertyDescriptor(config, '__proto__')?.value).toEqual({ polluted: 1 });
    expect((config as Record<string, unknown>).polluted).toBeUndefined();
    expect([config.toString, config.valueOf]).toEqual([3, [1, 2]]);
    // No FunctionConfigs section "constructor" is written, so none is used (not Object's constructor).
    expect(Object.values(origin)).toEqual(['Fkt_2.config', 'Fkt_2.config', 'Fkt_2.config']);
  });

  it('lists every name an object inherits', () => {
    expect(RESERVED_NAMES).toEqual(expect.arrayContaining(['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'toLocaleString']));
    // Names that merely resemble them stay allowed.
    expect(errors(edit('2: [chB, float32]', '2: [proto, float32]'))).toEqual([]);
  });
});

describe('built-ins against the buffers they read and write', () => {
  const MUON = `RingBuffer:
  - RB_1:
      number_of_slots: 8
      channel_per_slot: 100
      data_type: {1: [chA, float32], 2: [chB, float32], 3: [chC, float32], 4: [chD, float32]}
  - RB_2:
      number_of_slots: 8
      channel_per_slot: 100
      data_type: {1: [chA, float32], 2: [chB, float32], 3: [chC, float32], 4: [chD, float32]}
  - RB_3:
      number_of_slots: 8
      channel_per_slot: 1
      data_type: {1: [decay_time, int32], 2: [1st_chA_h, float64], 3: [1st_chB_h, float64], 4: [1st_chC_h, float64], 5: [1st_chA_p, int32], 6: [1st_chB_p, int32], 7: [1st_chC_p, int32], 8: [1st_chA_int, float64], 9: [1st_chB_int, float64], 10: [1st_chC_int, float64], 11: [2nd_chA_h, float64], 12: [2nd_chB_h, float64], 13: [2nd_chC_h, float64], 14: [2nd_chA_p, int32], 15: [2nd_chB_p, int32], 16: [2nd_chC_p, int32], 17: [2nd_chA_int, float64], 18: [2nd_chB_int, float64], 19: [2nd_chC_int, float64], 20: [1st_chD_h, float64], 21: [1st_chD_p, int32], 22: [1st_chD_int, float64], 23: [2nd_chD_h, float64], 24: [2nd_chD_p, int32], 25: [2nd_chD_int, float64]}
Functions:
  - Fkt_1: {file_name: builtin:sources/muon, RB_assign: {RB_1: write}}
  - Fkt_2: {file_name: builtin:filters/lifetime, RB_assign: {RB_1: read, RB_2: write, RB_3: write}}
  - Fkt_3: {file_name: builtin:sinks/csv, RB_assign: {RB_3: read}}
  - Fkt_4: {file_name: builtin:sinks/parquet, RB_assign: {RB_2: read}}
`;
  const layoutErrors = (text: string) => errors(text).map((e) => ({ line: e.line, path: e.path, code: e.code, message: e.message }));

  it('the muon chain as shipped fits', () => {
    expect(errors(MUON)).toEqual([]);
  });

  it('a muon source writing a non-float32 buffer is an error at its RB_assign, naming the field and the data_type line', () => {
    const text = MUON.replace('data_type: {1: [chA, float32], 2: [chB, float32]', 'data_type: {1: [chA, int16], 2: [chB, float32]');
    const errs = layoutErrors(text);
    expect(errs[0]).toEqual({
      line: lineOf(text, 'Fkt_1:'),
      path: 'Functions[0].Fkt_1.RB_assign.RB_1',
      code: 'layout-mismatch',
      message: `Fkt_1: RB_1 does not fit builtin:sources/muon: its field chA (int16) must be float32: the muon source writes float32 waveforms (mV) into the first four fields (chA…chD). (RB_1's data_type is on line 5)`,
    });
    // The lifetime filter reading it says so too.
    expect(errs.map((e) => e.path)).toEqual(['Functions[0].Fkt_1.RB_assign.RB_1', 'Functions[1].Fkt_2.RB_assign.RB_1', 'Functions[1].Fkt_2.RB_assign.RB_2']);
  });

  it('a muon source buffer with a fifth field (never written) is an error', () => {
    const text = MUON.replace('4: [chD, float32]}', '4: [chD, float32], 5: [chE, float32]}');
    expect(layoutErrors(text)[0].message).toContain('the muon source fills only the first four fields (the detector layers), so "chE" would never be written');
  });

  it('a pulse-parameter buffer that lacks fields, has others, or stores heights as integers is an error listing them', () => {
    const text = MUON.replace('2: [1st_chA_h, float64]', '2: [1st_chA_h, int32]').replace('25: [2nd_chD_int, float64]', '25: [pulse_height, float64]');
    const errs = layoutErrors(text);
    expect(errs).toHaveLength(1);
    expect(errs[0].path).toBe('Functions[1].Fkt_2.RB_assign.RB_3');
    expect(errs[0].message).toContain('it lacks "2nd_chD_int"; "pulse_height" is not among them (it would be all zeros); 1st_chA_h is int32: heights and integrals have fractions');
  });

  it('the copy buffer of the lifetime filter must have the input fields', () => {
    const text = MUON.replace(/(RB_2:[\s\S]*?)4: \[chD, float32\]/, '$14: [chX, float32]');
    expect(layoutErrors(text).map((e) => [e.path, e.message.split('; ').slice(1).join('; ')])).toEqual([
      ['Functions[1].Fkt_2.RB_assign.RB_2', 'chX is not a field of RB_1 (it would be all zeros). (RB_2\'s data_type is on line 9)'],
    ]);
  });

  it('a sensors buffer with a field no sensor fills is an error', () => {
    const text = `RingBuffer:\n  - RB_1: {number_of_slots: 8, channel_per_slot: 1, data_type: {1: [time, float64], 2: [cpu, float32], 3: [pressure, float32]}}\nFunctions:\n  - Fkt_1: {file_name: builtin:sources/sensors, RB_assign: {RB_1: write}}\n  - Fkt_2: {file_name: builtin:sinks/csv, RB_assign: {RB_1: read}}\n`;
    expect(layoutErrors(text)).toEqual([
      expect.objectContaining({ line: 4, path: 'Functions[0].Fkt_1.RB_assign.RB_1', message: expect.stringContaining('it fills only the fields "time", "cpu", "memory", "battery", so "pressure" would never be written') }),
    ]);
  });
});
