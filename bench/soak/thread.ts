// One thread of the soak run (soak.ts): a writer, a reader or an observer on a
// shared buffer, at full speed, checking the content of every event it sees.
// Started through src-workers/ts-bootstrap.mjs.
import { parentPort, workerData } from 'node:worker_threads';
import { RingBuffer, type RingBufferDescriptor } from '../../src-shared/ringbuffer/index';

export type SoakJob =
  | { role: 'writer'; rb: RingBufferDescriptor; id: number; writers: number; batch: number; /** ms between events (an idle writer), 0 = full speed */ pauseMs: number }
  | { role: 'reader'; rb: RingBufferDescriptor; group: string; batch: number; /** busy work per batch, so group mates release out of order */ jitter: boolean }
  | { role: 'observer'; rb: RingBufferDescriptor; stop: SharedArrayBuffer };

/** Sums of what a thread committed or received: count, and two checksums of the counters (mod 2^32). */
export interface Tally {
  count: number;
  sum: number;
  sumSq: number;
  bad: number;
  /** Observer: copies made; writers/readers: calls that blocked. */
  extra: number;
  error?: string;
}

// Event content: field a = [counter (low 32 bits), ~counter], field c (float64) = counter × 3.
const A = 0;
const B = 1;

/** True when an event's fields hold what the writer wrote for counter c. */
function whole(f: Readonly<Record<string, ArrayLike<number>>>, c: number): boolean {
  return f.a[A] === (c | 0) && f.a[B] === ~c && f.c[0] === c * 3;
}

/** Busy work of the jittery readers (module-level, so it is not optimised away). */
let busy = 0;

function tally(t: Tally, c: number): void {
  t.count++;
  t.sum = (t.sum + c) >>> 0;
  t.sumSq = (t.sumSq + Math.imul(c, c)) >>> 0;
}

function run(job: SoakJob): Tally {
  const rb = RingBuffer.open(job.rb);
  const t: Tally = { count: 0, sum: 0, sumSq: 0, bad: 0, extra: 0 };
  if (job.role === 'writer') {
    const w = rb.writer({ deadtime: 'keep' });
    const nap = new Int32Array(new SharedArrayBuffer(4));
    // Counters id, id + writers, id + 2·writers …: distinct across writers, as plain numbers (< 2^53).
    let c = job.id;
    for (;;) {
      const evs = w.acquireBatch(job.batch);
      if (evs === null) break;
      if (evs === 'timeout') throw new Error('acquire timed out');
      for (const e of evs) {
        e.counter = c;
        const f = e.fields;
        (f.a as Int32Array)[A] = c | 0;
        (f.a as Int32Array)[B] = ~c;
        (f.c as Float64Array)[0] = c * 3;
        tally(t, c >>> 0);
        c += job.writers;
      }
      w.commit();
      if (job.pauseMs > 0) Atomics.wait(nap, 0, 0, job.pauseMs);
    }
    t.extra = w.waits;
    w.close();
  } else if (job.role === 'reader') {
    const r = rb.reader(job.group);
    for (;;) {
      const evs = r.nextBatch(job.batch);
      if (evs === null) break;
      if (evs === 'timeout') throw new Error('next timed out');
      for (const e of evs) {
        const c = e.counter;
        if (!whole(e.fields as Record<string, Int32Array | Float64Array>, c)) t.bad++;
        tally(t, c >>> 0);
      }
      if (job.jitter && (evs.length & 3) === 1) for (let i = 0; i < 200; i++) busy = (busy * 31 + i) | 0;
    }
    t.extra = r.waits;
    r.close();
  } else {
    const o = rb.observer();
    const stop = new Int32Array(job.stop);
    const nap = new Int32Array(new SharedArrayBuffer(4));
    while (Atomics.load(stop, 0) === 0) {
      const s = o.latest();
      if (s) {
        t.extra++;
        if (!whole(s.fields as Record<string, Int32Array | Float64Array>, s.counter)) t.bad++;
      }
      Atomics.wait(nap, 0, 0, 5);
    }
  }
  return t;
}

// Start barrier: [0] threads ready, [1] go.
const gate = new Int32Array(workerData.gate as SharedArrayBuffer);
Atomics.add(gate, 0, 1);
while (Atomics.load(gate, 1) === 0) Atomics.wait(gate, 1, 0);

try {
  parentPort!.postMessage(run(workerData.job as SoakJob));
} catch (e) {
  parentPort!.postMessage({ count: 0, sum: 0, sumSq: 0, bad: 0, extra: 0, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies Tally);
}
