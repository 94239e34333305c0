// The control channel between Electron main and the engine host: lifecycle
// only (init, port hand-off, output folder, shutdown). Bridge commands and
// events never travel here; they go over the ports handed off with `connect`.
//
// In a utility process this channel is process.parentPort (ports arrive in the
// event's .ports); under plain Node it is a worker thread's parentPort, and
// ports travel inside the message (worker_threads transfers them only there).
import type { MessagePort as NodeMessagePort } from 'node:worker_threads';
import { electronPort, nodePort, type MessagePortMainLike, type PortLike } from './ports';

/** Where run directories go, decided per run from the setup's path. */
export interface OutputConfig {
  /** Chosen by the user (File ▸ Choose Output Folder…); null: each setup's own output_directory. */
  directory: string | null;
  /** Folders that cannot be written (the packaged app's resources): setups there write to `fallback`. */
  readOnlyRoots: string[];
  /** Where setups from read-only folders write when no folder is chosen. */
  fallback: string | null;
}

/** The setup editor's files on the host: the examples offered, and folders never written (the shipped examples). */
export interface SetupFolders {
  examplesDir: string | null;
  readOnlyRoots: string[];
}

/** Main → engine host. */
export type MainToHost =
  /** First message: the host creates its engine host and answers `ready`. */
  | { type: 'init'; version: string; output: OutputConfig; setups?: SetupFolders }
  /** Attach a bridge client on the one port that travels with this message. */
  | { type: 'connect'; client: 'renderer' | 'main' }
  | { type: 'configure'; output: OutputConfig }
  /** Stop any run gracefully (drained and written), close the engine, exit. */
  | { type: 'shutdown' }
  /** Emergency stop of the current run (files closed as they are). */
  | { type: 'abort' };

/** Engine host → main. */
export type HostToMain =
  | { type: 'ready'; pid: number }
  /** Something broke beyond recovery; the host aborts any run and exits. */
  | { type: 'fatal'; message: string; stack?: string }
  /** Shut down as asked; the process exits next. */
  | { type: 'closed' };

/** The engine host's end of the control channel. */
export interface ParentChannel {
  post(msg: HostToMain): void;
  onMessage(listener: (msg: MainToHost, ports: PortLike[]) => void): void;
}

/** Electron's process.parentPort, by the members used here. */
export interface ElectronParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown; ports: MessagePortMainLike[] }) => void): unknown;
}

/** Node's worker_threads parentPort, by the members used here. */
export interface NodeParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (data: unknown) => void): unknown;
}

/** How a message with ports travels on a worker_threads channel. */
export interface NodeEnvelope<M> {
  msg: M;
  ports: NodeMessagePort[];
}

/** The control channel in an Electron utility process. */
export function electronParentChannel(parent: ElectronParentPortLike): ParentChannel {
  return {
    post: (msg) => parent.postMessage(msg),
    onMessage: (l) => void parent.on('message', (e) => l(e.data as MainToHost, (e.ports ?? []).map(electronPort))),
  };
}

/** The control channel in a worker thread (plain Node). */
export function nodeParentChannel(parent: NodeParentPortLike): ParentChannel {
  return {
    post: (msg) => parent.postMessage(msg),
    onMessage: (l) =>
      void parent.on('message', (data) => {
        const env = data as NodeEnvelope<MainToHost>;
        l(env.msg, (env.ports ?? []).map(nodePort));
      }),
  };
}
