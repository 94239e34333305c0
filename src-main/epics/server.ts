// A Channel Access server: name searches over UDP, beacons, and one TCP
// circuit per client. Plain Node dgram/net; no native code.
import dgram from 'node:dgram';
import net from 'node:net';
import { Circuit, type CircuitHost } from './circuit';
import { Cmd, CA_MINOR_VERSION, SEARCH_DO_REPLY, decodeHeader, encodeHeader, ipv4ToInt, readCString } from '../../src-workers/epics/protocol';
import { Pv, type PvOptions } from './pv';
import { autoAddrList, interfaceBroadcasts } from '../../src-workers/epics/ca-env';

export type CaLogLevel = 'info' | 'warn' | 'error';

export interface CaServerOptions {
  /** Default monitor rate limit per PV in posts per second (default 10; 0 = every change). */
  monitorRate?: number;
  /** Where the server reports what it does (clients connecting, refused writes, dropped circuits). */
  log?: (level: CaLogLevel, message: string) => void;
  /** Environment for EPICS_* variables (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface CaStartOptions {
  /** TCP and UDP port (default 5064; 0 = any free port, the same for both). */
  port?: number;
  /** Where beacons go: default EPICS_CAS_BEACON_PORT, else EPICS_CA_REPEATER_PORT, else port + 1 (5065 for 5064). */
  beaconPort?: number;
  /** Address to bind (default all interfaces). A unicast address here means broadcasts searches do not arrive. */
  interface?: string;
  /** Beacon destinations ("host" or "host:port"); default from EPICS_CAS_BEACON_ADDR_LIST / EPICS_CA_ADDR_LIST and the interfaces' broadcast addresses. */
  beaconAddresses?: string[];
}

export interface CaServerStats {
  circuits: number;
  channels: number;
  subscriptions: number;
  pvs: number;
  searchesAnswered: number;
  monitorsSent: number;
  /** Monitor posts held back (client congested or EVENTS_OFF); the newest value went out later. */
  monitorsDeferred: number;
  bytesSent: number;
  beaconsSent: number;
}

const FIRST_BEACON_MS = 20;
const MAX_BEACON_MS = 15_000;
/** Keep search replies within one unfragmented datagram. */
const MAX_DATAGRAM = 1400;

export class CaServer {
  private registry = new Map<string, Pv>();
  private circuits = new Set<Circuit>();
  private tcp: net.Server | null = null;
  private udp: dgram.Socket | null = null;
  private beaconSocket: dgram.Socket | null = null;
  private beaconTimer: NodeJS.Timeout | null = null;
  private beaconSeq = 0;
  private beaconTargets: { address: string; port: number; server: number }[] = [];
  private boundPort: number | null = null;
  private payloadLimit = 0;
  private readonly monitorRate: number;
  private readonly logFn: (level: CaLogLevel, message: string) => void;
  private readonly env: Record<string, string | undefined>;
  private searchesAnswered = 0;
  private beaconsSent = 0;
  private beaconErrors = new Set<string>();
  private readonly counters = { monitorsSent: 0, bytesSent: 0, monitorsDeferred: 0 };

  constructor(options: CaServerOptions = {}) {
    this.monitorRate = options.monitorRate ?? 10;
    this.logFn = options.log ?? (() => {});
    this.env = options.env ?? process.env;
  }

  // ------------------------------------------------------------ registry

  /** Adds a PV; throws on a duplicate name or invalid options. */
  addPv(options: PvOptions): Pv {
    if (this.registry.has(options.name)) throw new Error(`PV ${options.name} exists already`);
    const pv = new Pv(options);
    pv.defaultRate = this.monitorRate;
    this.registry.set(pv.name, pv);
    this.payloadLimit = 0;
    return pv;
  }

  /** Removes a PV; its clients see it disconnect. */
  removePv(name: string): boolean {
    const pv = this.registry.get(name);
    if (!pv) return false;
    this.registry.delete(name);
    for (const c of this.circuits) c.pvRemoved(pv);
    pv.dispose();
    this.payloadLimit = 0;
    return true;
  }

  getPv(name: string): Pv | undefined {
    return this.registry.get(name);
  }

  pvs(): Pv[] {
    return [...this.registry.values()];
  }

  /** Exact names, plus NAME.VAL as the record-style alias of NAME. */
  private findPv(name: string): Pv | undefined {
    return this.registry.get(name) ?? (name.endsWith('.VAL') ? this.registry.get(name.slice(0, -4)) : undefined);
  }

  /** The TCP/UDP port while running. */
  get port(): number | null {
    return this.boundPort;
  }

  stats(): CaServerStats {
    let channels = 0;
    let subscriptions = 0;
    for (const c of this.circuits) {
      channels += c.channelCount;
      subscriptions += c.subscriptionCount;
    }
    return {
      circuits: this.circuits.size,
      channels,
      subscriptions,
      pvs: this.registry.size,
      searchesAnswered: this.searchesAnswered,
      monitorsSent: this.counters.monitorsSent,
      monitorsDeferred: this.counters.monitorsDeferred,
      bytesSent: this.counters.bytesSent,
      beaconsSent: this.beaconsSent,
    };
  }

  // ------------------------------------------------------------ lifecycle

  /** Starts serving; resolves with the port. Rejects (with the port in the message) when it is taken. */
  async start(options: CaStartOptions = {}): Promise<{ port: number }> {
    if (this.tcp) throw new Error('the CA server is running already');
    const host = options.interface ?? '0.0.0.0';
    const wanted = options.port ?? 5064;
    const tcp = net.createServer((socket) => this.accept(socket));
    tcp.on('error', (e) => this.logFn('error', `CA TCP server: ${e.message}`));
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException): void => {
        reject(new Error(e.code === 'EADDRINUSE' ? `TCP port ${wanted} on ${host} is in use (another CA server or IOC?); choose another epics port or set EPICS_CA_SERVER_PORT` : `cannot listen on TCP ${host}:${wanted}: ${e.message}`));
      };
      tcp.once('error', onError);
      tcp.listen({ port: wanted, host, exclusive: true }, () => {
        tcp.off('error', onError);
        resolve();
      });
    });
    const port = (tcp.address() as net.AddressInfo).port;

    const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    udp.on('message', (msg, rinfo) => this.onSearch(msg, rinfo));
    udp.on('error', (e) => this.logFn('warn', `CA UDP socket: ${e.message}`));
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind({ port, address: host }, () => {
          udp.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      await new Promise<void>((r) => tcp.close(() => r()));
      udp.close();
      throw new Error(`cannot bind UDP ${host}:${port} for name searches: ${(e as Error).message}`);
    }

    this.tcp = tcp;
    this.udp = udp;
    this.boundPort = port;
    this.startBeacons(port, host, options);
    this.logFn('info', `CA server on ${host}:${port} with ${this.registry.size} PVs`);
    return { port };
  }

  /** Stops serving: closes every circuit and socket. PVs stay registered (start again to serve them). */
  async stop(): Promise<void> {
    if (this.beaconTimer) clearTimeout(this.beaconTimer);
    this.beaconTimer = null;
    for (const c of [...this.circuits]) c.close();
    this.circuits.clear();
    const tcp = this.tcp;
    const udp = this.udp;
    const beacon = this.beaconSocket;
    this.tcp = null;
    this.udp = null;
    this.beaconSocket = null;
    this.boundPort = null;
    await Promise.all([
      tcp ? new Promise<void>((r) => tcp.close(() => r())) : null,
      udp ? new Promise<void>((r) => udp.close(() => r())) : null,
      beacon ? new Promise<void>((r) => beacon.close(() => r())) : null,
    ]);
  }

  // ------------------------------------------------------------ TCP

  private host: CircuitHost = {
    findPv: (name) => this.findPv(name),
    serverPort: () => this.boundPort ?? 0,
    maxPayload: () => this.maxPayload(),
    log: (level, message) => this.logFn(level, message),
    circuitClosed: (c) => {
      this.circuits.delete(c);
    },
    counters: this.counters,
  };

  private accept(socket: net.Socket): void {
    if (!this.tcp) {
      socket.destroy();
      return;
    }
    this.circuits.add(new Circuit(socket, this.host));
  }

  /** Writes carry at most the largest PV in its largest form (strings, 40 bytes each) plus a CTRL header. */
  private maxPayload(): number {
    if (this.payloadLimit === 0) {
      let biggest = 0;
      for (const pv of this.registry.values()) biggest = Math.max(biggest, pv.meta.maxCount);
      this.payloadLimit = Math.max(16_384, 128 + biggest * 40);
    }
    return this.payloadLimit;
  }

  // ------------------------------------------------------------ UDP search

  private onSearch(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    try {
      const replies: Buffer[] = [];
      let size = 0;
      let sequence = 0;
      let versionSent = false;
      const flush = (): void => {
        if (replies.length && this.udp) this.udp.send(Buffer.concat(replies), rinfo.port, rinfo.address, () => {});
        replies.length = 0;
        size = 0;
        versionSent = false;
      };
      const add = (b: Buffer): void => {
        if (size + b.length + 16 > MAX_DATAGRAM) flush();
        if (!versionSent) {
          // Every reply datagram starts with our version, echoing the client's sequence number.
          const v = encodeHeader(Cmd.VERSION, 0, 0, CA_MINOR_VERSION, sequence, 0);
          replies.push(v);
          size += v.length;
          versionSent = true;
        }
        replies.push(b);
        size += b.length;
      };
      let off = 0;
      while (off + 16 <= msg.length) {
        const h = decodeHeader(msg, off);
        // Extended headers make no sense in a datagram; a payload past the end means truncation.
        if (!h || h.headerSize !== 16 || off + 16 + h.payloadSize > msg.length) break;
        const payload = msg.subarray(off + 16, off + 16 + h.payloadSize);
        off += 16 + h.payloadSize;
        if (h.command === Cmd.VERSION) {
          sequence = h.p1;
        } else if (h.command === Cmd.SEARCH) {
          const name = readCString(payload);
          if (this.findPv(name)) {
            const body = Buffer.alloc(8);
            body.writeUInt16BE(CA_MINOR_VERSION, 0);
            add(Buffer.concat([encodeHeader(Cmd.SEARCH, 8, this.boundPort ?? 0, 0, 0xffffffff, h.p1), body]));
            this.searchesAnswered++;
          } else if (h.dataType === SEARCH_DO_REPLY) {
            add(encodeHeader(Cmd.NOT_FOUND, 0, SEARCH_DO_REPLY, CA_MINOR_VERSION, h.p1, h.p1));
          }
        }
      }
      flush();
    } catch (e) {
      this.logFn('warn', `CA search from ${rinfo.address}:${rinfo.port} ignored: ${(e as Error).message}`);
    }
  }

  // ------------------------------------------------------------ beacons

  private startBeacons(port: number, host: string, options: CaStartOptions): void {
    const env = this.env;
    const num = (v: string | undefined): number | undefined => {
      const n = v === undefined || v.trim() === '' ? NaN : Number(v);
      return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
    };
    const beaconPort = options.beaconPort ?? num(env.EPICS_CAS_BEACON_PORT) ?? num(env.EPICS_CA_REPEATER_PORT) ?? port + 1;
    this.beaconTargets = beaconDestinations(options.beaconAddresses, env, beaconPort, host);
    if (this.beaconTargets.length === 0) return;
    const sock = dgram.createSocket({ type: 'udp4' });
    sock.on('error', (e) => this.logFn('warn', `CA beacon socket: ${e.message}`));
    sock.bind({ port: 0, address: host }, () => {
      try {
        sock.setBroadcast(true);
      } catch {
        // Without broadcast permission, unicast destinations still work.
      }
      let interval = FIRST_BEACON_MS;
      const beat = (): void => {
        if (this.beaconSocket !== sock) return;
        this.sendBeacon(sock, port);
        this.beaconTimer = setTimeout(beat, interval);
        this.beaconTimer.unref();
        interval = Math.min(interval * 2, MAX_BEACON_MS);
      };
      beat();
    });
    this.beaconSocket = sock;
  }

  private sendBeacon(sock: dgram.Socket, port: number): void {
    const seq = this.beaconSeq++;
    for (const t of this.beaconTargets) {
      const msg = encodeHeader(Cmd.RSRV_IS_UP, 0, CA_MINOR_VERSION, port, seq, t.server);
      sock.send(msg, t.port, t.address, (e) => {
        if (e && !this.beaconErrors.has(t.address)) {
          this.beaconErrors.add(t.address);
          this.logFn('warn', `CA beacons to ${t.address}:${t.port} fail: ${e.message}`);
        }
      });
      this.beaconsSent++;
    }
  }
}

/**
 * Beacon destinations: explicit ones, else EPICS_CAS_BEACON_ADDR_LIST or
 * EPICS_CA_ADDR_LIST, plus (unless EPICS_CAS_AUTO_BEACON_ADDR_LIST or
 * EPICS_CA_AUTO_ADDR_LIST says NO) every IPv4 interface's broadcast address and
 * the loopback. `server` is the address beacons announce (0 = the sender's).
 */
export function beaconDestinations(
  explicit: string[] | undefined,
  env: Record<string, string | undefined>,
  port: number,
  bindAddress: string,
): { address: string; port: number; server: number }[] {
  const out = new Map<string, { address: string; port: number; server: number }>();
  const bound = bindAddress === '0.0.0.0' ? 0 : ipv4ToInt(bindAddress);
  const add = (entry: string, server: number): void => {
    const m = /^([^:\s]+)(?::(\d+))?$/.exec(entry.trim());
    if (!m || ipv4ToInt(m[1]) === 0) return;
    const p = m[2] ? Number(m[2]) : port;
    if (!(p > 0 && p < 65536)) return;
    out.set(`${m[1]}:${p}`, { address: m[1], port: p, server: bound || server });
  };
  const listed = explicit ?? (env.EPICS_CAS_BEACON_ADDR_LIST ?? env.EPICS_CA_ADDR_LIST ?? '').split(/\s+/).filter(Boolean);
  for (const e of listed) add(e, 0);
  if (!explicit && autoAddrList(env.EPICS_CAS_AUTO_BEACON_ADDR_LIST ?? env.EPICS_CA_AUTO_ADDR_LIST)) {
    add('127.0.0.1', ipv4ToInt('127.0.0.1'));
    for (const i of interfaceBroadcasts()) add(i.broadcast, ipv4ToInt(i.address));
  }
  return [...out.values()];
}
