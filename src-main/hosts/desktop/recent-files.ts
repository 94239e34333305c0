// Recently opened setups, newest first, persisted in the user-data folder
// (recent-files.json). Paths are absolute; the list offers only files that
// still exist, but keeps the others on disk (an unplugged USB stick comes back).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file';

/** How many recent files are kept by default. */
export const RECENT_MAX = 10;

export interface RecentFilesOptions {
  max?: number;
  /** Whether a file exists (default: on disk). */
  exists?: (path: string) => boolean;
  /** Case-insensitive paths (Windows, default macOS volumes). */
  caseInsensitive?: boolean;
}

/** The persisted list of recently opened setup files. */
export class RecentFiles {
  private files: string[];
  private readonly max: number;
  private readonly exists: (path: string) => boolean;
  private readonly key: (path: string) => string;
  private readonly listeners = new Set<(files: string[]) => void>();

  private constructor(
    readonly file: string,
    value: unknown,
    opts: RecentFilesOptions,
    /** What was wrong with the file as read. */
    readonly problems: string[],
  ) {
    this.max = opts.max ?? RECENT_MAX;
    this.exists = opts.exists ?? existsSync;
    this.key = opts.caseInsensitive ? (p) => p.toLowerCase() : (p) => p;
    const stored = (value as { files?: unknown } | undefined)?.files;
    const files = Array.isArray(stored) ? stored.filter((f): f is string => typeof f === 'string' && f.length > 0) : [];
    if (value !== undefined && !Array.isArray(stored)) problems.push(`${file}: no "files" list; starting with none`);
    this.files = [];
    for (const f of files) this.insert(resolve(f), 'end');
  }

  /** Reads the list (a missing or damaged file gives an empty list). */
  static load(file: string, opts: RecentFilesOptions = {}): RecentFiles {
    const { value, problem } = readJsonFile(file);
    return new RecentFiles(file, value, opts, problem ? [problem] : []);
  }

  /** Recent files that exist, newest first. */
  list(): string[] {
    return this.files.filter((f) => this.exists(f));
  }

  /** Puts a file first (moving it if listed) and saves. */
  add(path: string): void {
    this.insert(resolve(path), 'front');
    this.changed();
  }

  /** Removes a file from the list and saves. */
  remove(path: string): void {
    const k = this.key(resolve(path));
    const before = this.files.length;
    this.files = this.files.filter((f) => this.key(f) !== k);
    if (this.files.length !== before) this.changed();
  }

  /** Empties the list and saves. */
  clear(): void {
    this.files = [];
    this.changed();
  }

  /** List changes (the existing files); returns the unsubscribe function. */
  onChange(listener: (files: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private insert(path: string, where: 'front' | 'end'): void {
    const k = this.key(path);
    this.files = this.files.filter((f) => this.key(f) !== k);
    if (where === 'front') this.files.unshift(path);
    else this.files.push(path);
    this.files = this.files.slice(0, this.max);
  }

  private changed(): void {
    writeJsonFile(this.file, { version: 1, files: this.files });
    const list = this.list();
    for (const l of this.listeners) l(list);
  }
}
