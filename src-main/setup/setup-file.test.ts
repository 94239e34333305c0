import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Setup } from '../../src-shared/setup/types';
import { loadSetup } from './load';
import { SetupFile } from './setup-file';

const SPIN = join(import.meta.dirname, '../../test/fixtures/setups/spin');

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ringscope-setupfile-'));
  dir = join(root, 'lab');
  cpSync(SPIN, dir, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const original = (): string => readFileSync(join(SPIN, 'setup.yaml'), 'utf8');
const commentsOf = (text: string): string[] => text.split('\n').filter((l) => l.includes('#')).map((l) => l.slice(l.indexOf('#')).trim());
const clone = (s: Setup): Setup => structuredClone(s);

describe('SetupFile round trip', () => {
  it('load → edit values → save → load gives the edited setup; only the edited lines change', async () => {
    const before = await loadSetup(join(dir, 'setup.yaml'));
    const file = before.file;
    expect(file.dirty).toBe(false);
    file.set('Functions[2].Fkt_2.num_process', 3);
    file.set(['RingBuffer', 0, 'RB_1', 'number_of_slots'], 64);
    file.set('FunctionConfigs.save_to_txt.filename', 'spin2');
    file.set('RingBuffer[2].RB_3.data_type.4[1]', 'float64');
    expect(file.dirty).toBe(true);
    expect(file.setup.functions[1].num_process).toBe(3);
    await file.save();
    expect(file.dirty).toBe(false);

    const text = readFileSync(join(dir, 'setup.yaml'), 'utf8');
    const a = original().split('\n');
    const b = text.split('\n');
    expect(b.length).toBe(a.length);
    expect(a.flatMap((l, i) => (l === b[i] ? [] : [[l.trim(), b[i].trim()]]))).toEqual([
      ['number_of_slots: 128', 'number_of_slots: 64'],
      [`4: ['1st_chB_h', "f4"]`, `4: ['1st_chB_h', "float64"]`],
      ['num_process: 2', 'num_process: 3'],
      ['filename: "spin"', 'filename: "spin2"'],
    ]);

    const after = await loadSetup(join(dir, 'setup.yaml'));
    expect(after.problems).toEqual(before.problems);
    const expected = clone(before.setup);
    expected.functions[1].num_process = 3;
    expected.buffers[0].slots = 64;
    expected.function_configs.save_to_txt.filename = 'spin2';
    expected.buffers[2].fields[4].dtype = 'float64';
    expect(after.setup).toEqual(expected);
    expect(after.functions.Fkt_3.config).toEqual(before.functions.Fkt_3.config); // save_top.yaml still wins over FunctionConfigs
  });

  it('load → add keys and mappings → save → load keeps every comment, the order and the unknown keys', async () => {
    writeFileSync(join(dir, 'setup.yaml'), original().replace('KBD_control: yes', 'KBD_control: yes\nlab_notes: {room: 4.12, tutor: "A. B."}  # not a RingScope key'));
    const before = await loadSetup(join(dir, 'setup.yaml'));
    const file = before.file;
    file.set('Functions[3].Fkt_3.on_error', 'skip_event');
    file.set('Functions[1].Fkt_1.config', { sleeptime: 0.01 });
    file.set('RingBuffer[0].RB_1.display', { sample_time_ns: 4, units: 'mV', colors: { chA: '#1f77b4' } });
    file.set('title', 'Spin');
    await file.save();

    const text = readFileSync(join(dir, 'setup.yaml'), 'utf8');
    for (const c of commentsOf(original())) expect(text).toContain(c);
    expect(text).toContain('lab_notes: {room: 4.12, tutor: "A. B."} # not a RingScope key');
    expect(text).toMatch(/^GUI_control: true\s+# control daq/m);
    expect(text.indexOf('RingBuffer:')).toBeLessThan(text.indexOf('Functions:'));
    expect(text.indexOf('Functions:')).toBeLessThan(text.indexOf('FunctionConfigs:'));

    const after = await loadSetup(join(dir, 'setup.yaml'));
    const expected = clone(before.setup);
    expected.title = 'Spin';
    expected.functions[2].on_error = 'skip_event';
    expected.functions[0].config = { sleeptime: 0.01 };
    expected.buffers[0].display = { sample_time_ns: 4, units: 'mV', colors: { chA: '#1f77b4' } };
    expect(after.setup).toEqual(expected);
    expect(after.functions.Fkt_1.config.sleeptime).toBe(0.01);
    expect(after.functions.Fkt_1.origin.sleeptime).toBe('Fkt_1.config');
    expect(after.problems.map((p) => p.code)).toEqual(before.problems.map((p) => p.code));
  });

  it('edits a config file with anchors in place, and aliases follow', async () => {
    const cfg = await SetupFile.open(join(dir, 'config/spin_config.yaml'));
    cfg.set('general.sample_time_ns', 2);
    await cfg.save();
    const loaded = await loadSetup(join(dir, 'setup.yaml'));
    expect(loaded.functions.Fkt_1.config.sample_time_ns).toBe(2);
    expect(loaded.functions.Fkt_2.config.sample_time_ns).toBe(2); // through <<: *waveform_defaults
    const text = readFileSync(join(dir, 'config/spin_config.yaml'), 'utf8');
    expect(text).toContain('  sample_time_ns: &sample_time_ns 2\n');
    expect(text).toContain('  <<: *waveform_defaults\n');
  });

  it('takes new text from an editor and deletes by key path', () => {
    const file = new SetupFile(join(dir, 'setup.yaml'), original());
    file.setText(original().replace('num_process: 2', 'num_process: 0'));
    expect(file.problems.some((p) => p.path === 'Functions[2].Fkt_2.num_process')).toBe(true);
    file.delete('Functions[5]');
    expect(file.setup.functions.map((f) => f.name)).toEqual(['Fkt_1', 'Fkt_2', 'Fkt_3', 'Fkt_4']);
    expect(file.toString()).toBe(file.text);
    expect(() => new SetupFile('x.yaml', 'a: [').set('a', 1)).toThrow(/syntax errors/);
  });
});

describe('SetupFile.saveAs', () => {
  it('rewrites relative input paths so they still point at the same files', async () => {
    const before = await loadSetup(join(dir, 'setup.yaml'));
    const target = join(root, 'elsewhere', 'deeper', 'copy.yaml');
    mkdirSync(join(root, 'elsewhere', 'deeper'), { recursive: true });
    await before.file.saveAs(target);
    expect(before.file.path).toBe(target);

    const text = readFileSync(target, 'utf8');
    expect(text).toContain('config_file: "../../lab/config/spin_config.yaml"');
    expect(text).toContain('file_name: "../../lab/modules/simulation_source"');
    expect(text).toContain('config_file: "../../lab/config/save_bottom.yaml"');
    for (const c of commentsOf(original())) expect(text).toContain(c);
    // The original is untouched.
    expect(readFileSync(join(dir, 'setup.yaml'), 'utf8')).toBe(original());

    const after = await loadSetup(target);
    expect(after.problems.map((p) => p.code)).toEqual(before.problems.map((p) => p.code));
    for (const name of Object.keys(before.functions)) {
      expect(after.functions[name].module).toBe(before.functions[name].module);
      expect(after.functions[name].configFile).toBe(before.functions[name].configFile);
      expect(after.functions[name].config).toEqual(before.functions[name].config);
    }
    expect(after.configFiles).toEqual(before.configFiles);
    // Output goes next to the new file.
    expect(after.setup.output_directory).toBe('target');
    expect(after.outputDirectory).toBe(join(root, 'elsewhere', 'deeper', 'target'));
  });

  it('leaves paths alone when saving into the same folder, and never touches absolute paths or built-ins', async () => {
    const abs = join(dir, 'modules', 'exporters');
    writeFileSync(join(dir, 'setup.yaml'), original().replace('file_name: "modules/exporters"', `file_name: "${abs}"`));
    const file = await SetupFile.open(join(dir, 'setup.yaml'));
    await file.saveAs(join(dir, 'copy.yaml'));
    expect(readFileSync(join(dir, 'copy.yaml'), 'utf8')).toBe(readFileSync(join(dir, 'setup.yaml'), 'utf8'));
    await file.saveAs(join(root, 'copy.yaml'));
    const text = readFileSync(join(root, 'copy.yaml'), 'utf8');
    expect(text).toContain(`file_name: "${abs}"`);
    expect(text).toContain('file_name: "lab/modules/exporters"'); // Fkt_4 was still relative
    expect(text).toContain('config_file: "lab/config/spin_config.yaml"');
  });
});

describe('climbsOutOfUserFolders', () => {
  it('is true where the only folder in common is the root, the home folder or above it', async () => {
    const { climbsOutOfUserFolders } = await import('./setup-file');
    expect(climbsOutOfUserFolders('/home/ana/Documents', '/opt/ringscope/examples/muon/config/m.yaml', '/home/ana')).toBe(true);
    expect(climbsOutOfUserFolders('/home/ana/Documents', '/home/ana/lab/config.yaml', '/home/ana')).toBe(true);
    expect(climbsOutOfUserFolders('/home/ana/lab/b', '/home/ana/lab/a/config.yaml', '/home/ana')).toBe(false);
    expect(climbsOutOfUserFolders('/home/ana/lab', '/home/ana/lab/config/c.yaml', '/home/ana')).toBe(false);
  });
});
