// What the schedule explorer's main thread and its role threads share: the
// per-thread words of the sync block and the shape of roles and results.
import type { RingBufferDescriptor } from '../../../../src-shared/ringbuffer';

/** Int32 words per thread in the sync block. */
export const STRIDE = 8;
/** Word offsets inside a thread's stride. */
export const W = {
  /** One of ST_*: written by the thread when it stops, by the scheduler when it grants. */
  STATE: 0,
  /** Bumped by the scheduler to let the thread execute its pending operation. */
  GRANT: 1,
  /** OP_* of the pending operation. */
  OP: 2,
  /** Word index (in the ring buffer's shared memory) the operation touches; -1 for none. */
  INDEX: 3,
  /** wait: the expected value. */
  VALUE: 4,
  /** wait: 1 when it has a finite timeout (it may also return by timing out). */
  TIMED: 5,
  /** Set by the scheduler: unwind the role (the execution is over). */
  ABORT: 6,
} as const;

export const ST_RUNNING = 0;
/** Stopped before an atomic operation, waiting for a grant. */
export const ST_AT_STEP = 1;
/** Inside Atomics.wait with the value equal: runnable once a notify on INDEX is granted. */
export const ST_SLEEPING = 2;
export const ST_FINISHED = 3;

/** Re-checks before a futex wait, in both directions of a hand-over: most turns pass back and forth within microseconds. */
export const SPIN = 20_000;

export const OP = { start: 1, point: 2, load: 3, store: 4, add: 5, sub: 6, and: 7, or: 8, xor: 9, exchange: 10, compareExchange: 11, wait: 12, notify: 13 } as const;
export const OP_NAME = Object.fromEntries(Object.entries(OP).map(([k, v]) => [v, k])) as Record<number, string>;

/** One thread's part in an execution. */
export type Role =
  | {
      kind: 'writer';
      id: number;
      events: number;
      /** Events per acquireBatch (1 = acquire). */
      batch?: number;
      /** Cancel instead of committing the k-th acquire (0-based). */
      cancel?: number[];
    }
  | { kind: 'reader'; group: string; batch?: number }
  | {
      kind: 'control';
      actions: ('pause' | 'resume' | 'end' | 'abort')[];
      /** Not runnable until every writer thread has finished (the usual end of a run). */
      afterWriters?: boolean;
    }
  | { kind: 'observer'; copies: number };

export interface RoleResult {
  kind: Role['kind'];
  /** writer: counters committed; reader: counters received (tombstones are never received). */
  counters: number[];
  /** reader/observer: events whose content did not match their counter. */
  bad: number;
  /** writer: true when acquire returned null (ended or aborted). */
  closed: boolean;
  /** Set when the role threw (other than being unwound at the end of an execution). */
  error?: string;
}

export interface RunMessage {
  rb: RingBufferDescriptor;
  role: Role;
  /** This thread's index (its words in the sync block start at index × STRIDE). */
  index: number;
}
