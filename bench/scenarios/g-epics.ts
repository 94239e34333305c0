// (g) EPICS Channel Access under 50 monitoring clients (raw-socket CA clients
// in a child process, each on its own circuit):
//  - acquisition speed: the counting example flat out, without and with the CA
//    server publishing its status and event fields to 50 clients;
//  - monitor throughput: one scalar PV set in a tight loop with no rate limit;
//  - a 20,000-double waveform (160 kB) at the default 10 Hz to all 50;
//  - memory of the server process with the 50 clients attached.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadEngine } from '../../src-main/engine/load';
import { attachEpics } from '../../src-main/epics/publish';
import { CaServer } from '../../src-main/epics/server';
import { round, type Scenario } from '../lib';

const root = join(import.meta.dirname, '..', '..');
const CLIENTS = 50;
const clientScript = join(root, 'test', 'support', 'epics', 'load-clients.ts');

/** The 50 clients, in a process of their own. */
class LoadClients {
  private child: ChildProcessWithoutNullStreams;
  private pending: ((line: Record<string, number>) => void)[] = [];

  constructor(port: number, pvs: string[], dbrType = 20) {
    this.child = spawn(process.execPath, ['--import', 'tsx', clientScript, String(port), String(CLIENTS), pvs.join(','), String(dbrType)], { cwd: root });
    let err = '';
    this.child.stderr.on('data', (d) => (err += d));
    this.child.on('exit', (code) => {
      if (code) for (const p of this.pending.splice(0)) p({ error: code, stderr: err } as never);
    });
    createInterface({ input: this.child.stdout }).on('line', (l) => this.pending.shift()?.(JSON.parse(l) as Record<string, number>));
  }

  private next(): Promise<Record<string, number>> {
    return new Promise((r) => this.pending.push(r));
  }

  async ready(): Promise<void> {
    const l = await this.next();
    if (!l.ready) throw new Error(`load clients failed: ${JSON.stringify(l)}`);
  }

  async report(): Promise<{ updates: number; bytes: number; clients: number }> {
    const p = this.next();
    this.child.stdin.write('report\n');
    return (await p) as { updates: number; bytes: number; clients: number };
  }

  reset(): void {
    this.child.stdin.write('reset\n');
  }

  async quit(): Promise<void> {
    const done = new Promise((r) => this.child.once('exit', r));
    this.child.stdin.write('quit\n');
    await done;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function countingRun(out: string, events: number, withEpics: boolean): Promise<{ events_per_s: number; updates?: number }> {
  const { engine } = await loadEngine(join(root, 'examples', 'counting', 'setup.yaml'));
  if (!engine) throw new Error('the counting example does not load');
  let epics: Awaited<ReturnType<typeof attachEpics>> | null = null;
  let clients: LoadClients | null = null;
  try {
    if (withEpics) {
      epics = await attachEpics(
        engine,
        { enabled: true, prefix: 'BENCH:', pvs: [{ name: 'VALUE', buffer: 'RB_2', field: 'value' }, { name: 'SQUARE', buffer: 'RB_2', field: 'square' }] },
        { port: 0 },
      );
      clients = new LoadClients(epics.port, ['BENCH:VALUE', 'BENCH:SQUARE', 'BENCH:RB_1:EVENTS', 'BENCH:RB_1:RATE', 'BENCH:STATE']);
      await clients.ready();
    }
    const t0 = performance.now();
    await engine.start({ outputDirectory: out, runevents: events });
    await engine.waitForEnd();
    const seconds = (performance.now() - t0) / 1000;
    const updates = clients ? (await clients.report()).updates : undefined;
    return { events_per_s: events / seconds, updates };
  } finally {
    await clients?.quit();
    await epics?.stop();
    await engine.close();
  }
}

export const scenario: Scenario = {
  id: 'g',
  title: `EPICS CA, ${CLIENTS} monitoring clients: engine speed, monitors/s, memory`,
  async run({ quick }) {
    const out = mkdtempSync(join(tmpdir(), 'ringscope-bench-g-'));
    const events = quick ? 20_000 : 200_000;
    const seconds = quick ? 2 : 5;
    try {
      const base = await countingRun(out, events, false);
      const loaded = await countingRun(out, events, true);

      // Monitor throughput: one scalar, no rate limit, set as fast as the loop allows.
      const server = new CaServer({ monitorRate: 0 });
      const scalar = server.addPv({ name: 'BENCH:X', type: 'double', value: 0 });
      const wave = server.addPv({ name: 'BENCH:WAVE', type: 'double', count: 20_000, rate: 10, value: new Float64Array(20_000) });
      const { port } = await server.start({ port: 0, beaconAddresses: [] });
      global.gc?.();
      const mem0 = process.memoryUsage();
      const scalarClients = new LoadClients(port, ['BENCH:X']);
      await scalarClients.ready();
      global.gc?.();
      const mem1 = process.memoryUsage();
      scalarClients.reset();
      let sets = 0;
      const tEnd = performance.now() + seconds * 1000;
      const t0 = performance.now();
      while (performance.now() < tEnd) {
        scalar.set(++sets);
        // Yield so the server's sockets and timers run (monitors go out from timers).
        await new Promise((r) => setImmediate(r));
      }
      const tScalar = (performance.now() - t0) / 1000;
      await sleep(200);
      const s = await scalarClients.report();
      await scalarClients.quit();

      // The waveform: 160 kB at 10 Hz to every client.
      const waveClients = new LoadClients(port, ['BENCH:WAVE'], 6);
      await waveClients.ready();
      global.gc?.();
      const mem2 = process.memoryUsage();
      waveClients.reset();
      const before = server.stats();
      const data = new Float64Array(20_000);
      const t1 = performance.now();
      const wEnd = t1 + seconds * 1000;
      let frame = 0;
      while (performance.now() < wEnd) {
        data.fill(++frame);
        wave.set(data);
        await sleep(20); // 50 Hz of new data; the PV posts at most 10 Hz
      }
      const tWave = (performance.now() - t1) / 1000;
      const w = await waveClients.report();
      const after = server.stats();
      await waveClients.quit();
      await server.stop();

      return {
        events_per_s: round(loaded.events_per_s),
        mb_per_s: round(w.bytes / tWave / 1e6),
        torn: 0,
        engine_alone_events_per_s: round(base.events_per_s),
        epics_updates_during_run: loaded.updates ?? 0,
        scalar_monitors_per_s: round(s.updates / tScalar),
        scalar_sets_per_s: round(sets / tScalar),
        wave_updates_per_s: round(w.updates / tWave),
        wave_target_per_s: CLIENTS * 10,
        wave_deferred: after.monitorsDeferred - before.monitorsDeferred,
        rss_mb: round(mem2.rss / 1e6),
        heap_per_client_kb: round((mem1.heapUsed - mem0.heapUsed) / CLIENTS / 1e3),
      };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
};
