// A minimal Channel Access client over raw Node sockets, for tests and
// benchmarks that need many clients or malformed traffic (pyepics covers the
// real-client behaviour). Speaks just enough: version, names, create, read,
// write, subscribe.
import dgram from 'node:dgram';
import net from 'node:net';
import { Cmd, CA_MINOR_VERSION, type Header, decodeHeader, encodeHeader, encodeMessage, readCString, stringPayload } from '../../../src-workers/epics/protocol';

export interface Message extends Header {
  payload: Buffer;
}

/** Sends one SEARCH datagram and resolves with the replies that arrive within `ms`. */
export async function udpSearch(port: number, names: string[], ms = 1000, reply = 5): Promise<Message[]> {
  const sock = dgram.createSocket('udp4');
  const got: Message[] = [];
  sock.on('message', (m) => got.push(...parseAll(m)));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const parts = [encodeHeader(Cmd.VERSION, 0, 0, CA_MINOR_VERSION, 77, 0)];
  names.forEach((n, i) => {
    const p = stringPayload(n);
    parts.push(encodeHeader(Cmd.SEARCH, p.length, reply, CA_MINOR_VERSION, i + 1, i + 1), p);
  });
  sock.send(Buffer.concat(parts), port, '127.0.0.1');
  await new Promise((r) => setTimeout(r, ms));
  sock.close();
  return got;
}

/** Every complete message in a buffer. */
export function parseAll(buf: Buffer): Message[] {
  const out: Message[] = [];
  let off = 0;
  for (;;) {
    const h = decodeHeader(buf, off);
    if (!h || buf.length - off < h.headerSize + h.payloadSize) break;
    out.push({ ...h, payload: buf.subarray(off + h.headerSize, off + h.headerSize + h.payloadSize) });
    off += h.headerSize + h.payloadSize;
  }
  return out;
}

export class CaTestClient {
  readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  private listeners: ((m: Message) => void)[] = [];
  private nextId = 1;
  closed = false;
  readonly received: Message[] = [];
  keepReceived = false;
  /** Bytes of monitor payload received. */
  bytes = 0;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<CaTestClient> {
    const socket = net.connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const c = new CaTestClient(socket);
    c.send(encodeHeader(Cmd.VERSION, 0, 0, CA_MINOR_VERSION, 0, 0));
    const host_ = stringPayload('testhost');
    c.send(encodeMessage(Cmd.HOST_NAME, 0, 0, 0, 0, host_));
    c.send(encodeMessage(Cmd.CLIENT_NAME, 0, 0, 0, 0, stringPayload('tester')));
    await c.waitFor((m) => m.command === Cmd.VERSION);
    return c;
  }

  send(b: Buffer): void {
    if (!this.closed) this.socket.write(b);
  }

  onMessage(fn: (m: Message) => void): void {
    this.listeners.push(fn);
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    let off = 0;
    for (;;) {
      const h = decodeHeader(this.buf, off);
      if (!h || this.buf.length - off < h.headerSize + h.payloadSize) break;
      const m: Message = { ...h, payload: Buffer.from(this.buf.subarray(off + h.headerSize, off + h.headerSize + h.payloadSize)) };
      off += h.headerSize + h.payloadSize;
      if (m.command === Cmd.EVENT_ADD) this.bytes += m.payloadSize;
      if (this.keepReceived) this.received.push(m);
      for (const l of this.listeners) l(m);
      const i = this.waiters.findIndex((w) => w.match(m));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    }
    this.buf = off ? this.buf.subarray(off) : this.buf;
  }

  waitFor(match: (m: Message) => boolean, ms = 10_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no matching CA message in time')), ms);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(t);
          resolve(m);
        },
      });
    });
  }

  /** Creates a channel; resolves with its sid, native type and count (or null when refused). */
  async create(name: string): Promise<{ cid: number; sid: number; type: number; count: number; rights: number } | null> {
    const cid = this.nextId++;
    const p = stringPayload(name);
    this.send(encodeMessage(Cmd.CREATE_CHAN, 0, 0, cid, CA_MINOR_VERSION, p));
    let rights = 0;
    const rightsWait = this.waitFor((m) => m.command === Cmd.ACCESS_RIGHTS && m.p1 === cid).then((m) => (rights = m.p2));
    const m = await this.waitFor((x) => (x.command === Cmd.CREATE_CHAN || x.command === Cmd.CREATE_CH_FAIL) && x.p1 === cid);
    if (m.command === Cmd.CREATE_CH_FAIL) return null;
    await rightsWait;
    return { cid, sid: m.p2, type: m.dataType, count: m.count, rights };
  }

  async read(sid: number, type: number, count = 0): Promise<Message> {
    const ioid = this.nextId++;
    this.send(encodeHeader(Cmd.READ_NOTIFY, 0, type, count, sid, ioid));
    return this.waitFor((m) => m.command === Cmd.READ_NOTIFY && m.p2 === ioid);
  }

  async writeNotify(sid: number, type: number, count: number, payload: Buffer): Promise<number> {
    const ioid = this.nextId++;
    this.send(encodeMessage(Cmd.WRITE_NOTIFY, type, count, sid, ioid, payload));
    return (await this.waitFor((m) => m.command === Cmd.WRITE_NOTIFY && m.p2 === ioid)).p1;
  }

  /** Subscribes; returns the subscription id (updates arrive as EVENT_ADD messages with p2 = id). */
  subscribe(sid: number, type: number, count = 0, mask = 5): number {
    const id = this.nextId++;
    const p = Buffer.alloc(16);
    p.writeUInt16BE(mask, 12);
    this.send(encodeMessage(Cmd.EVENT_ADD, type, count, sid, id, p));
    return id;
  }

  async echo(ms = 5000): Promise<void> {
    this.send(encodeHeader(Cmd.ECHO, 0, 0, 0, 0, 0));
    await this.waitFor((m) => m.command === Cmd.ECHO, ms);
  }

  close(): void {
    this.socket.destroy();
    this.closed = true;
  }
}

export { readCString };
