// builtin:sources/sensors in the real engine: examples/sensors loads as it
// ships; readings in range reach the CSV export; dt changes while running.
// (Tick timing itself is tested with a fake clock in lib/sensors.test.ts.)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../../src-main/engine/load';
import type { StatusReport } from '../../../src-shared/engine/status';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'ringscope-sensors-'));
const out = join(dir, 'runs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** examples/sensors/setup.yaml with another dt. */
function example(dt: number): string {
  const text = readFileSync(join(root, 'examples/sensors/setup.yaml'), 'utf8');
  expect(text).toMatch(/^ {4}dt: 1 /m);
  const d = join(dir, `dt-${dt}`);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'setup.yaml'), text.replace(/^ {4}dt: 1 /m, `    dt: ${dt} `));
  return join(d, 'setup.yaml');
}

describe('builtin:sources/sensors in the engine', () => {
  it('examples/sensors loads without problems', async () => {
    const { engine, problems } = await loadEngine(join(root, 'examples/sensors/setup.yaml'));
    expect(problems.filter((p) => p.severity !== 'note')).toEqual([]);
    expect(engine!.buffers().map((b) => b.fields.map((f) => f.name))).toEqual([['time', 'cpu', 'memory', 'battery']]);
  });

  it('writes readings in range to the CSV export, one per tick', async () => {
    const { engine, problems } = await loadEngine(example(0.05));
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    await engine!.start({ outputDirectory: out, runevents: 8 });
    const summary = await engine!.waitForEnd();
    expect(summary.end_reason).toBe('runevents');
    const csv = summary.exports.find((f) => f.endsWith('sensors.csv'))!;
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('counter,timestamp,deadtime,time,cpu,memory,battery');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(8);
    const now = Date.now() / 1000;
    expect(rows.map((r) => Number(r[0]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    let last = 0;
    for (const [, ts, , time, cpu, memory, battery] of rows) {
      expect(Number(time)).toBeGreaterThan(now - 120);
      expect(Number(time)).toBeLessThanOrEqual(now);
      expect(Number(time)).toBeGreaterThan(last);
      expect(Math.abs(Number(ts) - Number(time))).toBeLessThan(0.002);
      last = Number(time);
      expect(Number(cpu)).toBeGreaterThanOrEqual(0);
      expect(Number(cpu)).toBeLessThanOrEqual(100);
      expect(Number(memory)).toBeGreaterThan(0);
      expect(Number(memory)).toBeLessThan(totalmem() / 2 ** 30);
      expect(battery === 'NaN' || (Number(battery) >= 0 && Number(battery) <= 100)).toBe(true);
    }
  });

  it('takes a new dt while running (status shows it, readings go on)', async () => {
    const { engine } = await loadEngine(example(0.05));
    const e = engine!;
    let extra: Record<string, number | string> = {};
    e.on('status', (s: StatusReport) => {
      const x = s.functions.find((f) => f.name === 'Fkt_1')?.instances[0]?.extra;
      if (x) extra = x;
    });
    const logged = new Promise<void>((resolve) => e.on('log', (l) => l.message === 'dt is now 0.02 s' && resolve()));
    await e.start({ outputDirectory: out });
    const until = (cond: () => boolean) =>
      new Promise<void>((resolve) => {
        const off = e.on('status', () => {
          if (cond()) {
            off();
            resolve();
          }
        });
      });
    await until(() => Number(extra.readings) >= 3);
    expect(extra.dt).toBe(0.05);
    e.setParam('Fkt_1', 'dt', 0.02);
    await logged;
    const before = Number(extra.readings);
    await until(() => extra.dt === 0.02 && Number(extra.readings) > before + 3);
    const summary = await e.stop();
    expect(summary.end_reason).toBe('stop');
    expect(summary.buffers.RB_1.written).toBeGreaterThan(before + 3);
    expect(summary.buffers.RB_1.released.Fkt_2).toBe(summary.buffers.RB_1.written);
  });

  it('a buffer field that is no sensor is refused before the run starts, naming it at its line', async () => {
    const d = join(dir, 'bad-field');
    mkdirSync(d, { recursive: true });
    writeFileSync(
      join(d, 'setup.yaml'),
      `RingBuffer:
  - RB_1: {number_of_slots: 4, channel_per_slot: 1, data_type: {1: [time, float64], 2: [temperature, float64]}}
Functions:
  - Fkt_main: {runtime: 0, runevents: 0}
  - Fkt_1: {file_name: builtin:sources/sensors, fkt_name: read_sensors, num_process: 1, RB_assign: {RB_1: write}}
  - Fkt_2: {file_name: builtin:sinks/csv, fkt_name: save, num_process: 1, RB_assign: {RB_1: read}}
`,
    );
    // Validation knows what the sensors source fills (src-shared/builtins/layouts.ts), so nothing starts.
    const { engine, problems } = await loadEngine(join(d, 'setup.yaml'));
    expect(engine).toBeNull();
    expect(problems.filter((p) => p.severity === 'error').map((p) => [p.line, p.path, p.message])).toEqual([
      [
        5,
        'Functions[1].Fkt_1.RB_assign.RB_1',
        `Fkt_1: RB_1 does not fit builtin:sources/sensors: it fills only the fields "time", "cpu", "memory", "battery", so "temperature" would never be written. Remove or rename it. (RB_1's data_type is on line 2)`,
      ],
    ]);
  });
});
