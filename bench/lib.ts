// Shared pieces of the benchmark scenarios: starting worker threads (through
// the tsx bootstrap when running from source), a start barrier so that only
// the data flow is timed, not thread start-up, and small statistics helpers.
import { Worker } from 'node:worker_threads';
import type { BenchJob, BenchResult } from './workers/role';

/** What `npm run bench` passes to every scenario. */
export interface RunOptions {
  /** Smaller event counts (a smoke run: numbers are less stable). */
  quick: boolean;
}

/** A benchmark scenario; files in bench/scenarios/ export one as `scenario`. */
export interface Scenario {
  id: string;
  title: string;
  /** Runs once; returns events_per_s, mb_per_s, torn and any extra keys. */
  run(opts: RunOptions): Promise<Record<string, number | string>>;
}

const bootstrap = new URL('../src-workers/ts-bootstrap.mjs', import.meta.url);
const entry = new URL('./workers/role.ts', import.meta.url).href;

/** Wall-clock milliseconds comparable across threads (each thread's timeOrigin differs). */
export const epochMs = () => performance.timeOrigin + performance.now();

/** A group of bench workers that start together when go() is called. */
export class Crew {
  private readonly gate = new Int32Array(new SharedArrayBuffer(8)); // [ready, go]
  private readonly workers: { w: Worker; done: Promise<BenchResult> }[] = [];

  /** Starts a worker for the job; it waits at the barrier until go(). */
  add(job: BenchJob): Promise<BenchResult> {
    const w = new Worker(bootstrap, { workerData: { __entry: entry, job, gate: this.gate.buffer } });
    const done = new Promise<BenchResult>((resolve, reject) => {
      w.once('message', (m: BenchResult) => (m.ok ? resolve(m) : reject(new Error(`bench worker ${job.role}: ${m.error}`))));
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`bench worker ${job.role} exited (${code}) without a result`)));
    });
    this.workers.push({ w, done });
    return done;
  }

  /** Waits until every worker is at the barrier, then releases them all; returns the start time (epoch ms). */
  async go(): Promise<number> {
    while (Atomics.load(this.gate, 0) < this.workers.length) await new Promise((r) => setTimeout(r, 5));
    const t0 = epochMs();
    Atomics.store(this.gate, 1, 1);
    Atomics.notify(this.gate, 1);
    return t0;
  }

  /** Resolves when every worker has reported. */
  all(): Promise<BenchResult[]> {
    return Promise.all(this.workers.map((x) => x.done));
  }
}

/** Median of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Rounds a rate for display and JSON: integers above 100, 2 decimals below. */
export function round(x: number): number {
  return Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 100) / 100;
}
