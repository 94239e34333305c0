// The desktop app's settings (user-data folder, settings.json): theme, the
// chosen output folder, and where the engine runs. Invalid values fall back to
// their defaults with a note; keys this version does not know are kept.
import { isAbsolute } from 'node:path';
import type { EngineHostMode, ThemeSource } from '../../../src-shared/desktop/api';
import { readJsonFile, writeJsonFile } from './json-file';

export interface Settings {
  theme: ThemeSource;
  /** Where runs write; null: each setup's own output_directory. */
  outputDirectory: string | null;
  /** Where the engine runs: its own utility process (default) or Electron main. */
  engineHost: EngineHostMode;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = { theme: 'system', outputDirectory: null, engineHost: 'utility' };

/** The environment variable that overrides settings.json's engineHost. */
export const ENGINE_HOST_ENV = 'RINGSCOPE_ENGINE_HOST';

const THEMES: readonly ThemeSource[] = ['system', 'light', 'dark'];
const HOSTS: readonly EngineHostMode[] = ['utility', 'main'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Settings from a parsed settings.json, with a note for every value that was ignored. */
export function parseSettings(value: unknown, file = 'settings.json'): { settings: Settings; problems: string[] } {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  const problems: string[] = [];
  if (value === undefined) return { settings, problems };
  if (!isObject(value)) return { settings, problems: [`${file}: expected an object; using the defaults`] };
  if ('theme' in value) {
    if (THEMES.includes(value.theme as ThemeSource)) settings.theme = value.theme as ThemeSource;
    else problems.push(`${file}: theme must be one of ${THEMES.join(', ')}; using "${DEFAULT_SETTINGS.theme}"`);
  }
  if ('outputDirectory' in value && value.outputDirectory !== null) {
    if (typeof value.outputDirectory === 'string' && isAbsolute(value.outputDirectory)) settings.outputDirectory = value.outputDirectory;
    else problems.push(`${file}: outputDirectory must be an absolute folder path or null; runs write to each setup's output_directory`);
  }
  if ('engineHost' in value) {
    if (HOSTS.includes(value.engineHost as EngineHostMode)) settings.engineHost = value.engineHost as EngineHostMode;
    else problems.push(`${file}: engineHost must be "utility" or "main"; using "utility"`);
  }
  return { settings, problems };
}

/** Where the engine runs: the environment variable wins over settings.json. */
export function engineHostMode(
  env: Record<string, string | undefined>,
  settings: Pick<Settings, 'engineHost'>,
): { mode: EngineHostMode; source: 'environment' | 'settings'; problem: string | null } {
  const raw = env[ENGINE_HOST_ENV]?.trim().toLowerCase();
  if (raw) {
    if (HOSTS.includes(raw as EngineHostMode)) return { mode: raw as EngineHostMode, source: 'environment', problem: null };
    return {
      mode: settings.engineHost,
      source: 'settings',
      problem: `${ENGINE_HOST_ENV}="${env[ENGINE_HOST_ENV]}" is not "utility" or "main"; ignored`,
    };
  }
  return { mode: settings.engineHost, source: 'settings', problem: null };
}

/** settings.json, read once and written on every change. */
export class SettingsStore {
  private current: Settings;
  private readonly raw: Record<string, unknown>;

  private constructor(
    readonly file: string,
    value: unknown,
    /** What was wrong with the file as read (shown once, never fatal). */
    readonly problems: string[],
  ) {
    const parsed = parseSettings(value, file);
    this.current = parsed.settings;
    this.problems.push(...parsed.problems);
    this.raw = isObject(value) ? value : {};
  }

  /** Reads the settings file (a missing or damaged file gives the defaults). */
  static load(file: string): SettingsStore {
    const { value, problem } = readJsonFile(file);
    return new SettingsStore(file, value, problem ? [problem] : []);
  }

  get(): Readonly<Settings> {
    return this.current;
  }

  /** Changes some settings and writes the file; invalid values throw. */
  update(patch: Partial<Settings>): Readonly<Settings> {
    const next = parseSettings({ ...this.current, ...patch }, this.file);
    if (next.problems.length) throw new Error(next.problems.join('; '));
    this.current = next.settings;
    writeJsonFile(this.file, { ...this.raw, ...this.current });
    return this.current;
  }
}
