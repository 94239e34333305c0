import { describe, expect, it } from 'vitest';
import { LineDecoder, parseLine, separatorOf } from './lines';

const bytes = (s: string) => new TextEncoder().encode(s);

function decode(d: LineDecoder, ...chunks: string[]): number[][] {
  const out: number[][] = [];
  for (const c of chunks) d.push(bytes(c), (r) => out.push(r));
  return out;
}

describe('parseLine', () => {
  it('splits on commas, semicolons, tabs or spaces with the auto separator', () => {
    const sep = separatorOf('auto');
    expect(parseLine('1,2,3', 3, sep)).toEqual({ ok: true, values: [1, 2, 3] });
    expect(parseLine('1, 2;\t3', 3, sep)).toEqual({ ok: true, values: [1, 2, 3] });
    expect(parseLine('  1 2   3  ', 3, sep)).toEqual({ ok: true, values: [1, 2, 3] });
    expect(parseLine('1,2,3,', 3, sep)).toEqual({ ok: true, values: [1, 2, 3] });
  });

  it('uses an explicit separator strictly: an empty value is malformed', () => {
    const sep = separatorOf(';');
    expect(parseLine('1.5;2;3', 3, sep)).toEqual({ ok: true, values: [1.5, 2, 3] });
    expect(parseLine('1;;3', 3, sep)).toMatchObject({ ok: false, reason: 'value 2 is empty' });
    expect(parseLine('1;2;3;', 3, sep)).toEqual({ ok: true, values: [1, 2, 3] });
    expect(parseLine('1\t2\t3', 3, separatorOf('tab'))).toEqual({ ok: true, values: [1, 2, 3] });
  });

  it('says what is wrong: too few or too many values, or which value is not a number', () => {
    const sep = separatorOf('auto');
    expect(parseLine('1,2', 3, sep)).toEqual({ ok: false, numeric: true, reason: '2 values where the buffer takes 3' });
    expect(parseLine('1,2,3,4', 3, sep)).toMatchObject({ ok: false, reason: '4 values where the buffer takes 3' });
    expect(parseLine('1,x7,3', 3, sep)).toEqual({ ok: false, numeric: true, reason: '"x7" (value 2) is not a number' });
    expect(parseLine('time,temp,volt', 3, sep)).toMatchObject({ ok: false, numeric: false });
  });
});

describe('LineDecoder', () => {
  it('decodes lines split across chunks, with \\n, \\r\\n and \\r endings, ignoring empty lines', () => {
    const d = new LineDecoder({ values: 2 });
    const out = decode(d, '1,2\r', '\n3,', '4\n\n5,6\r7,8', '\n');
    expect(out).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
    expect(d.counts).toEqual({ good: 4, bad: 0, header: 0, skippedBytes: 0 });
  });

  it('skips a header (banner and column names) before the first good line, not after', () => {
    const d = new LineDecoder({ values: 3 });
    const out = decode(d, 'Sensor v1 ready\ntime,temp,volt\n1,20.5,3.3\ntime,temp,volt\n2,20.6,3.3\n');
    expect(out).toEqual([[1, 20.5, 3.3], [2, 20.6, 3.3]]);
    expect(d.counts).toMatchObject({ good: 2, bad: 1, header: 2 });
    expect(d.lastError).toContain('time,temp,volt');
  });

  it('counts a header as malformed when header skipping is off', () => {
    const d = new LineDecoder({ values: 1, header: false });
    expect(decode(d, 'value\n1\n')).toEqual([[1]]);
    expect(d.counts).toMatchObject({ good: 1, bad: 1, header: 0 });
  });

  it('counts malformed lines and goes on', () => {
    const d = new LineDecoder({ values: 2 });
    const out = decode(d, '1,2\n3\n4,5,6\n#$%!\n7,x\n8,9\n');
    expect(out).toEqual([[1, 2], [8, 9]]);
    expect(d.counts).toMatchObject({ good: 2, bad: 4 });
    expect(d.lastError).toBe('line "7,x": "x" (value 2) is not a number');
  });

  it('drops overlong lines (binary data) as one bad record until the next line end', () => {
    const d = new LineDecoder({ values: 1, maxLineLength: 10 });
    const out = decode(d, '1\n', 'x'.repeat(8), 'y'.repeat(8), 'z'.repeat(8), '\n2\n');
    expect(out).toEqual([[1], [2]]);
    expect(d.counts.bad).toBe(1);
    expect(d.counts.skippedBytes).toBe(24);
  });

  it('after a reset (reconnect) counts the cut-off line and accepts a header again', () => {
    const d = new LineDecoder({ values: 2 });
    decode(d, '1,2\n3,');
    d.reset();
    const out = decode(d, 'a,b\n5,6\n');
    expect(out).toEqual([[5, 6]]);
    expect(d.counts).toMatchObject({ good: 2, bad: 1, header: 1 });
    expect(d.lastError).toBe('a line cut off by the disconnect');
  });
});

describe('LineDecoder checks', () => {
  it('treats a line the check refuses (nan into an integer field) as malformed', () => {
    const d = new LineDecoder({ values: 2, check: (v) => (Number.isNaN(v[0]) ? 'nan is not a number an int32 field can hold' : null) });
    expect(decode(d, '1,2\nnan,3\n4,nan\n')).toEqual([[1, 2], [4, NaN]]);
    expect(d.counts).toMatchObject({ good: 2, bad: 1 });
    expect(d.lastError).toBe('line "nan,3": nan is not a number an int32 field can hold');
  });
});
