// builtin:sources/epics in the real engine (real worker threads) against our
// CA server: a 20,000-double waveform as trigger with a long, a string, an
// enum, a time stamp and a severity taken at its time stamp; clock mode that
// counts the ticks it could not take while a PV is missing; a hostile server
// that does not stop the run. Handshakes on observed events and status, no sleeps.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadEngine } from '../../../src-main/engine/load';
import type { Engine } from '../../../src-main/engine/engine';
import { CaServer } from '../../../src-main/epics/server';
import type { StatusReport } from '../../../src-shared/engine/status';
import { HostileServer, update } from '../../../test/support/epics/hostile-server';
import { Cmd, encodeHeader } from '../../epics/protocol';

const dir = mkdtempSync(join(tmpdir(), 'ringscope-epics-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const servers: { stop(): Promise<void> }[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const N = 20_000;

async function engineFor(name: string, yaml: string): Promise<Engine> {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, yaml);
  const { engine, problems } = await loadEngine(path);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  engines.push(engine!);
  return engine!;
}

function source(port: number, config: string): string {
  return `      file_name: builtin:sources/epics
      RB_assign: {RB_1: write}
      config: {addr_list: "127.0.0.1", auto_addr_list: "NO", server_port: ${port}, ${config}}`;
}

function statusUntil(e: Engine, ok: (s: StatusReport) => boolean): Promise<StatusReport> {
  return new Promise((resolve) => {
    const off = e.on('status', (s) => {
      if (ok(s)) {
        off();
        resolve(s);
      }
    });
  });
}
const extra = (s: StatusReport) => s.functions.find((f) => f.name === 'Fkt_1')?.instances[0]?.extra ?? {};
const written = (s: StatusReport) => s.buffers[0].written;

describe('builtin:sources/epics in the engine', () => {
  it('takes a 20,000-double waveform per update with the other PVs as they were at its time stamp', async () => {
    const server = new CaServer({ monitorRate: 0 });
    servers.push(server);
    const wave = server.addPv({ name: 'S:WAVE', type: 'double', count: N });
    const n = server.addPv({ name: 'S:N', type: 'long', value: 0, limits: { warning: { high: 3 } } });
    const text = server.addPv({ name: 'S:TEXT', type: 'string', value: '0' });
    const mode = server.addPv({ name: 'S:MODE', type: 'enum', enumStrings: ['a', 'b', 'c'], value: 'a' });
    const { port } = await server.start({ port: 0 });
    const e = await engineFor(
      'wave',
      `RingBuffer:
  - RB_1: {number_of_slots: 4, channel_per_slot: ${N}, data_type: {1: [wave, float64], 2: [n, int32], 3: [text, float64], 4: [mode, int16], 5: [n_time, float64], 6: [n_sev, int16]}}
Functions:
  - Fkt_1:
${source(port, `trigger: wave, pvs: {wave: "S:WAVE", n: "S:N", text: "S:TEXT", mode: "S:MODE", n_time: {pv: "S:N", take: timestamp}, n_sev: {pv: "S:N", take: severity}}`)}
`,
    );
    const seen: { counter: number; fields: Record<string, ArrayLike<number | bigint>> }[] = [];
    let wake = () => {};
    e.observe('RB_1', 30, (snap) => {
      if (!seen.some((s) => s.counter === snap.counter)) seen.push({ counter: snap.counter, fields: snap.fields });
      wake();
    });
    const connected = new Promise<void>((resolve) => {
      let up = 0;
      e.on('log', (l) => / connected$/.test(l.message) && ++up === 4 && resolve());
    });
    await e.start({ outputDirectory: join(dir, 'runs'), runevents: 5 });
    await connected;
    const stamps: number[] = [];
    for (let k = 1; k <= 5; k++) {
      const t = Date.now() + k; // distinct stamps, even within one millisecond
      stamps.push(t);
      n.set(k, t);
      text.set(String(k + 0.5), t);
      mode.set(k % 3, t);
      wave.set(Float64Array.from({ length: N }, (_, i) => i * k), t);
      // The next update only once this one is in the buffer (every update an event: none coalesced).
      while (!seen.some((s) => s.counter === k - 1)) await new Promise<void>((r) => (wake = r));
    }
    const summary = await e.waitForEnd();
    expect(summary.end_reason).toBe('runevents');
    expect(summary.buffers.RB_1.written).toBe(5);
    for (let k = 1; k <= 5; k++) {
      const f = seen.find((s) => s.counter === k - 1)!.fields;
      expect(f.wave.length).toBe(N);
      expect(Array.from(f.wave as Float64Array).every((x, i) => x === i * k)).toBe(true);
      expect([f.n[0], f.text[0], f.mode[0], f.n_sev[0]]).toEqual([k, k + 0.5, k % 3, k >= 3 ? 1 : 0]);
      expect(Math.abs(Number(f.n_time[0]) - stamps[k - 1] / 1000)).toBeLessThan(1e-6);
      expect(Number.isNaN(Number(f.n_time[1]))).toBe(true); // a scalar fills the first sample only
    }
  });

  it('clock mode: ticks without a PV are counted as missed, never written; events follow once it appears', async () => {
    const server = new CaServer({ monitorRate: 0 });
    servers.push(server);
    server.addPv({ name: 'C:A', type: 'double', value: 1.25 });
    const { port } = await server.start({ port: 0 });
    const e = await engineFor(
      'clock',
      `RingBuffer:
  - RB_1: {number_of_slots: 8, channel_per_slot: 1, data_type: {1: [a, float64], 2: [b, float64]}}
Functions:
  - Fkt_1:
${source(port, `dt: 0.05, pvs: {a: "C:A", b: "C:LATER"}`)}
`,
    );
    await e.start({ outputDirectory: join(dir, 'runs') });
    const waiting = await statusUntil(e, (s) => Number(extra(s).missed) >= 3);
    expect(written(waiting)).toBe(0);
    expect(String(extra(waiting).disconnected)).toMatch(/^C:LATER since \d{4}-/);
    server.addPv({ name: 'C:LATER', type: 'double', value: 2.5 });
    const flowing = await statusUntil(e, (s) => written(s) >= 3 && Number(extra(s).events) >= 3 && extra(s).disconnected === 'none');
    expect(Number(extra(flowing).events)).toBeGreaterThanOrEqual(3);
    await e.stop();
    const summary = await e.waitForEnd();
    expect(summary.end_reason).toBe('stop');
  });

  it('a hostile server (2 GB header, unknown commands) does not stop the run; good updates still become events', async () => {
    const hostile = new HostileServer((conn, m) => {
      if (m.command === Cmd.CREATE_CHAN) conn.accept(m);
      if (m.command !== Cmd.EVENT_ADD) return;
      conn.send(encodeHeader(4321, 0, 0, 0, 0, 0));
      conn.send(update(m, conn.number, Date.now() + conn.number));
      if (conn.number < 3) conn.send(encodeHeader(Cmd.EVENT_ADD, 0x80000000, 20, 1, 1, m.p2));
    });
    servers.push(hostile);
    const port = await hostile.start();
    const e = await engineFor(
      'hostile',
      `RingBuffer:
  - RB_1: {number_of_slots: 8, channel_per_slot: 1, data_type: {1: [x, float64]}}
Functions:
  - Fkt_1:
${source(port, `trigger: x, pvs: {x: "H:X"}`)}
`,
    );
    await e.start({ outputDirectory: join(dir, 'runs'), runevents: 3 });
    const summary = await e.waitForEnd();
    expect(summary.end_reason).toBe('runevents');
    expect(summary.functions.Fkt_1.errors).toEqual([]);
    expect(summary.buffers.RB_1.written).toBe(3);
  });
});
