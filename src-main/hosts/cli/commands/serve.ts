// `ringscope serve [setup.yaml]`: browser mode. This process hosts the engine,
// serves the built window to web browsers and speaks the bridge over WebSocket.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DISPLAY_HZ } from '../../../../src-shared/bridge/protocol';
import { Session } from '../../../session/session';
import { makeEngineLoader } from '../../../session/engine-loader';
import { listPorts } from '../../../../src-workers/serial/ports';
import { checkLoadedConfinement, checkSetupConfinement, isLoopback, type Roots } from '../../web/security';
import { startServer } from '../../web/server';
import { examplesDir, packageVersion } from '../package';
import { onStopSignals } from '../stop-signals';

const HELP = `Usage: ringscope serve [setup.yaml] [options]

Shows RingScope in a web browser: this process runs the engine, serves the
window and prints its address. Every page that connects sees the same run, and
any of them may start, pause and stop it.

Options:
  --port P       port to listen on (default 8170; 0 picks a free port)
  --host H       address to listen on (default 127.0.0.1: this machine only;
                 any other address, e.g. 0.0.0.0, lets other machines in)
  --root DIR     a folder pages may use (repeatable; default: the current
                 folder). Pages open, read and save files only inside the
                 roots — these folders, the setup's folder, the --output folder
                 and, read-only, the examples — symlinks resolved; a setup's
                 user modules must lie in its own folder.
  --no-token     no access token (127.0.0.1 only): any user of this computer
                 may then control RingScope. By default every page needs the
                 token printed at start; the printed address carries it.
  --heartbeat S  seconds between pings to each page (default 30); a page that
                 has not answered by the next ping is dropped
  --hz N         waveform snapshots per second per page (default ${DEFAULT_DISPLAY_HZ})
  --output DIR   where run directories go (overrides the setup's output_directory)
  -h, --help     show this help

The window's setup editor opens the examples, edits and saves setups (.yaml
files; the shipped examples are read-only: Save As makes a copy).

Ctrl-C (or SIGTERM, SIGHUP) stops a running run gracefully (everything buffered
is written) and exits; a second one aborts the run and exits at once (status 3).
`;

function fail(message: string, code = 2): number {
  process.stderr.write(`ringscope serve: ${message}\n`);
  return code;
}

export async function serve(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string', default: '8170' },
        host: { type: 'string', default: '127.0.0.1' },
        hz: { type: 'string', default: String(DEFAULT_DISPLAY_HZ) },
        output: { type: 'string' },
        root: { type: 'string', multiple: true },
        'no-token': { type: 'boolean', default: false },
        heartbeat: { type: 'string', default: '30' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return fail(`${(e as Error).message}\n\n${HELP}`);
  }
  if (args.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.positionals.length > 1) return fail(`give at most one setup file.\n\n${HELP}`);
  const port = Number(args.values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port wants a port number 0–65535, got "${args.values.port}"`);
  const hz = Number(args.values.hz);
  if (!Number.isFinite(hz) || hz <= 0 || hz > 240) return fail(`--hz wants a rate between 0 and 240 per second, got "${args.values.hz}"`);
  const heartbeat = Number(args.values.heartbeat);
  if (!Number.isFinite(heartbeat) || heartbeat < 0.01 || heartbeat > 3600) return fail(`--heartbeat wants seconds between 0.01 and 3600, got "${args.values.heartbeat}"`);
  const setupArg = args.positionals[0];
  if (setupArg !== undefined && !(existsSync(setupArg) && statSync(setupArg).isFile())) {
    return fail(`the setup file "${setupArg}" does not exist.`);
  }

  const listenHost = args.values.host;
  const local = isLoopback(listenHost);
  const noToken = args.values['no-token'];
  if (noToken && !local) return fail(`--no-token is for 127.0.0.1 only: on ${listenHost} other machines could control RingScope without a token.`);
  const given = (args.values.root ?? []).map((r) => resolve(r));
  const notFolder = given.find((r) => !(existsSync(r) && statSync(r).isDirectory()));
  if (notFolder) return fail(`--root "${notFolder}" is not a folder.`);
  const output = args.values.output !== undefined ? resolve(args.values.output) : undefined;
  const examples = examplesDir();
  const writable = [...(given.length ? given : [process.cwd()]), ...(setupArg !== undefined ? [dirname(resolve(setupArg))] : []), ...(output ? [output] : [])];
  const roots: Roots = { read: [...writable, ...(examples ? [examples] : [])], write: writable };
  const host = new Session({
    load: makeEngineLoader((loaded) => checkLoadedConfinement(loaded, roots, output !== undefined)),
    version: packageVersion(),
    host: 'serve',
    maxHz: hz,
    outputDirectory: output,
    // Pages read and write only inside the roots, loopback pages too (other users of a lab PC reach 127.0.0.1).
    admit: (path, text) => checkSetupConfinement(path, roots.read, text),
    // The setup editor: examples to open (read-only: Save As makes a copy inside a root).
    examplesDir: examples,
    // The setup editor's port picker for serial sources.
    listPorts: () => listPorts(),
    saveRoots: roots.write,
    readOnlyRoots: examples ? [examples] : [],
    // The run panel's downloads (served under /run-files/, behind the token).
    runFileUrls: true,
  });

  let server;
  try {
    server = await startServer({ host, listenHost, port, noToken, heartbeatMs: heartbeat * 1000 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') return fail(`port ${port} is in use; choose another with --port (0 picks a free one).`, 1);
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') return fail(`cannot listen on "${listenHost}": no such address on this machine.`, 1);
    return fail(`cannot listen on ${listenHost}:${port}: ${err.message}`, 1);
  }

  if (setupArg !== undefined) {
    const info = await host.open(setupArg);
    const errors = info.problems.filter((p) => p.severity === 'error').length;
    for (const p of info.problems) {
      const where = [p.file, p.line, p.column].filter((x) => x !== undefined && x !== null).join(':');
      process.stderr.write(`${where ? where + ': ' : ''}${p.severity}: ${p.message}\n`);
    }
    process.stderr.write(errors ? `Setup ${info.path} has ${errors} error(s); the page lists them.\n` : `Setup ${info.path} loaded.\n`);
  }

  if (server.token) {
    process.stdout.write(`Access token: ${server.token} (the address below carries it; pages without it are refused)\n`);
  } else {
    process.stderr.write('warning: --no-token: any user of this computer can open this address and control RingScope.\n');
  }
  process.stdout.write(`RingScope serving on ${server.url}\n`);

  return new Promise<number>((done) => {
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      offSignals();
      done(code);
    };
    const shutdown = (count: 1 | 2) => {
      if (count === 1) {
        if (host.runState === 'running' || host.runState === 'paused') {
          process.stderr.write('stopping the run: writing what is buffered (Ctrl-C again to abort)\n');
        }
        void host
          .close()
          .catch((e) => process.stderr.write(`ringscope serve: ${(e as Error).message}\n`))
          .then(() => server.close())
          .then(() => finish(0));
      } else {
        // The second signal always ends the server: the run is aborted (files closed as
        // they are) without waiting for anything a page asked for.
        process.stderr.write('aborting the run\n');
        void host
          .abort()
          .catch(() => undefined)
          .then(() => server.close())
          .then(() => finish(3));
        // Whatever still holds the process (a user module's endless top-level await) does not keep it alive.
        setTimeout(() => process.exit(3), 5_000).unref();
      }
    };
    const offSignals = onStopSignals(shutdown);
  });
}
