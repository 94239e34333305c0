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

/** Counters in 1..n that did not arrive exactly once, as "counter×times" (empty when all did). */
export function notOnce(seen: Int32Array, n: number): string[] {
  const wrong: string[] = [];
  for (let c = 1; c <= n; c++) if (seen[c] !== 1 && wrong.length < 10) wrong.push(`${c}×${seen[c]}`);
  if (seen[0] !== 0) wrong.push(`0×${seen[0]}`);
  return wrong;
}

/** Sum of 1..n (mimoCoRB's check that every event arrived). */
export const sum1to = (n: number) => (n * (n + 1)) / 2;

/** Totals of count, sum of counters and bad events over the readers of one group. */
export async function total(runs: { done: Promise<RoleResult> }[]): Promise<{ count: number; sum: number; bad: number }> {
  const rs = await Promise.all(runs.map((r) => r.done));
  return { count: rs.reduce((a, r) => a + r.count!, 0), sum: rs.reduce((a, r) => a + r.sum!, 0), bad: rs.reduce((a, r) => a + r.bad!, 0) };
}
