// One thread of the schedule explorer. It replaces this thread's global
// `Atomics` with a stepping copy: before every atomic operation the thread
// stops and waits for the scheduler (explore.ts, in the test's thread) to let
// it go on, so the scheduler decides the interleaving of every atomic operation
// of the real ring-buffer code. Atomics.wait is modelled like a futex: the
// value check and falling asleep happen in one step; the thread is runnable
// again once another thread's Atomics.notify on the same word is granted.
// Started through src-workers/ts-bootstrap.mjs; roles arrive as RunMessages.
import { workerData, type MessagePort } from 'node:worker_threads';
import { RingBuffer, type EventView, type TypedArray } from '../../../../src-shared/ringbuffer/index';
import { OP, SPIN, STRIDE, ST_AT_STEP, ST_FINISHED, ST_SLEEPING, W, type Role, type RoleResult, type RunMessage } from './protocol';

const real = Atomics;
const sync = new Int32Array(workerData.sync as SharedArrayBuffer);
const port = workerData.port as MessagePort;
let base = 0;

class Unwound extends Error {}

function stop(state: number, op: number, index: number, value = 0, timed = 0): void {
  if (real.load(sync, base + W.ABORT) !== 0) throw new Unwound('unwound');
  sync[base + W.OP] = op;
  sync[base + W.INDEX] = index;
  sync[base + W.VALUE] = value;
  sync[base + W.TIMED] = timed;
  const g = real.load(sync, base + W.GRANT);
  real.store(sync, base + W.STATE, state);
  real.notify(sync, base + W.STATE);
  for (let i = 0; i < SPIN && real.load(sync, base + W.GRANT) === g; i++);
  while (real.load(sync, base + W.GRANT) === g) real.wait(sync, base + W.GRANT, g);
  if (real.load(sync, base + W.ABORT) !== 0) throw new Unwound('unwound');
}

type Ints = Int32Array | BigInt64Array;
/** The index of an element in 32-bit words of its shared memory (identifies it across threads). */
const word = (ta: Ints, i: number) => (ta.byteOffset >> 2) + i * (ta.BYTES_PER_ELEMENT >> 2);

/** A scheduling point outside the buffer's code (a role filling an event sample by sample). */
function point(): void {
  stop(ST_AT_STEP, OP.point, -1);
}

const r = real as unknown as Record<string, (...a: unknown[]) => unknown>;
const stepping = {
  load: (ta: Ints, i: number) => (stop(ST_AT_STEP, OP.load, word(ta, i)), r.load(ta, i)),
  store: (ta: Ints, i: number, v: unknown) => (stop(ST_AT_STEP, OP.store, word(ta, i)), r.store(ta, i, v)),
  add: (ta: Ints, i: number, v: unknown) => (stop(ST_AT_STEP, OP.add, word(ta, i)), r.add(ta, i, v)),
  sub: (ta: Ints, i: number, v: unknown) => (stop(ST_AT_STEP, OP.sub, word(ta, i)), r.sub(ta, i, v)),
  and: (ta: Ints, i: number, v: unknown) => (stop(ST_AT_STEP, OP.and, word(ta, i)), r.and(ta, i, v)),
  or: (ta: Ints, i: number, v: unknown) => (stop(ST_AT_STEP, OP.or, word(ta, i)), r.or(ta, i, v)),
  xor: (ta: Ints, i: number, v: unknown) => (stop(ST_AT_STEP, OP.xor, word(ta, i)), r.xor(ta, i, v)),
  exchange: (ta: Ints, i: number, v: unknown) => (stop(ST_AT_STEP, OP.exchange, word(ta, i)), r.exchange(ta, i, v)),
  compareExchange: (ta: Ints, i: number, e: unknown, v: unknown) => (stop(ST_AT_STEP, OP.compareExchange, word(ta, i)), r.compareExchange(ta, i, e, v)),
  wait(ta: Int32Array, i: number, v: number, timeout?: number): 'ok' | 'not-equal' | 'timed-out' {
    const timed = timeout !== undefined && Number.isFinite(timeout) ? 1 : 0;
    stop(ST_AT_STEP, OP.wait, word(ta, i), v, timed);
    if (real.load(ta, i) !== v) return 'not-equal';
    // Check and sleep in one step, as a futex does; runnable again after a notify (or, with a
    // finite timeout, at any time: then it timed out).
    stop(ST_SLEEPING, OP.wait, word(ta, i), v, timed);
    return sync[base + W.VALUE] === 1 ? 'ok' : 'timed-out';
  },
  notify: (ta: Int32Array, i: number) => (stop(ST_AT_STEP, OP.notify, word(ta, i)), 0),
  isLockFree: (n: number) => real.isLockFree(n),
};

const same = (ev: { counter: number; fields: Readonly<Record<string, TypedArray>> }) => Array.from(ev.fields.x as Int32Array).every((v) => v === ev.counter);

function play(m: RunMessage, out: RoleResult): void {
  const rb = RingBuffer.open(m.rb);
  const role: Role = m.role;
  if (role.kind === 'writer') {
    const w = rb.writer();
    let k = 0;
    let acquires = 0;
    while (k < role.events) {
      const b = role.batch ?? 1;
      let evs: readonly EventView[];
      if (b === 1) {
        const e = w.acquire();
        if (e === 'timeout') throw new Error('acquire timed out');
        if (e === null) {
          out.closed = true;
          break;
        }
        evs = [e];
      } else {
        const got = w.acquireBatch(Math.min(b, role.events - k));
        if (got === 'timeout') throw new Error('acquireBatch timed out');
        if (got === null) {
          out.closed = true;
          break;
        }
        evs = got;
      }
      const counters: number[] = [];
      for (const e of evs) {
        const c = role.id * 1000 + ++k;
        e.counter = c;
        const x = e.fields.x as Int32Array;
        // Sample by sample, with a scheduling point between: observers may look at a half-written slot.
        for (let j = 0; j < x.length; j++) {
          if (j > 0) point();
          x[j] = c;
        }
        counters.push(c);
      }
      if (role.cancel?.includes(acquires++)) w.cancel();
      else {
        w.commit();
        out.counters.push(...counters);
      }
    }
    w.close();
  } else if (role.kind === 'reader') {
    const rd = rb.reader(role.group);
    for (;;) {
      const b = role.batch ?? 1;
      const got = b === 1 ? rd.next() : rd.nextBatch(b);
      if (got === 'timeout') throw new Error('next timed out');
      if (got === null) break;
      for (const e of 'length' in got ? got : [got]) {
        if (!same(e)) out.bad++;
        out.counters.push(e.counter);
      }
    }
    rd.close();
  } else if (role.kind === 'control') {
    for (const a of role.actions) {
      point();
      rb[a]();
    }
  } else {
    const o = rb.observer();
    for (let i = 0; i < role.copies; i++) {
      point();
      const s = o.latest();
      if (s) {
        if (!same(s)) out.bad++;
        out.counters.push(s.counter);
      }
    }
  }
}

port.on('message', (m: RunMessage) => {
  base = m.index * STRIDE;
  const out: RoleResult = { kind: m.role.kind, counters: [], bad: 0, closed: false };
  (globalThis as { Atomics: unknown }).Atomics = stepping;
  try {
    stop(ST_AT_STEP, OP.start, -1);
    play(m, out);
  } catch (e) {
    const unwound = e instanceof Unwound || (e instanceof Error && /unwound/.test(e.message));
    out.error = unwound ? 'unwound' : e instanceof Error ? (e.stack ?? e.message) : String(e);
  } finally {
    (globalThis as { Atomics: unknown }).Atomics = real;
  }
  port.postMessage(out);
  real.store(sync, base + W.STATE, ST_FINISHED);
  real.notify(sync, base + W.STATE);
});
port.postMessage('ready');
