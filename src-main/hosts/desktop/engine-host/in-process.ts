// The engine host inside the calling process: the engine-host switch's "main"
// mode (RINGSCOPE_ENGINE_HOST=main), for platforms where worker threads
// misbehave inside a utility process. Same host code, same control messages and
// ports; only the control channel is a pair of in-memory queues, and "exit"
// means the host has shut down.
import type { HostToMain, MainToHost, ParentChannel } from './control';
import { runEngineHost, type EngineHostOptions } from './engine-host';
import type { PortLike } from './ports';
import type { HostProcess } from '../engine-supervisor';

/** Starts an engine host in this process; `wrap` adapts the platform's ports. */
export function inProcessHost<P>(wrap: (port: P) => PortLike, opts: Omit<EngineHostOptions, 'exit'> = {}): HostProcess<P> {
  const messageListeners = new Set<(m: HostToMain) => void>();
  const exitListeners = new Set<(code: number | null) => void>();
  let toHost: ((msg: MainToHost, ports: PortLike[]) => void) | null = null;
  let exited = false;

  const end = (code: number | null) => {
    if (exited) return;
    exited = true;
    for (const l of exitListeners) l(code);
  };

  // Messages are delivered on a later turn, as between processes, so neither
  // side ever runs inside the other's call.
  const channel: ParentChannel = {
    post: (msg) => queueMicrotask(() => !exited && messageListeners.forEach((l) => l(msg))),
    onMessage: (l) => {
      toHost = l;
    },
  };
  const host = runEngineHost(channel, { ...opts, exit: (code) => end(code) });

  return {
    post: (msg, ports = []) => queueMicrotask(() => !exited && toHost?.(msg, ports.map(wrap))),
    onMessage: (l) => void messageListeners.add(l),
    onExit: (l) => void exitListeners.add(l),
    // Nothing to kill in our own process: abort the run (files closed as they are) and let go of it.
    kill: () => {
      host.fatal(new Error('The engine was stopped by the user.'));
      queueMicrotask(() => end(null));
    },
  };
}
