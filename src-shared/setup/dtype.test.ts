import { describe, expect, it } from 'vitest';
import { didYouMean, levenshtein } from './didyoumean';
import { DTYPES, dtypeBytes, parseDType } from './dtype';

describe('parseDType', () => {
  it.each([
    ...DTYPES.map((d) => [d, d] as const),
    ['i1', 'int8'], ['i2', 'int16'], ['i4', 'int32'], ['<i8', 'int64'], ['=u1', 'uint8'], ['|u2', 'uint16'], ['u4', 'uint32'], ['u8', 'uint64'],
    ['f4', 'float32'], ['<f8', 'float64'], ['f', 'float32'], ['d', 'float64'], ['b', 'int8'], ['B', 'uint8'], ['h', 'int16'], ['H', 'uint16'],
    ['i', 'int32'], ['I', 'uint32'], ['l', 'int64'], ['q', 'int64'], ['Q', 'uint64'],
    ['float', 'float64'], ['double', 'float64'], ['single', 'float32'], ['int', 'int64'], ['intc', 'int32'], ['short', 'int16'], ['ubyte', 'uint8'],
    [' float32 ', 'float32'],
  ] as const)('reads %j as %s', (text, dtype) => {
    expect(parseDType(text)).toEqual({ ok: true, dtype });
  });

  it.each([
    ['float16', 'use float32'],
    ['f2', 'use float32'],
    ['bool', 'use uint8'],
    ['?', 'use uint8'],
    ['complex64', 'two float fields'],
    ['c16', 'two float fields'],
    ['longdouble', 'use float64'],
    ['U10', 'numbers only'],
    ['object', 'numbers only'],
    ['datetime64[ns]', 'int64 (nanoseconds)'],
    ['>f8', 'big-endian'],
  ])('refuses %j with a way out (%s)', (text, hint) => {
    const r = parseDType(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(hint);
  });

  it('suggests the name meant by a typo', () => {
    expect(parseDType('flaot32')).toMatchObject({ ok: false, suggestion: 'float32' });
    expect(parseDType('Float64')).toMatchObject({ ok: false, suggestion: 'float64' });
    expect(parseDType('np.int16')).toMatchObject({ ok: false, suggestion: 'int16' });
    const r = parseDType('banana');
    expect(r).toMatchObject({ ok: false, suggestion: undefined });
    if (!r.ok) expect(r.message).toContain('Use int8, int16');
  });

  it('knows the size of each type', () => {
    expect(DTYPES.map(dtypeBytes)).toEqual([1, 2, 4, 8, 1, 2, 4, 8, 4, 8]);
  });
});

describe('didYouMean', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(levenshtein('wirte', 'write')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
  });

  it('suggests close names, case slips and abbreviations, and nothing for unrelated words', () => {
    expect(didYouMean('numer_of_slots', ['number_of_slots', 'channel_per_slot'])).toBe('number_of_slots');
    expect(didYouMean('rb_assign', ['RB_assign', 'file_name'])).toBe('RB_assign');
    expect(didYouMean('output_dir', ['output_directory', 'title'])).toBe('output_directory');
    expect(didYouMean('zebra', ['read', 'write', 'observe'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});
