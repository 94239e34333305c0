// attachEpics against a real Engine running the counting example: status
// PVs, the run state, commands, event fields and a writable parameter,
// read and written over Channel Access.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../engine/load';
import { EPICS_RUN_STATES } from '../../src-shared/setup/epics-schema';
import { Cmd, DbrBase, Eca } from '../../src-workers/epics/protocol';
import { attachEpics, ctime, maybeStartEpics } from './publish';
import { CaTestClient } from '../../test/support/epics/ca-client';
import { PyClient, pyepicsMissing, runPy } from '../../test/support/epics/py';

const root = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'ringscope-epics-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** A port free for TCP now (the server binds UDP to the same number). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function text(s: string): Buffer {
  const b = Buffer.alloc(40);
  b.write(s);
  return b;
}

const SECTION = {
  enabled: true,
  prefix: 'CNT:',
  commands: true,
  repeater: false,
  pvs: [
    { name: 'VALUE', buffer: 'RB_2', field: 'value' },
    { name: 'SQUARE', buffer: 'RB_2', field: 'square', precision: 1, units: 'ev²' },
    { name: 'COUNTER', buffer: 'RB_1', field: 'counter' },
    { name: 'STAMP', buffer: 'RB_1', field: 'timestamp', format: 'ctime' },
    { name: 'PERIOD', function: 'Fkt_1', param: 'period', units: 's', precision: 4, limits: { control: [0, 1] } },
  ],
};

describe('attachEpics on the counting example', () => {
  it('publishes status, state, fields and parameters, and takes commands', async () => {
    const { engine, problems } = await loadEngine(join(root, 'examples/counting/setup.yaml'));
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    const port = await freePort();
    const logs: string[] = [];
    const epics = await attachEpics(engine!, SECTION, {
      env: { EPICS_CA_SERVER_PORT: String(port) },
      log: (_l, m) => logs.push(m),
      functions: { Fkt_1: { config: { period: 0.001 } } },
      startOptions: { outputDirectory: out, runevents: 0 },
    });
    const c = await CaTestClient.connect(port);
    try {
      expect(epics.port).toBe(port);
      expect(epics.pvNames).toEqual(
        expect.arrayContaining(['CNT:STATE', 'CNT:CMD', 'CNT:RB_1:RATE', 'CNT:RB_1:EVENTS', 'CNT:RB_2:FILL', 'CNT:RB_2:DEADTIME', 'CNT:VALUE', 'CNT:PERIOD']),
      );
      const chan = async (name: string) => {
        const ch = await c.create(name);
        expect(ch, name).not.toBeNull();
        return ch!;
      };
      const state = await chan('CNT:STATE');
      const cmd = await chan('CNT:CMD');
      const period = await chan('CNT:PERIOD');
      const events = await chan('CNT:RB_1:EVENTS');
      const counter = await chan('CNT:COUNTER');
      const stamp = await chan('CNT:STAMP');
      expect(cmd.rights).toBe(3);
      expect(state.rights).toBe(1);
      // The configured parameter value is the initial one.
      expect((await c.read(period.sid, DbrBase.DOUBLE)).payload.readDoubleBE(0)).toBe(0.001);

      const states: string[] = [];
      const stateSub = c.subscribe(state.sid, DbrBase.STRING);
      c.onMessage((m) => {
        if (m.command === Cmd.EVENT_ADD && m.p2 === stateSub && m.payloadSize) states.push(m.payload.toString('utf8', 0, m.payload.indexOf(0)));
      });
      const counts: number[] = [];
      const eventsSub = c.subscribe(events.sid, DbrBase.DOUBLE);
      const counters: number[] = [];
      const counterSub = c.subscribe(counter.sid, DbrBase.DOUBLE);
      c.onMessage((m) => {
        if (m.command !== Cmd.EVENT_ADD || !m.payloadSize) return;
        if (m.p2 === eventsSub) counts.push(m.payload.readDoubleBE(0));
        if (m.p2 === counterSub) counters.push(m.payload.readDoubleBE(0));
      });
      await waitUntil(() => states.includes('idle'));

      expect(await c.writeNotify(cmd.sid, DbrBase.STRING, 1, text('start'))).toBe(Eca.NORMAL);
      await waitUntil(() => states.includes('running'));
      // Status reports come about once a second: the event count grows across two of them.
      await waitUntil(() => counts.filter((n) => n > 0).length >= 2 && counts.at(-1)! > counts.find((n) => n > 0)!);
      await waitUntil(() => counters.some((n) => n > 0));
      const now = ctime(Date.now()).slice(0, 10); // "Www Mmm dd"
      const st = await c.read(stamp.sid, DbrBase.STRING);
      expect(st.payload.toString('utf8', 0, 10)).toBe(now);

      // A parameter written over CA reaches the running function; control limits guard it.
      expect(await c.writeNotify(period.sid, DbrBase.STRING, 1, text('0.0005'))).toBe(Eca.NORMAL);
      expect(await c.writeNotify(period.sid, DbrBase.STRING, 1, text('5'))).toBe(Eca.PUTFAIL);
      expect((await c.read(period.sid, DbrBase.DOUBLE)).payload.readDoubleBE(0)).toBe(0.0005);
      await waitUntil(() => logs.some((l) => l.includes('Fkt_1.period')));

      expect(await c.writeNotify(cmd.sid, DbrBase.STRING, 1, text('pause'))).toBe(Eca.NORMAL);
      await waitUntil(() => states.includes('paused'));
      expect(await c.writeNotify(cmd.sid, DbrBase.STRING, 1, text('resume'))).toBe(Eca.NORMAL);
      await waitUntil(() => states.lastIndexOf('running') > states.indexOf('paused'));
      // A second start while running is refused with the engine's reason.
      expect(await c.writeNotify(cmd.sid, DbrBase.STRING, 1, text('start'))).toBe(Eca.PUTFAIL);
      expect(await c.writeNotify(cmd.sid, DbrBase.STRING, 1, text('stop'))).toBe(Eca.NORMAL);
      await waitUntil(() => states.includes('ended'), 60_000);
      const summary = await engine!.waitForEnd();
      expect(summary.end_reason).toBe('stop');
      // The last status report's count is the run's.
      await waitUntil(() => counts.at(-1) === summary.buffers.RB_1.written);
      expect(EPICS_RUN_STATES).toContain(states.at(-1));
    } finally {
      c.close();
      await epics.stop();
      await engine!.close();
    }
  });

  it.skipIf(pyepicsMissing() !== null)('changes the acquisition period with a caput (wait) from pyepics', async () => {
    const { engine } = await loadEngine(join(root, 'examples/counting/setup.yaml'));
    const port = await freePort();
    const epics = await attachEpics(engine!, SECTION, { env: { EPICS_CA_SERVER_PORT: String(port) }, functions: { Fkt_1: { config: { period: 0.001 } } } });
    const c = await CaTestClient.connect(port);
    try {
      const rate = (await c.create('CNT:RB_1:RATE'))!;
      const rates: number[] = [];
      const sub = c.subscribe(rate.sid, DbrBase.DOUBLE);
      c.onMessage((m) => {
        if (m.command === Cmd.EVENT_ADD && m.p2 === sub && m.payloadSize) rates.push(m.payload.readDoubleBE(0));
      });
      engine!.setParam('Fkt_1', 'period', 0.001);
      await engine!.start({ outputDirectory: out, runevents: 0 });
      // 1 ms per event: far above 25 Hz on any machine.
      await waitUntil(() => rates.some((r) => r > 25));
      const [put] = await runPy('put.py', ['CNT:PERIOD', '0.1'], port);
      expect(put).toMatchObject({ connected: true, put_complete: true, callback: true, value_after: 0.1 });
      // 100 ms per event: at most 10 Hz, whatever the machine.
      const from = rates.length;
      await waitUntil(() => rates.slice(from).some((r) => r > 0 && r <= 12), 60_000);
      const [state, ctrl] = await runPy('get.py', [JSON.stringify([{ name: 'CNT:STATE', as_string: true }, { name: 'CNT:PERIOD', form: 'ctrl', ctrl: true }])], port);
      expect(state.value).toBe('running');
      expect(ctrl.ctrl).toMatchObject({ units: 's', precision: 4, upper_ctrl_limit: 1, lower_ctrl_limit: 0 });
    } finally {
      c.close();
      await epics.stop();
      await engine!.close();
    }
  });

  it.skipIf(pyepicsMissing() !== null)("serves the sensors example's simple_daq: PVs to pyepics, dt writable while running", async () => {
    const { engine, loaded } = await loadEngine(join(root, 'examples/sensors/setup.yaml'));
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const port = await freePort();
    const env = { EPICS_CA_SERVER_PORT: String(port), EPICS_CA_REPEATER_PORT: String(await freePort()) };
    const logs: string[] = [];
    const epics = await maybeStartEpics(engine!, loaded.setup.epics, (_l, m) => logs.push(m), { env, functions: loaded.functions });
    expect(epics, logs.join('\n')).not.toBeNull();
    const monitor = new PyClient('monitor.py', ['simple_daq:TIME'], port);
    try {
      expect(epics!.pvNames).toEqual(expect.arrayContaining(['simple_daq:TIME', 'simple_daq:CPU', 'simple_daq:MEMORY', 'simple_daq:BATTERY', 'simple_daq:dt', 'simple_daq:STATE', 'simple_daq:RB_1:RATE']));
      await engine!.start({ outputDirectory: out, runevents: 0 });
      const [put] = await runPy('put.py', ['simple_daq:dt', '0.05'], port);
      expect(put).toMatchObject({ connected: true, put_complete: true, value_after: 0.05 });
      // TIME (ctime-like, whole seconds) changes from one reading second to the next.
      const times = new Set<string>();
      for (let from = 0; times.size < 2; ) {
        const l = await monitor.next((x) => x.event === 'value' && typeof x.value === 'string' && x.value !== '', 60_000, from);
        from = monitor.lines.indexOf(l) + 1;
        times.add(l.value as string);
      }
      for (const t of times) expect(t).toMatch(/^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
      const [cpu, mem, bat, dt, time] = await runPy(
        'get.py',
        [JSON.stringify([
          { name: 'simple_daq:CPU', form: 'ctrl', ctrl: true },
          { name: 'simple_daq:MEMORY', form: 'ctrl', ctrl: true },
          { name: 'simple_daq:BATTERY', form: 'ctrl', ctrl: true },
          { name: 'simple_daq:dt', form: 'ctrl', ctrl: true },
          { name: 'simple_daq:TIME' },
        ])],
        port,
      );
      expect(cpu.ctrl).toMatchObject({ units: '%', precision: 1, upper_disp_limit: 100 });
      expect(cpu.value as number).toBeGreaterThanOrEqual(0);
      expect(mem.ctrl).toMatchObject({ units: 'GiB', precision: 1 });
      expect(mem.value as number).toBeGreaterThan(0);
      // Without a battery the reading is NaN: INVALID severity, as EPICS says "no value".
      expect(bat.ctrl).toMatchObject({ units: '%', precision: 1, lower_warning_limit: 20, lower_alarm_limit: 10 });
      if (bat.value === 'NaN') expect(bat.severity).toBe(3);
      expect(dt).toMatchObject({ value: 0.05, ctrl: expect.objectContaining({ units: 's', precision: 3, lower_ctrl_limit: 0.01 }) });
      expect(time.type).toBe('time_string');
      expect(logs.some((l) => l.includes('Fkt_1.dt'))).toBe(true);
    } finally {
      await monitor.quit();
      await epics!.stop();
      await engine!.close();
    }
  });

  it('maybeStartEpics: off without enabled, errors logged not thrown, a taken port reported', async () => {
    const { engine } = await loadEngine(join(root, 'examples/counting/setup.yaml'));
    const logs: string[] = [];
    const log = (level: string, m: string) => logs.push(`${level}: ${m}`);
    expect(await maybeStartEpics(engine!, undefined, log)).toBeNull();
    expect(await maybeStartEpics(engine!, { prefix: 'X:' }, log)).toBeNull();
    expect(await maybeStartEpics(engine!, { enabled: true, pvs: [{ name: 'A', buffer: 'RB_7', field: 'value' }] }, log)).toBeNull();
    expect(logs.some((l) => /error: EPICS: epics.pvs\[0\].buffer: no buffer "RB_7"/.test(l))).toBe(true);
    const port = await freePort();
    const env = { EPICS_CA_SERVER_PORT: String(port), EPICS_CA_REPEATER_PORT: String(await freePort()) };
    const first = await maybeStartEpics(engine!, { enabled: true, prefix: 'A:' }, log, { env });
    expect(first).not.toBeNull();
    expect(logs.some((l) => l.includes(`on port ${port}`))).toBe(true);
    const second = await maybeStartEpics(engine!, { enabled: true, prefix: 'B:' }, log, { env });
    expect(second).toBeNull();
    expect(logs.some((l) => l.startsWith('error') && l.includes(String(port)))).toBe(true);
    await first!.stop();
    await engine!.close();
  });
});

async function waitUntil(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
