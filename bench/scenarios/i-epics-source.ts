// (i) builtin:sources/epics, station B's side of two stations (real worker
// threads, loopback TCP):
//  - scalar monitor updates taken into a buffer per second: a server that sends
//    DBR_TIME_DOUBLE updates as fast as its socket takes them, one event each;
//  - a 20,000-double waveform (160 kB, extended header) at 10 Hz from our CA
//    server: updates taken of those sent;
//  - latency from a put at station A (our CA server) to the event read at B:
//    the PV's time stamp is the put's time, a sink at B subtracts it from now.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src-main/engine/load';
import { CaServer } from '../../src-main/epics/server';
import { CaClient } from '../../src-workers/epics/client';
import { Cmd } from '../../src-workers/epics/protocol';
import { HostileServer, update } from '../../test/support/epics/hostile-server';
import { median, round, type Scenario } from '../lib';

const sinkModule = join(import.meta.dirname, '..', 'workers', 'latency_sink.mjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(dir: string, port: number, samples: number, pv: string): string {
  const path = join(dir, `b-${samples}.yaml`);
  writeFileSync(
    path,
    `RingBuffer:
  - RB_1: {number_of_slots: 256, channel_per_slot: ${samples}, data_type: {1: [x, float64]}}
Functions:
  - Fkt_1:
      file_name: builtin:sources/epics
      RB_assign: {RB_1: write}
      config: {addr_list: "127.0.0.1", auto_addr_list: "NO", server_port: ${port}, trigger: x, pvs: {x: "${pv}"}}
  - Fkt_2: {file_name: ${sinkModule}, fkt_name: latency_sink, RB_assign: {RB_1: read}}
`,
  );
  return path;
}

/** Starts station B and resolves once its PV is connected. */
async function stationB(path: string, out: string, runevents: number) {
  const { engine, problems } = await loadEngine(path);
  if (!engine) throw new Error(problems.map((p) => p.message).join('; '));
  const connected = new Promise<void>((resolve) => engine.on('log', (l) => / connected$/.test(l.message) && resolve()));
  await engine.start({ outputDirectory: out, runevents });
  await connected;
  return engine;
}

async function scalars(dir: string, n: number): Promise<number> {
  let t0 = 0;
  const server = new HostileServer((conn, m) => {
    if (m.command === Cmd.CREATE_CHAN) conn.accept(m);
    if (m.command !== Cmd.EVENT_ADD || conn.number > 1) return;
    // The first update is the subscription's current value; the timed stream follows.
    conn.send(update(m, 0, Date.now() - 1000));
    setTimeout(async () => {
      t0 = performance.now();
      const base = Date.now();
      for (let i = 1; i <= n; i += 1000) {
        const batch = Buffer.concat(Array.from({ length: Math.min(1000, n - i + 1) }, (_, j) => update(m, i + j, base + (i + j) / 1000)));
        conn.send(batch);
        await sleep(0);
      }
    }, 200);
  }, false);
  const port = await server.start();
  try {
    const e = await stationB(setup(dir, port, 1, 'H:X'), join(dir, 'runs'), n + 1);
    const summary = await e.waitForEnd();
    const seconds = (performance.now() - t0) / 1000;
    await e.close();
    if (summary.buffers.RB_1.written !== n + 1) throw new Error(`scalars: ${summary.buffers.RB_1.written} of ${n + 1} taken`);
    return n / seconds;
  } finally {
    await server.stop();
  }
}

async function waveform(dir: string, seconds: number): Promise<{ sent: number; taken: number }> {
  const server = new CaServer({ monitorRate: 0 });
  const pv = server.addPv({ name: 'H:WAVE', type: 'double', count: 20_000 });
  const { port } = await server.start({ port: 0 });
  try {
    const e = await stationB(setup(dir, port, 20_000, 'H:WAVE'), join(dir, 'runs'), 0);
    let sent = 0;
    const wave = new Float64Array(20_000);
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      wave.fill(++sent);
      pv.set(wave);
      await sleep(Math.max(0, t0 + sent * 100 - performance.now()));
    }
    await sleep(500);
    await e.stop();
    const summary = await e.waitForEnd();
    await e.close();
    return { sent, taken: summary.buffers.RB_1.written };
  } finally {
    await server.stop();
  }
}

async function latency(dir: string, puts: number): Promise<number[]> {
  const server = new CaServer({ monitorRate: 0 });
  server.addPv({ name: 'H:L', type: 'double', value: 0, writable: true });
  const { port } = await server.start({ port: 0 });
  const client = new CaClient({ env: { EPICS_CA_ADDR_LIST: '127.0.0.1', EPICS_CA_AUTO_ADDR_LIST: 'NO', EPICS_CA_SERVER_PORT: String(port) } });
  try {
    const e = await stationB(setup(dir, port, 1, 'H:L'), join(dir, 'runs'), puts + 1);
    const ch = client.channel('H:L');
    if (!ch.connected) await new Promise<void>((resolve) => ch.onConnection((up) => up && resolve()));
    for (let k = 1; k <= puts; k++) {
      await ch.put(k);
      await sleep(20);
    }
    const summary = await e.waitForEnd();
    await e.close();
    const file = summary.exports.find((f) => f.endsWith('.json'))!;
    return (JSON.parse(readFileSync(file, 'utf8')) as number[]).slice(1);
  } finally {
    client.close();
    await server.stop();
  }
}

export const scenario: Scenario = {
  id: 'i',
  title: 'EPICS source: monitor updates into a buffer, 20,000-double waveform at 10 Hz, put→event latency',
  async run(opts) {
    const dir = mkdtempSync(join(tmpdir(), 'ringscope-bench-i-'));
    try {
      const scalarRate = await scalars(dir, opts.quick ? 20_000 : 90_000);
      const w = await waveform(dir, opts.quick ? 2 : 5);
      const lat = (await latency(dir, opts.quick ? 30 : 100)).sort((a, b) => a - b);
      return {
        events_per_s: round(scalarRate),
        mb_per_s: round((w.taken * 160_000) / (opts.quick ? 2 : 5) / 1e6),
        torn: 0,
        scalar_updates_per_s: round(scalarRate),
        wave_sent: w.sent,
        wave_taken: w.taken,
        latency_median_ms: round(median(lat)),
        latency_p95_ms: round(lat[Math.floor(lat.length * 0.95)]),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
