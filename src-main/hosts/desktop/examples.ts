// The example setups shipped with the app (examples/<name>/setup.yaml), for
// Help ▸ Open Example and the window's start panel.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ExampleSetup } from '../../../src-shared/desktop/api';

/** Every examples/<name>/setup.yaml with its title (else the folder's name), sorted by title. */
export function listExamples(examplesDir: string | null): ExampleSetup[] {
  if (!examplesDir || !existsSync(examplesDir)) return [];
  const out: ExampleSetup[] = [];
  for (const entry of readdirSync(examplesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(examplesDir, entry.name, 'setup.yaml');
    if (!existsSync(path)) continue;
    let title = entry.name;
    try {
      const doc = parse(readFileSync(path, 'utf8')) as { title?: unknown } | null;
      if (doc && typeof doc.title === 'string' && doc.title.trim()) title = doc.title.trim();
    } catch {
      // a broken example still opens (and shows its problems)
    }
    out.push({ title, path });
  }
  return out.sort((a, b) => a.title.localeCompare(b.title));
}

/** True when `path` is one of the examples. */
export function isExample(examples: readonly ExampleSetup[], path: string): boolean {
  return examples.some((e) => e.path === path);
}
