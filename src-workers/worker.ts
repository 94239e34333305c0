// Worker-thread entry: the engine starts one of these per function instance.
import { parentPort, workerData } from 'node:worker_threads';

parentPort?.postMessage({ type: 'ready', workerData });
