// Where the engine runs, in Electron terms: a utility process forked from the
// built engine-host entry (default), or this main process (the switch). Both
// hand out MessageChannelMain ports; the supervisor does the rest.
import { MessageChannelMain, type MessagePortMain, utilityProcess } from 'electron';
import type { EngineHostMode } from '../../../../src-shared/desktop/api';
import type { MainToHost } from '../engine-host/control';
import { electronPort } from '../engine-host/ports';
import type { EngineEnvironment, HostProcess } from '../engine-supervisor';
import { inProcessHost } from '../engine-host/in-process';

const channel = (): [MessagePortMain, MessagePortMain] => {
  const { port1, port2 } = new MessageChannelMain();
  return [port1, port2];
};

/** The engine host in its own utility process (out/main/engine-host.js). */
function utilityHost(entry: string, cwd: string): HostProcess<MessagePortMain> {
  const child = utilityProcess.fork(entry, [], { serviceName: 'RingScope engine', cwd, stdio: 'inherit' });
  return {
    post: (msg: MainToHost, ports: MessagePortMain[] = []) => child.postMessage(msg, ports),
    onMessage: (l) => void child.on('message', (m) => l(m)),
    onExit: (l) => void child.once('exit', (code) => l(code)),
    // Without a listener, Electron's 'error' event would throw in main ("A JavaScript error occurred in
    // the main process"). It comes before 'exit', which still follows.
    onError: (l) =>
      void child.on('error', (type: string, location: string, report: string) => {
        process.stderr.write(`RingScope: the engine process hit a fatal error (${type} at ${location})\n${report}\n`);
        l(`${type} in the engine process at ${location}`);
      }),
    kill: () => void child.kill(),
  };
}

/** The engine environment for the chosen mode. */
export function engineEnvironment(mode: EngineHostMode, entry: string, cwd: string): EngineEnvironment<MessagePortMain> {
  return {
    mode,
    launch: () => (mode === 'main' ? inProcessHost<MessagePortMain>(electronPort, { cwd }) : utilityHost(entry, cwd)),
    channel,
    wrap: electronPort,
  };
}
