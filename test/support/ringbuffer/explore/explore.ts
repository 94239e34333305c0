// The schedule explorer's scheduler: runs the real ring-buffer code in real
// threads (thread.ts), one role per thread, and decides at every atomic
// operation which thread goes next. An execution is fully determined by its
// schedule (the thread chosen at each step), so a failing one can be replayed.
//
// explore() enumerates schedules depth-first, stateless (each execution starts
// from a fresh buffer), with preemption bounding (CHESS, Musuvathi & Qadeer
// 2007): a thread runs until it blocks or ends unless the schedule preempts it,
// and every schedule with at most `bound` preemptions is run exactly once.
// sample() runs seeded random schedules (a switch is possible at every step).
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { RingBuffer, type RingBufferLayout, type RingBufferOptions, type RingBufferStatus } from '../../../../src-shared/ringbuffer';
import { CTRL } from '../../../../src-shared/ringbuffer/layout';
import { OP, OP_NAME, SPIN, STRIDE, ST_AT_STEP, ST_FINISHED, ST_RUNNING, ST_SLEEPING, W, type Role, type RoleResult } from './protocol';

const bootstrap = new URL('../../../../src-workers/ts-bootstrap.mjs', import.meta.url);
const entry = new URL('./thread.ts', import.meta.url).href;

/** A small configuration: a buffer and one role per thread. */
export interface Scenario {
  name: string;
  layout: RingBufferLayout;
  options?: RingBufferOptions;
  /** Pause the buffer before the threads start (so a writer's first acquire already waits). */
  paused?: boolean;
  roles: Role[];
}

export interface Step {
  /** Threads that could go next. */
  runnable: number[];
  chosen: number;
  /** The thread that made the previous step (-1 at the start). */
  current: number;
  /** What the chosen thread was about to do, e.g. "compareExchange CLAIM". */
  op: string;
}

export interface Execution {
  steps: Step[];
  results: RoleResult[];
  /** Threads that never finished: every other thread had ended or slept too. */
  asleep: string[];
  status: RingBufferStatus;
  /** Problems found by check(); empty for a correct execution. */
  problems: string[];
}

/** Names of the control words, for readable traces. */
const CTRL_NAME = new Map<number, string>(Object.entries(CTRL).filter(([k]) => !['GROUP_BASE', 'GROUP_STRIDE', 'CURSOR', 'RELEASED'].includes(k)).map(([k, v]) => [v, k]));

function wordName(index: number): string {
  if (index < 0) return '';
  if (CTRL_NAME.has(index)) return CTRL_NAME.get(index)!;
  if (index >= CTRL.GROUP_BASE && index < CTRL.GROUP_BASE + 32 * CTRL.GROUP_STRIDE) {
    const g = Math.floor((index - CTRL.GROUP_BASE) / CTRL.GROUP_STRIDE);
    const w = (index - CTRL.GROUP_BASE) % CTRL.GROUP_STRIDE;
    if (w === CTRL.CURSOR) return `CURSOR[${g}]`;
    if (w === CTRL.RELEASED) return `RELEASED[${g}]`;
  }
  return `word ${index}`;
}

export class Explorer {
  private readonly sync: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];

  private constructor(readonly threads: number) {
    this.sync = new Int32Array(new SharedArrayBuffer(4 * STRIDE * threads));
  }

  /** Starts `threads` role threads (reused by every execution). */
  static async start(threads: number): Promise<Explorer> {
    const x = new Explorer(threads);
    await Promise.all(
      Array.from({ length: threads }, (_, i) => {
        const { port1, port2 } = new MessageChannel();
        const w = new Worker(bootstrap, { workerData: { __entry: entry, sync: x.sync.buffer, port: port2 }, transferList: [port2] });
        x.workers[i] = w;
        x.ports[i] = port1;
        return new Promise<void>((resolve, reject) => {
          w.once('error', reject);
          port1.once('message', () => resolve());
        });
      }),
    );
    return x;
  }

  async close(): Promise<void> {
    for (const p of this.ports) p.close();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private at(t: number, w: number): number {
    return Atomics.load(this.sync, t * STRIDE + w);
  }

  /** Lets thread t execute its pending operation and run to its next one. */
  private grant(t: number): void {
    const s = this.sync;
    const b = t * STRIDE;
    Atomics.store(s, b + W.STATE, ST_RUNNING);
    Atomics.add(s, b + W.GRANT, 1);
    Atomics.notify(s, b + W.GRANT);
    for (let i = 0; i < SPIN && Atomics.load(s, b + W.STATE) === ST_RUNNING; i++);
    while (Atomics.load(s, b + W.STATE) === ST_RUNNING) {
      if (Atomics.wait(s, b + W.STATE, ST_RUNNING, 20_000) === 'timed-out') throw new Error(`explorer: thread ${t} ran 20 s without reaching an atomic operation`);
    }
  }

  /**
   * Runs one execution. choose(step, runnable, current) picks the next thread; the default
   * (undefined) keeps the current thread while it can run, else the lowest runnable one.
   */
  run(sc: Scenario, choose: (step: number, runnable: number[], current: number) => number | undefined): Execution {
    if (sc.roles.length > this.threads) throw new Error(`scenario ${sc.name} needs ${sc.roles.length} threads`);
    const n = sc.roles.length;
    const rb = RingBuffer.create(sc.layout, { spin: 0, ...sc.options });
    if (sc.paused) rb.pause();
    for (let t = 0; t < n; t++) {
      Atomics.store(this.sync, t * STRIDE + W.ABORT, 0);
      Atomics.store(this.sync, t * STRIDE + W.STATE, ST_RUNNING);
      this.ports[t].postMessage({ rb: rb.descriptor, role: sc.roles[t], index: t });
    }
    for (let t = 0; t < n; t++) {
      while (this.at(t, W.STATE) === ST_RUNNING) Atomics.wait(this.sync, t * STRIDE + W.STATE, ST_RUNNING, 20_000);
    }
    const woken = new Array<boolean>(n).fill(false);
    const steps: Step[] = [];
    let current = -1;
    for (;;) {
      const runnable: number[] = [];
      const writersDone = sc.roles.every((r, t) => r.kind !== 'writer' || this.at(t, W.STATE) === ST_FINISHED);
      for (let t = 0; t < n; t++) {
        const role = sc.roles[t];
        if (role.kind === 'control' && role.afterWriters && !writersDone) continue;
        const st = this.at(t, W.STATE);
        if (st === ST_AT_STEP || (st === ST_SLEEPING && (woken[t] || this.at(t, W.TIMED) === 1))) runnable.push(t);
      }
      if (runnable.length === 0) break;
      let t = choose(steps.length, runnable, current);
      if (t === undefined || !runnable.includes(t)) t = runnable.includes(current) ? current : runnable[0];
      const op = this.at(t, W.OP);
      const index = this.at(t, W.INDEX);
      const sleeping = this.at(t, W.STATE) === ST_SLEEPING;
      steps.push({ runnable, chosen: t, current, op: `${sleeping ? 'wake from wait' : OP_NAME[op]} ${wordName(index)}`.trim() });
      if (sleeping) {
        // Tell the thread whether a notify woke it ('ok') or its timeout did.
        Atomics.store(this.sync, t * STRIDE + W.VALUE, woken[t] ? 1 : 0);
        woken[t] = false;
      }
      const sleepers = op === OP.notify ? [...Array(n).keys()].filter((s) => s !== t && this.at(s, W.STATE) === ST_SLEEPING && this.at(s, W.INDEX) === index) : [];
      this.grant(t);
      for (const s of sleepers) woken[s] = true;
      current = t;
    }
    const asleep: string[] = [];
    for (let t = 0; t < n; t++) {
      if (this.at(t, W.STATE) !== ST_FINISHED) asleep.push(`thread ${t} (${describeRole(sc.roles[t])}) asleep in Atomics.wait on ${wordName(this.at(t, W.INDEX))}`);
    }
    // Unwind threads left asleep, so the next execution finds every thread idle.
    for (let t = 0; t < n; t++) {
      if (this.at(t, W.STATE) === ST_FINISHED) continue;
      Atomics.store(this.sync, t * STRIDE + W.ABORT, 1);
      this.grant(t);
    }
    const results = this.ports.slice(0, n).map((p, t) => {
      const m = receiveMessageOnPort(p);
      if (!m) throw new Error(`explorer: thread ${t} finished without a result`);
      return m.message as RoleResult;
    });
    const ex: Execution = { steps, results, asleep, status: rb.status(), problems: [] };
    ex.problems = check(sc, ex);
    return ex;
  }
}

export function describeRole(r: Role): string {
  if (r.kind === 'writer') return `writer ${r.id}: ${r.events} events${r.batch ? ` in batches of ${r.batch}` : ''}${r.cancel ? `, cancels acquire ${r.cancel.join(',')}` : ''}`;
  if (r.kind === 'reader') return `reader of group ${r.group}${r.batch ? `, batches of ${r.batch}` : ''}`;
  if (r.kind === 'control') return `control: ${r.actions.join(', ')}`;
  return `observer: ${r.copies} copies`;
}

const sorted = (a: number[]) => [...a].sort((x, y) => x - y);

/** What must hold after every execution: nothing asleep, every committed event once per group, status consistent. */
export function check(sc: Scenario, ex: Execution): string[] {
  const p: string[] = [...ex.asleep];
  const { results, status } = ex;
  results.forEach((r, t) => {
    if (r.error && r.error !== 'unwound') p.push(`thread ${t} threw: ${r.error.split('\n')[0]}`);
    if (r.bad > 0) p.push(`thread ${t} (${r.kind}) saw ${r.bad} event(s) whose content does not match their counter`);
  });
  if (p.length) return p;
  const aborted = sc.roles.some((r) => r.kind === 'control' && r.actions.includes('abort'));
  const committed = sorted(results.filter((r) => r.kind === 'writer').flatMap((r) => r.counters));
  const set = new Set(committed);
  for (const g of sc.layout.groups) {
    const got = sorted(results.filter((r, t) => r.kind === 'reader' && (sc.roles[t] as { group: string }).group === g).flatMap((r) => r.counters));
    const dups = got.filter((c, i) => got[i - 1] === c);
    if (dups.length) p.push(`group ${g} received ${dups.join(', ')} twice`);
    const foreign = got.filter((c) => !set.has(c));
    if (foreign.length) p.push(`group ${g} received ${foreign.join(', ')}, never committed`);
    if (!aborted) {
      const missing = committed.filter((c) => !got.includes(c));
      if (missing.length) p.push(`group ${g} never received committed event(s) ${missing.join(', ')}`);
    }
  }
  results.forEach((r, t) => {
    if (r.kind === 'observer') {
      const foreign = r.counters.filter((c) => !set.has(c));
      if (foreign.length) p.push(`observer (thread ${t}) copied event(s) ${foreign.join(', ')}, never committed`);
    }
  });
  if (status.waiting_readers !== 0 || status.waiting_writers !== 0) p.push(`status shows ${status.waiting_writers} writer(s) and ${status.waiting_readers} reader(s) still waiting`);
  if (!aborted) {
    if (status.written !== committed.length) p.push(`status: written ${status.written}, but ${committed.length} committed`);
    for (const g of sc.layout.groups) if (status.released[g] !== status.written) p.push(`status: group ${g} released ${status.released[g]} of ${status.written}`);
    if (status.filled !== 0) p.push(`status: filled ${status.filled} after every reader closed`);
  }
  return p;
}

/** A schedule, readably: one line per step that switched threads. */
export function describeSchedule(ex: Execution): string {
  const lines: string[] = [];
  ex.steps.forEach((s, i) => {
    if (s.chosen !== s.current) lines.push(`  step ${i}: thread ${s.chosen} ${s.op}${s.runnable.includes(s.current) ? ' (preempting)' : ''}`);
  });
  return lines.join('\n');
}

export interface Exploration {
  executions: number;
  /** The first failing execution, if any. */
  failure?: { schedule: number[]; execution: Execution };
  /** True when every schedule within the bound was run (false: stopped at maxExecutions). */
  complete: boolean;
  longest: number;
}

/** Every schedule with at most `bound` preemptions, depth-first; stops at the first failure. */
export function explore(x: Explorer, sc: Scenario, bound: number, maxExecutions = Infinity): Exploration {
  // One frame per step of the current schedule: the runnable set, the thread that ran before,
  // the choice made and the alternatives already tried.
  const stack: { runnable: number[]; current: number; chosen: number; tried: Set<number>; preemptions: number }[] = [];
  let executions = 0;
  let longest = 0;
  for (;;) {
    const prefix = stack.map((f) => f.chosen);
    const ex = x.run(sc, (i) => (i < prefix.length ? prefix[i] : undefined));
    executions++;
    longest = Math.max(longest, ex.steps.length);
    if (ex.problems.length) return { executions, failure: { schedule: ex.steps.map((s) => s.chosen), execution: ex }, complete: false, longest };
    for (let i = stack.length; i < ex.steps.length; i++) {
      const s = ex.steps[i];
      const before = i === 0 ? 0 : stack[i - 1].preemptions + (preempts(stack[i - 1].runnable, stack[i - 1].current, stack[i - 1].chosen) ? 1 : 0);
      stack.push({ runnable: s.runnable, current: s.current, chosen: s.chosen, tried: new Set([s.chosen]), preemptions: before });
    }
    // Backtrack to the deepest step with an untried choice within the bound.
    let found = false;
    while (stack.length && !found) {
      const f = stack[stack.length - 1];
      const alt = f.runnable.find((t) => !f.tried.has(t) && f.preemptions + (preempts(f.runnable, f.current, t) ? 1 : 0) <= bound);
      if (alt === undefined) stack.pop();
      else {
        f.tried.add(alt);
        f.chosen = alt;
        found = true;
      }
    }
    if (!found) return { executions, complete: true, longest };
    if (executions >= maxExecutions) return { executions, complete: false, longest };
  }
}

function preempts(runnable: number[], current: number, chosen: number): boolean {
  return current >= 0 && chosen !== current && runnable.includes(current);
}

/** Seeded random schedules: at every step any runnable thread may go next. */
export function sample(x: Explorer, sc: Scenario, executions: number, seed: number): Exploration {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  let longest = 0;
  for (let e = 0; e < executions; e++) {
    // Vary how eagerly threads switch, so both long runs and fine interleavings occur (PCT-like).
    const pSwitch = [0.05, 0.3, 0.9][e % 3];
    const ex = x.run(sc, (_i, runnable, current) => (runnable.includes(current) && rand() > pSwitch ? current : runnable[Math.floor(rand() * runnable.length)]));
    longest = Math.max(longest, ex.steps.length);
    if (ex.problems.length) return { executions: e + 1, failure: { schedule: ex.steps.map((st) => st.chosen), execution: ex }, complete: false, longest };
  }
  return { executions, complete: true, longest };
}

/** Runs one schedule again (from a failure report). */
export function replay(x: Explorer, sc: Scenario, schedule: number[]): Execution {
  return x.run(sc, (i) => schedule[i]);
}
