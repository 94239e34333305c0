import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { deleteIn, deleteText, editText, findNode, setIn } from './edit';
import { parseSetup } from './parse';
import { YAML_OPTIONS, formatKeyPath, parseKeyPath } from './source';

const fixture = (rel: string): string => readFileSync(join(import.meta.dirname, '../../test/fixtures/setups/spin', rel), 'utf8');
const SPIN = fixture('setup.yaml');
const CONFIG = fixture('config/spin_config.yaml');

/** The lines that differ between two texts of the same length in lines. */
function changedLines(a: string, b: string): Array<[string, string]> {
  const la = a.split('\n');
  const lb = b.split('\n');
  expect(lb.length).toBe(la.length);
  return la.flatMap((l, i) => (l === lb[i] ? [] : [[l, lb[i]] as [string, string]]));
}

const comments = (text: string): string[] => text.split('\n').filter((l) => l.trim().startsWith('#') || / #/.test(l)).map((l) => l.slice(l.indexOf('#')).trim());

describe('editText in place', () => {
  it('changes one number and nothing else, keeping the comment after it', () => {
    const out = editText(SPIN, ['Functions', 2, 'Fkt_2', 'num_process'], 3);
    expect(changedLines(SPIN, out)).toEqual([['       num_process: 2', '       num_process: 3']]);
    const out2 = editText(SPIN, parseKeyPath('Functions[2].Fkt_2.RB_assign.RB_1'), 'observe');
    expect(changedLines(SPIN, out2)).toEqual([['           RB_1: "read"     # input', '           RB_1: "observe"     # input']]);
  });

  it('keeps the quoting style of the value it replaces', () => {
    const out = editText(SPIN, ['Functions', 3, 'Fkt_3', 'config_file'], 'config/other.yaml');
    expect(changedLines(SPIN, out)).toEqual([['      config_file: "config/save_top.yaml"', '      config_file: "config/other.yaml"']]);
    const single = editText(SPIN, ['RingBuffer', 0, 'RB_1', 'data_type', '2', 0], "ch'B");
    expect(changedLines(SPIN, single)).toEqual([[`          2: ['chB', "float32"]`, `          2: ['ch''B', "float32"]`]]);
    expect(parseSetup(single).setup.buffers[0].fields[1].name).toBe("ch'B");
  });

  it('quotes a plain string that would otherwise read back as something else', () => {
    const text = 'a: text\nb: [x, y]\n';
    for (const value of ['yes', '123', 'null', 'true', '1e3', '#x', 'a: b', '']) {
      const out = editText(text, ['a'], value);
      expect(parseDocument(out, YAML_OPTIONS).toJS().a).toBe(value);
    }
    expect(editText(text, ['a'], 'plain words')).toBe('a: plain words\nb: [x, y]\n');
    // Inside a flow list a comma would split the value.
    const out = editText(text, ['b', 1], 'p, q');
    expect(out).toBe('a: text\nb: [x, "p, q"]\n');
  });

  it('edits a value carrying an anchor, so every alias of it follows', () => {
    const out = editText(CONFIG, ['general', 'runevents'], 5000);
    expect(changedLines(CONFIG, out)).toEqual([['  runevents: &number_of_events 100000', '  runevents: &number_of_events 5000']]);
    expect(parseDocument(out, YAML_OPTIONS).toJS().simulation_source.eventcount).toBe(5000);
  });

  it('edits the last of duplicate keys, the one that counts', () => {
    const text = 'x:\n  data_type:\n  data_type: float32\n';
    expect(editText(text, ['x', 'data_type'], 'int16')).toBe('x:\n  data_type:\n  data_type: int16\n');
  });

  it('addresses numeric keys by their text (data_type fields)', () => {
    const out = editText(SPIN, ['RingBuffer', 2, 'RB_3', 'data_type', '9', 1], 'float64');
    expect(changedLines(SPIN, out)).toEqual([[`          9: ['1st_chA_int', "float32"]`, `          9: ['1st_chA_int', "float64"]`]]);
  });
});

describe('editText through the Document', () => {
  it('adds keys and mappings, keeping every comment, the order and unknown keys', () => {
    let out = editText(SPIN, ['Functions', 3, 'Fkt_3', 'on_error'], 'skip_event');
    out = editText(out, ['Functions', 1, 'Fkt_1', 'config'], { rate: 20, random: false });
    out = editText(out, ['RingBuffer', 0, 'RB_1', 'display', 'sample_time_ns'], 4);
    for (const c of comments(SPIN)) expect(out).toContain(c);
    const before = parseSetup(SPIN).setup;
    const after = parseSetup(out);
    expect(after.problems.filter((p) => p.severity !== 'note')).toEqual([]);
    expect(after.setup.functions[2].on_error).toBe('skip_event');
    expect(after.setup.functions[0].config).toEqual({ rate: 20, random: false });
    expect(after.setup.buffers[0].display).toEqual({ sample_time_ns: 4 });
    // Everything else reads the same.
    const strip = (s: typeof before) => ({ ...s, buffers: s.buffers.map(({ display: _d, ...b }) => b), functions: s.functions.map(({ config: _c, on_error: _o, ...f }) => f) });
    expect(strip(after.setup)).toEqual(strip(before));
    expect(out).toMatch(/^GUI_control: true +# control daq/m);
    expect(out.indexOf('RingBuffer:')).toBeLessThan(out.indexOf('Functions:'));
  });

  it('keeps a flow mapping in flow style and new numeric keys numeric', () => {
    const text = 'RB_assign: {RB_1: read} # in\ndata_type:\n  1: [a, int32]\n';
    const doc = parseDocument(text, YAML_OPTIONS);
    setIn(doc, ['RB_assign'], { RB_1: 'read', RB_2: 'write' });
    setIn(doc, ['data_type', '2'], ['b', 'float32']);
    const out = doc.toString({ flowCollectionPadding: false });
    expect(out).toContain('RB_assign: { RB_1: read, RB_2: write } # in'.replace('{ ', '{').replace(' }', '}'));
    expect(parseDocument(out, YAML_OPTIONS).toJS()).toEqual({ RB_assign: { RB_1: 'read', RB_2: 'write' }, data_type: { 1: ['a', 'int32'], 2: ['b', 'float32'] } });
    expect(out).toMatch(/^ {2}2: \[b, float32\]$/m);
  });

  it('creates missing mappings on the way and fills an empty value', () => {
    const doc = parseDocument('a:\nb: 1\n', YAML_OPTIONS);
    setIn(doc, ['a', 'x', 'y'], 2);
    setIn(doc, ['c', 'd'], 'e');
    expect(doc.toJS()).toEqual({ a: { x: { y: 2 } }, b: 1, c: { d: 'e' } });
    expect(() => setIn(doc, ['b', 'z'], 1)).toThrow(/not a mapping or list/);
    expect(() => setIn(doc, ['list', 5], 1)).not.toThrow();
  });

  it('appends to a list at its end and refuses gaps', () => {
    const doc = parseDocument('l: [1, 2]\n', YAML_OPTIONS);
    setIn(doc, ['l', 2], 3);
    expect(doc.toJS()).toEqual({ l: [1, 2, 3] });
    expect(() => setIn(doc, ['l', 7], 8)).toThrow(/outside the list/);
  });

  it('deletes keys (all duplicates) and list items, keeping comments', () => {
    const out = deleteText(SPIN, ['Functions', 5]);
    expect(parseSetup(out).setup.functions.map((f) => f.name)).toEqual(['Fkt_1', 'Fkt_2', 'Fkt_3', 'Fkt_4']);
    expect(out).toContain('# define functions and assignments');
    expect(deleteText(SPIN, ['nothing', 'here'])).toBe(SPIN);
    const doc = parseDocument('a: 1\na: 2\nb: 3\n', YAML_OPTIONS);
    expect(deleteIn(doc, ['a'])).toBe(true);
    expect(doc.toJS()).toEqual({ b: 3 });
  });

  it('refuses to edit text with YAML syntax errors', () => {
    expect(() => editText('a: [1, 2\n', ['a'], 1)).toThrow(/YAML syntax errors/);
  });
});

describe('key paths', () => {
  it('formats and parses the paths problems carry', () => {
    const cases: Array<Array<string | number>> = [
      ['RingBuffer', 0, 'RB_1', 'number_of_slots'],
      ['RingBuffer', 2, 'RB_3', 'data_type', '9', 1],
      ['FunctionConfigs', 'save_to_txt', 'header_alias', 'time of event (UTC)'],
      [],
    ];
    for (const c of cases) expect(parseKeyPath(formatKeyPath(c))).toEqual(c);
    expect(formatKeyPath(['RingBuffer', 0, 'RB_1', 'data_type', '9', 1])).toBe('RingBuffer[0].RB_1.data_type.9[1]');
    expect(() => parseKeyPath('a[')).toThrow();
  });

  it('finds nodes through aliases', () => {
    const doc = parseDocument('base: &b {x: 1}\nuse: *b\n', YAML_OPTIONS);
    expect(findNode(doc, ['use', 'x'])?.inFlow).toBe(true);
    expect(findNode(doc, ['use', 'nope'])).toBeNull();
  });
});
