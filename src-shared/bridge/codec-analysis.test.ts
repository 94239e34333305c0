import { describe, expect, it } from 'vitest';
import { decodeCommand, decodeEvent, encodeCommand, encodeEvent } from './codec';
import type { HistogramUpdate } from './protocol';

describe('histogram and strip commands', () => {
  it('round-trip and keep their fields', () => {
    const cmd = { type: 'histogram' as const, req: 3, id: 'main', spec: { buffer: 'RB_3', field: 'decay_time', bins: 60, range: [0, 15000] as [number, number], fit: { t_min: 400, t_max: 14000 } } };
    expect(decodeCommand(encodeCommand(cmd))).toEqual(cmd);
    expect(decodeCommand('{"type":"histogram","id":"main","spec":null}')).toEqual({ type: 'histogram', id: 'main', spec: null });
    expect(decodeCommand('{"type":"strip","buffer":"RB_1","fields":["cpu"]}')).toEqual({ type: 'strip', buffer: 'RB_1', fields: ['cpu'] });
    expect(decodeCommand('{"type":"strip","buffer":null}')).toEqual({ type: 'strip', buffer: null });
  });

  it('name what is wrong in a malformed request', () => {
    const bad = (spec: unknown) => () => decodeCommand(JSON.stringify({ type: 'histogram', id: 'h', spec }));
    expect(bad({ buffer: 'RB_3', field: 'x', bins: 10, range: [0] })).toThrow(/"range" must be \[low, high\]/);
    expect(bad({ buffer: 'RB_3', field: 'x', range: [0, 1] })).toThrow(/"bins" is missing/);
    expect(bad({ buffer: 'RB_3', bins: 10, range: [0, 1] })).toThrow(/"field" must be a string/);
    expect(bad({ buffer: 'RB_3', field: 'x', bins: 10, range: [0, 1], fit: { t_min: 'a', t_max: 3 } })).toThrow(/"fit.t_min" must be a number/);
    expect(bad(7)).toThrow(/"spec" must be an object or null/);
    expect(() => decodeCommand('{"type":"histogram","spec":null}')).toThrow(/"id" must be a string/);
    expect(() => decodeCommand('{"type":"strip","buffer":"RB_1","fields":"cpu"}')).toThrow(/"fields" must be a list/);
  });

  it('histogram events travel as JSON with non-finite fit numbers as null', () => {
    const h: HistogramUpdate = {
      id: 'main', buffer: 'RB_3', field: 'decay_time', range: [0, 15000], counts: [1, 2], underflow: 0, overflow: 1, entries: 3, invalid: 0, events: 4,
      complete: true, final: false, fit: { tau: Infinity as unknown as null, sigma: null, n: 3, t_min: 400, t_max: 14000, converged: false, partial: false, kept: 4 },
    };
    const text = encodeEvent({ type: 'histogram', histogram: h });
    expect(typeof text).toBe('string');
    const back = decodeEvent(text as string);
    expect(back).toMatchObject({ type: 'histogram', histogram: { counts: [1, 2], fit: { tau: null, sigma: null } } });
  });
});
