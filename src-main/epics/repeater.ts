// A CA repeater: libca clients on this host register with it (REPEATER_REGISTER)
// and it fans out the beacons servers send to the repeater port, which tells
// clients quickly that a server came back. Debian ships libca without the
// caRepeater program, so without this clients print "caRepeater couldn't be
// located" and reconnect only at their search back-off pace.
import dgram from 'node:dgram';
import os from 'node:os';
import { Cmd, decodeHeader, encodeHeader, ipv4ToInt } from '../../src-workers/epics/protocol';

interface Client {
  address: string;
  port: number;
}

const MAX_CLIENTS = 1024;
const PRUNE_MS = 60_000;

/** True when nothing holds this local UDP port any more (the client process is gone). */
async function portIsFree(address: string, port: number): Promise<boolean> {
  const probe = dgram.createSocket({ type: 'udp4' });
  return new Promise<boolean>((resolve) => {
    probe.once('error', () => {
      probe.close();
      resolve(false);
    });
    probe.bind({ port, address, exclusive: true }, () => {
      probe.close();
      resolve(true);
    });
  });
}

export class CaRepeater {
  private sock: dgram.Socket | null = null;
  private clients = new Map<string, Client>();
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning = false;
  forwarded = 0;

  constructor(private readonly log: (level: 'info' | 'warn', message: string) => void = () => {}) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Binds the repeater port. Resolves false when it is taken — most likely by
   * another repeater, which serves just as well.
   */
  async start(port: number): Promise<boolean> {
    if (this.sock) return true;
    const sock = dgram.createSocket({ type: 'udp4' });
    const ok = await new Promise<boolean>((resolve) => {
      sock.once('error', () => resolve(false));
      sock.bind({ port, address: '0.0.0.0', exclusive: true }, () => resolve(true));
    });
    if (!ok) {
      sock.close();
      return false;
    }
    sock.on('error', (e) => this.log('warn', `CA repeater: ${e.message}`));
    sock.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    this.sock = sock;
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_MS);
    this.pruneTimer.unref();
    return true;
  }

  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
    const sock = this.sock;
    this.sock = null;
    this.clients.clear();
    if (sock) await new Promise<void>((r) => sock.close(() => r()));
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const h = msg.length === 0 ? null : decodeHeader(msg, 0);
    // Registration: REPEATER_REGISTER, or an empty datagram from very old clients; local clients only.
    if (msg.length === 0 || h?.command === Cmd.REPEATER_REGISTER) {
      if (!isLocal(rinfo.address)) return;
      this.register(rinfo);
      return;
    }
    if (!h) return;
    let out = msg;
    if (h.command === Cmd.RSRV_IS_UP && h.p2 === 0) {
      // A beacon that does not name its server: the sender is the server.
      out = Buffer.from(msg);
      out.writeUInt32BE(ipv4ToInt(rinfo.address), 12);
    }
    for (const c of this.clients.values()) {
      if (c.port === rinfo.port && isLocal(rinfo.address)) continue;
      this.sock?.send(out, c.port, c.address, () => {});
      this.forwarded++;
    }
  }

  private register(rinfo: dgram.RemoteInfo): void {
    // Clients are local, and libca registers through several local addresses: the port identifies it.
    const key = String(rinfo.port);
    if (!this.clients.has(key)) {
      if (this.clients.size >= MAX_CLIENTS) void this.prune();
      if (this.clients.size >= MAX_CLIENTS) return;
      this.clients.set(key, { address: rinfo.address, port: rinfo.port });
    }
    this.sock?.send(encodeHeader(Cmd.REPEATER_CONFIRM, 0, 0, 0, 0, ipv4ToInt(rinfo.address)), rinfo.port, rinfo.address, () => {});
  }

  /** Forgets clients whose UDP port is free again (their process ended), as caRepeater does. */
  private async prune(): Promise<void> {
    if (this.pruning) return;
    this.pruning = true;
    try {
      for (const [key, c] of [...this.clients]) {
        if (await portIsFree('0.0.0.0', c.port)) this.clients.delete(key);
      }
    } finally {
      this.pruning = false;
    }
  }
}

function isLocal(address: string): boolean {
  if (address.startsWith('127.')) return true;
  // Any address of this host counts as local.
  return Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.address === address));
}
