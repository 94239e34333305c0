// The engine host in a worker thread, standing in for Electron's utility
// process in tests: its own thread and event loop, control messages with ports
// transferred, an exit code when it ends. worker_threads MessageChannel stands
// in for MessageChannelMain.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { HostEvent } from '../../src-shared/bridge/protocol';
import type { MainToHost } from '../../src-main/hosts/desktop/engine-host/control';
import { nodePort } from '../../src-main/hosts/desktop/engine-host/ports';
import type { EngineClient } from '../../src-main/hosts/desktop/engine-client';
import type { EngineEnvironment } from '../../src-main/hosts/desktop/engine-supervisor';

const bootstrap = new URL('../../src-workers/ts-bootstrap.mjs', import.meta.url);
const sourceEntry = new URL('../../src-main/hosts/desktop/engine-host/index.ts', import.meta.url);
/** The built engine-host entry (npm run build). */
export const builtEntry = fileURLToPath(new URL('../../out/main/engine-host.js', import.meta.url));

/** Engine hosts in worker threads, from the TypeScript source or from the build. */
export function workerEnvironment(from: 'source' | 'built' = 'source'): EngineEnvironment<MessagePort> & { workers: Worker[] } {
  const workers: Worker[] = [];
  return {
    mode: 'utility',
    workers,
    launch() {
      if (from === 'built' && !existsSync(builtEntry)) throw new Error(`${builtEntry} is missing: run "npm run build" first`);
      const w =
        from === 'source'
          ? new Worker(bootstrap, { workerData: { __entry: sourceEntry.href } })
          : new Worker(builtEntry);
      workers.push(w);
      return {
        post: (msg: MainToHost, ports: MessagePort[] = []) => w.postMessage({ msg, ports }, ports),
        onMessage: (l) => void w.on('message', l),
        onExit: (l) => void w.once('exit', (code) => l(code)),
        kill: () => void w.terminate(),
      };
    },
    channel() {
      const c = new MessageChannel();
      return [c.port1, c.port2];
    },
    wrap: nodePort,
  };
}

/** Resolves with the first event from `client` that matches (register before causing it). */
export function nextEvent<T extends HostEvent['type']>(
  client: EngineClient,
  type: T,
  pred: (ev: Extract<HostEvent, { type: T }>) => boolean = () => true,
): Promise<Extract<HostEvent, { type: T }>> {
  return new Promise((ok, fail) => {
    const offClose = client.onClose(() => {
      off();
      fail(new Error(`the engine connection closed while waiting for a "${type}" event`));
    });
    const off = client.onEvent((ev) => {
      if (ev.type === type && pred(ev as Extract<HostEvent, { type: T }>)) {
        off();
        offClose();
        ok(ev as Extract<HostEvent, { type: T }>);
      }
    });
  });
}

/** Acknowledges every snapshot the client receives (as the window does once drawn); returns the stop function. */
export function acknowledgeSnapshots(client: EngineClient): () => void {
  return client.onEvent((ev) => {
    if (ev.type === 'snapshot') client.send({ type: 'snapshot_ack', count: 1 });
  });
}
