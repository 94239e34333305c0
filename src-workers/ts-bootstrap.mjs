// Runs a TypeScript module in a worker thread when RingScope runs from source
// (tests, `tsx`): Node 20 workers cannot load .ts, and `--import tsx` in
// execArgv does not reach them. The built app points workers at out/main/*.js.
// workerData.__entry is the file URL of the .ts module to run.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__entry);
