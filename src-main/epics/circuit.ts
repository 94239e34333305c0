// One TCP virtual circuit: a client's channels and subscriptions. Framing
// errors (a declared payload beyond the limit, an unknown command) close this
// circuit only; the server keeps serving everyone else.
import type { Socket } from 'node:net';
import { NATIVE_DBR, decodeWrite } from '../../src-workers/epics/dbr';
import { Cmd, CA_MINOR_VERSION, Dbe, Eca, type Header, LAST_DBR_TYPE, SEARCH_DO_REPLY, decodeHeader, encodeHeader, encodeMessage, readCString, stringPayload } from '../../src-workers/epics/protocol';
import type { Pv, PvSubscriber } from './pv';

/** What a circuit needs from its server. */
export interface CircuitHost {
  findPv(name: string): Pv | undefined;
  /** The port searches answered over TCP name (as UDP replies do). */
  serverPort(): number;
  /** Largest payload a client may send; beyond it the circuit closes. */
  maxPayload(): number;
  log(level: 'info' | 'warn', message: string): void;
  circuitClosed(c: Circuit): void;
  counters: { monitorsSent: number; bytesSent: number; monitorsDeferred: number };
}

interface Channel {
  sid: number;
  cid: number;
  pv: Pv;
  subs: Map<number, Subscription>;
}

class Subscription implements PvSubscriber {
  pending = false;
  constructor(
    readonly circuit: Circuit,
    readonly channel: Channel,
    readonly id: number,
    readonly dbrType: number,
    readonly count: number,
    readonly mask: number,
  ) {}

  notify(): void {
    this.circuit.deliver(this);
  }
}

/** Above this many unsent bytes a circuit stops reading requests and defers monitors. */
const HIGH_WATER = 1 << 20;

export class Circuit {
  readonly remote: string;
  clientName = '';
  hostName = '';
  clientMinorVersion = 0;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = 16;
  private channels = new Map<number, Channel>();
  private nextSid = 1;
  private eventsOn = true;
  private deferred = new Set<Subscription>();
  private closed = false;
  /** Reading is paused until the client takes its replies. */
  private congested = false;

  constructor(
    private readonly socket: Socket,
    private readonly host: CircuitHost,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 15_000);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get channelCount(): number {
    return this.channels.size;
  }

  get subscriptionCount(): number {
    let n = 0;
    for (const ch of this.channels.values()) n += ch.subs.size;
    return n;
  }

  // ------------------------------------------------------------ reading

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.process();
  }

  /**
   * Handles every complete message buffered, unless the client is not reading
   * its replies: then reading pauses (and what is buffered waits) until the
   * socket drains, so that unread replies never pile up without bound.
   */
  private process(): void {
    if (this.closed || this.congested || this.buffered < this.need) return;
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    let off = 0;
    try {
      while (!this.closed) {
        const h = decodeHeader(buf, off);
        if (!h) {
          this.need = buf.length - off < 16 ? 16 : 24;
          break;
        }
        if (h.payloadSize > this.host.maxPayload()) {
          this.fail(`declared a ${h.payloadSize}-byte payload (limit ${this.host.maxPayload()})`);
          return;
        }
        const total = h.headerSize + h.payloadSize;
        if (buf.length - off < total) {
          this.need = total;
          break;
        }
        const payload = buf.subarray(off + h.headerSize, off + total);
        off += total;
        this.need = 16;
        this.handle(h, payload);
        if (this.socket.writableLength > HIGH_WATER) {
          this.congested = true;
          this.socket.pause();
          break;
        }
      }
    } catch (e) {
      // A bug of ours must not take the process down: drop this client.
      this.fail(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return;
    }
    if (this.closed) return;
    if (off < buf.length) {
      const rest = Buffer.from(buf.subarray(off));
      this.chunks = [rest];
      this.buffered = rest.length;
    }
  }

  private handle(h: Header, payload: Buffer): void {
    switch (h.command) {
      case Cmd.VERSION:
        this.clientMinorVersion = h.count;
        this.send(encodeMessage(Cmd.VERSION, h.dataType, CA_MINOR_VERSION, 0, 0));
        return;
      case Cmd.CLIENT_NAME:
        this.clientName = readCString(payload);
        return;
      case Cmd.HOST_NAME:
        this.hostName = readCString(payload);
        return;
      case Cmd.ECHO:
        this.send(encodeMessage(Cmd.ECHO, 0, 0, 0, 0));
        return;
      case Cmd.READ_SYNC:
        this.send(encodeMessage(Cmd.READ_SYNC, 0, 0, 0, 0));
        return;
      case Cmd.EVENTS_OFF:
        this.eventsOn = false;
        return;
      case Cmd.EVENTS_ON:
        this.eventsOn = true;
        this.flushDeferred();
        return;
      case Cmd.CREATE_CHAN:
        this.createChannel(h, payload);
        return;
      case Cmd.CLEAR_CHANNEL:
        this.clearChannel(h);
        return;
      case Cmd.READ_NOTIFY:
        this.readNotify(h);
        return;
      case Cmd.WRITE:
      case Cmd.WRITE_NOTIFY:
        this.write(h, payload);
        return;
      case Cmd.EVENT_ADD:
        this.eventAdd(h, payload);
        return;
      case Cmd.EVENT_CANCEL:
        this.eventCancel(h);
        return;
      case Cmd.SEARCH:
        this.search(h, payload);
        return;
      default:
        // Obsolete or unknown: the stream is probably not CA; stop here, as rsrv does.
        this.error(h, 0, Eca.INTERNAL, `command ${h.command} is not supported`);
        this.fail(`sent unsupported command ${h.command}`);
    }
  }

  // ------------------------------------------------------------ commands

  /** A search over TCP (a client that lists this server in EPICS_CA_NAME_SERVERS): answered as over UDP. */
  private search(h: Header, payload: Buffer): void {
    if (this.host.findPv(readCString(payload))) {
      const body = Buffer.alloc(8);
      body.writeUInt16BE(CA_MINOR_VERSION, 0);
      this.send(encodeMessage(Cmd.SEARCH, this.host.serverPort(), 0, 0xffffffff, h.p1, body));
    } else if (h.dataType === SEARCH_DO_REPLY) {
      this.send(encodeMessage(Cmd.NOT_FOUND, SEARCH_DO_REPLY, CA_MINOR_VERSION, h.p1, h.p1));
    }
  }

  private createChannel(h: Header, payload: Buffer): void {
    const cid = h.p1;
    const name = readCString(payload);
    const pv = this.host.findPv(name);
    if (!pv) {
      this.send(encodeMessage(Cmd.CREATE_CH_FAIL, 0, 0, cid, 0));
      return;
    }
    const sid = this.nextSid++;
    this.channels.set(sid, { sid, cid, pv, subs: new Map() });
    this.send(encodeMessage(Cmd.ACCESS_RIGHTS, 0, 0, cid, pv.writable ? 3 : 1));
    this.send(encodeHeader(Cmd.CREATE_CHAN, 0, NATIVE_DBR[pv.meta.type], pv.meta.maxCount, cid, sid));
  }

  private clearChannel(h: Header): void {
    const ch = this.channels.get(h.p1);
    if (ch) {
      for (const s of ch.subs.values()) this.dropSubscription(s);
      this.channels.delete(ch.sid);
    }
    this.send(encodeMessage(Cmd.CLEAR_CHANNEL, 0, 0, h.p1, h.p2));
  }

  private readNotify(h: Header): void {
    const ioid = h.p2;
    const ch = this.channels.get(h.p1);
    if (!ch) {
      this.sendFailedData(Cmd.READ_NOTIFY, h.dataType, Eca.BADCHID, ioid);
      return;
    }
    const r = ch.pv.encode(h.dataType, h.count);
    if (!r.ok) {
      this.sendFailedData(Cmd.READ_NOTIFY, h.dataType, r.eca, ioid);
      return;
    }
    this.sendData(Cmd.READ_NOTIFY, h.dataType, r.count, Eca.NORMAL, ioid, r.payload);
  }

  private write(h: Header, payload: Buffer): void {
    const notify = h.command === Cmd.WRITE_NOTIFY;
    const ch = this.channels.get(h.p1);
    if (!ch) {
      if (notify) this.send(encodeMessage(Cmd.WRITE_NOTIFY, h.dataType, h.count, Eca.BADCHID, h.p2));
      else this.error(h, 0, Eca.BADCHID, `no channel with server id ${h.p1}`);
      return;
    }
    const answer = (eca: number, message?: string): void => {
      if (this.closed) return;
      if (notify) this.send(encodeMessage(Cmd.WRITE_NOTIFY, h.dataType, h.count, eca, h.p2));
      else if (eca !== Eca.NORMAL) this.error(h, ch.cid, eca, message ?? 'write failed');
      if (eca !== Eca.NORMAL) this.host.log('info', `write to ${ch.pv.name} from ${this.who()} refused: ${message ?? eca}`);
    };
    if (!ch.pv.writable) {
      answer(Eca.NOWTACCESS, `${ch.pv.name} is read-only`);
      return;
    }
    const d = decodeWrite(ch.pv.meta, h.dataType, h.count, payload);
    if (!d.ok) {
      answer(d.eca, d.message);
      return;
    }
    ch.pv.write(d.numbers, d.strings).then(
      (o) => answer(o.eca, o.message),
      (e) => answer(Eca.PUTFAIL, String(e)),
    );
  }

  private eventAdd(h: Header, payload: Buffer): void {
    const subId = h.p2;
    const ch = this.channels.get(h.p1);
    if (!ch) {
      this.sendFailedData(Cmd.EVENT_ADD, h.dataType, Eca.BADCHID, subId);
      return;
    }
    let mask = payload.length >= 14 ? payload.readUInt16BE(12) : 0;
    if (mask === 0) mask = Dbe.VALUE | Dbe.ALARM;
    const old = ch.subs.get(subId);
    if (old) this.dropSubscription(old);
    if (h.dataType > LAST_DBR_TYPE || h.count > ch.pv.meta.maxCount) {
      // The request can never be served; say so once (rsrv does the same).
      this.sendFailedData(Cmd.EVENT_ADD, h.dataType, h.dataType > LAST_DBR_TYPE ? Eca.BADTYPE : Eca.BADCOUNT, subId);
      return;
    }
    const sub = new Subscription(this, ch, subId, h.dataType, h.count, mask);
    ch.subs.set(subId, sub);
    ch.pv.subscribe(sub);
    this.deliver(sub);
  }

  private eventCancel(h: Header): void {
    const ch = this.channels.get(h.p1);
    const sub = ch?.subs.get(h.p2);
    if (sub) this.dropSubscription(sub);
    // The confirmation is an EVENT_ADD with no payload.
    this.send(encodeMessage(Cmd.EVENT_ADD, h.dataType, h.count, h.p1, h.p2));
  }

  private dropSubscription(s: Subscription): void {
    s.channel.subs.delete(s.id);
    s.channel.pv.unsubscribe(s);
    this.deferred.delete(s);
  }

  // ------------------------------------------------------------ monitors

  /** Sends the PV's current value to a subscription now, or later when the client is congested or asked EVENTS_OFF. */
  deliver(s: Subscription): void {
    if (this.closed || s.channel.subs.get(s.id) !== s) return;
    if (!this.eventsOn || this.socket.writableLength > HIGH_WATER) {
      // Newest wins: a deferred subscription sends whatever is current when it goes out.
      if (!this.deferred.has(s)) this.host.counters.monitorsDeferred++;
      this.deferred.add(s);
      return;
    }
    const r = s.channel.pv.encode(s.dbrType, s.count);
    if (!r.ok) {
      this.sendFailedData(Cmd.EVENT_ADD, s.dbrType, r.eca, s.id);
      return;
    }
    this.sendData(Cmd.EVENT_ADD, s.dbrType, r.count, Eca.NORMAL, s.id, r.payload);
    this.host.counters.monitorsSent++;
  }

  private flushDeferred(): void {
    const list = [...this.deferred];
    this.deferred.clear();
    for (const s of list) this.deliver(s);
  }

  private onDrain(): void {
    if (this.closed) return;
    if (this.eventsOn) this.flushDeferred();
    if (this.congested && this.socket.writableLength <= HIGH_WATER) {
      this.congested = false;
      this.socket.resume();
      this.process();
    }
  }

  /** Tells the clients of this PV's channels that it is gone. */
  pvRemoved(pv: Pv): void {
    for (const ch of [...this.channels.values()]) {
      if (ch.pv !== pv) continue;
      for (const s of ch.subs.values()) this.dropSubscription(s);
      this.channels.delete(ch.sid);
      this.send(encodeMessage(Cmd.SERVER_DISCONN, 0, 0, ch.cid, 0));
    }
  }

  // ------------------------------------------------------------ writing

  private send(b: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    this.host.counters.bytesSent += b.length;
    this.socket.write(b);
  }

  private sendData(command: number, dataType: number, count: number, eca: number, p2: number, payload: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    const header = encodeHeader(command, payload.length, dataType, count, eca, p2);
    this.host.counters.bytesSent += header.length + payload.length;
    // One writev for header and (shared, possibly large) payload.
    this.socket.cork();
    this.socket.write(header);
    this.socket.write(payload);
    this.socket.uncork();
  }

  /**
   * A failed read or monitor: status in p1, count 0 and an 8-byte zero payload
   * (libca takes an empty EVENT_ADD payload for a cancel confirmation).
   */
  private sendFailedData(command: number, dataType: number, eca: number, p2: number): void {
    this.send(encodeMessage(command, dataType, 0, eca, p2, Buffer.alloc(8)));
  }

  /** ERROR(11): the offending request's header, then a message. */
  private error(h: Header, cid: number, eca: number, message: string): void {
    const request = encodeHeader(h.command, Math.min(h.payloadSize, 0xfffe), h.dataType, Math.min(h.count, 0xffff), h.p1, h.p2).subarray(0, 16);
    this.send(encodeMessage(Cmd.ERROR, 0, 0, cid, eca, Buffer.concat([request, stringPayload(message)])));
  }

  private who(): string {
    return this.clientName ? `${this.clientName}@${this.hostName || this.remote}` : this.remote;
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.host.log('warn', `closing CA circuit ${this.who()}: ${reason}`);
    this.socket.end();
    this.socket.destroySoon?.();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.close();
  }

  /** Drops every channel and subscription; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const ch of this.channels.values()) for (const s of ch.subs.values()) ch.pv.unsubscribe(s);
    this.channels.clear();
    this.deferred.clear();
    this.chunks = [];
    if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.destroy();
    this.host.circuitClosed(this);
  }
}
