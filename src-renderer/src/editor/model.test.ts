// The setup editor's logic on real setups: form edits become YAML edits that
// keep every comment, re-parse to what was typed, and put each validation
// message at its field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSetup } from '../../../src-shared/setup/parse';
import { NEW_SETUP_TEMPLATE } from '../../../src-shared/setup/template';
import { addBufferField, applyDelete, applyEdit, buildModel, placeProblems, readInput, renderedKeys, showValue } from './model';

const root = join(import.meta.dirname, '..', '..', '..');
const muon = readFileSync(join(root, 'examples', 'muon', 'setup.yaml'), 'utf8');
const muonConfig = readFileSync(join(root, 'examples', 'muon', 'config', 'muon_config.yaml'), 'utf8');
const sensors = readFileSync(join(root, 'examples', 'sensors', 'setup.yaml'), 'utf8');
const comments = (t: string) => t.split('\n').filter((l) => l.includes('#')).map((l) => l.slice(l.indexOf('#')));

/** The lines of `after` that differ from `before` (same line count expected for in-place edits). */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return b.filter((l, i) => l !== a[i]);
}

describe('the form of a setup', () => {
  it('shows buffers with slots, samples and typed fields', () => {
    const m = buildModel(muon);
    expect(m.broken).toBe(false);
    expect(m.buffers.map((b) => [b.name, b.slots.value, b.samples.value, b.fields.length])).toEqual([
      ['RB_1', 128, 4250, 4],
      ['RB_2', 128, 4250, 4],
      ['RB_3', 32, 1, 25],
    ]);
    expect(m.buffers[0].fields[0]).toMatchObject({ id: '1', name: { value: 'chA', key: 'RingBuffer[0].RB_1.data_type[1][0]' }, dtype: { value: 'float32' } });
    const single = buildModel(NEW_SETUP_TEMPLATE.replace(/data_type:\n(\s+\d: .*\n)+/, 'data_type: float64\n'));
    expect(single.buffers[0].named).toBe(false);
    expect(single.buffers[0].fields).toMatchObject([{ id: null, name: null, dtype: { value: 'float64', key: 'RingBuffer[0].RB_1.data_type' } }]);
  });

  it('shows every built-in parameter with its declaration and where its value comes from', () => {
    const configs = { 'config/muon_config.yaml': parseSetupConfig(muonConfig) };
    const m = buildModel(muon, { configs });
    const source = m.functions.find((f) => f.name === 'Fkt_1')!;
    expect(source.builtin?.id).toBe('sources/muon');
    const prb = source.params.find((p) => p.name === 'prbInteraction')!;
    expect(prb.value).toBe(0.95);
    expect(prb.origin).toBe('config/muon_config.yaml (section simulation_source)');
    expect(prb.inFile).toBe(false);
    // An edit of a value from a config file goes to the function's inline config (which wins).
    expect(prb.editPath).toEqual(['Functions', 1, 'Fkt_1', 'config', 'prbInteraction']);
    const sink = m.functions.find((f) => f.name === 'Fkt_4')!;
    expect(sink.params.find((p) => p.name === 'filename')).toMatchObject({ value: 'accepted_waveforms', origin: 'this file (Fkt_4.config)', inFile: true });
    // Without the config files, a value not in the setup shows its default.
    const bare = buildModel(muon).functions.find((f) => f.name === 'Fkt_1')!.params.find((p) => p.name === 'prbInteraction')!;
    expect(bare.origin).toBe('default');
    // A FunctionConfigs section read by one function is edited where it is.
    const dt = buildModel(sensors).functions[0].params.find((p) => p.name === 'dt')!;
    expect(dt).toMatchObject({ value: 1, origin: 'this file (FunctionConfigs.read_sensors)', editPath: ['FunctionConfigs', 'read_sensors', 'dt'] });
    expect(dt.spec).toMatchObject({ unit: 's', min: 0.01, live: true });
  });
});

function parseSetupConfig(text: string): unknown {
  // The host sends config files as plain values (aliases resolved); the yaml package does the same.
  return parseSetup(text).doc.toJS();
}

describe('form edit → YAML text → parse', () => {
  it('changes only the edited value and keeps every comment byte for byte', () => {
    const m = buildModel(muon);
    const slots = m.buffers[2].slots;
    const edited = applyEdit(muon, slots.path, readInput('64', 'number'));
    expect(changedLines(muon, edited)).toEqual(['      number_of_slots: 64']);
    expect(comments(edited)).toEqual(comments(muon));
    expect(parseSetup(edited).setup.buffers[2].slots).toBe(64);
    // A field name inside a flow list [chA, float32] is replaced in place too.
    const renamed = applyEdit(edited, m.buffers[0].fields[1].name!.path, 'chB2');
    expect(changedLines(edited, renamed)).toEqual(['        2: [chB2, float32]']);
    expect(parseSetup(renamed).setup.buffers[0].fields[1].name).toBe('chB2');
  });

  it('writes a parameter into the function\'s inline config, keeps the comments, and reads back', () => {
    const m = buildModel(muon);
    const prb = m.functions[0].params.find((p) => p.name === 'prbInteraction')!;
    const edited = applyEdit(muon, prb.editPath, readInput('0.9', 'number'));
    expect(comments(edited)).toEqual(comments(muon));
    const again = buildModel(edited);
    const after = again.functions[0].params.find((p) => p.name === 'prbInteraction')!;
    expect(after).toMatchObject({ value: 0.9, inFile: true, origin: 'this file (Fkt_1.config)' });
    expect(again.problems.filter((p) => p.severity === 'error')).toEqual([]);
    // Editing it again changes that one value in place; reset removes it.
    const twice = applyEdit(edited, after.editPath, 0.8);
    expect(changedLines(edited, twice)).toHaveLength(1);
    const reset = applyDelete(twice, after.editPath);
    expect(buildModel(reset).functions[0].params.find((p) => p.name === 'prbInteraction')!.origin).toBe('default');
  });

  it('adds a field to a buffer with the next number', () => {
    const m = buildModel(NEW_SETUP_TEMPLATE);
    const edited = addBufferField(NEW_SETUP_TEMPLATE, m.buffers[0], 'temperature', 'float32');
    expect(parseSetup(edited).setup.buffers[0].fields.at(-1)).toEqual({ name: 'temperature', dtype: 'float32' });
    expect(edited).toContain('5: [temperature, float32]');
    expect(edited).toContain('# events the buffer holds');
  });

  it('round-trips user-function parameters typed as YAML', () => {
    expect(readInput('30', 'yaml')).toBe(30);
    expect(readInput('[1, 2]', 'yaml')).toEqual([1, 2]);
    expect(readInput('yes', 'yaml')).toBe(true);
    expect(readInput('text here', 'yaml')).toBe('text here');
    expect(readInput('[1, 2', 'yaml')).toBeInstanceOf(Error);
    expect(readInput('12abc', 'number')).toBe('12abc');
    expect(readInput(' 1e3 ', 'number')).toBe(1000);
    expect(showValue([1, 'a'])).toBe('[1, a]');
    expect(readInput(showValue([['+', '-'], ['0', '+']]), 'yaml')).toEqual([['+', '-'], ['0', '+']]);
    expect(showValue({ decay_time: 'ns' })).toBe('{decay_time: ns}');
  });
});

describe('validation at the field', () => {
  it('puts a bad value\'s message at its field as it is typed', () => {
    const m = buildModel(muon);
    const edited = applyEdit(muon, m.buffers[0].slots.path, readInput('-5', 'number'));
    const after = buildModel(edited);
    const placed = placeProblems(after.problems, renderedKeys(after));
    const at = (placed.get(after.buffers[0].slots.key) ?? []).map((i) => after.problems[i]);
    expect(at).toHaveLength(1);
    expect(at[0]).toMatchObject({ severity: 'error', line: 19 });
    expect(at[0].message).toContain('number_of_slots of RB_1 must be a whole number ≥ 1');
    expect(after.errors).toBe(1);
  });

  it('checks built-in parameters against their range and type', () => {
    const dt = buildModel(sensors).functions[0].params.find((p) => p.name === 'dt')!;
    const edited = applyEdit(sensors, dt.editPath, readInput('0', 'number'));
    const after = buildModel(edited);
    const placed = placeProblems(after.problems, renderedKeys(after));
    const key = after.functions[0].params.find((p) => p.name === 'dt')!.key;
    const msgs = (placed.get(key) ?? []).map((i) => after.problems[i].message);
    expect(msgs).toEqual([expect.stringContaining('dt of Fkt_1 (builtin:sources/sensors) is 0 s, below the smallest allowed value 0.01 s')]);
    const typed = buildModel(applyEdit(sensors, dt.editPath, readInput('fast', 'number')));
    expect(typed.problems.find((p) => p.path === key)!.message).toContain('must be a number, not "fast"');
  });

  it('places problems without a field of their own at the nearest enclosing part', () => {
    const placed = placeProblems(
      [{ path: 'RingBuffer[0].RB_1.display.units' }, { path: 'Functions' }, { path: ['RingBuffer', 0, 'RB_1', 'number_of_slots'] }],
      ['', 'RingBuffer[0].RB_1', 'RingBuffer[0].RB_1.number_of_slots', 'RingBuffer[0].RB_1.number_of_slots_x'],
    );
    expect(placed.get('RingBuffer[0].RB_1')).toEqual([0]);
    expect(placed.get('')).toEqual([1]);
    expect(placed.get('RingBuffer[0].RB_1.number_of_slots')).toEqual([2]);
  });

  it('shows a file with YAML syntax errors as broken (the YAML tab fixes it)', () => {
    const m = buildModel('RingBuffer: [\n');
    expect(m.broken).toBe(true);
    expect(m.errors).toBeGreaterThan(0);
    expect(() => applyEdit('RingBuffer: [\n', ['title'], 'x')).toThrow(/syntax errors/);
  });
});
