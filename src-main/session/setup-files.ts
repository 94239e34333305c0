// The session's side of the setup editor: reading a setup's text and the config
// files it names (so the page can show where each parameter comes from),
// listing the example setups, and writing a page's text back to disk under
// the rules its host sets (only .yaml files, only inside the allowed folders, never
// into read-only ones such as the shipped examples, never over another file
// without being told to).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { SetupEntry, SetupProblem } from '../../src-shared/bridge/protocol';
import { parseSetup } from '../../src-shared/setup/parse';
import { YAML_OPTIONS, YamlSource } from '../../src-shared/setup/source';
import { resolveSetup } from '../setup/load';
import { MAX_SETUP_FILE_BYTES } from '../setup/read-file';
import { isInside, realPath } from './paths';
import { SetupFile } from '../setup/setup-file';

/** Setup and config files larger than this are not sent to pages (they are not hand-written setups): the loader's limit. */
export const MAX_SETUP_BYTES = MAX_SETUP_FILE_BYTES;

/** A user-caused refusal with a stable code the page can act on ('exists' asks to overwrite). */
export class SaveRefused extends Error {
  override name = 'SaveRefused';
  constructor(
    message: string,
    readonly code: 'exists' | 'not-yaml' | 'outside' | 'read-only' | 'too-large' | 'unwritable',
  ) {
    super(message);
  }
}

/** The text of a setup file, or undefined when it is missing, a folder or too large. */
export function readSetupText(abs: string): string | undefined {
  try {
    const st = statSync(abs);
    if (!st.isFile() || st.size > MAX_SETUP_BYTES) return undefined;
    return readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The content of each config file a setup's text names (Fkt_main's and every
 * function's config_file), keyed by the name as written. With `confined`, only
 * files inside the setup's own folder are read (a remote page must not read
 * arbitrary files through a config_file: line). Missing or broken files are
 * left out; the loader reports them.
 */
export function readConfigs(setupAbs: string, text: string, confined: boolean): Record<string, unknown> {
  const { setup } = parseSetup(text);
  const dir = dirname(setupAbs);
  const names = new Set<string>();
  if (setup.main.config_file) names.add(setup.main.config_file);
  for (const fn of setup.functions) if (fn.config_file) names.add(fn.config_file);
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const abs = resolve(dir, name);
    if (confined && !isInside(realPath(abs), realPath(dir))) continue;
    const t = readSetupText(abs);
    if (t === undefined) continue;
    const src = new YamlSource(t, name);
    if (src.broken) continue;
    const v = src.toJS(src.doc.contents as Parameters<YamlSource['toJS']>[0]);
    if (v && typeof v === 'object' && !Array.isArray(v)) out[name] = v;
  }
  return out;
}

/** The title a setup text gives itself (and its description). */
export function setupTitle(text: string | undefined): { title?: string; description?: string } {
  if (text === undefined) return {};
  try {
    const doc = parseYaml(text, { ...YAML_OPTIONS, prettyErrors: false }) as Record<string, unknown> | null;
    const out: { title?: string; description?: string } = {};
    if (doc && typeof doc.title === 'string') out.title = doc.title;
    if (doc && typeof doc.description === 'string') out.description = doc.description;
    return out;
  } catch {
    return {};
  }
}

/**
 * The example setups in `dir`: every .yaml/.yml file directly inside one of its
 * sub-folders that has a RingBuffer: section, titled by its title: line.
 * `display` turns an absolute path into what the page sends back with `open`.
 */
export function listExampleSetups(dir: string | null | undefined, display: (abs: string) => string): SetupEntry[] {
  if (!dir || !existsSync(dir)) return [];
  const out: SetupEntry[] = [];
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    const folder = join(dir, sub.name);
    for (const f of readdirSync(folder, { withFileTypes: true })) {
      if (!f.isFile() || !/\.ya?ml$/i.test(f.name)) continue;
      const abs = join(folder, f.name);
      const text = readSetupText(abs);
      if (text === undefined || !/^RingBuffer\s*:/m.test(text)) continue;
      const { title, description } = setupTitle(text);
      out.push({ title: title ?? `${sub.name}/${f.name}`, path: display(abs), ...(description ? { description } : {}) });
    }
  }
  return out.sort((a, b) => a.title.localeCompare(b.title));
}

export interface SaveRules {
  /** Folders a page may save into; undefined: anywhere this process may write. */
  saveRoots?: readonly string[];
  /** Folders never written (the shipped examples). */
  readOnlyRoots?: readonly string[];
}

/** Why the host will not save at `abs`, or null when it may. */
export function saveRefusal(abs: string, rules: SaveRules): SaveRefused | null {
  if (!/^\.ya?ml$/i.test(extname(abs))) return new SaveRefused(`Setups are saved as .yaml files; "${basename(abs)}" is not one. End the name with .yaml.`, 'not-yaml');
  // Symlinks resolved on both sides: a link inside a save root must not lead a write outside it.
  const target = realPath(abs);
  if (rules.readOnlyRoots?.some((r) => isInside(target, realPath(r))))
    return new SaveRefused(`${abs} lies in the shipped examples, which stay as they are. Use Save As to save a copy elsewhere.`, 'read-only');
  if (rules.saveRoots && !rules.saveRoots.some((r) => isInside(target, realPath(r))))
    return new SaveRefused(`This server saves setups only inside ${rules.saveRoots.join(' or ')}; ${abs} is outside. Choose a path there.`, 'outside');
  return null;
}

/** True when the host will refuse to save at `abs` because it is read-only. */
export function isReadOnly(abs: string, rules: SaveRules): boolean {
  const target = realPath(abs);
  return rules.readOnlyRoots?.some((r) => isInside(target, realPath(r))) ?? false;
}

export interface WriteRequest {
  /** Where to write. */
  abs: string;
  text: string;
  /** Where the text was opened from: relative input paths are rewritten when the folder changes. */
  fromAbs?: string;
  overwrite?: boolean;
}

/**
 * Writes a page's setup text (through a temporary file). Returns the text as
 * written: a copy to another folder gets its relative config_file and
 * file_name paths rewritten to still point at the same files (comments kept).
 */
export async function writeSetup(req: WriteRequest, rules: SaveRules): Promise<string> {
  const { abs, text } = req;
  const refusal = saveRefusal(abs, rules);
  if (refusal) throw refusal;
  if (Buffer.byteLength(text, 'utf8') > MAX_SETUP_BYTES) throw new SaveRefused(`The setup is larger than ${MAX_SETUP_BYTES >> 20} MiB; that is not a setup file.`, 'too-large');
  const sameFile = req.fromAbs !== undefined && resolve(req.fromAbs) === abs;
  if (!req.overwrite && !sameFile && existsSync(abs)) {
    throw new SaveRefused(`${abs} exists already. Save again to replace it, or choose another name.`, 'exists');
  }
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new SaveRefused(`${abs} is a folder; name a .yaml file inside it.`, 'unwritable');
  const file = new SetupFile(req.fromAbs ?? abs, text);
  // A file with YAML syntax errors cannot be edited safely: it is written as typed.
  if (!file.parsed.source.broken && req.fromAbs !== undefined) file.rebase(dirname(abs));
  file.path = abs;
  try {
    await mkdir(dirname(abs), { recursive: true });
    await file.save();
  } catch (e) {
    throw new SaveRefused(`Cannot write ${abs}: ${(e as Error).message}`, 'unwritable');
  }
  return file.text;
}

/** Every problem of a setup text at `abs` with the Node loader's file checks (no engine is made). */
export async function checkSetupText(abs: string, text: string, display: string): Promise<SetupProblem[]> {
  const loaded = await resolveSetup(new SetupFile(abs, text, { display }));
  return loaded.problems;
}
