// builtin:sources/serial in the real engine (worker threads) over a socat pty
// pair: events reach the CSV export with the values the device sent, status
// shows connection state and counts, and the port is closed on every way the
// run can end (stop, runevents, error) — checked by opening it again.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../../src-main/engine/load';
import type { Engine } from '../../../src-main/engine/engine';
import type { RunSummary, StatusReport } from '../../../src-shared/engine/status';
import { SerialConnection } from '../../serial/connection';
import { encodePayload, parseSyncWord } from '../../serial/frames';
import { LineDecoder } from '../../serial/lines';
import { PtyPair, PtyWriter, haveSocat, waitFor } from '../../../test/support/serial/pty';

const dir = mkdtempSync(join(tmpdir(), 'ringscope-serial-src-'));
const out = join(dir, 'runs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let pair: PtyPair | null = null;
let writer: PtyWriter | null = null;
let engine: Engine | null = null;

beforeAll(() => {
  if (!haveSocat()) throw new Error('socat is not installed: apt-get install socat (CI does this in .ci/run)');
});

afterEach(async () => {
  if (engine && (engine.state === 'running' || engine.state === 'paused' || engine.state === 'starting')) await engine.stop();
  await writer?.exit();
  await pair?.stop();
  engine = writer = pair = null;
});

function setup(name: string, buffer: string, config: string, extra = ''): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const path = join(d, 'setup.yaml');
  writeFileSync(
    path,
    `title: serial ${name}
RingBuffer:
  - RB_1: ${buffer}
Functions:
  - Fkt_main: {runtime: 0, runevents: 0}
  - Fkt_1: {file_name: builtin:sources/serial, fkt_name: device, num_process: 1, RB_assign: {RB_1: write}}
  - Fkt_2: {file_name: builtin:sinks/csv, fkt_name: save, num_process: 1, RB_assign: {RB_1: read}, config: {filename: data}}
FunctionConfigs:
  device: ${config}
${extra}`,
  );
  return path;
}

async function start(path: string, runevents = 0): Promise<{ e: Engine; extra: () => Record<string, number | string> }> {
  const { engine: e, problems } = await loadEngine(path);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  engine = e!;
  let extra: Record<string, number | string> = {};
  engine.on('status', (s: StatusReport) => {
    const x = s.functions.find((f) => f.name === 'Fkt_1')?.instances[0]?.extra;
    if (x) extra = x;
  });
  await engine.start({ outputDirectory: out, runevents });
  return { e: engine, extra: () => extra };
}

function csvRows(summary: RunSummary): string[][] {
  const f = summary.exports.find((p) => p.endsWith('data.csv'))!;
  expect(f, `data.csv in ${summary.exports.join(', ')}`).toBeDefined();
  return readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}

/** True when the port can be opened again, i.e. the run closed it. */
async function portIsFree(path: string): Promise<boolean> {
  const c = new SerialConnection({ settings: { path, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }, decoder: new LineDecoder({ values: 1 }) });
  const ok = await c.open().then(
    () => true,
    () => false,
  );
  await c.close();
  return ok;
}

describe('builtin:sources/serial in the engine', () => {
  it('lines: events with the sent values; garbage counted; unplug shows disconnected and the run resumes; stop closes the port', async () => {
    pair = new PtyPair(join(dir, 'lines'));
    mkdirSync(join(dir, 'lines'), { recursive: true });
    await pair.start();
    const path = setup('lines', '{number_of_slots: 8, channel_per_slot: 1, data_type: {1: [millis, uint32], 2: [a0, float32], 3: [a1, float64]}}', `{port: ${pair.a}, baudRate: 115200}`);
    const { e, extra } = await start(path);
    await waitFor(() => extra().state === 'connected', 'the port to open');
    writer = new PtyWriter(pair.b);
    await writer.write('millis,a0,a1\r\n100,1.5,0.25\r\n200,2.5,0.5\r\nnot a line\r\n300,3.5\r\n400,4.5,1\r\n');
    await waitFor(() => extra().lines === 3 && extra().bad_lines === 2, 'three good and two bad lines');

    await pair.stop();
    await waitFor(() => extra().state === 'disconnected', 'the status to show the unplug');
    expect(e.state).toBe('running');
    await pair.start();
    await waitFor(() => extra().state === 'connected' && extra().reconnects === 1, 'the reconnect');
    await writer.reopen();
    await writer.write('millis,a0,a1\r\n500,5.5,1.25\r\n');
    await waitFor(() => extra().lines === 4, 'the line after the reconnect');

    const summary = await e.stop();
    expect(summary.end_reason).toBe('stop');
    expect(summary.buffers.RB_1.written).toBe(4);
    const rows = csvRows(summary);
    expect(rows[0]).toEqual(['counter', 'timestamp', 'deadtime', 'millis', 'a0', 'a1']);
    expect(rows.slice(1).map((r) => [Number(r[0]), ...r.slice(3).map(Number)])).toEqual([
      [0, 100, 1.5, 0.25],
      [1, 200, 2.5, 0.5],
      [2, 400, 4.5, 1],
      [3, 500, 5.5, 1.25],
    ]);
    // Host timestamps, in order.
    const ts = rows.slice(1).map((r) => Number(r[1]));
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    expect(Math.abs(ts[3] - Date.now() / 1000)).toBeLessThan(120);
    expect(extra()).toMatchObject({ lines: 4, bad_lines: 2, header_lines: 2, reconnects: 1 });
    expect(await portIsFree(pair.a)).toBe(true);
  });

  it('lines: numbers a field cannot hold (out of range, fractions for integers) are bad lines, counted, never stored wrapped', async () => {
    pair = new PtyPair(join(dir, 'range'));
    mkdirSync(join(dir, 'range'), { recursive: true });
    await pair.start();
    const path = setup('range', '{number_of_slots: 8, channel_per_slot: 1, data_type: {1: [n, uint32], 2: [s, int8], 3: [f, float32]}}', `{port: ${pair.a}}`);
    const { e, extra } = await start(path);
    await waitFor(() => extra().state === 'connected', 'the port to open');
    writer = new PtyWriter(pair.b);
    // The values: -5, 99999999999, 4294967296 and 1.7 into a uint32; then int8 and float32 overflows.
    await writer.write('n,s,f\n7,1,0.5\n-5,1,0.5\n99999999999,1,0\n4294967296,1,0\n1.7,1,0\n4294967295,-128,2\n8,128,0\n9,1,1e39\n10,-1,0.25\n');
    await waitFor(() => extra().lines === 3 && extra().bad_lines === 6, 'three good and six bad lines');
    expect(String(extra().last_error)).toBe('line "9,1,1e39": value 3 (f): 1e+39 is beyond what a float32 field holds (±3.4e38); use float64');
    const summary = await e.stop();
    expect(summary.buffers.RB_1.written).toBe(3);
    expect(csvRows(summary).slice(1).map((r) => r.slice(3).map(Number))).toEqual([
      [7, 1, 0.5],
      [4294967295, -128, 2],
      [10, -1, 0.25],
    ]);
    const log = readFileSync(join(summary.run_directory, 'run.log'), 'utf8');
    expect(log).toMatch(/malformed lines skipped on .*\(last: line "/);
  });

  it('frames: waveforms decoded into the buffer; runevents ends the run and the port is closed', async () => {
    pair = new PtyPair(join(dir, 'frames'));
    mkdirSync(join(dir, 'frames'), { recursive: true });
    await pair.start();
    const layout = [
      { name: 'ch1', dtype: 'int16' as const, samples: 16 },
      { name: 'ch2', dtype: 'float32' as const, samples: 16 },
    ];
    const path = setup(
      'frames',
      '{number_of_slots: 4, channel_per_slot: 16, data_type: {1: [ch1, int16], 2: [ch2, float32]}}',
      `{port: ${pair.a}, baudRate: 921600, protocol: frames, syncWord: "0xDE 0xAD", byteOrder: big}`,
    );
    const { e, extra } = await start(path, 3);
    await waitFor(() => extra().state === 'connected', 'the port to open');
    writer = new PtyWriter(pair.b);
    const sync = parseSyncWord('DEAD');
    const values = (i: number) => [...Array.from({ length: 16 }, (_, k) => i * 1000 - k), ...Array.from({ length: 16 }, (_, k) => i + k / 4)];
    const frame = (i: number) => Buffer.concat([Buffer.from(sync), Buffer.from(encodePayload(layout, 'big', values(i)))]);
    await writer.write(Buffer.concat([Buffer.from([1, 2, 3]), frame(1), frame(2), frame(3).subarray(0, 20), frame(4), frame(5)]));
    const summary = await e.waitForEnd();
    expect(summary.end_reason).toBe('runevents');
    const rows = csvRows(summary).slice(1);
    expect(rows.map((r) => r.slice(3).map(Number))).toEqual([values(1), values(2), values(4)]);
    expect(await portIsFree(pair.a)).toBe(true);
  });

  it('a missing port ends the run with an error naming the port', async () => {
    const path = setup('missing', '{number_of_slots: 4, channel_per_slot: 1, data_type: {1: [v, float64]}}', `{port: ${join(dir, 'no-such-tty')}}`);
    const { e } = await start(path);
    const summary = await e.waitForEnd();
    expect(summary.end_reason).toBe('error');
    const errs = summary.functions.Fkt_1.errors;
    expect(errs).toHaveLength(1);
    expect(errs[0].message).toMatch(new RegExp(`^serial port ${join(dir, 'no-such-tty')} not found\\.`));
  });

  it('another function failing ends the run and the serial source still closes its port', async () => {
    pair = new PtyPair(join(dir, 'fail'));
    mkdirSync(join(dir, 'fail'), { recursive: true });
    await pair.start();
    const d = join(dir, 'fail');
    writeFileSync(
      join(d, 'boom.mjs'),
      `export function boom(io) { return io.sink((ev) => { if (ev && ev.fields.v[0] === 13) throw new Error('unlucky 13'); }); }\n`,
    );
    const path = join(d, 'setup.yaml');
    writeFileSync(
      path,
      `RingBuffer:
  - RB_1: {number_of_slots: 4, channel_per_slot: 1, data_type: {1: [v, float64]}}
Functions:
  - Fkt_main: {runtime: 0, runevents: 0}
  - Fkt_1: {file_name: builtin:sources/serial, fkt_name: device, num_process: 1, RB_assign: {RB_1: write}}
  - Fkt_2: {file_name: boom, fkt_name: boom, num_process: 1, RB_assign: {RB_1: read}}
FunctionConfigs:
  device: {port: ${pair.a}}
`,
    );
    const { e, extra } = await start(path);
    await waitFor(() => extra().state === 'connected', 'the port to open');
    writer = new PtyWriter(pair.b);
    await writer.write('12\n13\n14\n');
    const summary = await e.waitForEnd();
    expect(summary.end_reason).toBe('error');
    expect(summary.functions.Fkt_2.errors[0].message).toBe('unlucky 13');
    expect(summary.functions.Fkt_1.state).not.toBe('failed');
    expect(await portIsFree(pair.a)).toBe(true);
  });
});
