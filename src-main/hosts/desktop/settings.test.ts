import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, engineHostMode, parseSettings, SettingsStore } from './settings';

const tmp = mkdtempSync(join(tmpdir(), 'ringscope-settings-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('settings', () => {
  it('defaults without a file, and persists changes (keeping keys it does not know)', () => {
    const file = join(tmp, 'a', 'settings.json');
    const s = SettingsStore.load(file);
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(s.problems).toEqual([]);
    s.update({ theme: 'dark', outputDirectory: '/data/runs' });
    expect(SettingsStore.load(file).get()).toEqual({ theme: 'dark', outputDirectory: '/data/runs', engineHost: 'utility' });

    writeFileSync(file, JSON.stringify({ theme: 'light', windowBounds: { width: 900 } }));
    const t = SettingsStore.load(file);
    t.update({ engineHost: 'main' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ theme: 'light', windowBounds: { width: 900 }, outputDirectory: null, engineHost: 'main' });
  });

  it('falls back to defaults for invalid values with a note naming the key, and survives a damaged file', () => {
    const { settings, problems } = parseSettings({ theme: 'purple', outputDirectory: 'relative/dir', engineHost: 'gpu' });
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(problems).toEqual([
      'settings.json: theme must be one of system, light, dark; using "system"',
      "settings.json: outputDirectory must be an absolute folder path or null; runs write to each setup's output_directory",
      'settings.json: engineHost must be "utility" or "main"; using "utility"',
    ]);
    const file = join(tmp, 'broken.json');
    writeFileSync(file, '{ not json');
    const s = SettingsStore.load(file);
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(s.problems).toEqual([`${file} is not valid JSON; starting afresh`]);
    expect(() => s.update({ theme: 'neon' as never })).toThrow('theme must be one of');
  });
});

describe('engineHostMode (the engine-host switch)', () => {
  it('takes RINGSCOPE_ENGINE_HOST over settings.json, and ignores an unknown value with a note', () => {
    expect(engineHostMode({}, { engineHost: 'utility' })).toEqual({ mode: 'utility', source: 'settings', problem: null });
    expect(engineHostMode({}, { engineHost: 'main' })).toEqual({ mode: 'main', source: 'settings', problem: null });
    expect(engineHostMode({ RINGSCOPE_ENGINE_HOST: 'main' }, { engineHost: 'utility' })).toEqual({ mode: 'main', source: 'environment', problem: null });
    expect(engineHostMode({ RINGSCOPE_ENGINE_HOST: ' Utility ' }, { engineHost: 'main' }).mode).toBe('utility');
    expect(engineHostMode({ RINGSCOPE_ENGINE_HOST: 'thread' }, { engineHost: 'utility' })).toEqual({
      mode: 'utility',
      source: 'settings',
      problem: 'RINGSCOPE_ENGINE_HOST="thread" is not "utility" or "main"; ignored',
    });
  });
});
