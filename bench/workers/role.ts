// Benchmark worker: one tight loop per role, started by bench/lib.ts. Each
// waits at the shared start barrier, runs, and posts its counts and times.
import { parentPort, workerData } from 'node:worker_threads';
import { RingBuffer, type EventView, type RingBufferDescriptor } from '../../src-shared/ringbuffer';

/** How a writer fills an event: 'small' writes the counter into 10 int32; 'copy' copies a prepared big event and stamps the counter into it. */
type Fill = 'small' | 'copy';

export type BenchJob =
  | {
      role: 'writer';
      rb: RingBufferDescriptor;
      count: number;
      batch: number;
      fill: Fill;
      end: boolean;
      /** The writer sets synthetic timestamps (default), or leaves them to the buffer, which reads the clock per event. */
      stampTime?: boolean;
    }
  | { role: 'reader'; rb: RingBufferDescriptor; group: string; batch: number; fill: Fill; expectOrder: boolean }
  | { role: 'filter'; input: RingBufferDescriptor; group: string; output: RingBufferDescriptor; batch: number }
  | { role: 'observer'; rb: RingBufferDescriptor; hz: number; stop: SharedArrayBuffer };

export interface BenchResult {
  ok: boolean;
  error?: string;
  count?: number;
  /** Epoch ms when the role saw its last event. */
  tEnd?: number;
  /** Order violations (reader) or torn copies (observer). */
  errors?: number;
  copies?: number;
  sum?: number;
  /** Times the handle went to sleep (writer: full or paused; reader: empty). */
  waits?: number;
}

const gate = new Int32Array(workerData.gate as SharedArrayBuffer);
const epochMs = () => performance.timeOrigin + performance.now();

function barrier(): void {
  Atomics.add(gate, 0, 1);
  while (Atomics.load(gate, 1) === 0) Atomics.wait(gate, 1, 0);
}

/** Marks each field of a big event with the counter at start, middle and end (what observers check). */
function stamp(ev: EventView, c: number): void {
  for (const name in ev.fields) {
    const a = ev.fields[name] as Float64Array;
    a[0] = c;
    a[a.length >> 1] = c;
    a[a.length - 1] = c;
  }
}

function prepared(rb: RingBuffer): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const f of rb.layout.fields) out[f.name] = Float64Array.from({ length: rb.layout.samples }, (_, i) => Math.sin(i / 100));
  return out;
}

function fillSmall(ev: EventView, c: number): void {
  ev.counter = c;
  const v = ev.fields.v as Int32Array;
  for (let j = 0; j < 10; j++) v[j] = c + j;
}

function writer(job: Extract<BenchJob, { role: 'writer' }>): BenchResult {
  const rb = RingBuffer.open(job.rb);
  const w = rb.writer();
  const src = job.fill === 'copy' ? prepared(rb) : null;
  const stampTime = job.stampTime !== false;
  const fill = (ev: EventView, c: number) => {
    if (stampTime) ev.timestamp = 1.7e12 + c;
    if (src) {
      ev.counter = c;
      for (const name in src) (ev.fields[name] as Float64Array).set(src[name]);
      stamp(ev, c);
    } else fillSmall(ev, c);
  };
  barrier();
  let n = 0;
  if (job.batch === 1) {
    while (n < job.count) {
      const ev = w.acquire();
      if (ev === null || ev === 'timeout') break;
      fill(ev, n++);
      w.commit();
    }
  } else {
    while (n < job.count) {
      const b = w.acquireBatch(Math.min(job.batch, job.count - n));
      if (b === null || b === 'timeout') break;
      for (let k = 0; k < b.length; k++) fill(b[k], n++);
      w.commit();
    }
  }
  w.close();
  if (job.end) rb.end();
  return { ok: true, count: n, tEnd: epochMs(), waits: w.waits };
}

function reader(job: Extract<BenchJob, { role: 'reader' }>): BenchResult {
  const rb = RingBuffer.open(job.rb);
  const r = rb.reader(job.group);
  const dst = job.fill === 'copy' ? prepared(rb) : null;
  let n = 0;
  let expected = 0;
  let errors = 0;
  let sum = 0;
  const take = (ev: EventView) => {
    const c = ev.counter;
    if (job.expectOrder && c !== expected) errors++;
    expected = c + 1;
    if (dst) {
      for (const name in dst) dst[name].set(ev.fields[name] as Float64Array);
      sum += dst.a[0];
    } else sum += (ev.fields.v as Int32Array)[9];
    n++;
  };
  barrier();
  if (job.batch === 1) {
    for (;;) {
      const ev = r.next();
      if (ev === null || ev === 'timeout') break;
      take(ev);
    }
  } else {
    for (;;) {
      const b = r.nextBatch(job.batch);
      if (b === null || b === 'timeout') break;
      for (let k = 0; k < b.length; k++) take(b[k]);
    }
  }
  const tEnd = epochMs();
  r.close();
  return { ok: true, count: n, errors, tEnd, sum, waits: r.waits };
}

function filter(job: Extract<BenchJob, { role: 'filter' }>): BenchResult {
  const r = RingBuffer.open(job.input).reader(job.group);
  const w = RingBuffer.open(job.output).writer({ deadtime: 'keep' });
  let n = 0;
  const copy = (out: EventView, input: EventView) => {
    out.counter = input.counter;
    out.timestamp = input.timestamp;
    out.deadtime = input.deadtime;
    (out.fields.v as Int32Array).set(input.fields.v as Int32Array);
  };
  barrier();
  if (job.batch === 1) {
    for (;;) {
      const ev = r.next();
      if (ev === null || ev === 'timeout') break;
      const out = w.acquire();
      if (out === null || out === 'timeout') break;
      copy(out, ev);
      w.commit();
      n++;
    }
  } else {
    for (;;) {
      const b = r.nextBatch(job.batch);
      if (b === null || b === 'timeout') break;
      let k = 0;
      while (k < b.length) {
        const outs = w.acquireBatch(b.length - k);
        if (outs === null || outs === 'timeout') break;
        for (let i = 0; i < outs.length; i++) copy(outs[i], b[k++]);
        w.commit();
      }
      n += k;
    }
  }
  r.close();
  w.close();
  return { ok: true, count: n, tEnd: epochMs(), waits: r.waits, errors: w.waits };
}

async function observer(job: Extract<BenchJob, { role: 'observer' }>): Promise<BenchResult> {
  const rb = RingBuffer.open(job.rb);
  const o = rb.observer();
  const stop = new Int32Array(job.stop);
  let copies = 0;
  let torn = 0;
  let snap = undefined as ReturnType<typeof o.latest> | undefined;
  barrier();
  const period = 1000 / job.hz;
  let next = performance.now();
  while (Atomics.load(stop, 0) === 0) {
    const s = o.latest(snap ?? undefined);
    if (s) {
      snap = s;
      copies++;
      for (const name in s.fields) {
        const a = s.fields[name] as Float64Array;
        if (a[0] !== s.counter || a[a.length >> 1] !== s.counter || a[a.length - 1] !== s.counter) {
          torn++;
          break;
        }
      }
    }
    next += period;
    const wait = next - performance.now();
    if (wait > 0) Atomics.wait(stop, 0, 0, wait);
  }
  return { ok: true, copies, errors: torn, tEnd: epochMs() };
}

async function main(): Promise<BenchResult> {
  const job = workerData.job as BenchJob;
  switch (job.role) {
    case 'writer':
      return writer(job);
    case 'reader':
      return reader(job);
    case 'filter':
      return filter(job);
    case 'observer':
      return observer(job);
  }
}

main().then(
  (r) => parentPort!.postMessage(r),
  (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies BenchResult),
);
