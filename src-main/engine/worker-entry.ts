// The file every worker thread of a run starts from (the engine's, and the
// histogram readers' in live-analysis.ts): the built worker.js, or the
// TypeScript source when running from source.
import { existsSync } from 'node:fs';

/** The file a worker thread runs, and what its workerData needs besides WorkerInit. */
export interface WorkerEntry {
  file: URL;
  extra: Record<string, string>;
}

/** Where the worker entry lives: built JS next to the bundle, or the TypeScript source via the tsx bootstrap. */
export function workerEntry(): WorkerEntry {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return {
      file: new URL('../../src-workers/ts-bootstrap.mjs', here),
      extra: { __entry: new URL('../../src-workers/worker.ts', here).href },
    };
  }
  for (const rel of ['./worker.js', '../worker.js', '../main/worker.js']) {
    const u = new URL(rel, here);
    if (existsSync(u)) return { file: u, extra: {} };
  }
  throw new Error(`the worker entry (worker.js) was not found next to ${here}; run "npm run build"`);
}
