// A test helper that must run as another (unprivileged) user, made independent
// of where the checkout lies: that user may not read the checkout at all (a
// clone in root's home, mode 700, or any private folder). The helper is bundled
// into one file in a folder of its own, with the packages it loads at run time
// (native ones cannot be bundled) copied beside it as node_modules.
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..', '..');

/** The folder of package `name` as Node resolves it from `from` (nested node_modules first). */
function packageDir(name: string, from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Every package `name` needs at run time: its folder and its dependencies' folders, as installed. */
function closure(name: string): string[] {
  const found = new Set<string>();
  const visit = (dir: string) => {
    if (found.has(dir)) return;
    found.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: object; optionalDependencies?: object };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const d = packageDir(dep, dir);
      if (d) visit(d);
    }
  };
  const top = packageDir(name, root);
  if (!top) throw new Error(`package ${name} is not installed (npm ci)`);
  visit(top);
  return [...found];
}

/**
 * Bundles `entry` (TypeScript) into `outDir`/<name>.mjs with `packages` left
 * external and copied, with what they depend on, into `outDir`/node_modules
 * (same layout as in the checkout). Returns the bundle's path; run it with
 * `node <path>`. Files keep their modes, so others can read what they could read here.
 */
export async function standaloneCopy(entry: string, outDir: string, packages: string[]): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, entry.replace(/^.*[\\/]/, '').replace(/\.[cm]?ts$/, '.mjs'));
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: packages, logLevel: 'error' });
  for (const name of packages) {
    for (const dir of closure(name)) cpSync(dir, join(outDir, relative(root, dir)), { recursive: true });
  }
  return outfile;
}
