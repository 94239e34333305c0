// Name resolution as libca does it: SEARCH datagrams to the address list (and
// broadcasts), repeated with a doubling period; the same over TCP to
// EPICS_CA_NAME_SERVERS; beacons (through the CA repeater) that say a server
// appeared or restarted, which makes every missing name searched again at once.
import dgram from 'node:dgram';
import net from 'node:net';
import type { CaAddress, CaClientConfig } from './ca-env';
import { CaStream } from './ca-stream';
import { Cmd, CA_MINOR_VERSION, SEARCH_DONT_REPLY, decodeHeader, encodeHeader, intToIpv4, ipv4ToInt, stringPayload } from './protocol';

const FIRST_PERIOD_MS = 50;
const MAX_DATAGRAM = 1024;
const TICK_MS = 25;

interface Pending {
  cid: number;
  name: string;
  period: number;
  due: number;
}

export type FoundHandler = (cid: number, server: CaAddress) => void;

export class Searcher {
  private udp: dgram.Socket | null = null;
  private pending = new Map<number, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private nameServers = new Map<string, { socket: net.Socket | null; ready: boolean; retryAt: number }>();
  private beacons = new Map<string, { id: number; at: number }>();
  private registeredAt = 0;
  /** Datagrams that could not be read (counted, never thrown). */
  badDatagrams = 0;
  beaconAnomalies = 0;

  constructor(
    private readonly config: CaClientConfig,
    private readonly found: FoundHandler,
    private readonly log: (message: string) => void,
  ) {}

  async start(): Promise<void> {
    const udp = dgram.createSocket('udp4');
    udp.on('message', (m, rinfo) => this.onDatagram(m, rinfo.address));
    udp.on('error', (e) => this.log(`CA search socket: ${e.message}`));
    await new Promise<void>((resolve) => udp.bind(0, () => resolve()));
    udp.setBroadcast(true);
    this.udp = udp;
    for (const ns of this.config.nameServers) this.nameServers.set(`${ns.host}:${ns.port}`, { socket: null, ready: false, retryAt: 0 });
    this.registerWithRepeater();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Searches `name` until found or removed. `firstPeriodMs` is where the doubling starts. */
  add(cid: number, name: string, firstPeriodMs = FIRST_PERIOD_MS): void {
    this.pending.set(cid, { cid, name, period: firstPeriodMs, due: Date.now() + (firstPeriodMs > FIRST_PERIOD_MS ? firstPeriodMs : 0) });
  }

  remove(cid: number): void {
    this.pending.delete(cid);
  }

  get searching(): number {
    return this.pending.size;
  }

  /** A server appeared: search every missing name again from the shortest period. */
  private resetPeriods(): void {
    const now = Date.now();
    for (const p of this.pending.values()) {
      p.period = FIRST_PERIOD_MS;
      p.due = now;
    }
  }

  private tick(): void {
    const now = Date.now();
    if (now - this.registeredAt > 60_000) this.registerWithRepeater();
    this.connectNameServers(now);
    const due = [...this.pending.values()].filter((p) => p.due <= now);
    if (!due.length) return;
    for (const p of due) {
      p.due = now + p.period;
      p.period = Math.min(p.period * 2, this.config.maxSearchPeriodMs);
    }
    this.sendSearches(due);
  }

  private sendSearches(list: Pending[]): void {
    let parts: Buffer[] = [];
    let size = 0;
    const flush = () => {
      if (!parts.length) return;
      const version = encodeHeader(Cmd.VERSION, 0, 0, CA_MINOR_VERSION, ++this.seq, 0);
      const datagram = Buffer.concat([version, ...parts]);
      for (const a of this.config.searchAddresses) this.udp?.send(datagram, a.port, a.host, () => {});
      for (const ns of this.nameServers.values()) if (ns.ready) ns.socket?.write(datagram);
      parts = [];
      size = 0;
    };
    for (const p of list) {
      const payload = stringPayload(p.name);
      const msg = Buffer.concat([encodeHeader(Cmd.SEARCH, payload.length, SEARCH_DONT_REPLY, CA_MINOR_VERSION, p.cid, p.cid), payload]);
      if (size + msg.length > MAX_DATAGRAM) flush();
      parts.push(msg);
      size += msg.length;
    }
    flush();
  }

  /** Search replies and beacons; anything unreadable is counted and dropped. */
  private onDatagram(buf: Buffer, from: string): void {
    let off = 0;
    try {
      for (;;) {
        const h = decodeHeader(buf, off);
        if (!h) break;
        if (h.headerSize + h.payloadSize > buf.length - off) {
          this.badDatagrams++;
          break;
        }
        off += h.headerSize + h.payloadSize;
        if (h.command === Cmd.SEARCH) this.onReply(h.p2, h.p1, h.dataType, from);
        else if (h.command === Cmd.RSRV_IS_UP) this.onBeacon(h.p2 ? intToIpv4(h.p2) : from, h.count, h.p1);
      }
    } catch {
      this.badDatagrams++;
    }
  }

  private onReply(cid: number, ip: number, port: number, from: string): void {
    if (!this.pending.has(cid)) return;
    if (!(port > 0 && port < 65536)) {
      this.badDatagrams++;
      return;
    }
    this.pending.delete(cid);
    this.found(cid, { host: ip === 0xffffffff || ip === 0 ? from : intToIpv4(ip), port });
  }

  /** A beacon from a server not seen before, or whose sequence restarted, is an anomaly (libca's rule). */
  private onBeacon(host: string, port: number, id: number): void {
    const key = `${host}:${port}`;
    const prev = this.beacons.get(key);
    const now = Date.now();
    this.beacons.set(key, { id, at: now });
    if (this.beacons.size > 4096) this.beacons.delete(this.beacons.keys().next().value!);
    if (!prev || id < prev.id || id > prev.id + 4) {
      this.beaconAnomalies++;
      if (this.pending.size) this.resetPeriods();
    }
  }

  /** Beacons reach clients through the host's CA repeater (when one runs): register with it. */
  private registerWithRepeater(): void {
    this.registeredAt = Date.now();
    this.udp?.send(encodeHeader(Cmd.REPEATER_REGISTER, 0, 0, 0, 0, ipv4ToInt('127.0.0.1')), this.config.repeaterPort, '127.0.0.1', () => {});
  }

  private connectNameServers(now: number): void {
    for (const [key, ns] of this.nameServers) {
      if (ns.socket || now < ns.retryAt) continue;
      const [host, port] = [key.slice(0, key.lastIndexOf(':')), Number(key.slice(key.lastIndexOf(':') + 1))];
      const socket = net.connect({ host, port });
      const stream = new CaStream(4096);
      ns.socket = socket;
      socket.on('connect', () => {
        ns.ready = true;
        socket.write(encodeHeader(Cmd.VERSION, 0, 0, CA_MINOR_VERSION, 0, 0));
        // Everything missing is asked at once of a name server that just came up.
        this.sendSearches([...this.pending.values()]);
      });
      socket.on('data', (d: Buffer) => {
        const { messages, error } = stream.push(d);
        for (const m of messages) if (m.command === Cmd.SEARCH) this.onReply(m.p2, m.p1, m.dataType, host);
        if (error) socket.destroy();
      });
      const retry = () => {
        if (ns.socket !== socket) return;
        ns.socket = null;
        ns.ready = false;
        ns.retryAt = Date.now() + 2000;
      };
      socket.on('error', retry);
      socket.on('close', retry);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.udp?.close();
    this.udp = null;
    for (const ns of this.nameServers.values()) ns.socket?.destroy();
    this.nameServers.clear();
    this.pending.clear();
  }
}
