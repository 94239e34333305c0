// Worker-thread entry for the terminate test: opens a serial port, says so,
// then holds it and keeps reading until the thread is terminated.
import { parentPort, workerData } from 'node:worker_threads';
import { SerialConnection } from '../../../src-workers/serial/connection';
import { LineDecoder } from '../../../src-workers/serial/lines';

const c = new SerialConnection<number[]>({
  settings: { path: workerData.path as string, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  decoder: new LineDecoder({ values: 1 }),
});
await c.open();
parentPort!.postMessage('open');
for (;;) {
  const n = c.next();
  const r = n instanceof Promise ? await n : n;
  if (r === null) break;
  parentPort!.postMessage(r[0]);
}
