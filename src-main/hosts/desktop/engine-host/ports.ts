// The engine host talks over message ports without knowing whose: Electron's
// MessagePortMain (utility process, main process) or Node's worker_threads
// MessagePort (tests, and anything else running under plain Node). The two
// differ only in how a message arrives (Electron wraps it in an event with
// .data), so each gets a small adapter to one shape, PortLike. No electron
// import here: Electron's objects are described by their structure.
import type { MessagePort as NodeMessagePort } from 'node:worker_threads';

/** One end of a message channel, as the engine host and main's client use it. */
export interface PortLike {
  /** Sends a message (structured clone: strings and typed arrays arrive as such). */
  post(data: unknown): void;
  onMessage(listener: (data: unknown) => void): void;
  /** Called once when either end is closed (or its process is gone). */
  onClose(listener: () => void): void;
  /** Starts delivery; messages sent before are queued until then. */
  start(): void;
  close(): void;
}

/** Electron's MessagePortMain, by the members used here. */
export interface MessagePortMainLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

/** Adapts Node's worker_threads MessagePort. */
export function nodePort(port: NodeMessagePort): PortLike {
  return {
    post: (data) => port.postMessage(data),
    onMessage: (l) => void port.on('message', l),
    onClose: (l) => void port.once('close', l),
    start: () => port.start(),
    close: () => port.close(),
  };
}

/** Adapts Electron's MessagePortMain (main or utility process). */
export function electronPort(port: MessagePortMainLike): PortLike {
  return {
    post: (data) => port.postMessage(data),
    onMessage: (l) => void port.on('message', (e) => l(e.data)),
    onClose: (l) => {
      let called = false;
      port.on('close', () => {
        if (called) return;
        called = true;
        l();
      });
    },
    start: () => port.start(),
    close: () => port.close(),
  };
}
