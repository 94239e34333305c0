// A Channel Access server that misbehaves on purpose, for the client's
// robustness tests: it answers searches (after junk datagrams), serves one
// double PV, and on each TCP connection plays the script the test gives it.
import dgram from 'node:dgram';
import net from 'node:net';
import { CaStream, type CaMessage } from '../../../src-workers/epics/ca-stream';
import { Cmd, CA_MINOR_VERSION, EPICS_EPOCH_OFFSET, encodeHeader, encodeMessage } from '../../../src-workers/epics/protocol';

/** DBR_TIME_DOUBLE, the type the client monitors a double with. */
export const TIME_DOUBLE = 20;

/** A DBR_TIME_DOUBLE payload: status, severity, stamp, pad, value. */
export function timeDouble(value: number, stampMs = Date.now(), severity = 0): Buffer {
  const b = Buffer.alloc(24);
  b.writeInt16BE(0, 0);
  b.writeInt16BE(severity, 2);
  b.writeUInt32BE(Math.floor(stampMs / 1000) - EPICS_EPOCH_OFFSET, 4);
  b.writeUInt32BE(Math.round((stampMs % 1000) * 1e6), 8);
  b.writeDoubleBE(value, 16);
  return b;
}

/** What a connection's script can do. */
export interface Conn {
  /** 1 for the first TCP connection, 2 for the next … */
  readonly number: number;
  send(b: Buffer): void;
  /** Accepts the channel (ACCESS_RIGHTS, CREATE_CHAN as a double). */
  accept(m: CaMessage, nativeType?: number): void;
  close(): void;
}

/** Called for each request of a connection (VERSION, HOST_NAME, CLIENT_NAME answered already). */
export type Script = (conn: Conn, m: CaMessage) => void;

export class HostileServer {
  private udp = dgram.createSocket('udp4');
  private tcp = net.createServer();
  private sockets = new Set<net.Socket>();
  private connections = 0;
  port = 0;

  constructor(
    private readonly script: Script,
    private readonly badSearchReplies = true,
  ) {}

  async start(): Promise<number> {
    await new Promise<void>((r) => this.tcp.listen(0, '127.0.0.1', () => r()));
    this.port = (this.tcp.address() as net.AddressInfo).port;
    await new Promise<void>((r) => this.udp.bind(this.port, '127.0.0.1', () => r()));
    this.udp.on('message', (msg, rinfo) => this.onSearch(msg, rinfo));
    this.tcp.on('connection', (s) => this.onConnection(s));
    return this.port;
  }

  private onSearch(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const { messages } = new CaStream(1 << 16).push(msg);
    for (const m of messages) {
      if (m.command !== Cmd.SEARCH) continue;
      const body = Buffer.alloc(8);
      body.writeUInt16BE(CA_MINOR_VERSION, 0);
      if (this.badSearchReplies) {
        // A truncated header, a reply that declares more payload than it has, a reply naming port 0.
        this.udp.send(Buffer.from([0, 6, 0, 8, 0x13]), rinfo.port, rinfo.address);
        this.udp.send(encodeHeader(Cmd.SEARCH, 4000, this.port, 0, 0xffffffff, m.p1), rinfo.port, rinfo.address);
        this.udp.send(Buffer.concat([encodeHeader(Cmd.SEARCH, 8, 0, 0, 0xffffffff, m.p1), body]), rinfo.port, rinfo.address);
      }
      this.udp.send(Buffer.concat([encodeHeader(Cmd.SEARCH, 8, this.port, 0, 0xffffffff, m.p1), body]), rinfo.port, rinfo.address);
    }
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const stream = new CaStream(1 << 20);
    const conn: Conn = {
      number: ++this.connections,
      send: (b) => !socket.destroyed && socket.write(b),
      accept: (m, nativeType = 6) => {
        conn.send(encodeHeader(Cmd.ACCESS_RIGHTS, 0, 0, 0, m.p1, 3));
        conn.send(encodeHeader(Cmd.CREATE_CHAN, 0, nativeType, 1, m.p1, 1000 + m.p1));
      },
      close: () => socket.destroy(),
    };
    socket.on('data', (d: Buffer) => {
      for (const m of stream.push(d).messages) {
        if (m.command === Cmd.VERSION) conn.send(encodeHeader(Cmd.VERSION, 0, 0, CA_MINOR_VERSION, 0, 0));
        else if (m.command === Cmd.ECHO) conn.send(encodeHeader(Cmd.ECHO, 0, 0, 0, 0, 0));
        else if (m.command !== Cmd.HOST_NAME && m.command !== Cmd.CLIENT_NAME) this.script(conn, m);
      }
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.udp.close();
    await new Promise<void>((r) => this.tcp.close(() => r()));
  }
}

/** A monitor update of subscription `m` (the client's EVENT_ADD) with a DBR_TIME_DOUBLE value. */
export function update(m: CaMessage, value: number, stampMs?: number): Buffer {
  return encodeMessage(Cmd.EVENT_ADD, TIME_DOUBLE, 1, 1, m.p2, timeDouble(value, stampMs));
}
