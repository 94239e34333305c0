// Writes PVs of any Channel Access server for the window and the bridge
// (`pv_put`): one CA client per session, made at the first put, finding
// servers through the host's EPICS_CA_* environment as libca would.
import { CaClient } from '../../src-workers/epics/client';

const CONNECT_MS = 5000;

export class PvWriter {
  private client: CaClient | null = null;

  constructor(private readonly env: Record<string, string | undefined> = process.env) {}

  /** caput with completion: resolves when the server has done it; rejects naming the PV and the reason. */
  async put(pv: string, value: number | string | number[], timeoutMs = CONNECT_MS): Promise<void> {
    const name = pv.trim();
    if (!name) throw new Error('Which PV? The name is empty.');
    this.client ??= new CaClient({ env: this.env, clientName: 'ringscope window' });
    const ch = this.client.channel(name);
    if (!ch.connected) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`${name} was not found within ${timeoutMs / 1000} s (searched ${this.client!.config.searchAddresses.map((a) => `${a.host}:${a.port}`).join(', ') || 'nowhere: set EPICS_CA_ADDR_LIST'})`)),
          timeoutMs,
        );
        ch.onConnection((up) => {
          if (up) {
            clearTimeout(t);
            resolve();
          }
        });
      });
    }
    await ch.put(value, timeoutMs);
  }

  close(): void {
    this.client?.close();
    this.client = null;
  }
}
