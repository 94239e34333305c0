// Starts role.ts in real worker threads (through the tsx bootstrap, since
// Node 20 workers cannot load .ts) and collects what each posts back.
import { Worker } from 'node:worker_threads';
import type { Job, RoleResult } from './role';

const bootstrap = new URL('../../../src-workers/ts-bootstrap.mjs', import.meta.url);
const entry = new URL('./role.ts', import.meta.url).href;

export interface Running {
  worker: Worker;
  /** Resolves with the role's result; rejects if the worker fails or exits without one. */
  done: Promise<RoleResult>;
}

/** Runs one role in a new worker thread. */
export function start(job: Job): Running {
  const worker = new Worker(bootstrap, { workerData: { __entry: entry, job } });
  const done = new Promise<RoleResult>((resolve, reject) => {
    let settled = false;
    worker.once('message', (m: RoleResult) => {
      settled = true;
      if (m.ok) resolve(m);
      else reject(new Error(`worker ${job.role} failed: ${m.error}`));
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`worker ${job.role} exited (code ${code}) without a result`));
    });
  });
  return { worker, done };
}

/** Resolves once cond() holds, checking every few ms; a guard against hangs, not a timing assertion. */
export async function until(cond: () => boolean, what: string, guardMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > guardMs) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** An Int32Array on fresh shared memory. */
export function sharedInts(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * n));
}
