// Two stations for the EPICS tests and the bench: station A (`ringscope run
// station-a.yaml`, its sensors served as PVs) and station B (`ringscope serve
// station-b.yaml`, which records A by Channel Access), each a process of its
// own, with a plain WebSocket client driving B's bridge.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { Command, HostEvent } from '../../../src-shared/bridge/protocol';
import type { StatusReport } from '../../../src-shared/engine/status';
import { repoRoot } from '../cli-run';

/** A port free for TCP now (the CA server binds UDP to the same number). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Station A's and B's setups copied into `dir`, A with period `dt` (s). */
export function stationSetups(dir: string, dt: number): { a: string; b: string } {
  mkdirSync(dir, { recursive: true });
  const text = readFileSync(join(repoRoot, 'examples/stations/station-a.yaml'), 'utf8');
  if (!/config: \{dt: 1\}/.test(text)) throw new Error('station-a.yaml no longer says config: {dt: 1}');
  writeFileSync(join(dir, 'station-a.yaml'), text.replace('config: {dt: 1}', `config: {dt: ${dt}}`));
  writeFileSync(join(dir, 'station-b.yaml'), readFileSync(join(repoRoot, 'examples/stations/station-b.yaml')));
  return { a: join(dir, 'station-a.yaml'), b: join(dir, 'station-b.yaml') };
}

/** A bridge client of a served page's host: commands with acks, and a wait for a status that satisfies a condition. */
export class BridgeClient {
  private req = 100;
  private acks = new Map<number, (a: { ok: boolean; message?: string }) => void>();
  private statusWaiters: { ok: (s: StatusReport) => boolean; resolve: (s: StatusReport) => void }[] = [];
  status: StatusReport | null = null;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, binary) => {
      if (binary) return;
      const ev = JSON.parse(String(data)) as HostEvent;
      if (ev.type === 'ack') this.acks.get(ev.req)?.(ev);
      if (ev.type === 'status') {
        this.status = ev.status;
        for (const w of [...this.statusWaiters]) {
          if (w.ok(ev.status)) {
            this.statusWaiters.splice(this.statusWaiters.indexOf(w), 1);
            w.resolve(ev.status);
          }
        }
      }
    });
  }

  static async connect(url: string): Promise<BridgeClient> {
    const u = new URL(url);
    const ws = new WebSocket(`ws://${u.host}/ws${u.search}`);
    await new Promise<void>((ok, fail) => {
      ws.once('open', () => ok());
      ws.once('error', fail);
    });
    return new BridgeClient(ws);
  }

  /** Sends a command; resolves with its ack. */
  request(cmd: Command): Promise<{ ok: boolean; message?: string }> {
    const req = ++this.req;
    return new Promise((resolve) => {
      this.acks.set(req, resolve);
      this.ws.send(JSON.stringify({ ...cmd, req }));
    });
  }

  /** The first status report (from now on, or the current one) for which `ok` holds. */
  until(ok: (s: StatusReport) => boolean): Promise<StatusReport> {
    if (this.status && ok(this.status)) return Promise.resolve(this.status);
    return new Promise((resolve) => this.statusWaiters.push({ ok, resolve }));
  }

  close(): void {
    this.ws.close();
  }
}

/** The extra counters a function instance reports (the EPICS source's events, missed, disconnected …). */
export function extraOf(s: StatusReport, fn = 'Fkt_1'): Record<string, number | string> {
  return s.functions.find((f) => f.name === fn)?.instances[0]?.extra ?? {};
}

/** Written events of a buffer in a status report. */
export function written(s: StatusReport, buffer = 'RB_1'): number {
  return s.buffers.find((b) => b.name === buffer)?.written ?? 0;
}

/** The rows of a CSV export as objects of numbers by column ("NaN" stays NaN). */
export function csvRows(path: string): Record<string, number>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], Number(v)])));
}
