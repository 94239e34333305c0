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
  let killed = false;

  // An exception nobody caught while the host lives is the engine's fatal error, as in its own process
  // (engine-host/index.ts): the run is aborted with its files closed, main is told, the host ends.
  // Without this it would reach Electron's "A JavaScript error occurred in the main process" box.
  const uncaught = (err: unknown) => host.fatal(err);
  const end = (code: number | null) => {
    if (exited) return;
    exited = true;
    process.off('uncaughtException', uncaught);
    for (const l of exitListeners) l(killed ? null : code);
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
  process.on('uncaughtException', uncaught);

  return {
    post: (msg, ports = []) => queueMicrotask(() => !exited && toHost?.(msg, ports.map(wrap))),
    onMessage: (l) => void messageListeners.add(l),
    onExit: (l) => void exitListeners.add(l),
    // Nothing to kill in our own process: abort the run (files closed as they are); the host is
    // reported gone when that abort has finished, never before (its files are closed by then).
    kill: () => {
      if (exited || killed) return;
      killed = true;
      host.fatal(new Error('The engine was stopped by the user.'));
    },
  };
}
