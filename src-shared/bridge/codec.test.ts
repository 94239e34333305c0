import { describe, expect, it } from 'vitest';
import type { RunSummary, StatusReport } from '../engine/status';
import {
  BridgeDecodeError,
  decodeCommand,
  decodeEvent,
  decodeSnapshot,
  encodeCommand,
  encodeEvent,
  encodeSnapshot,
  normaliseDtype,
  sampleTypeOf,
  toSampleArray,
} from './codec';
import type { Command, CommandType, HostEvent, HostEventType, Snapshot } from './protocol';
import { PROTOCOL_VERSION } from './protocol';

const status: StatusReport = {
  state: 'running',
  elapsed: 3.5,
  source_events: 1200,
  buffers: [{ name: 'RB_1', slots: 128, written: 1200, released: { Fkt_2: 1190 }, filled: 10, rate: 400.5, deadtime: 0.01, deadtime_mean: 0.02 }],
  functions: [
    {
      name: 'Fkt_2',
      fkt_name: 'lifetime',
      instances: [{ instance: 0, state: 'running', events_in: 600, events_out: { RB_2: 48 }, failed_events: 0 }],
      errors: [],
    },
  ],
  run_directory: '/tmp/target/muon_2026-11-21T210903',
};

const summary: RunSummary = {
  setup: 'muon/setup.yaml',
  started: '2026-11-21T21:09:03.120Z',
  ended: '2026-11-21T21:10:03.120Z',
  state: 'ended',
  end_reason: 'stop',
  error: null,
  run_directory: '/tmp/target/muon_2026-11-21T210903',
  runevents: 0,
  runtime: 0,
  buffers: { RB_1: { written: 5, released: { Fkt_2: 5 }, deadtime_mean: 0 } },
  functions: {
    Fkt_2: { fkt_name: 'lifetime', instances: 2, state: 'ended', events_in: 5, events_out: { RB_2: 1 }, failed_events: 0, errors: [] },
  },
  exports: ['Fkt_3_RB_3.csv'],
};

const commands: Record<CommandType, Command> = {
  open: { type: 'open', req: 1, path: 'examples/muon/setup.yaml' },
  start: { type: 'start', req: 2, runevents: 1000, runtime: 60 },
  pause: { type: 'pause', req: 3 },
  resume: { type: 'resume' },
  stop: { type: 'stop', req: 4 },
  abort: { type: 'abort', req: 5 },
  set_param: { type: 'set_param', req: 5, function: 'Fkt_1', name: 'sleeptime', value: { nested: [1, 'two'] } },
  pv_put: { type: 'pv_put', req: 12, pv: 'station_a:dt', value: 0.5 },
  subscribe: { type: 'subscribe', req: 6, buffer: 'RB_2', hz: 30 },
  snapshot_ack: { type: 'snapshot_ack', count: 2 },
  save_setup: { type: 'save_setup', req: 7, path: 'my/setup.yaml', text: '# kept\ntitle: x\n', from: 'examples/muon/setup.yaml', overwrite: false },
  list_setups: { type: 'list_setups', req: 8 },
  list_ports: { type: 'list_ports', req: 11 },
  histogram: { type: 'histogram', req: 9, id: 'main', spec: { buffer: 'RB_3', field: 'decay_time', bins: 60, range: [0, 15000], fit: { t_min: 400, t_max: 14000 } } },
  strip: { type: 'strip', req: 10, buffer: 'RB_3', fields: ['decay_time'] },
};

function snapshot(): Snapshot {
  return {
    buffer: 'RB_2',
    seq: 41,
    counter: 9_007_199_254_740_000,
    timestamp: 1_763_759_343_120.5,
    deadtime: 0.125,
    fields: [
      { name: 'chA', dtype: 'float32', data: Float32Array.from([0.5, -1.25, 3e-7]) },
      { name: 'flag', dtype: 'uint8', data: Uint8Array.from([1, 2, 255]) },
      { name: 'big', dtype: 'int64', data: BigInt64Array.from([-(2n ** 63n), 2n ** 53n + 1n, 7n]) },
      { name: 'ubig', dtype: 'uint64', data: BigUint64Array.from([2n ** 64n - 1n]) },
      { name: 'i8', dtype: 'int8', data: Int8Array.from([-128, 127]) },
      { name: 'i16', dtype: 'int16', data: Int16Array.from([-32768, 12345]) },
      { name: 'u16', dtype: 'uint16', data: Uint16Array.from([65535]) },
      { name: 'i32', dtype: 'int32', data: Int32Array.from([-2147483648, 5]) },
      { name: 'u32', dtype: 'uint32', data: Uint32Array.from([4294967295]) },
      { name: 'f64', dtype: 'float64', data: Float64Array.from([Math.PI, -0, Number.MAX_VALUE]) },
      { name: 'empty', dtype: 'float32', data: new Float32Array(0) },
    ],
  };
}

const events: Record<HostEventType, HostEvent> = {
  hello: {
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    server: { name: 'ringscope', version: '0.1.0', host: 'serve' },
    control: 'all',
    maxHz: 30,
    setup: {
      path: 'examples/muon/setup.yaml',
      title: 'Muon lifetime',
      buffers: [
        {
          name: 'RB_2',
          slots: 128,
          samples: 4250,
          fields: [{ name: 'chA', dtype: 'float32' }],
          display: { sample_time_ns: 4, trigger_level: -440 },
          groups: ['Fkt_4'],
          observed: true,
        },
      ],
      problems: [{ severity: 'note', message: 'GUI_control is ignored', file: 'setup.yaml', line: 3, column: 1, path: 'GUI_control' }],
      runnable: true,
    },
    status,
    statusSeq: 7,
    lastRun: summary,
  },
  setup: {
    type: 'setup',
    setup: {
      path: 'bad.yaml',
      buffers: [],
      problems: [{ severity: 'error', message: 'unknown key "RingBufer"', file: 'bad.yaml', line: 2, column: 1, path: ['RingBufer'] }],
      runnable: false,
    },
  },
  status: { type: 'status', seq: 8, status },
  setup_list: { type: 'setup_list', examples: [{ title: 'Muon lifetime', path: 'examples/muon/setup.yaml' }], folder: '/srv', saveAnywhere: true },
  port_list: {
    type: 'port_list',
    ports: [{ path: '/dev/ttyACM0', manufacturer: 'Arduino (www.arduino.cc)', vendorId: '2341', productId: '0043', byId: '/dev/serial/by-id/usb-Arduino_7553-if00' }, { path: '/dev/ttyS0' }],
    warning: 'listing serial ports needs udevadm',
  },
  setup_saved: { type: 'setup_saved', path: 'my/setup.yaml', text: 'title: x\n', problems: [], applied: true },
  snapshot: { type: 'snapshot', snapshot: snapshot() },
  histogram: {
    type: 'histogram',
    histogram: {
      id: 'h1', buffer: 'RB_3', field: 'decay_time', range: [0, 15000], counts: [1, 2, 3], underflow: 0, overflow: 4, entries: 6, invalid: 0, events: 10,
      complete: true, final: false, fit: { tau: 2190, sigma: 90, n: 6, t_min: 400, t_max: 14000, converged: true, partial: false, kept: 10 },
    },
  },
  strip: {
    type: 'strip',
    strip: { buffer: 'RB_1', fields: ['cpu'], reset: false, buckets: [{ t: 1000, dt: 100, n: 2, min: [3], max: [null] }], latest: { t: 1050, values: [4] }, events: 2, final: false },
  },
  error: {
    type: 'error',
    message: 'Fkt_2 failed',
    function: { function: 'Fkt_2', fkt_name: 'lifetime', instance: 1, counter: 17, message: 'boom', stack: 'Error: boom', policy: 'stop' },
  },
  log: { type: 'log', line: { time: 1, level: 'warn', source: 'Fkt_1', message: 'slow' } },
  run_ended: { type: 'run_ended', summary },
  run_files: {
    type: 'run_files',
    files: { run_directory: '/runs/muon_1', files: [{ path: 'run.log', size: 120, url: 'run-files/0/run.log' }], total: 120, growth: 40.5, active: true },
  },
  control: { type: 'control', command: 'pause', self: false },
  ack: { type: 'ack', req: 4, ok: false, message: 'no run' },
};

describe('commands', () => {
  it.each(Object.values(commands))('round-trips $type', (cmd) => {
    const wire = encodeCommand(cmd);
    expect(typeof wire).toBe('string');
    expect(decodeCommand(wire)).toEqual(cmd);
  });

  it.each([
    ['not json', 'not valid JSON'],
    ['[1]', 'needs a "type"'],
    ['{"type":"explode"}', 'unknown command "explode"'],
    ['{"type":"open"}', '"path" must be a string'],
    ['{"type":"start","runevents":-1}', '"runevents" must be a non-negative number'],
    ['{"type":"start","runtime":"10"}', '"runtime" must be a non-negative number'],
    ['{"type":"set_param","function":"F","name":"x"}', '"value" is missing'],
    ['{"type":"pv_put","pv":"A:dt","value":{"x":1}}', '"value" must be a number, a text or a list of numbers'],
    ['{"type":"pv_put","value":1}', '"pv" must be a string'],
    ['{"type":"subscribe","buffer":3}', '"buffer" must be a string or null'],
    ['{"type":"snapshot_ack","count":1.5}', '"count" must be a non-negative integer'],
    ['{"type":"pause","req":"a"}', '"req" must be a number'],
    ['{"type":"open","path":"a.yaml","text":1}', '"text" must be a string'],
    ['{"type":"save_setup","path":"a.yaml"}', '"text" must be a string'],
    ['{"type":"save_setup","path":"a.yaml","text":"","overwrite":"yes"}', '"overwrite" must be true or false'],
  ])('rejects %s', (text, message) => {
    expect(() => decodeCommand(text)).toThrow(BridgeDecodeError);
    expect(() => decodeCommand(text)).toThrow(message);
  });
});

describe('events', () => {
  it.each(Object.values(events))('round-trips $type', (ev) => {
    const wire = encodeEvent(ev);
    if (ev.type === 'snapshot') expect(wire).toBeInstanceOf(Uint8Array);
    else expect(typeof wire).toBe('string');
    expect(decodeEvent(wire)).toEqual(ev);
  });

  it('rejects text that is not an event', () => {
    expect(() => decodeEvent('{')).toThrow('not valid JSON');
    expect(() => decodeEvent('{"x":1}')).toThrow('needs a "type"');
  });
});

describe('snapshot frames', () => {
  it('carries samples as raw bytes, not JSON', () => {
    const s: Snapshot = {
      buffer: 'RB_1',
      seq: 1,
      counter: 1,
      timestamp: 0,
      deadtime: 0,
      fields: ['chA', 'chB', 'chC', 'chD'].map((name, k) => ({
        name,
        dtype: 'float32' as const,
        data: Float32Array.from({ length: 4250 }, (_, i) => Math.sin(i / 10) + k),
      })),
    };
    const frame = encodeSnapshot(s);
    // 4 × 4250 × 4 bytes of samples plus a small header.
    expect(frame.byteLength).toBeGreaterThanOrEqual(4 * 4250 * 4);
    expect(frame.byteLength).toBeLessThan(4 * 4250 * 4 + 512);
    const back = decodeSnapshot(frame);
    expect(back).toEqual(s);
    // Views on the frame's memory, no copy.
    expect(back.fields[0].data.buffer).toBe(frame.buffer);
  });

  it('keeps 64-bit integers exact', () => {
    const back = decodeSnapshot(encodeSnapshot(snapshot()));
    const big = back.fields.find((f) => f.name === 'big')!.data;
    expect(big).toBeInstanceOf(BigInt64Array);
    expect(Array.from(big as BigInt64Array)).toEqual([-(2n ** 63n), 2n ** 53n + 1n, 7n]);
    expect((back.fields.find((f) => f.name === 'ubig')!.data as BigUint64Array)[0]).toBe(2n ** 64n - 1n);
  });

  it('decodes a frame at an unaligned offset (a pooled Node Buffer)', () => {
    const frame = encodeSnapshot(snapshot());
    const pool = new Uint8Array(frame.length + 3);
    pool.set(frame, 3);
    expect(decodeSnapshot(pool.subarray(3))).toEqual(snapshot());
    expect(decodeEvent(pool.buffer.slice(3))).toEqual({ type: 'snapshot', snapshot: snapshot() });
  });

  it('takes fields that are views into a larger buffer', () => {
    const big = new Float64Array(10).map((_, i) => i);
    const s: Snapshot = { ...snapshot(), fields: [{ name: 'x', dtype: 'float64', data: big.subarray(3, 6) }] };
    expect(Array.from(decodeSnapshot(encodeSnapshot(s)).fields[0].data as Float64Array)).toEqual([3, 4, 5]);
  });

  it('rejects frames that are not ours or are cut short', () => {
    expect(() => decodeSnapshot(new Uint8Array([1, 2, 3]))).toThrow('not a RingScope frame');
    const frame = encodeSnapshot(snapshot());
    expect(() => decodeSnapshot(frame.subarray(0, 20))).toThrow('truncated');
    expect(() => decodeSnapshot(frame.subarray(0, frame.length - 16))).toThrow('outside its frame');
    const other = frame.slice();
    other[4] = 9;
    expect(() => decodeSnapshot(other)).toThrow('frame format 9');
  });
});

describe('dtypes', () => {
  it('normalises setup dtype names and numpy codes', () => {
    expect(normaliseDtype('float32')).toBe('float32');
    expect(normaliseDtype('f4')).toBe('float32');
    expect(normaliseDtype('<i8')).toBe('int64');
    expect(normaliseDtype('U2')).toBe('uint16');
    expect(normaliseDtype('complex64')).toBeNull();
  });

  it('converts plain arrays to typed arrays, and names typed arrays', () => {
    expect(toSampleArray([1.5, 2], 'float64')).toEqual(Float64Array.from([1.5, 2]));
    expect(toSampleArray([1, 2n], 'int64')).toEqual(BigInt64Array.from([1n, 2n]));
    const f = new Float32Array(2);
    expect(toSampleArray(f, 'float32')).toBe(f);
    expect(sampleTypeOf(new BigUint64Array(1))).toBe('uint64');
    expect(sampleTypeOf([1])).toBeNull();
  });
});
