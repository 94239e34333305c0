// Where a path really lies: inside a folder or not, with symlinks resolved, so
// that a link inside an allowed folder cannot lead a read or a write outside it.
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** True when `path` lies inside `root` (or is it), by their names as given. */
export function isInside(path: string, root: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}

/** The path with every symlink resolved; for a path that does not exist yet, its nearest existing folder's. */
export function realPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const up = dirname(abs);
    return up === abs ? abs : join(realPath(up), basename(abs));
  }
}

/** True when `path` lies inside one of `roots`, symlinks resolved on both sides. */
export function insideRoots(path: string, roots: readonly string[]): boolean {
  const target = realPath(path);
  return roots.some((r) => isInside(target, realPath(r)));
}
