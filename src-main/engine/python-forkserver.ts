// The fork server of a run's Python functions (src-workers/python/ringscope_forkserver.py):
// one Python per interpreter that imports numpy, RingScope's buffer_control and the
// setup's modules once, and forks a process for each instance that connects, as
// mimoCoRB's own processes are forked. Started with the run (Linux only: macOS cannot
// fork a process that loaded its system libraries safely); where it cannot start, each
// instance starts a Python of its own as before. RINGSCOPE_PYTHON_FORK=0 turns it off.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Lines, pythonEnv } from '../../src-workers/python/process';
import { sharedFolder, sweepStale } from '../../src-workers/python/shared-file';
import type { PlannedFunction } from './plan';

/** How long the server may take to listen (a loaded machine starts Python slowly) before instances start their own. */
const LISTEN_TIMEOUT_MS = 10_000;

export interface ForkServers {
  /** The socket of the server for this interpreter, if one listens. */
  socketFor(python: string): string | null;
  /** Ends the servers (processes they forked go on until their functions end). */
  close(): void;
}

/** Whether this platform and environment use fork servers. */
export function forkServersWanted(env: Record<string, string | undefined> = process.env): boolean {
  return process.platform === 'linux' && env.RINGSCOPE_PYTHON_FORK !== '0';
}

/** Starts one server per interpreter the functions name; resolves once each listens, failed, or timed out. */
export async function startForkServers(functions: readonly PlannedFunction[], setupDirectory: string, log: (level: 'info' | 'warn', message: string) => void): Promise<ForkServers> {
  const byPython = new Map<string, { modules: Set<string>; bridgeDir: string }>();
  for (const fn of functions) {
    if (!fn.python) continue;
    const entry = byPython.get(fn.python.python) ?? { modules: new Set<string>(), bridgeDir: fn.python.bridgeDir };
    entry.modules.add(fn.python.module);
    byPython.set(fn.python.python, entry);
  }
  const servers = new Map<string, { child: ChildProcess; socket: string }>();
  const stale = sweepStale();
  if (stale.length) log('info', `removed ${stale.length} file(s) an engine that was killed left in ${sharedFolder()}`);
  if (forkServersWanted()) {
    await Promise.all(
      [...byPython].map(async ([python, { modules, bridgeDir }]) => {
        const started = await startOne(python, bridgeDir, [...modules], setupDirectory, log);
        if (started) servers.set(python, started);
      }),
    );
  }
  return {
    socketFor: (python) => servers.get(python)?.socket ?? null,
    close() {
      for (const { child, socket } of servers.values()) {
        child.stdin?.end(); // its lifeline: it ends when stdin closes
        rmSync(socket, { force: true });
      }
      servers.clear();
    },
  };
}

function startOne(python: string, bridgeDir: string, modules: string[], setupDirectory: string, log: (level: 'info' | 'warn', message: string) => void): Promise<{ child: ChildProcess; socket: string } | null> {
  const socket = join(sharedFolder(), `ringscope-fork-${process.pid}-${randomBytes(6).toString('hex')}.sock`);
  const plan = JSON.stringify({ socket, setup_directory: setupDirectory, modules });
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      // A process group of its own (and so its forks): a terminal's Ctrl-C goes to the engine, which stops the run and drains.
      child = spawn(python, [join(bridgeDir, 'ringscope_forkserver.py'), plan], {
        cwd: setupDirectory,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        env: pythonEnv(bridgeDir),
      });
    } catch {
      resolve(null);
      return;
    }
    let settled = false;
    const settle = (v: { child: ChildProcess; socket: string } | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!v) {
        child.kill('SIGKILL');
        rmSync(socket, { force: true });
      }
      resolve(v);
    };
    const timer = setTimeout(() => settle(null), LISTEN_TIMEOUT_MS);
    child.on('error', () => settle(null));
    child.on('exit', () => settle(null));
    child.stdin?.on('error', () => {});
    const out = new Lines((line) => {
      if (!settled && line === 'listening') settle({ child, socket });
      else log('info', `[python] ${line}`);
    });
    const err = new Lines((line) => log('warn', `[python] ${line}`));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => err.push(d));
  });
}
