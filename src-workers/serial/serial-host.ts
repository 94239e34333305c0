// The serial port lives in a small child process, not in the worker thread.
//
// Why: @serialport/bindings-cpp registers its read poller (and on Windows its
// async read/write) on uv_default_loop(), the *main* thread's event loop. Used
// from a worker thread, data-ready callbacks then run on the main thread with
// the worker's V8 isolate ("HandleScope::HandleScope Entering the V8 API
// without proper locking" — a fatal crash on the first byte), and
// worker.terminate() with an open port takes the process down. In a process of
// its own, serialport runs on a main thread as it was written for, and a
// crash or a terminated worker cannot take the engine with it: when the worker
// goes away, the child sees its stdin close, closes the port and exits.
//
// Child → worker, on stdout: frames of [type: 1 byte][length: uint32 LE][payload]:
//   O opened · E open error {message, code} · D data bytes · X port lost {message}
//   C closed · L port list [{path, …}] · W warning {message}
// Worker → child, on stdin: one JSON command per line: open {settings}, close, list, exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { SerialPortLike, PortProvider, SerialSettings } from './port';

/** The child's program (run with `node --input-type=module -e`), so no extra file has to ship with a build. */
export const SERIAL_HOST_SOURCE = String.raw`
// A tty that hung up (device unplugged, pty master gone) reads 0 bytes, and
// bindings-cpp retries such reads forever instead of reporting the disconnect.
// A read of nothing where something was asked for is made an EIO, which serialport
// treats as a disconnect. (Patched before serialport is loaded, which captures fs.read.)
const fsmod = (await import('node:fs')).default;
const { promisify } = await import('node:util');
const origRead = fsmod.read;
const read = function (...args) { return origRead.apply(this, args); };
read[promisify.custom] = (fd, buffer, offset, length, position) =>
  new Promise((resolve, reject) =>
    origRead(fd, buffer, offset, length, position, (err, bytesRead, buf) => {
      if (err) reject(err);
      else if (bytesRead === 0 && length > 0) reject(Object.assign(new Error('EIO: the device hung up'), { code: 'EIO' }));
      else resolve({ bytesRead, buffer: buf });
    }));
fsmod.read = read;
const { SerialPort } = await import(process.argv[1]);
let port = null;
let path = '';
// A device whose file is gone (USB unplugged) is lost even if no read noticed yet.
// (Windows ports are names, not files.)
setInterval(() => {
  if (!port || process.platform === 'win32' || fsmod.existsSync(path)) return;
  const p = port;
  port = null;
  p.removeAllListeners('close');
  p.close(() => {});
  json('X', { message: 'the device file ' + path + ' is gone' });
}, 500).unref();
const frame = (type, body) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(body.length, 1);
  process.stdout.write(Buffer.concat([head, body]));
};
const json = (type, value) => frame(type, Buffer.from(JSON.stringify(value)));
const close = (then) => {
  const p = port;
  port = null;
  if (!p || !p.isOpen) { json('C', {}); then?.(); return; }
  p.removeAllListeners('close');
  p.close(() => { json('C', {}); then?.(); });
};
const commands = {
  open({ settings }) {
    if (port) return json('E', { message: 'a port is already open in this host' });
    const p = new SerialPort({ ...settings, autoOpen: false });
    p.on('error', (e) => json('W', { message: e.message }));
    p.open((err) => {
      if (err) return json('E', { message: err.message, code: err.code ?? null });
      port = p;
      path = settings.path;
      p.on('data', (d) => frame('D', d));
      p.on('close', (e) => {
        if (port !== p) return;
        port = null;
        json('X', { message: e ? e.message : 'the port closed' });
      });
      json('O', {});
    });
  },
  close() { close(); },
  list() {
    SerialPort.list().then((l) => json('L', { ports: l }), (e) => json('L', { error: e.message, code: e.code ?? null }));
  },
  exit() { close(() => process.exit(0)); },
};
let text = '';
process.stdin.on('data', (d) => {
  text += d.toString();
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n')) {
    const line = text.slice(0, i);
    text = text.slice(i + 1);
    if (line.trim()) { const m = JSON.parse(line); commands[m.cmd]?.(m); }
  }
});
// The worker went away (ended, terminated, crashed): close the port, then go.
process.stdin.on('end', () => close(() => process.exit(0)));
`;

type Listener = (...args: never[]) => void;

/** The serialport module's entry as a file URL, resolved from here (works in the source tree and in a build). */
function serialportUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('serialport')).href;
}

/** One child process hosting at most one open port at a time; ports are opened through it again and again (reconnects). */
export class SerialHost implements PortProvider {
  private child: ChildProcess | null = null;
  private pending: Buffer = Buffer.alloc(0);
  private current: HostedPort | null = null;
  private waiting: { type: string; resolve: (payload: Buffer) => void }[] = [];
  private exited: Promise<void> | null = null;
  private log: (message: string) => void;

  constructor(log: (message: string) => void = () => {}) {
    this.log = log;
  }

  create(settings: SerialSettings): SerialPortLike {
    return new HostedPort(this, settings);
  }

  /** The ports the system lists, through the child (serialport's list). */
  async list(): Promise<{ ports: { path: string }[] } | { error: string; code: string | null }> {
    this.send({ cmd: 'list' });
    return JSON.parse((await this.expect('L')).toString());
  }

  /** Closes any open port and ends the child; resolves once it has exited. */
  async dispose(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin!.write(`${JSON.stringify({ cmd: 'exit' })}\n`);
      child.stdin!.end();
    }
    await this.exited;
    this.child = null;
  }

  /** @internal */
  attach(port: HostedPort | null): void {
    this.current = port;
  }

  /** @internal */
  send(message: Record<string, unknown>): void {
    this.ensure().stdin!.write(`${JSON.stringify(message)}\n`);
  }

  /** @internal Resolves with the payload of the next frame of this type (open / close / list replies). */
  expect(type: string): Promise<Buffer> {
    return new Promise((resolve) => this.waiting.push({ type, resolve }));
  }

  private ensure(): ChildProcess {
    if (this.child) return this.child;
    // In Electron (utility process) execPath is Electron itself: run it as plain Node.
    const child = spawn(process.execPath, ['--input-type=module', '-e', SERIAL_HOST_SOURCE, serialportUrl()], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stdout!.on('data', (d: Buffer) => this.onData(d));
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (code !== 0 || err) this.log(`serial host exited (${signal ?? code})${err ? `: ${err.trim().slice(0, 500)}` : ''}`);
      // Anyone still waiting gets a failure; an open port is lost.
      const fail = Buffer.from(JSON.stringify({ message: `the serial host process ended (${signal ?? code})${err ? `: ${err.trim().split('\n')[0]}` : ''}` }));
      for (const w of this.waiting.splice(0)) w.resolve(w.type === 'C' ? Buffer.from('{}') : w.type === 'L' ? Buffer.from(JSON.stringify({ error: 'serial host ended', code: null })) : fail);
      this.current?.lost('the serial host process ended');
    });
    return child;
  }

  private onData(d: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, d]) : d;
    let off = 0;
    while (this.pending.length - off >= 5) {
      const type = String.fromCharCode(this.pending[off]);
      const len = this.pending.readUInt32LE(off + 1);
      if (this.pending.length - off - 5 < len) break;
      const body = this.pending.subarray(off + 5, off + 5 + len);
      off += 5 + len;
      this.dispatch(type, body);
    }
    this.pending = off >= this.pending.length ? Buffer.alloc(0) : Buffer.from(this.pending.subarray(off));
  }

  private dispatch(type: string, body: Buffer): void {
    if (type === 'D') return this.current?.emit('data', body);
    if (type === 'X') return this.current?.lost(JSON.parse(body.toString()).message);
    if (type === 'W') return this.current?.emit('error', new Error(JSON.parse(body.toString()).message));
    // O, E, C, L answer a command, in order.
    const i = this.waiting.findIndex((w) => w.type === type || (type === 'E' && w.type === 'O'));
    if (i >= 0) {
      const w = this.waiting.splice(i, 1)[0];
      w.resolve(type === 'E' ? Buffer.concat([Buffer.from('E'), body]) : body);
    }
  }
}

/** A port opened through a SerialHost, with the part of serialport's stream API the connection uses. */
class HostedPort implements SerialPortLike {
  private listeners = new Map<string, Listener[]>();
  private _open = false;

  constructor(
    private readonly host: SerialHost,
    private readonly settings: SerialSettings,
  ) {}

  get isOpen(): boolean {
    return this._open;
  }

  open(cb: (err: Error | null) => void): void {
    const reply = this.host.expect('O');
    this.host.send({ cmd: 'open', settings: this.settings });
    void reply.then((body) => {
      if (body[0] === 0x45 /* E */) {
        const e = JSON.parse(body.subarray(1).toString()) as { message: string; code: string | null };
        return cb(Object.assign(new Error(e.message), e.code ? { code: e.code } : {}));
      }
      if (body.length && body[0] !== 0x7b /* { */) return cb(new Error(body.toString()));
      const parsed = JSON.parse(body.toString() || '{}') as { message?: string };
      if (parsed.message) return cb(new Error(parsed.message));
      this._open = true;
      this.host.attach(this);
      cb(null);
    });
  }

  close(cb?: (err: Error | null) => void): void {
    if (!this._open) {
      cb?.(new Error('Port is not open'));
      return;
    }
    this._open = false;
    this.host.attach(null);
    const reply = this.host.expect('C');
    this.host.send({ cmd: 'close' });
    void reply.then(() => cb?.(null));
  }

  on(event: string, fn: Listener): this {
    const l = this.listeners.get(event) ?? [];
    l.push(fn);
    this.listeners.set(event, l);
    return this;
  }

  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }

  /** @internal */
  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (...a: unknown[]) => void)(...args);
  }

  /** @internal The device went away (or the host ended). */
  lost(message: string): void {
    if (!this._open) return;
    this._open = false;
    this.host.attach(null);
    this.emit('close', Object.assign(new Error(message), { disconnected: true }));
  }
}
