// A setup file being worked on: its text, Document and typed Setup, kept in
// step. Edits change the text in place where they can, so a saved file differs
// from the loaded one only where something was changed.
import { rename, writeFile } from 'node:fs/promises';
import { readTextFile } from './read-file';
import { homedir } from 'node:os';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Document } from 'yaml';
import type { BuiltinSpec } from '../../src-shared/builtins/catalog';
import { deleteText, editText } from '../../src-shared/setup/edit';
import { parseSetup, type ParsedSetup, type SetupPaths } from '../../src-shared/setup/parse';
import { parseKeyPath } from '../../src-shared/setup/source';
import type { KeyPath, Problem, Setup } from '../../src-shared/setup/types';

export interface SetupFileOptions {
  /** The name used in problems (default: the path as given). */
  display?: string;
  /** The built-in catalog to validate against (default BUILTINS). */
  builtins?: Record<string, BuiltinSpec>;
}

/** A path written in a setup file is absolute on any platform's terms. */
function isAbsoluteAnywhere(p: string): boolean {
  return isAbsolute(p) || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/**
 * True when a path from `fromDir` to `target` would climb out of the user's own folders: their
 * nearest common folder is the file system's root, the home folder or above it (a copy in
 * ~/Documents of a file that names ../../…/examples/muon/config/… in the program's folder).
 */
export function climbsOutOfUserFolders(fromDir: string, target: string, home = homedir()): boolean {
  const rel = relative(resolve(fromDir), resolve(target));
  if (!rel.startsWith('..')) return false;
  let common = resolve(fromDir);
  while (relative(common, resolve(target)).startsWith('..')) {
    const up = dirname(common);
    if (up === common) return true;
    common = up;
  }
  const h = resolve(home);
  return common === dirname(common) || common === h || !relative(common, h).startsWith('..');
}

/** `target` seen from `fromDir`, with forward slashes (setup files are shared between systems). */
function relativePosix(fromDir: string, target: string): string {
  const rel = relative(fromDir, target).split(sep).join('/');
  return rel === '' ? '.' : rel;
}

export class SetupFile {
  /** Absolute path of the file. */
  path: string;
  /** The name problems use. */
  display: string;
  private current: ParsedSetup;
  private textValue: string;
  private savedText: string;
  private readonly builtins?: Record<string, BuiltinSpec>;

  constructor(path: string, text: string, options: SetupFileOptions = {}) {
    this.path = resolve(path);
    this.display = options.display ?? path;
    this.builtins = options.builtins;
    this.textValue = text;
    this.savedText = text;
    this.current = this.parse(text);
  }

  /** Reads a setup file from disk. */
  static async open(path: string, options: SetupFileOptions = {}): Promise<SetupFile> {
    return new SetupFile(path, await readTextFile(path), options);
  }

  private parse(text: string): ParsedSetup {
    return parseSetup(text, { file: this.display, builtins: this.builtins });
  }

  /** The folder relative paths in the file are relative to. */
  get directory(): string {
    return dirname(this.path);
  }

  get text(): string {
    return this.textValue;
  }

  /** The YAML document (comments, order and unknown keys kept). Treat as read-only; edit with set(). */
  get doc(): Document.Parsed {
    return this.current.doc;
  }

  get setup(): Setup {
    return this.current.setup;
  }

  /** Structural problems of the current text (file checks: see resolveSetup). */
  get problems(): Problem[] {
    return this.current.problems;
  }

  get parsed(): ParsedSetup {
    return this.current;
  }

  get paths(): SetupPaths {
    return this.current.paths;
  }

  /** True when the text differs from what was last loaded or saved. */
  get dirty(): boolean {
    return this.textValue !== this.savedText;
  }

  /** Replaces the whole text (e.g. from a text editor) and re-parses it. */
  setText(text: string): void {
    this.textValue = text;
    this.current = this.parse(text);
  }

  /**
   * Sets a value by key path ("Functions[2].Fkt_2.num_process" or segments) and
   * re-parses. Throws if the file has YAML syntax errors or the path crosses a
   * value that is not a mapping or list.
   */
  set(keyPath: KeyPath | string, value: unknown): this {
    const path = typeof keyPath === 'string' ? parseKeyPath(keyPath) : keyPath;
    this.setText(editText(this.textValue, path, value));
    return this;
  }

  /** Removes a key or list item by key path and re-parses. */
  delete(keyPath: KeyPath | string): this {
    const path = typeof keyPath === 'string' ? parseKeyPath(keyPath) : keyPath;
    this.setText(deleteText(this.textValue, path));
    return this;
  }

  toString(): string {
    return this.textValue;
  }

  /** Writes the text to the file (via a temporary file, so a crash never leaves half a setup). */
  async save(): Promise<void> {
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, this.textValue, 'utf8');
    await rename(tmp, this.path);
    this.savedText = this.textValue;
  }

  /**
   * Saves under a new path. Relative paths of input files (each function's
   * file_name and config_file, Fkt_main's config_file) are rewritten so they
   * still point at the same files from the new folder. output_directory is kept
   * as written: output goes next to the new file.
   */
  async saveAs(newPath: string): Promise<void> {
    const target = resolve(newPath);
    this.rebase(dirname(target));
    this.path = target;
    this.display = newPath;
    this.current = this.parse(this.textValue);
    await this.save();
  }

  /** Rewrites relative input paths for a file that will live in `newDir`. */
  rebase(newDir: string): void {
    const oldDir = this.directory;
    if (resolve(newDir) === oldDir) return;
    const edits: Array<[KeyPath, string]> = [];
    const rewrite = (at: KeyPath, value: string | undefined): void => {
      if (!value || isAbsoluteAnywhere(value) || value.startsWith('builtin:')) return;
      const target = resolve(oldDir, value);
      // A path that would climb out of the user's folders is written absolute: it then still points there.
      const moved = climbsOutOfUserFolders(newDir, target) ? target.split(sep).join('/') : relativePosix(newDir, target);
      if (moved !== value) edits.push([at, moved]);
    };
    const { setup, paths } = this.current;
    if (paths.main) rewrite([...paths.main, 'config_file'], setup.main.config_file);
    for (const fn of setup.functions) {
      const at = paths.functions[fn.name];
      if (!at) continue;
      rewrite([...at, 'file_name'], fn.file_name);
      rewrite([...at, 'config_file'], fn.config_file);
    }
    let text = this.textValue;
    for (const [at, value] of edits) text = editText(text, at, value);
    this.setText(text);
  }
}
