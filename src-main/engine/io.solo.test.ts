// io.source / io.filter / io.sink with every dtype (int64 and uint64 included),
// and functions that throw while they hold an acquired slot: no slot leaks, the
// end of the stream reaches every reader, every writer closes, and the counts
// reconcile. Real engine, real worker threads.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/engine/status';
import { loadEngine } from './load';

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'engine', 'io');
const out = mkdtempSync(join(tmpdir(), 'ringscope-io-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

type Row = Record<string, number | (number | string)[]>;

async function run(setup: string): Promise<RunSummary> {
  const { engine, problems } = await loadEngine(join(fixtures, setup));
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  await engine!.start({ outputDirectory: out });
  return engine!.waitForEnd();
}

function rows(summary: RunSummary, name: string): Row[] {
  const f = summary.exports.find((e) => e.endsWith(name));
  expect(f, `export ${name} in ${summary.exports.join(', ')}`).toBeDefined();
  return JSON.parse(readFileSync(f!, 'utf8')) as Row[];
}

function expectReconciled(summary: RunSummary): void {
  for (const [name, b] of Object.entries(summary.buffers)) {
    for (const [group, n] of Object.entries(b.released)) expect(n, `${name} released by ${group}`).toBe(b.written);
  }
}

describe('io with every dtype', () => {
  it('forwards (true) every dtype bit for bit and converts numbers, BigInts and arrays into each', async () => {
    const s = await run('all-types.yaml');
    expect(s.end_reason).not.toBe('error');
    expect(Object.values(s.functions).flatMap((f) => f.errors)).toEqual([]);
    expectReconciled(s);
    const fwd = rows(s, 'Fkt_3_RB_2.json');
    expect(fwd.map((r) => r.counter)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const even = fwd[0];
    const odd = fwd[1];
    expect(even).toMatchObject({ i8: [-128, 0], i16: [-32768, 0], i32: [-2147483648, 0], i64: [`${-(2n ** 63n)}n`, '0n'], u8: [0, 0], u32: [0, 0], u64: ['0n', '0n'], f32: [-1.5, 0], f64: [-1e300, 0] });
    expect(odd).toMatchObject({ i8: [127, 1], i16: [32767, 1], i32: [2147483647, 1], i64: [`${2n ** 63n - 1n}n`, '1n'], u8: [255, 1], u16: [65535, 1], u32: [4294967295, 1], u64: [`${2n ** 64n - 1n}n`, '1n'], f32: [3.25, 1], f64: [Math.PI, 1] });
    const conv = rows(s, 'Fkt_4_RB_3.json');
    expect(conv[7]).toEqual({
      counter: 7,
      i8: [-7, 7],
      i16: [-7, 0],
      i32: [7, -7],
      i64: ['7000n', '0n'],
      u8: [7, 0],
      u16: [7, 0],
      u32: [7, 14],
      u64: ['7n', `${2n ** 60n}n`],
      f32: [7, 0],
      f64: [3.5, 1e18],
    });
  });
});

describe('a function that throws while holding a slot', () => {
  it('filter (skip_event) that acquired from its 2-slot output and threw: the slot goes back, the other 99 events arrive, the run ends', async () => {
    const s = await run('grabbing.yaml');
    expect(s.functions.Fkt_2.errors.map((e) => e.message)).toEqual([expect.stringContaining('event 5: gave up holding slot')]);
    expect(s.functions.Fkt_2.failed_events).toBe(1);
    const seen = rows(s, 'Fkt_3_RB_2.json').map((r) => r.counter);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((c) => c !== 5));
    expect(s.buffers.RB_2.written).toBe(99);
    expectReconciled(s);
  });

  it('source that writes without io.source and throws holding a slot: its 10 events reach the sink, which then sees the end', async () => {
    const s = await run('raw-source.yaml');
    expect(s.end_reason).toBe('error');
    expect(s.functions.Fkt_1.errors[0].message).toBe('raw_source broke while holding a slot');
    expect(rows(s, 'Fkt_2_RB_1.json').map((r) => r.counter)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(s.buffers.RB_1.written).toBe(10);
    expectReconciled(s);
  });

  it('filter that returns fewer fields than its output has: an error naming the field at the first event, no zero rows', async () => {
    const s = await run('partial.yaml');
    expect(s.end_reason).toBe('error');
    expect(s.functions.Fkt_2.errors[0]).toMatchObject({ counter: 0 });
    expect(s.functions.Fkt_2.errors[0].message).toMatch(/the filter did not return field "height" of the output buffer \(its fields: value, height\); set missing_fields: zero/);
    expect(rows(s, 'Fkt_3_RB_2.json')).toEqual([]);
    expectReconciled(s);
  });

  it("io.observe shows the run's last event when the run ends between two looks, and does not hold up the end", async () => {
    const started = Date.now();
    const s = await run('observed.yaml');
    expect(s.end_reason).toBe('runevents');
    expect(s.buffers.RB_1.written).toBe(50);
    const seen = rows(s, 'Fkt_2_RB_1.json') as unknown as number[];
    expect(seen.at(-1)).toBe(49);
    expect(Date.now() - started).toBeLessThan(4000); // well before the observer's 5 s look
  });
});
