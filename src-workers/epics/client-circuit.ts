// One TCP virtual circuit from the client to a server: the version handshake,
// framing, keepalive ECHOs and barriers. What the messages mean is the
// client's business (client.ts); here a bad stream closes this circuit only.
import net from 'node:net';
import os from 'node:os';
import { CaStream, type CaMessage } from './ca-stream';
import { Cmd, CA_MINOR_VERSION, encodeHeader, encodeMessage, stringPayload } from './protocol';

export interface CircuitEvents {
  /** The TCP connection is up and the version sent: channels may be created. */
  ready(circuit: ClientCircuit): void;
  message(circuit: ClientCircuit, m: CaMessage): void;
  /** Closed for good; `reason` says why (null: closed by us). `protocolError` when the server sent what cannot be read. */
  closed(circuit: ClientCircuit, reason: string | null, protocolError: boolean): void;
}

export class ClientCircuit {
  readonly key: string;
  ready = false;
  closed = false;
  /** The server's CA minor version (from its VERSION reply). */
  serverMinor = 0;
  private socket: net.Socket;
  private stream: CaStream;
  private echoWaiters: (() => void)[] = [];
  private lastHeard = Date.now();
  private probeSentAt = 0;
  private timer: NodeJS.Timeout;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly opts: { maxPayload: number; connTimeoutMs: number; clientName: string },
    private readonly events: CircuitEvents,
  ) {
    this.key = `${host}:${port}`;
    this.stream = new CaStream(opts.maxPayload);
    this.socket = net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', (e) => this.close(`${this.key}: ${e.message}`));
    this.socket.on('close', () => this.close(`${this.key}: the server closed the connection`));
    this.timer = setInterval(() => this.keepalive(), Math.max(200, Math.min(5000, opts.connTimeoutMs / 4)));
    this.timer.unref();
  }

  private onConnect(): void {
    this.send(encodeHeader(Cmd.VERSION, 0, 0, CA_MINOR_VERSION, 0, 0));
    this.send(encodeMessage(Cmd.HOST_NAME, 0, 0, 0, 0, stringPayload(os.hostname())));
    this.send(encodeMessage(Cmd.CLIENT_NAME, 0, 0, 0, 0, stringPayload(this.opts.clientName)));
    this.ready = true;
    this.events.ready(this);
  }

  private onData(d: Buffer): void {
    if (this.closed) return;
    this.lastHeard = Date.now();
    this.probeSentAt = 0;
    const { messages, error } = this.stream.push(d);
    for (const m of messages) {
      if (this.closed) return;
      if (m.command === Cmd.VERSION) this.serverMinor = m.count;
      else if (m.command === Cmd.ECHO) this.echoWaiters.shift()?.();
      else this.events.message(this, m);
    }
    if (error) this.close(`${this.key}: ${error}; circuit closed`, true);
  }

  /** A quiet circuit gets an ECHO; one that stays quiet past the timeout is closed (libca's "unresponsive"). */
  private keepalive(): void {
    if (!this.ready || this.closed) return;
    const now = Date.now();
    if (this.probeSentAt && now - this.probeSentAt > Math.min(5000, this.opts.connTimeoutMs)) {
      this.close(`${this.key}: the server did not answer an ECHO in time (EPICS_CA_CONN_TMO)`);
      return;
    }
    if (!this.probeSentAt && now - this.lastHeard > this.opts.connTimeoutMs) {
      this.probeSentAt = now;
      this.echo();
    }
  }

  send(b: Buffer): void {
    if (!this.closed && this.ready) this.socket.write(b);
  }

  /**
   * Resolves when the server answers an ECHO sent now: every message it sent
   * before has then been handled. Resolves at once when the circuit closes.
   */
  echo(): Promise<void> {
    if (this.closed || !this.ready) return Promise.resolve();
    return new Promise((resolve) => {
      this.echoWaiters.push(resolve);
      this.socket.write(encodeHeader(Cmd.ECHO, 0, 0, 0, 0, 0));
    });
  }

  close(reason: string | null = null, protocolError = false): void {
    if (this.closed) return;
    this.closed = true;
    this.ready = false;
    clearInterval(this.timer);
    this.socket.destroy();
    for (const w of this.echoWaiters.splice(0)) w();
    this.events.closed(this, reason, protocolError);
  }
}
