// What the engine says about threads that misbehave: one that died (crashed,
// ran out of memory, exited before its function returned), and the functions
// that have not stopped a while after a stop was asked for.
import { isSource } from './plan';
import type { Instance, Run } from './run';

/** A thread's death in words: from the worker's 'error' (an Error) or its exit code. */
export function threadDeath(cause: Error | number): string {
  if (typeof cause === 'number') {
    return `its thread exited with code ${cause} before the function returned (process.exit() in the function, or a native crash)`;
  }
  const code = (cause as NodeJS.ErrnoException).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return `its thread ran out of memory (${cause.message})`;
  return `its thread crashed: ${cause.message}`;
}

/**
 * True when the instance only waits on others, so it is not the cause: a buffer it writes is full
 * (it waits for its readers), or its group has released everything of the buffers it reads (it waits
 * for its writers).
 */
function waiting(run: Run, inst: Instance): boolean {
  const writes = inst.fn.assign.filter((a) => a.mode === 'write');
  const reads = inst.fn.assign.filter((a) => a.mode === 'read');
  if (writes.some((a) => run.buffers.get(a.buffer)!.status().free === 0)) return true;
  return (
    reads.length > 0 &&
    reads.every((a) => {
      const st = run.buffers.get(a.buffer)!.status();
      return (st.released[inst.fn.name] ?? 0) >= st.written;
    })
  );
}

function label(list: Instance[]): string {
  const byFn = new Map<string, Instance[]>();
  for (const i of list) byFn.set(i.fn.name, [...(byFn.get(i.fn.name) ?? []), i]);
  return [...byFn.values()].map((l) => `${l[0]!.fn.name} (${l[0]!.fn.fkt_name}, thread${l.length > 1 ? 's' : ''} ${l.map((i) => i.index + 1).join(', ')})`).join(', ');
}

/**
 * The functions that have not stopped `seconds` after the stop, named (those that only wait for
 * space in a buffer a stuck function should empty are named as waiting); null when all stopped.
 */
export function notStoppedMessage(run: Run, seconds: number): string | null {
  const running = run.instances.filter((i) => !i.done);
  if (running.length === 0) return null;
  const waits = running.filter((i) => waiting(run, i));
  const stuck = running.filter((i) => !waits.includes(i));
  const culprits = stuck.length > 0 ? stuck : running;
  const sources = culprits.filter((i) => isSource(i.fn));
  const what = stuck.length > 0 ? 'still busy in its function (an endless loop?)' : 'waiting for one another';
  let message = `not stopped within ${seconds} s: ${label(culprits)} — ${what}`;
  if (stuck.length > 0 && waits.length > 0) message += `; ${label(waits)} wait${waits.length === 1 ? 's' : ''} for it`;
  if (sources.length === culprits.length) message += '; its buffers are ended for it';
  return `${message}. Stop again (a second Ctrl-C) aborts the run.`;
}
