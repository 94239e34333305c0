// A page as the bridge's tests play it: a WebSocket to browser mode (or any
// bridge server) with an inbox of decoded events to wait on.
import { WebSocket } from 'ws';
import { decodeEvent, encodeCommand } from '../../src-shared/bridge/codec';
import type { Command, HostEvent } from '../../src-shared/bridge/protocol';

/** A page's WebSocket with an inbox of decoded events. */
export class Page {
  events: HostEvent[] = [];
  private waiters: { pred: (e: HostEvent) => boolean; ok: (e: HostEvent) => void }[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const ev = decodeEvent(isBinary ? data : data.toString());
      this.events.push(ev);
      for (const w of [...this.waiters]) {
        if (w.pred(ev)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.ok(ev);
        }
      }
    });
  }
  static connect(url: string, headers: Record<string, string> = {}, options: { autoPong?: boolean } = {}) {
    return new Promise<Page>((ok, fail) => {
      const ws = new WebSocket(url, { headers, ...options });
      const page = new Page(ws);
      ws.once('open', () => ok(page));
      ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', fail);
    });
  }
  /** Resolves with the first event (already received or coming) that matches. */
  next<T extends HostEvent['type']>(type: T, pred: (e: Extract<HostEvent, { type: T }>) => boolean = () => true, from = 0) {
    const match = (e: HostEvent) => e.type === type && pred(e as Extract<HostEvent, { type: T }>);
    const seen = this.events.slice(from).find(match);
    if (seen) return Promise.resolve(seen as Extract<HostEvent, { type: T }>);
    return new Promise<Extract<HostEvent, { type: T }>>((ok) => this.waiters.push({ pred: match, ok: ok as (e: HostEvent) => void }));
  }
  send(cmd: Command) {
    this.ws.send(encodeCommand(cmd));
  }
}
