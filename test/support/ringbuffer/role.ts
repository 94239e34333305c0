// Test worker: plays one role (writer, reader, filter, observer, blocker) on
// ring buffers opened from descriptors, and posts what it counted. Started
// through src-workers/ts-bootstrap.mjs by harness.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { RingBuffer, type EventView, type Reader, type RingBufferDescriptor, type Writer } from '../../../src-shared/ringbuffer/index';
import { checkPattern, fillPattern } from './pattern';

export type Job =
  | {
      role: 'writer';
      rb: RingBufferDescriptor;
      /** Counters first, first + step, … (count of them); with untilNull, keeps going until acquire returns null. */
      first: number;
      step: number;
      count: number;
      untilNull?: boolean;
      /** With untilNull: stop anyway after this many events (a guard). */
      cap?: number;
      /** Max events per acquireBatch; 'random' = 1..4 at random; 1 = acquire(). */
      batch?: number | 'random';
      async?: boolean;
      seed?: number;
      /** Int32 SAB: [0] += events committed (notified). */
      progress?: SharedArrayBuffer;
      /** Keep writing (beyond count) until every shared word [index] reaches its min (a handshake with an observer), at most maxCount events. */
      untilPeer?: { shared: SharedArrayBuffer; min: { index: number; min: number }[]; maxCount: number };
    }
  | {
      role: 'reader';
      rb: RingBufferDescriptor;
      group: string;
      batch?: number | 'random';
      async?: boolean;
      seed?: number;
      /** Int32 SAB indexed by counter: each received event adds 1 (exactly-once check). */
      seen?: SharedArrayBuffer;
      /** Random busy work per event, so group mates release out of order. */
      jitter?: boolean;
      /** Int32 SAB [flag, lastReleasedSeq (32-bit), outOfOrderCount]: forces and counts out-of-order releases in the group. */
      order?: SharedArrayBuffer;
      /** Counts an event whose counter is not above the previous one as bad (one writer, one reader). */
      ordered?: boolean;
      /** Re-checks the content of held events right before releasing them. */
      recheck?: boolean;
    }
  | { role: 'filter'; input: RingBufferDescriptor; group: string; output: RingBufferDescriptor }
  | {
      role: 'observer';
      rb: RingBufferDescriptor;
      bypass?: boolean;
      /** Int32 SAB: [0] stop flag (set by main), [1] copies made, [2] torn copies, [3] copies the seqlock rejected. */
      shared: SharedArrayBuffer;
    }
  | {
      /** Makes the calls and reports what each returned: 'event', 'timeout' or null. Sync calls block the thread: one per worker. */
      role: 'block';
      calls: { rb: RingBufferDescriptor; what: 'acquire' | 'next' | 'acquireAsync' | 'nextAsync'; group?: string }[];
    };

export interface RoleResult {
  ok: boolean;
  error?: string;
  count?: number;
  sum?: number;
  bad?: number;
  results?: (string | null)[];
  copies?: number;
  torn?: number;
  tombstones?: number;
  retries?: number;
}

/** xorshift32: a small deterministic generator for batch sizes and jitter. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

let sink = 0;
function busy(n: number): void {
  for (let i = 0; i < n; i++) sink = (sink * 31 + i) | 0;
}

async function writer(job: Extract<Job, { role: 'writer' }>): Promise<RoleResult> {
  const rb = RingBuffer.open(job.rb);
  const w = rb.writer();
  const rand = rng(job.seed ?? 1);
  const progress = job.progress ? new Int32Array(job.progress) : null;
  const peer = job.untilPeer ? new Int32Array(job.untilPeer.shared) : null;
  let n = 0;
  let c = job.first;
  const more = () => {
    if (job.untilNull) return n < (job.cap ?? Infinity);
    if (n < job.count) return true;
    if (job.untilPeer && peer) return n < job.untilPeer.maxCount && job.untilPeer.min.some((m) => Atomics.load(peer, m.index) < m.min);
    return false;
  };
  while (more()) {
    const left = job.untilNull || job.untilPeer ? Infinity : job.count - n;
    const max = Math.min(left, job.batch === 'random' ? 1 + Math.floor(rand() * 4) : (job.batch ?? 1));
    let evs: readonly EventView[] | null;
    if (max === 1) {
      const ev = job.async ? await w.acquireAsync() : w.acquire();
      if (ev === 'timeout') throw new Error('acquire timed out without a timeout');
      evs = ev ? [ev] : null;
    } else {
      const b = job.async ? await w.acquireBatchAsync(max) : w.acquireBatch(max);
      if (b === 'timeout') throw new Error('acquireBatch timed out without a timeout');
      evs = b;
    }
    if (!evs) break;
    for (const ev of evs) {
      ev.counter = c;
      fillPattern(ev.fields, c);
      c += job.step;
    }
    w.commit();
    n += evs.length;
    if (progress) {
      Atomics.add(progress, 0, evs.length);
      Atomics.notify(progress, 0);
    }
  }
  w.close();
  return { ok: true, count: n };
}

async function reader(job: Extract<Job, { role: 'reader' }>): Promise<RoleResult> {
  const rb = RingBuffer.open(job.rb);
  const r = rb.reader(job.group);
  const rand = rng(job.seed ?? 7);
  const seen = job.seen ? new Int32Array(job.seen) : null;
  const order = job.order ? new Int32Array(job.order) : null;
  let count = 0;
  let sum = 0;
  let bad = 0;
  let batches = 0;
  let held: { first: number; last: number } | null = null;
  let heldEvents: readonly EventView[] = [];
  const heldCounters: number[] = [];
  let last = -Infinity;
  const beforeRelease = () => {
    if (job.recheck) {
      heldEvents.forEach((ev, i) => {
        if (ev.counter !== heldCounters[i] || !checkPattern(ev.fields, heldCounters[i])) bad++;
      });
    }
    if (!order || !held) return;
    const prev = Atomics.exchange(order, 1, held.last | 0);
    if (((prev - held.first) | 0) > 0) Atomics.add(order, 2, 1);
  };
  for (;;) {
    const max = job.batch === 'random' ? 1 + Math.floor(rand() * 4) : (job.batch ?? 1);
    beforeRelease();
    let evs: readonly EventView[] | null;
    if (max === 1) {
      const ev = job.async ? await r.nextAsync() : r.next();
      if (ev === 'timeout') throw new Error('next timed out without a timeout');
      evs = ev ? [ev] : null;
    } else {
      const b = job.async ? await r.nextBatchAsync(max) : r.nextBatch(max);
      if (b === 'timeout') throw new Error('nextBatch timed out without a timeout');
      evs = b;
    }
    if (!evs) break;
    heldEvents = evs;
    heldCounters.length = 0;
    for (const ev of evs) {
      const c = ev.counter;
      heldCounters.push(c);
      if (job.ordered && !(c > last)) bad++;
      last = c;
      if (!checkPattern(ev.fields, c)) bad++;
      if (seen) {
        if (c >= 0 && c < seen.length) Atomics.add(seen, c, 1);
        else bad++;
      }
      count++;
      sum += c;
      if (job.jitter) busy(Math.floor(rand() * rand() * 400));
    }
    held = { first: evs[0].seq, last: evs[evs.length - 1].seq };
    if (order && batches++ === 0) {
      if (held.first === 0) {
        // Holder: keep seq 0 until a group mate has released later events.
        while (Atomics.load(order, 0) === 0) Atomics.wait(order, 0, 0, 1000);
      } else {
        beforeRelease();
        held = null;
        heldEvents = [];
        r.release();
        Atomics.store(order, 0, 1);
        Atomics.notify(order, 0);
      }
    }
  }
  r.close();
  return { ok: true, count, sum, bad };
}

function copyEvent(out: EventView, input: EventView): void {
  out.counter = input.counter;
  out.timestamp = input.timestamp;
  out.deadtime = input.deadtime;
  for (const name in out.fields) (out.fields[name] as Float64Array).set(input.fields[name] as Float64Array);
}

async function filter(job: Extract<Job, { role: 'filter' }>): Promise<RoleResult> {
  const r: Reader = RingBuffer.open(job.input).reader(job.group);
  const w: Writer = RingBuffer.open(job.output).writer({ deadtime: 'keep' });
  let count = 0;
  for (;;) {
    const ev = r.next();
    if (ev === 'timeout') throw new Error('next timed out without a timeout');
    if (ev === null) break;
    const out = w.acquire();
    if (out === 'timeout' || out === null) throw new Error(`filter output acquire returned ${out}`);
    copyEvent(out, ev);
    w.commit();
    count++;
  }
  r.close();
  w.close();
  return { ok: true, count };
}

async function observer(job: Extract<Job, { role: 'observer' }>): Promise<RoleResult> {
  const rb = RingBuffer.open(job.rb);
  const o = rb.observer({ testOnlyBypassSeqlock: job.bypass });
  const shared = new Int32Array(job.shared);
  let copies = 0;
  let torn = 0;
  let snap = o.latest() ?? undefined;
  while (Atomics.load(shared, 0) === 0) {
    const s = o.latest(snap);
    if (!s) continue;
    snap = s;
    copies++;
    if (!checkPattern(s.fields, s.counter)) torn++;
    Atomics.store(shared, 1, copies);
    Atomics.store(shared, 2, torn);
    Atomics.store(shared, 3, o.retries);
  }
  return { ok: true, copies, torn, retries: o.retries };
}

async function block(job: Extract<Job, { role: 'block' }>): Promise<RoleResult> {
  const calls = job.calls.map(async ({ rb: d, what, group }) => {
    const rb = RingBuffer.open(d);
    const v =
      what === 'acquire'
        ? rb.writer().acquire()
        : what === 'acquireAsync'
          ? await rb.writer().acquireAsync()
          : what === 'next'
            ? rb.reader(group!).next()
            : await rb.reader(group!).nextAsync();
    return v === null ? null : typeof v === 'string' ? v : 'event';
  });
  return { ok: true, results: await Promise.all(calls) };
}

async function main(): Promise<RoleResult> {
  const job = workerData.job as Job;
  switch (job.role) {
    case 'writer':
      return writer(job);
    case 'reader':
      return reader(job);
    case 'filter':
      return filter(job);
    case 'observer':
      return observer(job);
    case 'block':
      return block(job);
  }
}

main().then(
  (r) => parentPort!.postMessage(r),
  (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) } satisfies RoleResult),
);
