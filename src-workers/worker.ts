// Worker-thread entry: runs one instance of one setup function.
// The engine passes a WorkerInit as workerData (see protocol.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { loadBuiltin } from './builtins/index';
import type { WorkerInit, WorkerMessage } from './runtime/protocol';
import { createIO, type FunctionIO } from './runtime/io';
import { importUserModule } from './runtime/typescript';

type WorkerFunction = (io: FunctionIO) => unknown;

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

async function resolveFunction(init: WorkerInit): Promise<WorkerFunction> {
  if (init.builtin) return loadBuiltin(init.builtin);
  const mod = await importUserModule(init.moduleUrl!);
  const fn = mod[init.fkt_name];
  if (typeof fn !== 'function') throw new Error(`${init.moduleUrl} does not export a function named "${init.fkt_name}"`);
  return fn as WorkerFunction;
}

async function run(): Promise<void> {
  const init = workerData as WorkerInit;
  let ok = true;
  let io: ReturnType<typeof createIO> | null = null;
  try {
    const fn = await resolveFunction(init);
    io = createIO(init);
    post({ type: 'ready' });
    await fn(io);
    ok = !io.failed;
  } catch (e) {
    ok = false;
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: 'error', counter: null, message: err.message, stack: err.stack, policy: 'stop' });
  } finally {
    io?.close();
    post({ type: 'done', ok });
  }
}

void run();
