// The engine host: one Session (one engine, its ring buffers and worker
// threads) serving every client port main hands over. It runs in the Electron
// utility process (./index.ts), in Electron main when the engine-host switch
// says so (./in-process.ts), or in a worker thread under plain Node (tests).
import type { SetupProblem } from '../../../../src-shared/bridge/protocol';
import { Session, type EngineLoader } from '../../../session/session';
import { engineLoader } from '../../../session/engine-loader';
import { listPorts } from '../../../../src-workers/serial/ports';
import type { MainToHost, OutputConfig, ParentChannel } from './control';
import { loaderWithOutputFolder } from './output';
import { attachPort } from './port-host';

export interface EngineHostOptions {
  /** Ends the host's process (process.exit in a process; a callback in main). */
  exit(code: number): void;
  /** The engine loader (default: the real engine). */
  load?: EngineLoader;
  /** Folder relative setup paths are resolved against (default: the process's). */
  cwd?: string;
  /** Checked before a setup is loaded. */
  admit?: (setupPath: string) => SetupProblem[] | Promise<SetupProblem[]>;
}

/** The running host: lets the process entry report a fatal error. */
export interface RunningEngineHost {
  /** Reports an unrecoverable error to main, aborts any run (closing its files) and exits with 1. */
  fatal(err: unknown): void;
  /**
   * A signal to the engine's process (SIGTERM, SIGHUP: a session ending, a service manager): the
   * first stops any run gracefully (everything buffered is written) and exits with 0, a second
   * aborts the run (files closed as they are) and exits with 3.
   */
  signal(name: string): void;
}

/** Serves the control channel: waits for `init`, then attaches ports and obeys lifecycle messages. */
export function runEngineHost(channel: ParentChannel, opts: EngineHostOptions): RunningEngineHost {
  let host: Session | null = null;
  let output: OutputConfig = { directory: null, readOnlyRoots: [], fallback: null };
  let exiting = false;
  let signals = 0;
  let firstSignalAt = 0;
  const attached = new Set<() => void>();

  const exit = (code: number) => {
    if (exiting) return;
    exiting = true;
    // Clients see their ports close, as when a process ends (it matters when the host runs in main).
    for (const detach of attached) detach();
    attached.clear();
    // Let the last control message leave before the process goes.
    setImmediate(() => opts.exit(code));
  };

  const fatal = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    try {
      channel.post({ type: 'fatal', message, stack: err instanceof Error ? err.stack : undefined });
    } catch {
      // main is gone; nothing to tell
    }
    if (exiting) return;
    // Abort closes the sinks' files as they are (a Parquet file gets its footer),
    // so what was written stays readable even though the run did not drain.
    const h = host;
    void (h ? h.abort() : Promise.resolve()).catch(() => undefined).finally(() => exit(1));
  };

  channel.onMessage((msg: MainToHost, ports) => {
    try {
      switch (msg.type) {
        case 'init':
          if (host) return;
          output = msg.output;
          host = new Session({
            load: loaderWithOutputFolder(opts.load ?? engineLoader, () => output),
            version: msg.version,
            host: 'electron',
            cwd: opts.cwd,
            admit: opts.admit,
            // The window's setup editor saves anywhere the user may write, never over the shipped examples.
            examplesDir: msg.setups?.examplesDir ?? null,
            readOnlyRoots: msg.setups?.readOnlyRoots ?? [],
            listPorts: () => listPorts(),
          });
          channel.post({ type: 'ready', pid: process.pid });
          break;
        case 'connect': {
          const port = ports[0];
          if (!port) throw new Error('connect arrived without a port');
          if (!host || exiting) {
            port.close();
            return;
          }
          const detach = attachPort(host, port);
          attached.add(detach);
          port.onClose(() => attached.delete(detach));
          break;
        }
        case 'configure':
          output = msg.output;
          break;
        case 'shutdown': {
          const h = host;
          void (h ? h.close() : Promise.resolve())
            .catch((err) => channel.post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) }))
            .finally(() => {
              channel.post({ type: 'closed' });
              exit(0);
            });
          break;
        }
        case 'abort':
          void host?.abort();
          break;
      }
    } catch (err) {
      fatal(err);
    }
  });

  const signal = (name: string) => {
    // A SIGTERM or SIGHUP delivered twice (to the process and to its group) is one request.
    if (signals === 1 && name !== 'SIGINT' && performance.now() - firstSignalAt < 1000) return;
    if (signals === 0) firstSignalAt = performance.now();
    signals++;
    const h = host;
    if (signals === 1) {
      try {
        channel.post({ type: 'fatal', message: `the engine received ${name}: stopping the run (everything buffered is written); another signal aborts it` });
      } catch {
        // main is gone; the run is stopped all the same
      }
      // A second signal may come while this stop drains: then the host exits as aborted.
      void (h ? h.close() : Promise.resolve()).catch(() => undefined).finally(() => exit(signals > 1 ? 3 : 0));
    } else {
      void (h ? h.abort() : Promise.resolve()).catch(() => undefined).finally(() => exit(3));
    }
  };

  return { fatal, signal };
}
