// A Channel Access client on the project's own protocol code: channels found
// by name (searcher.ts), one circuit per server (client-circuit.ts), monitors
// that come back by themselves after a disconnect, gets and puts with
// completion. Whatever a server sends, a bad message is counted and dropped,
// a bad stream closes its circuit: nothing here throws out of a socket handler.
import { clientConfig, type CaAddress, type CaClientConfig } from './ca-env';
import type { CaMessage } from './ca-stream';
import { ClientCircuit } from './client-circuit';
import { decodeDbr, dbrName, dbrOf, encodePut, type CaMeta, type CaValue } from './dbr-decode';
import { Cmd, CA_MINOR_VERSION, Dbe, DbrFamily, Eca, encodeHeader, encodeMessage, readCString, stringPayload } from './protocol';
import { Searcher } from './searcher';

export type { CaMeta, CaValue } from './dbr-decode';

export interface CaClientOptions {
  /** EPICS_CA_* variables (default process.env). */
  env?: Record<string, string | undefined>;
  log?: (level: 'info' | 'warn', message: string) => void;
  clientName?: string;
}

export interface CaClientStats {
  /** Messages that could not be read (wrong sizes, unknown types or commands): dropped. */
  badMessages: number;
  /** Circuits closed because the server sent what cannot be framed. */
  protocolErrors: number;
  monitorUpdates: number;
}

type MonitorFn = (value: CaValue, channel: CaChannel) => void;
type ConnectionFn = (connected: boolean, channel: CaChannel) => void;

/** Messages from the ECA code's message number (the upper bits). */
const ECA_TEXT: Record<number, string> = {
  [Eca.PUTFAIL >> 3]: 'the server refused the put (PUTFAIL)',
  [Eca.NOWTACCESS >> 3]: 'no write access (NOWTACCESS)',
  [Eca.BADTYPE >> 3]: 'bad DBR type (BADTYPE)',
  [Eca.BADCOUNT >> 3]: 'bad element count (BADCOUNT)',
  [Eca.NOCONVERT >> 3]: 'the value does not convert (NOCONVERT)',
  [Eca.BADSTR >> 3]: 'bad string (BADSTR)',
};

export function ecaMessage(status: number): string {
  return ECA_TEXT[status >> 3] ?? `CA status ${status}`;
}

export class CaChannel {
  connected = false;
  /** When the channel was last lost (or created, before its first connection); null while connected. */
  disconnectedSince: number | null = Date.now();
  /** Times the channel was lost after being connected. */
  disconnects = 0;
  nativeType = -1;
  nativeCount = 0;
  /** Units, precision, limits and enum strings from the server (a CTRL read on each connect). */
  meta: CaMeta | null = null;
  /** The newest monitor value. */
  value: CaValue | null = null;
  /** @internal */ circuit: ClientCircuit | null = null;
  /** @internal */ sid = 0;
  /** @internal */ monitors = new Map<number, { fn: MonitorFn; family: number }>();
  /** @internal */ listeners: ConnectionFn[] = [];

  constructor(
    readonly name: string,
    readonly cid: number,
    private readonly client: CaClient,
  ) {}

  /** Calls fn with every update (DBR_TIME of the native type: value, alarm, time stamp), across reconnects. */
  monitor(fn: MonitorFn, family: number = DbrFamily.TIME): void {
    const id = this.client.nextId(this);
    this.monitors.set(id, { fn, family });
    if (this.connected) this.client.subscribe(this, id);
  }

  onConnection(fn: ConnectionFn): void {
    this.listeners.push(fn);
  }

  /** Writes and waits for the server's completion (WRITE_NOTIFY); rejects with the server's refusal or a timeout. */
  put(value: number | string | readonly number[] | readonly string[], timeoutMs = 5000): Promise<void> {
    return this.client.put(this, value, timeoutMs);
  }

  /** Reads once (DBR_CTRL by default: value plus metadata). */
  get(family: number = DbrFamily.CTRL, timeoutMs = 5000): Promise<{ value: CaValue; meta: CaMeta | null }> {
    return this.client.get(this, family, timeoutMs);
  }
}

interface Pending {
  resolve: (m: CaMessage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  channel: CaChannel;
}

export class CaClient {
  readonly config: CaClientConfig;
  readonly stats: CaClientStats = { badMessages: 0, protocolErrors: 0, monitorUpdates: 0 };
  private channels = new Map<number, CaChannel>();
  private byName = new Map<string, CaChannel>();
  private circuits = new Map<string, ClientCircuit>();
  private pending = new Map<number, Pending>();
  private subOwner = new Map<number, CaChannel>();
  private searcher: Searcher;
  private started: Promise<void>;
  private id = 1;
  private closed = false;
  private readonly log: (level: 'info' | 'warn', message: string) => void;
  private readonly clientName: string;

  constructor(options: CaClientOptions = {}) {
    this.config = clientConfig(options.env ?? process.env);
    this.log = options.log ?? (() => {});
    this.clientName = options.clientName ?? 'ringscope';
    this.searcher = new Searcher(this.config, (cid, at) => this.onFound(cid, at), (m) => this.log('warn', m));
    this.started = this.searcher.start();
  }

  /** @internal A fresh id for a channel, request or subscription (`owner`: the channel a subscription belongs to). */
  nextId(owner?: CaChannel): number {
    this.id = (this.id + 1) >>> 0 || 1;
    if (owner) this.subOwner.set(this.id, owner);
    return this.id;
  }

  /** The channel of a PV name (one per name), searched until found. */
  channel(name: string): CaChannel {
    const known = this.byName.get(name);
    if (known) return known;
    const ch = new CaChannel(name, this.nextId(), this);
    this.channels.set(ch.cid, ch);
    this.byName.set(name, ch);
    void this.started.then(() => !this.closed && this.searcher.add(ch.cid, name));
    return ch;
  }

  /** Resolves once every circuit has answered an ECHO: all they sent before is handled. */
  async barrier(): Promise<void> {
    await Promise.all([...this.circuits.values()].map((c) => c.echo()));
  }

  get searchErrors(): number {
    return this.searcher.badDatagrams;
  }

  private onFound(cid: number, at: CaAddress): void {
    const ch = this.channels.get(cid);
    if (!ch || this.closed) return;
    const key = `${at.host}:${at.port}`;
    let c = this.circuits.get(key);
    if (!c) {
      c = new ClientCircuit(at.host, at.port, { maxPayload: this.config.maxArrayBytes, connTimeoutMs: this.config.connTimeoutMs, clientName: this.clientName }, {
        ready: (circ) => {
          for (const x of this.channels.values()) if (x.circuit === circ) this.create(x);
        },
        message: (circ, m) => this.onMessage(circ, m),
        closed: (circ, reason, protocolError) => this.onCircuitClosed(circ, reason, protocolError),
      });
      this.circuits.set(key, c);
    }
    ch.circuit = c;
    if (c.ready) this.create(ch);
  }

  private create(ch: CaChannel): void {
    ch.circuit?.send(encodeMessage(Cmd.CREATE_CHAN, 0, 0, ch.cid, CA_MINOR_VERSION, stringPayload(ch.name)));
  }

  /** @internal */ subscribe(ch: CaChannel, id: number): void {
    const mon = ch.monitors.get(id)!;
    const p = Buffer.alloc(16);
    p.writeUInt16BE(Dbe.VALUE | Dbe.ALARM, 12);
    ch.circuit?.send(encodeMessage(Cmd.EVENT_ADD, dbrOf(mon.family, ch.nativeType), 0, ch.sid, id, p));
  }

  private request(ch: CaChannel, msg: (ioid: number) => Buffer, timeoutMs: number, what: string): Promise<CaMessage> {
    if (!ch.connected || !ch.circuit) return Promise.reject(new Error(`${ch.name} is not connected`));
    const ioid = this.nextId();
    const circuit = ch.circuit;
    return new Promise<CaMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ioid);
        reject(new Error(`${what} ${ch.name}: no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(ioid, { resolve, reject, timer, channel: ch });
      circuit.send(msg(ioid));
    });
  }

  /** @internal */ async put(ch: CaChannel, value: number | string | readonly number[] | readonly string[], timeoutMs: number): Promise<void> {
    const { dbrType, count, payload } = encodePut(value);
    const m = await this.request(ch, (ioid) => encodeMessage(Cmd.WRITE_NOTIFY, dbrType, count, ch.sid, ioid, payload), timeoutMs, 'put to');
    if (m.p1 !== Eca.NORMAL) throw new Error(`put to ${ch.name} refused: ${ecaMessage(m.p1)}`);
  }

  /** @internal */ async get(ch: CaChannel, family: number, timeoutMs: number): Promise<{ value: CaValue; meta: CaMeta | null }> {
    const type = dbrOf(family, ch.nativeType);
    const m = await this.request(ch, (ioid) => encodeHeader(Cmd.READ_NOTIFY, 0, type, ch.nativeCount, ch.sid, ioid), timeoutMs, 'get of');
    if (m.p1 !== Eca.NORMAL) throw new Error(`get of ${ch.name} refused: ${ecaMessage(m.p1)}`);
    const d = decodeDbr(m.dataType, m.count, m.payload);
    if (!d.ok) throw new Error(`get of ${ch.name}: ${d.message}`);
    return { value: d.value, meta: d.meta };
  }

  private onMessage(circuit: ClientCircuit, m: CaMessage): void {
    try {
      this.handle(circuit, m);
    } catch (e) {
      // A bug of ours, or a message we misread: drop the message, keep the circuit.
      this.bad(`${circuit.key}: command ${m.command}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private bad(message: string): void {
    // The first few are logged; a flood is counted only.
    if (++this.stats.badMessages <= 5) this.log('warn', `CA: ${message}`);
  }

  private handle(circuit: ClientCircuit, m: CaMessage): void {
    switch (m.command) {
      case Cmd.EVENT_ADD:
        return this.onMonitor(circuit, m);
      case Cmd.CREATE_CHAN: {
        const ch = this.channels.get(m.p1);
        if (!ch || ch.circuit !== circuit) return this.bad(`${circuit.key} created channel ${m.p1}, which was not asked for`);
        if (m.dataType > 6) return this.bad(`${ch.name}: native type ${m.dataType} does not exist`);
        ch.sid = m.p2;
        ch.nativeType = m.dataType;
        ch.nativeCount = m.count;
        ch.connected = true;
        ch.disconnectedSince = null;
        for (const id of ch.monitors.keys()) this.subscribe(ch, id);
        ch.get(DbrFamily.CTRL).then(
          (r) => (ch.meta = r.meta ?? { limits: {} }),
          () => {},
        );
        for (const l of ch.listeners) l(true, ch);
        return;
      }
      case Cmd.CREATE_CH_FAIL:
      case Cmd.SERVER_DISCONN: {
        const ch = this.channels.get(m.p1);
        if (ch && ch.circuit === circuit) this.lose(ch, 1000);
        return;
      }
      case Cmd.READ_NOTIFY:
      case Cmd.WRITE_NOTIFY: {
        const p = this.pending.get(m.p2);
        if (!p) return;
        this.pending.delete(m.p2);
        clearTimeout(p.timer);
        p.resolve(m);
        return;
      }
      case Cmd.ERROR: {
        const text = m.payload.length > 16 ? readCString(m.payload, 16) : '';
        this.log('warn', `CA: ${circuit.key} reports an error ${ecaMessage(m.p2)}${text ? `: ${text}` : ''}`);
        return;
      }
      case Cmd.ACCESS_RIGHTS:
      case Cmd.EVENT_CANCEL:
      case Cmd.VERSION:
        return;
      default:
        return this.bad(`${circuit.key} sent unknown command ${m.command}`);
    }
  }

  private onMonitor(circuit: ClientCircuit, m: CaMessage): void {
    const ch = this.subOwner.get(m.p2);
    if (!ch || ch.circuit !== circuit) return; // not ours, or a cancelled subscription's last word
    if (m.payloadSize === 0) return;
    if (m.p1 !== Eca.NORMAL) return this.bad(`${ch.name}: monitor status ${ecaMessage(m.p1)}`);
    const d = decodeDbr(m.dataType, m.count, m.payload);
    if (!d.ok) return this.bad(`${ch.name}: ${d.message}`);
    this.stats.monitorUpdates++;
    const mon = ch.monitors.get(m.p2)!;
    if (mon.family === DbrFamily.TIME) ch.value = d.value;
    mon.fn(d.value, ch);
  }

  /** The channel is gone from its server: search again (after `delayMs` when the server refused or dropped it). */
  private lose(ch: CaChannel, delayMs = 0): void {
    const was = ch.connected;
    ch.connected = false;
    ch.circuit = null;
    if (ch.disconnectedSince === null) ch.disconnectedSince = Date.now();
    if (was) ch.disconnects++;
    for (const [ioid, p] of this.pending) {
      if (p.channel !== ch) continue;
      this.pending.delete(ioid);
      clearTimeout(p.timer);
      p.reject(new Error(`${ch.name} disconnected`));
    }
    if (!this.closed) this.searcher.add(ch.cid, ch.name, delayMs || undefined);
    if (was) for (const l of ch.listeners) l(false, ch);
  }

  private onCircuitClosed(circuit: ClientCircuit, reason: string | null, protocolError: boolean): void {
    if (this.circuits.get(circuit.key) === circuit) this.circuits.delete(circuit.key);
    if (protocolError) this.stats.protocolErrors++;
    if (reason && !this.closed) this.log('warn', `CA: ${reason}`);
    // After a protocol error the same server is not retried at once: it might do it again.
    for (const ch of this.channels.values()) if (ch.circuit === circuit) this.lose(ch, protocolError ? 2000 : 0);
  }

  /** Closes every circuit and the searcher. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.searcher.close();
    for (const c of [...this.circuits.values()]) c.close();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('the CA client closed'));
    }
    this.pending.clear();
  }
}

export { dbrName };
