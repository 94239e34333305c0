// The installed RingScope package, found from the running file: from the
// source tree (src-main/hosts/cli) and from the build (out/main, out/main/chunks)
// alike, by walking up to the package.json named "ringscope".
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's folder and its package.json, or null when the running file is not inside it. */
function findPackage(): { dir: string; pkg: { version?: unknown } } | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8'));
        if (pkg.name === 'ringscope') return { dir, pkg };
      } catch {
        // keep looking upwards
      }
    }
    dir = dirname(dir);
  }
  return null;
}

/** The package version from package.json ('unknown' when it cannot be found). */
export function packageVersion(): string {
  const found = findPackage();
  return found ? String(found.pkg.version) : 'unknown';
}

/** The package's examples folder (next to package.json), or null. */
export function examplesDir(): string | null {
  const found = findPackage();
  return found ? join(found.dir, 'examples') : null;
}
