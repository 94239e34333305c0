// Runs a mimoCoRB Python function: the worker thread gets one Python process
// (ringscope_bridge.py: forked by the run's fork server, or one of its own; process.ts)
// and serves its ring-buffer handles: requests and answers as small frames, the events
// themselves in batches through a file both map (shared-file.ts). The worker keeps the
// handles, so run control, statistics, reclaiming and error handling stay those of every function.
import type { Reader, RingBufferLayout, Writer } from '../../src-shared/ringbuffer';
import { loadBuiltin } from '../builtins/index';
import type { RuntimeIO } from '../runtime/io';
import type { PythonInit, WorkerInit } from '../runtime/protocol';
import { encodeEvents, eventBytes, fillEvent, parsePut, u32, type Frame } from './frames';
import { forkPython, Lines, spawnPython, type PythonProcess } from './process';
import { SharedFile, type SharedPlan } from './shared-file';

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** The init frame: what the Python side needs to call the user's function as mimoCoRB would. */
function initMessage(io: RuntimeIO, init: WorkerInit, py: PythonInit, shared: SharedPlan): Record<string, unknown> {
  const info = (buffer: string) => {
    const l = io.layouts[buffer];
    return { name: buffer, number_of_slots: l.slots, values_per_slot: l.samples, fields: l.fields.map((f) => [f.name, f.dtype]) };
  };
  const by = (mode: string) => init.assign.filter((a) => a.mode === mode).map((a) => info(a.buffer));
  return {
    module: py.module,
    shown: py.shown,
    fkt_name: init.fkt_name,
    config: init.config,
    on_error: init.on_error,
    run_directory: init.runDirectory,
    setup_directory: init.setupDirectory,
    rb_info: Object.fromEntries(init.assign.map((a) => [a.buffer, a.mode])),
    sources: by('read'),
    sinks: by('write'),
    observes: by('observe'),
    shared,
  };
}

/** Runs one instance of a Python function until its process ends. */
export async function runPython(io: RuntimeIO, init: WorkerInit, py: PythonInit): Promise<void> {
  const reader: Reader | undefined = Object.values(io.readers)[0];
  const readLayout = reader ? io.layouts[Object.keys(io.readers)[0]] : null;
  const writers = Object.values(io.writers);
  const writeLayouts = Object.keys(io.writers).map((b) => io.layouts[b]);
  const observed = Object.keys(io.observers).map((b) => io.layouts[b]);
  let shared: SharedFile;
  try {
    shared = new SharedFile(readLayout ? [readLayout, ...observed] : observed, writeLayouts);
  } catch (e) {
    throw new Error(`cannot make the file ${py.shown} shares with the worker: ${(e as Error).message}`);
  }
  const tail: string[] = [];
  const lines = new Lines((line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    io.log(`[python] ${line}`);
  });
  const handles = { reader, readLayout, writers, writeLayouts };
  try {
    const forked = py.forkServer ? await forkPython(py.forkServer, py.module, lines) : null;
    if (forked) {
      if ((await serve(io, init, py, shared, handles, forked, lines, tail)) !== 'no-hello') return;
      // The fork server went before its process said hello: nothing was exchanged, a Python of its own takes over.
      io.log('[python] the fork server did not answer; starting a Python of its own');
    }
    await serve(io, init, py, shared, handles, spawnPython(py, io.setupDirectory, lines), lines, tail);
  } finally {
    shared.close();
  }
}

interface Handles {
  reader: Reader | undefined;
  readLayout: RingBufferLayout | null;
  writers: Writer[];
  writeLayouts: RingBufferLayout[];
}

/** Serves one Python process until it ends; 'no-hello' when a forked one ended before it said anything. */
async function serve(io: RuntimeIO, init: WorkerInit, py: PythonInit, shared: SharedFile, { reader, readLayout, writers, writeLayouts }: Handles, proc: PythonProcess, lines: Lines, tail: string[]): Promise<'no-hello' | void> {
  const send = proc.send;
  send('I', Buffer.from(JSON.stringify(initMessage(io, init, py, shared.plan))));

  const isSource = !reader;
  let stopSent = false;
  const stopPython = () => {
    if (stopSent) return;
    stopSent = true;
    send('S');
  };
  const onStop = () => isSource && stopPython();
  io.signal.addEventListener('abort', onStop);

  let hello = false;
  let done = false;
  let reported = false;
  try {
    for (;;) {
      const f = await proc.frames.next();
      if (!f) break;
      shared.unlink(); // Python opened the file before it said anything
      if (f.kind === 'H') {
        hello = true;
        proc.pid = Number(f.payload.toString('utf8')) || proc.pid;
        continue;
      }
      if (f.kind === 'D') {
        done = true;
        continue;
      }
      if (f.kind === 'X') {
        reported = true;
        const m = JSON.parse(f.payload.toString('utf8')) as { message: string; traceback: string; counter: number | null };
        const e = new Error(`${m.message} (in ${py.shown})`);
        e.stack = m.traceback.trimEnd();
        io.internal.fail(e, m.counter);
        continue;
      }
      if (f.kind === 'F') {
        const m = JSON.parse(f.payload.toString('utf8')) as { path: string; buffer: string };
        io.internal.registerExport(m.path, m.buffer);
        continue;
      }
      if (f.kind === 'G' && reader && readLayout) await serveGet(io, reader, readLayout, shared, f, send);
      else if (f.kind === 'p') await servePut(io, shared, f, writers, writeLayouts, isSource, stopPython, send);
      else if (f.kind === 'Q') await delegate(io, reader, f, send);
      else if (f.kind === 'O') await serveObserve(io, shared, f, send);
      else throw new Error(`the Python side of ${init.name} sent an unknown message (${JSON.stringify(f.kind)})`);
    }
  } catch (e) {
    proc.kill();
    throw e;
  } finally {
    io.signal.removeEventListener('abort', onStop);
    proc.end();
  }
  const code = await proc.exited;
  lines.flush();
  if (proc.forked && !hello) return 'no-hello';
  const err = proc.startError();
  if (err) {
    throw new Error(
      err.code === 'ENOENT'
        ? `cannot start the Python "${py.python}" for ${py.shown}: not found. Install Python 3 with numpy, or name one with python: in the setup or the RINGSCOPE_PYTHON environment variable.`
        : `cannot start the Python "${py.python}" for ${py.shown}: ${err.message}`,
    );
  }
  if (!done && !reported && !io.internal.stopping()) {
    throw new Error(`the Python process of ${py.shown} ended${code === null ? '' : ` (exit code ${code})`} before its function returned${tail.length ? `; it said:\n${tail.join('\n')}` : ''}`);
  }
}

type Send = (k: string, p?: Uint8Array) => void;

/** rbExport, rbTransfer, rbProcess: the next events of the reader group into the shared file ('e': how many). */
async function serveGet(io: RuntimeIO, reader: Reader, layout: RingBufferLayout, shared: SharedFile, f: Frame, send: Send): Promise<void> {
  const max = Math.max(1, Math.min(f.payload.readUInt32LE(0), shared.readCapacity(layout)));
  for (;;) {
    const batch = await reader.nextBatchAsync(max, POLL_MS);
    if (batch === 'timeout') continue;
    if (batch === null) {
      send('Z');
      return;
    }
    shared.putRead(encodeEvents(batch, layout, shared.readScratch(batch.length * eventBytes(layout))));
    reader.release();
    io.internal.countIn(batch.length);
    send('e', u32(batch.length));
    return;
  }
}

/** A batch Python put into one half of an output's region: into the ring buffer, then the half is Python's again ('A'). */
async function servePut(io: RuntimeIO, shared: SharedFile, f: Frame, writers: Writer[], layouts: RingBufferLayout[], isSource: boolean, stopPython: () => void, send: Send): Promise<void> {
  const { index, half, count } = parsePut(f.payload, layouts, (i) => shared.plan.sinks[i].half);
  try {
    await putBatch(io, writers[index], layouts[index], shared.takeWritten(index, half, count * eventBytes(layouts[index])), count, isSource, stopPython);
  } finally {
    send('A', Uint8Array.of(index));
  }
}

async function putBatch(io: RuntimeIO, w: Writer, layout: RingBufferLayout, batch: Buffer, count: number, isSource: boolean, stopPython: () => void): Promise<void> {
  for (let i = 0; i < count; i++) {
    let counter: number | null = null;
    if (isSource) {
      while (io.internal.paused() && !io.internal.stopping()) await sleep(50);
      if (io.internal.stopping()) return stopPython();
      counter = io.internal.claimCounter();
      if (counter === null) return stopPython();
    }
    let out = await w.acquireAsync(POLL_MS);
    while (out === 'timeout') out = await w.acquireAsync(POLL_MS);
    if (out === null) return stopPython();
    const meta = fillEvent(out, batch, i, layout);
    out.counter = counter ?? meta.counter;
    out.timestamp = meta.timestamp;
    if (!isSource) out.deadtime = meta.deadtime;
    w.commit();
    io.internal.countOut(w, 1);
  }
}

/** rbDrain and rb_toParquetfile: the engine reads the buffer itself (its Parquet exporter needs no pyarrow). */
async function delegate(io: RuntimeIO, reader: Reader | undefined, f: Frame, send: Send): Promise<void> {
  const m = JSON.parse(f.payload.toString('utf8')) as { kind: string; filename?: string };
  if (!reader) throw new Error(`${m.kind === 'parquet' ? 'rb_toParquetfile' : 'rbDrain'} needs a buffer to read`);
  if (m.kind === 'parquet') {
    io.config.filename = m.filename;
    await (await loadBuiltin('sinks/parquet'))(io);
  } else {
    for (;;) {
      const batch = await reader.nextBatchAsync(256, POLL_MS);
      if (batch === 'timeout') continue;
      if (batch === null) break;
      io.internal.countIn(batch.length);
      reader.release();
    }
  }
  send('Z');
}

/** rbObserver: a copy of the newest event once one newer than the last is there, waiting at least `ms`. */
async function serveObserve(io: RuntimeIO, shared: SharedFile, f: Frame, send: Send): Promise<void> {
  const ms = f.payload.readUInt32LE(0);
  const name = Object.keys(io.observers)[0];
  const o = io.observers[name];
  await sleep(ms);
  for (;;) {
    // A run that stopped still shows its newest event once (an observer that started late sees the end).
    const stopping = io.internal.stopping();
    const snap = o.latest();
    if (snap && snap.seq !== lastSeen.get(o)) {
      lastSeen.set(o, snap.seq);
      const view = { ...snap, fields: snap.fields } as unknown as Parameters<typeof encodeEvents>[0][number];
      const layout = io.layouts[name];
      shared.putRead(encodeEvents([view], layout, shared.readScratch(eventBytes(layout))));
      return send('e', u32(1));
    }
    if (stopping) return send('Z');
    await sleep(50);
  }
}
const lastSeen = new WeakMap<object, number>();
