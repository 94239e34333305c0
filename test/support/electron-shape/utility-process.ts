// The test side of utility-preload.mjs: an EngineEnvironment whose hosts are
// separate Node processes (Node 20 or 24) started like Electron's
// utilityProcess.fork, with MessageChannelMain-like port pairs. One end of a
// pair is transferred to the host (a relay in the child process), the other is
// used here as a PortLike. The real EngineSupervisor and EngineClient run on it.
import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { HostToMain, MainToHost } from '../../../src-main/hosts/desktop/engine-host/control';
import type { PortLike } from '../../../src-main/hosts/desktop/engine-host/ports';
import type { EngineEnvironment, HostProcess } from '../../../src-main/hosts/desktop/engine-supervisor';

const PRELOAD = join(import.meta.dirname, 'utility-preload.mjs');

/** One end of a relayed channel. Either end may be transferred to a host (as with MessageChannelMain); the other is used here. */
export class RelayPort {
  child: ChildProcess | null = null;
  peer!: RelayPort;
  readonly events = new EventEmitter();
  private queued: unknown[] = [];
  private outbox: unknown[] = [];
  private started = false;
  closed = false;
  constructor(readonly id: number) {}

  /** A host end transferred to `child`: what its peer sent before goes now. */
  bind(child: ChildProcess): void {
    this.child = child;
    for (const data of this.peer.outbox.splice(0)) child.send({ kind: 'port', id: this.id, data });
  }
  send(data: unknown): void {
    if (this.closed) return;
    if (this.peer.child?.connected) this.peer.child.send({ kind: 'port', id: this.id, data });
    else if (!this.peer.child) this.outbox.push(data);
  }
  deliver(data: unknown): void {
    if (this.started) this.events.emit('message', data);
    else this.queued.push(data);
  }
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const d of this.queued.splice(0)) this.events.emit('message', d);
  }
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.emit('close');
  }
}

export interface UtilityOptions {
  /** The Node executable (default: this one). */
  node?: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Everything the process prints (stdout and stderr). */
  output?: (text: string) => void;
}

/** Engine hosts as Node processes with an Electron-shaped process.parentPort, running `entry`. */
export function utilityEnvironment(entry: string, opts: UtilityOptions): EngineEnvironment<RelayPort> & { children: ChildProcess[] } {
  let nextId = 1;
  const pairs = new Map<number, RelayPort>();
  /** The end of pair `id` used here: the one not transferred. */
  const local = (id: number) => {
    const a = pairs.get(id);
    return a && (a.child ? a.peer : a);
  };
  const children: ChildProcess[] = [];
  return {
    mode: 'utility',
    children,
    launch(): HostProcess<RelayPort> {
      const child = fork(entry, [], {
        execPath: opts.node ?? process.execPath,
        execArgv: ['--import', PRELOAD],
        cwd: opts.cwd,
        env: { ...process.env, ...opts.env },
        serialization: 'advanced',
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      children.push(child);
      for (const s of [child.stdout!, child.stderr!]) s.on('data', (b: Buffer) => opts.output?.(b.toString()));
      const control = new EventEmitter();
      child.on('message', (m: { kind: string; id?: number; data?: unknown }) => {
        if (m.kind === 'control') control.emit('message', m.data);
        else if (m.kind === 'port') local(m.id!)?.deliver(m.data);
        else if (m.kind === 'port-close') local(m.id!)?.end();
      });
      child.once('exit', () => {
        for (const id of pairs.keys()) {
          const p = local(id);
          if (p && p.peer.child === child) p.end();
        }
      });
      return {
        post(msg: MainToHost, ports: RelayPort[] = []) {
          for (const p of ports) p.bind(child);
          if (child.connected) child.send({ kind: 'control', data: msg, ports: ports.map((p) => p.id) });
        },
        onMessage: (l: (m: HostToMain) => void) => void control.on('message', l),
        onExit: (l) => void child.once('exit', (code) => l(code)),
        kill: () => void child.kill('SIGKILL'),
      };
    },
    channel() {
      const id = nextId++;
      const a = new RelayPort(id);
      const b = new RelayPort(id);
      a.peer = b;
      b.peer = a;
      pairs.set(id, a);
      return [a, b];
    },
    wrap(port: RelayPort): PortLike {
      return {
        post: (data) => port.send(data),
        onMessage: (l) => void port.events.on('message', l),
        onClose: (l) => void port.events.once('close', l),
        start: () => port.start(),
        close: () => {
          if (port.peer.child?.connected) port.peer.child.send({ kind: 'port-close', id: port.id });
          port.end();
        },
      };
    },
  };
}
