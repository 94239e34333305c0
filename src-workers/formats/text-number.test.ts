import { describe, expect, it } from 'vitest';
import { parseNumber } from './text-number';

describe('parseNumber', () => {
  it('reads decimal, scientific, nan and inf as Arduino prints them, and nothing else', () => {
    expect(parseNumber(' 12 ')).toBe(12);
    expect(parseNumber('-3.25')).toBe(-3.25);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('1e-3')).toBe(0.001);
    expect(parseNumber('nan')).toBeNaN();
    expect(parseNumber('-inf')).toBe(-Infinity);
    for (const t of ['', ' ', '0x10', '1,5', 'abc', '1.2.3', 'ovf']) expect(parseNumber(t), t).toBeNull();
  });
});
