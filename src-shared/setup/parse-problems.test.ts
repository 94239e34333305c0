// The bad-case table: one broken setup per problem, each of which must be
// reported with its severity, message, key path and line.
import { describe, expect, it } from 'vitest';
import { BASE, edit } from '../../test/support/setup/two-buffers';
import { hasErrors, parseSetup } from './parse';
import type { Problem, Severity } from './types';

/** The 1-based line carrying the `#<` marker (the line the problem must point at). */
function markedLine(text: string): number {
  const i = text.split('\n').findIndex((l) => l.includes('#<'));
  if (i < 0) throw new Error('no #< marker');
  return i + 1;
}

interface Case {
  name: string;
  text: string;
  severity: Severity;
  message: string;
  path: string;
  /** Defaults to the line marked with #<. */
  line?: number;
  column?: number;
}

const CASES: Case[] = [
  {
    name: 'number_of_slots zero',
    text: edit('number_of_slots: 16', 'number_of_slots: 0 #<'),
    severity: 'error',
    message: 'number_of_slots of RB_1 must be a whole number ≥ 1',
    path: 'RingBuffer[0].RB_1.number_of_slots',
    column: 24,
  },
  {
    name: 'number_of_slots text',
    text: edit('number_of_slots: 16', 'number_of_slots: many #<'),
    severity: 'error',
    message: 'not "many"',
    path: 'RingBuffer[0].RB_1.number_of_slots',
  },
  {
    name: 'number_of_slots fraction',
    text: edit('number_of_slots: 8', 'number_of_slots: 2.5 #<'),
    severity: 'error',
    message: 'whole number ≥ 1',
    path: 'RingBuffer[1].RB_2.number_of_slots',
  },
  {
    name: 'number_of_slots missing',
    text: edit('  - RB_1:\n      number_of_slots: 16\n', '  - RB_1: #<\n'),
    severity: 'error',
    message: 'RB_1 has no number_of_slots',
    path: 'RingBuffer[0].RB_1.number_of_slots',
    column: 5,
  },
  {
    name: 'number_of_slots over the ring-buffer limit',
    text: edit('number_of_slots: 16', 'number_of_slots: 70000 #<'),
    severity: 'error',
    message: 'a ring buffer holds at most 65536 events',
    path: 'RingBuffer[0].RB_1.number_of_slots',
  },
  {
    name: 'a buffer needing more memory than a ring buffer may use',
    text: edit('number_of_slots: 16', 'number_of_slots: 1000').replace('channel_per_slot: 100', 'channel_per_slot: 200000').replace('  - RB_1:', '  - RB_1: #<'),
    severity: 'error',
    message: 'its 1000 slots take the room of 1024: slots are rounded up to a power of two); one ring buffer may use at most 1024 MiB',
    path: 'RingBuffer[0].RB_1',
  },
  {
    name: 'channel_per_slot negative',
    text: edit('channel_per_slot: 100', 'channel_per_slot: -4 #<'),
    severity: 'error',
    message: '-4 is too small',
    path: 'RingBuffer[0].RB_1.channel_per_slot',
  },
  {
    name: 'channel_per_slot missing',
    text: edit('  - RB_2:\n      number_of_slots: 8\n      channel_per_slot: 1\n', '  - RB_2: #<\n      number_of_slots: 8\n'),
    severity: 'error',
    message: 'RB_2 has no channel_per_slot',
    path: 'RingBuffer[1].RB_2.channel_per_slot',
  },
  {
    name: 'misspelt dtype of the whole slot',
    text: edit('data_type: {1: [height, float64], 2: [position, int32]}', 'data_type: flaot32 #<'),
    severity: 'error',
    message: 'did you mean "float32"',
    path: 'RingBuffer[1].RB_2.data_type',
  },
  {
    name: 'unsupported numpy dtype of a field',
    text: edit('2: [chB, float32]', '2: [chB, float16] #<'),
    severity: 'error',
    message: 'float16) are not supported; use float32',
    path: 'RingBuffer[0].RB_1.data_type.2[1]',
  },
  {
    name: 'field without a type',
    text: edit('2: [chB, float32]', '2: [chB] #<'),
    severity: 'error',
    message: 'is written [name, type]',
    path: 'RingBuffer[0].RB_1.data_type.2',
  },
  {
    name: 'duplicate field names',
    text: edit('2: [chB, float32]', '2: [chA, float32] #<'),
    severity: 'error',
    message: 'two fields named "chA"',
    path: 'RingBuffer[0].RB_1.data_type.2[0]',
  },
  {
    name: 'data_type written as a list',
    text: edit('      data_type:\n        1: [chA, float32]\n        2: [chB, float32]\n', '      data_type: #<\n        - [chA, float32]\n        - [chB, float32]\n'),
    severity: 'error',
    message: 'numbered fields written "1: [name, type]"',
    path: 'RingBuffer[0].RB_1.data_type',
  },
  {
    name: 'field named like a metadata column',
    text: edit('1: [height, float64]', '1: [counter, float64]').replace('data_type: {', 'data_type: { #<\n        '),
    severity: 'warning',
    message: 'name of an event\'s metadata column',
    path: 'RingBuffer[1].RB_2.data_type.1[0]',
    line: 14,
  },
  {
    name: 'misspelt buffer key',
    text: edit('channel_per_slot: 100', 'chanel_per_slot: 100 #<'),
    severity: 'warning',
    message: 'Did you mean "channel_per_slot"?',
    path: 'RingBuffer[0].RB_1.chanel_per_slot',
    column: 7,
  },
  {
    name: 'buffer name without underscore',
    text: edit('  - RB_2:', '  - RB2: #<'),
    severity: 'error',
    message: 'Did you mean "RB_2"?',
    path: 'RingBuffer[1].RB2',
  },
  {
    name: 'buffer defined twice',
    text: edit('  - RB_2:', '  - RB_1: #<'),
    severity: 'error',
    message: 'RB_1 is defined twice (first on line 4)',
    path: 'RingBuffer[1].RB_1',
  },
  {
    name: 'settings not indented under the buffer name',
    text: edit(
      '  - RB_1:\n      number_of_slots: 16\n      channel_per_slot: 100\n      data_type:\n        1: [chA, float32]\n        2: [chB, float32]\n',
      '  - RB_1:\n    number_of_slots: 16 #<\n    channel_per_slot: 100\n    data_type:\n      1: [chA, float32]\n      2: [chB, float32]\n',
    ),
    severity: 'error',
    message: 'The settings of RB_1 are not indented under it',
    path: 'RingBuffer[0].RB_1',
  },
  {
    name: 'RingBuffer written as a mapping',
    text: edit('  - RB_1:\n      number_of_slots: 16\n      channel_per_slot: 100\n      data_type:\n        1: [chA, float32]\n        2: [chB, float32]\n  - RB_2:\n      number_of_slots: 8\n      channel_per_slot: 1\n      data_type: {1: [height, float64], 2: [position, int32]}\n', '  RB_1: #<\n    number_of_slots: 16\n'),
    severity: 'error',
    message: 'Put a dash before each buffer',
    path: 'RingBuffer',
    line: 3,
  },
  {
    name: 'RingBuffer missing',
    text: 'Functions:\n  - Fkt_1: {file_name: m, fkt_name: f, RB_assign: {RB_1: write}}\n',
    severity: 'error',
    message: 'The setup has no RingBuffer: section',
    path: 'RingBuffer',
    line: 1,
    column: 1,
  },
  {
    name: 'RB_assign names an unknown buffer',
    text: edit('RB_assign: {RB_2: read}', 'RB_assign: {RB_7: read} #<'),
    severity: 'error',
    message: 'Fkt_3 uses RB_7, which is not defined under RingBuffer',
    path: 'Functions[3].Fkt_3.RB_assign.RB_7',
  },
  {
    name: 'RB_assign with a misspelt mode',
    text: edit('        RB_2: write', '        RB_2: wirte #<'),
    severity: 'error',
    message: 'Did you mean "write"?',
    path: 'Functions[2].Fkt_2.RB_assign.RB_2',
    column: 15,
  },
  {
    name: 'RB_assign missing',
    text: edit('      fkt_name: sink\n      RB_assign: {RB_2: read}\n', '      fkt_name: sink #<\n').replace('  - Fkt_3:', '  - Fkt_3: #<'),
    severity: 'error',
    message: 'Fkt_3 is not connected to any buffer',
    path: 'Functions[3].Fkt_3.RB_assign',
  },
  {
    name: 'file_name missing',
    text: edit('  - Fkt_2:\n      file_name: modules/filter\n', '  - Fkt_2: #<\n'),
    severity: 'error',
    message: 'Fkt_2 has no file_name',
    path: 'Functions[2].Fkt_2.file_name',
  },
  {
    name: 'fkt_name missing for a user module',
    text: edit('  - Fkt_1:\n      file_name: modules/source\n      fkt_name: source\n', '  - Fkt_1: #<\n      file_name: modules/source\n'),
    severity: 'error',
    message: 'Fkt_1 has no fkt_name',
    path: 'Functions[1].Fkt_1.fkt_name',
  },
  {
    name: 'num_process zero',
    text: edit('num_process: 2', 'num_process: 0 #<'),
    severity: 'error',
    message: 'num_process of Fkt_2 must be a whole number ≥ 1',
    path: 'Functions[2].Fkt_2.num_process',
  },
  {
    name: 'on_error misspelt',
    text: edit('      fkt_name: sink\n', '      fkt_name: sink\n      on_error: skip-event #<\n'),
    severity: 'error',
    message: 'Did you mean "skip_event"?',
    path: 'Functions[3].Fkt_3.on_error',
  },
  {
    name: 'misspelt function key',
    text: edit('      fkt_name: sink\n', '      fkt_name: sink\n      confg_file: config/sink.yaml #<\n'),
    severity: 'warning',
    message: 'Did you mean "config_file"?',
    path: 'Functions[3].Fkt_3.confg_file',
  },
  {
    name: 'function name in capitals',
    text: edit('  - Fkt_2:', '  - FKT_2: #<'),
    severity: 'error',
    message: 'Did you mean "Fkt_2"?',
    path: 'Functions[2].FKT_2',
  },
  {
    name: 'inline config is not a mapping',
    text: edit('      fkt_name: sink\n', '      fkt_name: sink\n      config: [1, 2] #<\n'),
    severity: 'error',
    message: 'config of Fkt_3 must be a mapping of parameters',
    path: 'Functions[3].Fkt_3.config',
  },
  {
    name: 'Fkt_main not first',
    text: edit('  - Fkt_main: {runtime: 10, runevents: 0}\n', '').replace('  - Fkt_3:', '  - Fkt_main: {runtime: 10} #<\n  - Fkt_3:'),
    severity: 'warning',
    message: 'Fkt_main should be the first entry of Functions',
    path: 'Functions[2].Fkt_main',
  },
  {
    name: 'Fkt_main missing',
    text: edit('  - Fkt_main: {runtime: 10, runevents: 0}\n', '').replace('Functions:', 'Functions: #<'),
    severity: 'note',
    message: 'There is no Fkt_main entry',
    path: 'Functions',
  },
  {
    name: 'negative runtime',
    text: edit('{runtime: 10, runevents: 0}', '{runtime: -1, runevents: 0} #<'),
    severity: 'error',
    message: 'runtime must be at least 0',
    path: 'Functions[0].Fkt_main.runtime',
  },
  {
    name: 'fractional runevents',
    text: edit('{runtime: 10, runevents: 0}', '{runtime: 10, runevents: 1.5} #<'),
    severity: 'error',
    message: 'runevents must be a whole number ≥ 0',
    path: 'Functions[0].Fkt_main.runevents',
  },
  {
    name: 'a buffer nobody writes',
    text: edit('RB_assign: {RB_1: write}', 'RB_assign: {RB_2: write}').replace('  - RB_1:', '  - RB_1: #<'),
    severity: 'error',
    message: 'No function writes RB_1, so Fkt_2 would wait for events forever',
    path: 'RingBuffer[0].RB_1',
  },
  {
    name: 'a buffer written but never read',
    text: edit('  - Fkt_3:\n      file_name: modules/sink\n      fkt_name: sink\n      RB_assign: {RB_2: read}\n', '').replace('  - RB_2:', '  - RB_2: #<'),
    severity: 'warning',
    message: 'RB_2 is written but no function reads or observes it',
    path: 'RingBuffer[1].RB_2',
  },
  {
    name: 'a cycle',
    text: edit('RB_assign: {RB_2: read}', 'RB_assign: {RB_2: read, RB_1: write} #<'),
    severity: 'error',
    message: 'Data would flow in a circle: RB_1 → Fkt_2 → RB_2 → Fkt_3 → RB_1',
    path: 'Functions[3].Fkt_3.RB_assign.RB_1',
  },
  {
    name: 'misspelt top-level key',
    text: edit('title: Two buffers', 'title: Two buffers\noutput_dir: data #<'),
    severity: 'warning',
    message: 'Did you mean "output_directory"?',
    path: 'output_dir',
  },
  {
    name: "mimoCoRB's GUI keys",
    text: edit('title: Two buffers', 'title: Two buffers\nKBD_control: true #<'),
    severity: 'note',
    message: "read only by mimoCoRB's Python GUI",
    path: 'KBD_control',
  },
  {
    name: 'non-consecutive buffer numbers',
    text: BASE.replace(/RB_2/g, 'RB_3').replace('  - RB_3:', '  - RB_3: #<'),
    severity: 'note',
    message: 'Buffers are numbered RB_1, RB_3',
    path: 'RingBuffer[1].RB_3',
  },
  {
    name: 'output_directory not text',
    text: edit('title: Two buffers', 'title: Two buffers\noutput_directory: [a, b] #<'),
    severity: 'error',
    message: 'output_directory must be text',
    path: 'output_directory',
  },
  {
    name: 'display: sample time zero',
    text: edit('      channel_per_slot: 100\n', '      channel_per_slot: 100\n      display:\n        sample_time_ns: 0 #<\n'),
    severity: 'error',
    message: 'sample_time_ns must be greater than 0',
    path: 'RingBuffer[0].RB_1.display.sample_time_ns',
  },
  {
    name: 'display: colour for a field that does not exist',
    text: edit('      channel_per_slot: 100\n', '      channel_per_slot: 100\n      display:\n        colors: {chA: red, chX: blue} #<\n'),
    severity: 'warning',
    message: 'colors names field "chX", which RB_1 does not have',
    path: 'RingBuffer[0].RB_1.display.colors.chX',
  },
  {
    name: 'display: histogram range reversed',
    text: edit('      channel_per_slot: 1\n', '      channel_per_slot: 1\n      display:\n        histogram: {field: height, range: [10, 5]} #<\n'),
    severity: 'error',
    message: 'histogram range must be [low, high] with low < high',
    path: 'RingBuffer[1].RB_2.display.histogram.range',
  },
  {
    name: 'duplicate key (mimoCoRB examples have an empty data_type: line before the real one)',
    text: edit('      data_type:\n        1: [chA', '      data_type: #<\n      data_type:\n        1: [chA'),
    severity: 'warning',
    message: '"data_type" appears twice here (lines 7 and 8); the last one counts',
    path: 'RingBuffer[0].RB_1.data_type',
  },
  {
    name: 'YAML syntax error',
    text: edit('RB_assign: {RB_2: read}', 'RB_assign: {RB_2: read #<'),
    severity: 'error',
    message: 'YAML syntax',
    path: '',
    line: 32,
  },
  {
    name: 'empty file',
    text: '# nothing yet\n',
    severity: 'error',
    message: 'The setup file is empty',
    path: '',
    line: 1,
  },
  {
    name: 'epics not a mapping',
    text: edit('title: Two buffers', 'title: Two buffers\nepics: 5 #<'),
    severity: 'error',
    message: 'epics must be a mapping',
    path: 'epics',
  },
  {
    name: 'FunctionConfigs section not a mapping',
    text: `${BASE}FunctionConfigs:\n  filter: 30 #<\n`,
    severity: 'error',
    message: 'FunctionConfigs.filter must be a mapping of parameters',
    path: 'FunctionConfigs.filter',
  },
  {
    name: 'FunctionConfigs section nobody uses',
    text: `${BASE}FunctionConfigs:\n  filtre: {threshold: 30} #<\n`,
    severity: 'note',
    message: 'Did you mean "filter"?',
    path: 'FunctionConfigs.filtre',
  },
];

function find(problems: Problem[], c: Case): Problem | undefined {
  return problems.find((p) => p.severity === c.severity && p.message.includes(c.message));
}

describe('parseSetup', () => {
  it(`has at least 25 bad cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES)('reports: $name', (c) => {
    const { problems } = parseSetup(c.text, { file: 'bad.yaml' });
    const p = find(problems, c);
    expect(p, `no ${c.severity} containing "${c.message}" in:\n${problems.map((x) => `${x.line}:${x.column} ${x.severity} ${x.message} (${x.path})`).join('\n')}`).toBeDefined();
    expect(p!.file).toBe('bad.yaml');
    expect(p!.line).toBe(c.line ?? markedLine(c.text));
    expect(p!.path).toBe(c.path);
    if (c.column !== undefined) expect(p!.column).toBe(c.column);
    if (c.severity === 'error') expect(hasErrors(problems)).toBe(true);
  });
});
