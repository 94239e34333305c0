// Entry of the engine process (built to out/main/engine-host.js). Electron main
// starts it with utilityProcess.fork; tests start it as a worker thread. The
// engine's own worker threads are started from here and share its memory.
import { parentPort as workerParent } from 'node:worker_threads';
import { electronParentChannel, nodeParentChannel, type ElectronParentPortLike, type ParentChannel } from './control';
import { runEngineHost } from './engine-host';

const electronParent = (process as unknown as { parentPort?: ElectronParentPortLike }).parentPort;

let channel: ParentChannel | null = null;
if (electronParent) channel = electronParentChannel(electronParent);
else if (workerParent) channel = nodeParentChannel(workerParent);

if (!channel) {
  process.stderr.write('engine-host: this is the RingScope desktop app\'s engine process; the app starts it (try "npm start" or "ringscope run").\n');
  process.exit(2);
} else {
  const host = runEngineHost(channel, { exit: (code) => process.exit(code) });
  process.on('uncaughtException', (err) => host.fatal(err));
  // In its own process (the utility process), a signal stops the run as the first Ctrl-C of `ringscope run`;
  // as a worker thread (tests) the process's signals are not the engine's.
  if (electronParent) for (const s of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(s, () => host.signal(s));
}
