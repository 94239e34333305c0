// Where the native Save dialog proposes to put a setup. Saving itself is the
// engine host's (save_setup: the window's editor text, relative paths rebased);
// main only chooses paths. Shipped examples are never written: a copy goes to
// the user's documents.
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { isInside } from '../../session/paths';

/** True when the setup lies where it must not be saved (the shipped examples, the packaged app's resources). */
export function isReadOnlySetup(path: string, readOnlyRoots: readonly string[]): boolean {
  return readOnlyRoots.some((r) => isInside(path, r));
}

/** The path Save As proposes in `dir` for a copy of `current`: its file name, inside a folder named like its own for a generic setup.yaml. */
export function saveAsDefault(current: string | null, dir: string): string {
  if (!current) return resolve(dir, 'setup.yaml');
  const name = basename(current);
  return name === 'setup.yaml' ? resolve(dir, basename(dirname(current)), name) : resolve(dir, name);
}

/**
 * The native Save dialog's starting path for the editor's suggestion: a path
 * on the host (relative to its working folder) stays where it is; a bare file
 * name (a new setup, a copy of an example) goes to Documents/RingScope; nothing
 * is proposed inside a read-only folder.
 */
export function saveDialogPath(suggested: string, opts: { cwd: string; documentsDir: string; readOnlyRoots: readonly string[] }): string {
  const mine = join(opts.documentsDir, 'RingScope');
  const name = suggested.trim() || 'setup.yaml';
  const bare = !isAbsolute(name) && !/[\\/]/.test(name);
  const abs = bare ? join(mine, name) : resolve(opts.cwd, name);
  return isReadOnlySetup(abs, opts.readOnlyRoots) ? saveAsDefault(abs, mine) : abs;
}
