// Shared test data for store and component tests (not part of the app bundle).
import type { BufferInfo, HelloEvent, SetupInfo } from '../../../src-shared/bridge/protocol';
import type { RunSummary, StatusReport } from '../../../src-shared/engine/status';

const wave = ['chA', 'chB', 'chC', 'chD'].map((name) => ({ name, dtype: 'float32' }));

export const buffers: BufferInfo[] = [
  { name: 'RB_1', slots: 128, samples: 100, fields: wave, display: { sample_time_ns: 4, pre_trigger_samples: 25 }, groups: ['Fkt_2'], observed: false },
  { name: 'RB_2', slots: 128, samples: 100, fields: wave, display: { sample_time_ns: 4, pre_trigger_samples: 25, trigger_level: -440, units: 'mV' }, groups: ['Fkt_4'], observed: true },
  { name: 'RB_3', slots: 32, samples: 1, fields: [{ name: 'decay_time', dtype: 'int32' }], groups: ['Fkt_3'], observed: false },
];

export const setup: SetupInfo = { path: 'examples/muon/setup.yaml', title: 'Muon lifetime', buffers, problems: [], runnable: true };

export const badSetup: SetupInfo = {
  path: 'test/fixtures/ui-bad-setup.yaml',
  buffers: [],
  runnable: false,
  problems: [
    { severity: 'error', message: 'RB_assign names an unknown buffer "RB_9".', file: 'ui-bad-setup.yaml', line: 12, column: 41, path: 'Functions[2].Fkt_2.RB_assign.RB_9' },
    { severity: 'warning', message: 'GUI_control is ignored.', file: 'ui-bad-setup.yaml', line: 30, column: 3, path: 'Functions[0].Fkt_main.GUI_control' },
  ],
};

export function status(over: Partial<StatusReport> = {}, rate = 500, written = 1000): StatusReport {
  return {
    state: 'running',
    elapsed: 12.5,
    source_events: written,
    buffers: [
      { name: 'RB_1', slots: 128, written, released: { Fkt_2: written - 5 }, filled: 32, rate, deadtime: 0.05, deadtime_mean: 0.04 },
      { name: 'RB_2', slots: 128, written: Math.floor(written / 12), released: {}, filled: 0, rate: rate / 12, deadtime: 0, deadtime_mean: 0 },
    ],
    functions: [
      {
        name: 'Fkt_2',
        fkt_name: 'lifetime',
        instances: [
          { instance: 0, state: 'running', events_in: written / 2, events_out: {}, failed_events: 0 },
          { instance: 1, state: 'failed', events_in: written / 2, events_out: {}, failed_events: 1 },
        ],
        errors: [{ function: 'Fkt_2', fkt_name: 'lifetime', instance: 1, counter: 77, message: 'no peaks found', policy: 'stop' }],
      },
    ],
    run_directory: '/tmp/target/muon_run',
    ...over,
  };
}

export const summary: RunSummary = {
  setup: 'examples/muon/setup.yaml',
  started: '2026-11-21T21:09:03.120Z',
  ended: '2026-11-21T21:10:03.120Z',
  state: 'ended',
  end_reason: 'runevents',
  error: null,
  run_directory: '/tmp/target/muon_run',
  runevents: 2000,
  runtime: 0,
  buffers: {
    RB_1: { written: 2000, released: { Fkt_2: 2000 }, deadtime_mean: 0.01 },
    RB_2: { written: 160, released: { Fkt_4: 160 }, deadtime_mean: 0 },
  },
  functions: {},
  exports: ['/tmp/target/muon_run/Fkt_3_RB_3.csv', '/tmp/target/muon_run/Fkt_4_RB_2.parquet'],
};

export function hello(over: Partial<HelloEvent> = {}): HelloEvent {
  return {
    type: 'hello',
    protocol: 1,
    server: { name: 'ringscope', version: '0.1.0', host: 'serve' },
    control: 'all',
    maxHz: 30,
    setup,
    status: status({ state: 'idle', elapsed: 0, source_events: 0 }, 0, 0),
    statusSeq: 1,
    lastRun: null,
    ...over,
  };
}
