// The soak run: 8 threads at full speed on one buffer for N minutes — two busy
// writers (batches), one idle writer (an event every few seconds: its cached
// view of the buffer goes stale across 2^31 and 2^32), two reader groups of two
// readers each (one group with jitter, so its readers release out of order)
// and an observer. Every event's content is checked where it is read; at the
// end the counts and checksums of what was committed and what each group
// received must agree, and status() must reconcile. At full width, a run of
// about half an hour passes 2^32 sequences here; --bits 12 wraps in a blink.
//
//   npm run soak -- --minutes 30 [--bits 32] [--slots 256] [--json]
import { Worker } from 'node:worker_threads';
import { RingBuffer } from '../../src-shared/ringbuffer/index';
import type { SoakJob, Tally } from './thread';

export interface SoakOptions {
  minutes: number;
  bits: number;
  slots: number;
  /** Progress lines (one a minute) go here. */
  log: (line: string) => void;
}

export interface SoakResult {
  seconds: number;
  /** Claimed sequences (committed events + cancelled claims), a 63-bit count. */
  sequences: number;
  written: number;
  rate: number;
  /** Times the sequence passed 2^(bits−1) and 2^bits. */
  halfWraps: number;
  wraps: number;
  observerCopies: number;
  problems: string[];
}

const bootstrap = new URL('../../src-workers/ts-bootstrap.mjs', import.meta.url);
const entry = new URL('./thread.ts', import.meta.url).href;

const gate = new Int32Array(new SharedArrayBuffer(8));

function start(job: SoakJob): Promise<Tally> {
  const w = new Worker(bootstrap, { workerData: { __entry: entry, job, gate: gate.buffer } });
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`soak thread ${job.role} exited (${code}) without a result`)));
  });
}

const combine = (ts: Tally[]) => ({
  count: ts.reduce((a, t) => a + t.count, 0),
  sum: ts.reduce((a, t) => (a + t.sum) >>> 0, 0),
  sumSq: ts.reduce((a, t) => (a + t.sumSq) >>> 0, 0),
});

export async function soak(o: SoakOptions): Promise<SoakResult> {
  const rb = RingBuffer.create(
    {
      name: 'RB_soak',
      slots: o.slots,
      samples: 2,
      fields: [
        { name: 'a', dtype: 'int32' },
        { name: 'c', dtype: 'float64' },
      ],
      groups: ['calm', 'jittery'],
    },
    o.bits === 32 ? {} : { testOnlySeqBits: o.bits },
  );
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const writers = [
    start({ role: 'writer', rb: rb.descriptor, id: 0, writers: 3, batch: 64, pauseMs: 0 }),
    start({ role: 'writer', rb: rb.descriptor, id: 1, writers: 3, batch: 17, pauseMs: 0 }),
    start({ role: 'writer', rb: rb.descriptor, id: 2, writers: 3, batch: 1, pauseMs: 3000 }),
  ];
  const groups = {
    calm: [0, 1].map(() => start({ role: 'reader', rb: rb.descriptor, group: 'calm', batch: 64, jitter: false })),
    jittery: [0, 1].map(() => start({ role: 'reader', rb: rb.descriptor, group: 'jittery', batch: 32, jitter: true })),
  };
  const observer = start({ role: 'observer', rb: rb.descriptor, stop: stop.buffer as SharedArrayBuffer });
  // Time the run, not the threads' start-up.
  while (Atomics.load(gate, 0) < 8) await new Promise((r) => setTimeout(r, 10));
  Atomics.store(gate, 1, 1);
  Atomics.notify(gate, 1);
  const t0 = performance.now();
  const end = t0 + o.minutes * 60_000;
  const half = 2 ** (o.bits - 1);
  let lastLog = t0;
  let lastWritten = 0;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(1000, end - performance.now())));
    const now = performance.now();
    if (now - lastLog >= 60_000 || now >= end) {
      const st = rb.status();
      const rate = (st.written - lastWritten) / ((now - lastLog) / 1000);
      o.log(`${((now - t0) / 60_000).toFixed(1)} min: ${st.written.toLocaleString('en')} events (${(st.written / 2 ** o.bits).toFixed(2)} × 2^${o.bits}), ${(rate / 1e6).toFixed(2)} M/s, filled ${st.filled}`);
      lastLog = now;
      lastWritten = st.written;
    }
  }
  rb.end();
  const w = await Promise.all(writers);
  const got = { calm: await Promise.all(groups.calm), jittery: await Promise.all(groups.jittery) };
  Atomics.store(stop, 0, 1);
  const obs = await observer;
  const seconds = (performance.now() - t0) / 1000;
  const problems: string[] = [];
  for (const t of [...w, ...got.calm, ...got.jittery, obs]) {
    if (t.error) problems.push(`a thread failed: ${t.error}`);
    if (t.bad) problems.push(`${t.bad} event(s) with content that does not match their counter`);
  }
  const committed = combine(w);
  for (const [g, ts] of Object.entries(got)) {
    const r = combine(ts);
    if (r.count !== committed.count || r.sum !== committed.sum || r.sumSq !== committed.sumSq) {
      problems.push(`group ${g} received ${r.count} events (checksums ${r.sum}/${r.sumSq}); ${committed.count} were committed (${committed.sum}/${committed.sumSq})`);
    }
  }
  const st = rb.status();
  if (st.written !== committed.count) problems.push(`status: written ${st.written}, committed ${committed.count}`);
  for (const g of ['calm', 'jittery']) if (st.released[g] !== st.written) problems.push(`status: ${g} released ${st.released[g]} of ${st.written}`);
  if (st.filled !== 0 || st.waiting_readers !== 0 || st.waiting_writers !== 0) problems.push(`status after the end: filled ${st.filled}, waiting ${st.waiting_writers} writer(s) / ${st.waiting_readers} reader(s)`);
  if (obs.extra === 0) problems.push('the observer made no copy');
  const sequences = st.written; // no cancels here: every claimed sequence was committed
  return {
    seconds,
    sequences,
    written: st.written,
    rate: st.written / seconds,
    halfWraps: Math.floor(sequences / half),
    wraps: Math.floor(sequences / (2 * half)),
    observerCopies: obs.extra,
    problems,
  };
}
