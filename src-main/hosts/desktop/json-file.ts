// Small JSON files in the user-data folder (settings, recent files): read
// leniently (a missing or damaged file is a fresh start, reported once), written
// through a temporary file so a crash never leaves half a file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The parsed content of `file`; undefined (with the reason) when it is missing or not JSON. */
export function readJsonFile(file: string): { value: unknown; problem: string | null } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { value: undefined, problem: code === 'ENOENT' ? null : `cannot read ${file}: ${(err as Error).message}` };
  }
  try {
    return { value: JSON.parse(text), problem: null };
  } catch {
    return { value: undefined, problem: `${file} is not valid JSON; starting afresh` };
  }
}

/** Writes `value` as pretty JSON, creating the folder, replacing the file in one step. */
export function writeJsonFile(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', 'utf8');
  renameSync(tmp, file);
}
