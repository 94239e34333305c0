// The Python process of one instance, as the worker thread talks to it: forked by the
// run's fork server (two Unix-socket connections: frames, and what Python prints) or,
// where there is none, a Python of its own (stdin/stdout for frames, stderr for what
// it prints). Either way: frames in, frames out, lines printed, a way to kill it,
// and its end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import type { PythonInit } from '../runtime/protocol';
import { frame, FrameReader } from './frames';

export interface PythonProcess {
  frames: FrameReader;
  send(kind: string, payload?: Uint8Array): void;
  /** Ends what this side sends (Python sees the end of its input). */
  end(): void;
  kill(): void;
  /** Its exit code where known (a forked process's is not), once its side closed. */
  exited: Promise<number | null>;
  /** Why it could not be started, once `exited` resolved. */
  startError(): NodeJS.ErrnoException | null;
  /** True for a process forked by the fork server. */
  forked: boolean;
  /** The pid a forked process reported ("H"), to kill it. */
  pid: number | null;
}

/** Splits what Python prints into lines for `line`; the rest of a line waits for its end (flush()). */
export class Lines {
  private partial = '';
  constructor(private readonly line: (l: string) => void) {}
  push(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) this.line(l);
  }
  flush(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }
}

/** The environment of RingScope's Python processes: its Python side importable, output unbuffered. */
export function pythonEnv(bridgeDir: string): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: [bridgeDir, process.env.PYTHONPATH].filter(Boolean).join(':'), PYTHONUNBUFFERED: '1' };
}

/** A Python of its own for the instance. */
export function spawnPython(py: PythonInit, cwd: string, lines: Lines): PythonProcess {
  const env = pythonEnv(py.bridgeDir);
  // A process group of its own: a terminal's Ctrl-C goes to the engine, which stops the run and drains.
  const child = spawn(py.python, [join(py.bridgeDir, 'ringscope_bridge.py')], { env, cwd, stdio: 'pipe', detached: true });
  let error: NodeJS.ErrnoException | null = null;
  child.on('error', (e) => (error = e));
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  child.stderr.setEncoding('utf8').on('data', (s: string) => lines.push(s));
  child.stdin.on('error', () => {}); // the process may end first; its exit is what counts
  return {
    frames: new FrameReader(child.stdout),
    send: (kind, payload) => {
      if (!child.stdin.destroyed) child.stdin.write(frame(kind, payload));
    },
    end: () => child.stdin.end(),
    kill: () => child.kill('SIGKILL'),
    exited,
    startError: () => error,
    forked: false,
    pid: child.pid ?? null,
  };
}

/** A connection to the fork server, started with its line; null when the server cannot be reached. */
function connect(socket: string, first: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    const conn = createConnection(socket);
    conn.once('error', () => resolve(null));
    conn.once('connect', () => {
      conn.removeAllListeners('error');
      conn.on('error', () => {}); // a reset is its end
      conn.write(first);
      resolve(conn);
    });
  });
}

/** A process forked for the instance by the fork server at `socket` (a link and a print connection); null when it cannot be reached. */
export async function forkPython(socket: string, module: string, lines: Lines): Promise<PythonProcess | null> {
  const token = randomBytes(12).toString('hex');
  // The module tells the server which import this process waits for (it forks once that is in).
  const link = await connect(socket, `link ${token} ${Buffer.from(module, 'utf8').toString('hex')}\n`);
  if (!link) return null;
  const printed = await connect(socket, `print ${token}\n`);
  if (!printed) {
    link.destroy();
    return null;
  }
  printed.setEncoding('utf8').on('data', (s: string) => lines.push(s));
  const printedEnd = new Promise<void>((res) => printed.on('close', () => res()));
  // Its end: the link closed, and everything it printed has arrived (both close when it exits).
  const exited = new Promise<null>((res) => link.on('close', () => void printedEnd.then(() => res(null))));
  const proc: PythonProcess = {
    frames: new FrameReader(link),
    send: (kind, payload) => {
      if (!link.destroyed) link.write(frame(kind, payload));
    },
    end: () => link.end(),
    kill: () => {
      if (proc.pid !== null) {
        try {
          process.kill(proc.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      link.destroy();
      printed.destroy();
    },
    exited,
    startError: () => null,
    forked: true,
    pid: null,
  };
  return proc;
}
