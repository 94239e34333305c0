// The CA server against a real client: Debian's python3-pyepics (libca).
// Each test runs its own server on a port of its own; nothing depends on speed.
import { afterEach, describe, expect, it } from 'vitest';
import { CaRepeater } from './repeater';
import { CaServer } from './server';
import { dtPv } from '../../test/support/epics/pvs';
import { PyClient, pyepicsMissing, runPy } from '../../test/support/epics/py';

const missing = pyepicsMissing();
const servers: CaServer[] = [];
const clients: PyClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/** A server with the PVs most tests read, on a free port. */
async function serve(): Promise<{ server: CaServer; port: number; writes: unknown[] }> {
  const writes: unknown[] = [];
  const server = new CaServer();
  servers.push(server);
  server.addPv(dtPv(writes));
  server.addPv({ name: 'T:TIME', type: 'string', value: 'Mon Nov 24 10:13:01 2025' });
  server.addPv({ name: 'T:STATE', type: 'enum', enumStrings: ['idle', 'running', 'paused'], value: 'running' });
  server.addPv({ name: 'T:COUNT', type: 'long', value: 42, units: 'ev' });
  server.addPv({ name: 'T:WAVE', type: 'double', count: 20_000, value: Float64Array.from({ length: 20_000 }, (_, i) => i * 0.25) });
  server.addPv({ name: 'T:RO', type: 'double', value: 7 });
  const { port } = await server.start({ port: 0 });
  return { server, port, writes };
}

describe.skipIf(missing !== null)('CA server with pyepics' + (missing ? ` (skipped: ${missing})` : ''), () => {
  it('serves a double, a string, an enum with its strings and a 20,000-double waveform', async () => {
    const { port } = await serve();
    const [dbl, str, en, enStr, count, wave] = await runPy(
      'get.py',
      [
        JSON.stringify([
          { name: 'T:DT' },
          { name: 'T:TIME' },
          { name: 'T:STATE', enum: true },
          { name: 'T:STATE', as_string: true },
          { name: 'T:COUNT' },
          { name: 'T:WAVE' },
        ]),
      ],
      port,
    );
    expect(dbl).toMatchObject({ connected: true, value: 1.5, type: 'time_double', count: 1 });
    expect(str).toMatchObject({ connected: true, value: 'Mon Nov 24 10:13:01 2025', type: 'time_string' });
    expect(en).toMatchObject({ value: 1, type: 'time_enum', enum_strs: ['idle', 'running', 'paused'] });
    expect(enStr).toMatchObject({ value: 'running' });
    expect(count).toMatchObject({ value: 42, type: 'time_long' });
    // 160 kB in one message: the extended header.
    expect(wave).toMatchObject({ connected: true, nelm: 20_000, type: 'time_double' });
    const values = wave.value as number[];
    expect(values).toHaveLength(20_000);
    expect(values[0]).toBe(0);
    expect(values[19_999]).toBe(19_999 * 0.25);
  });

  it('gives control variables (units, precision, limits, alarm) and time stamps', async () => {
    const { server, port } = await serve();
    const stamp = Date.UTC(2025, 10, 24, 9, 13, 1, 250);
    server.getPv('T:DT')!.set(6, stamp); // above the warning limit: MINOR / HIGH
    const [dt] = await runPy('get.py', [JSON.stringify([{ name: 'T:DT', form: 'ctrl', ctrl: true }])], port);
    expect(dt.ctrl).toMatchObject({
      units: 's',
      precision: 3,
      upper_disp_limit: 10,
      lower_disp_limit: 0,
      upper_alarm_limit: 9,
      lower_alarm_limit: 0.01,
      upper_warning_limit: 5,
      lower_warning_limit: 'NaN',
      upper_ctrl_limit: 8,
      lower_ctrl_limit: 0.01,
      severity: 1,
      status: 4,
    });
    const [text] = await runPy('get.py', [JSON.stringify([{ name: 'T:DT', form: 'ctrl', as_string: true }])], port);
    expect(text.value).toBe('6.000'); // as text with precision 3
    const [timed] = await runPy('get.py', [JSON.stringify([{ name: 'T:DT', form: 'time' }])], port);
    expect(timed.value).toBe(6);
    expect(timed.timestamp as number).toBeCloseTo(stamp / 1000, 3);
    expect(timed.severity).toBe(1);
  });

  it('takes a caput with wait: onWrite sees the value and readers get it; refusals leave it', async () => {
    const { port, writes } = await serve();
    const [ok] = await runPy('put.py', ['T:DT', '0.25'], port);
    expect(ok).toMatchObject({ connected: true, write_access: true, put_complete: true, callback: true, value_after: 0.25 });
    expect(writes).toEqual([0.25]);
    // Outside the control limits: refused, nothing changes.
    const [refused] = await runPy('put.py', ['T:DT', '9.5'], port);
    expect(refused.value_after).toBe(0.25);
    expect(writes).toEqual([0.25]);
    // A read-only PV: libca knows from the access rights and does not even send.
    const [ro] = await runPy('put.py', ['T:RO', '1'], port);
    expect(ro).toMatchObject({ write_access: false, value_after: 7 });
    expect(String(ro.error)).toContain('Write access denied');
    // Enums take their state names.
    const { server, port: port2 } = await serve();
    server.addPv({ name: 'T:MODE', type: 'enum', enumStrings: ['slow', 'fast'], value: 0, writable: true });
    const [mode] = await runPy('put.py', ['T:MODE', '"fast"'], port2);
    expect(mode.value_after).toBe(1);
  });

  it('sends monitor updates on change, and none after the client disconnects', async () => {
    const { server, port } = await serve();
    const pv = server.getPv('T:COUNT')!;
    const c = new PyClient('monitor.py', ['T:COUNT'], port);
    clients.push(c);
    await c.next((l) => l.event === 'value' && l.value === 42);
    // Handshake per value: set, wait for it to arrive, set the next.
    for (let v = 100; v < 105; v++) {
      pv.set(v);
      await c.next((l) => l.event === 'value' && l.value === v);
    }
    expect(server.stats().subscriptions).toBe(1);
    c.send('disconnect');
    await c.next((l) => l.event === 'disconnected');
    // The server hears the cancel: the subscription goes away.
    await waitUntil(() => server.stats().subscriptions === 0);
    const sentBefore = server.stats().monitorsSent;
    const linesBefore = c.lines.length;
    pv.set(999);
    c.send('count');
    await c.next((l) => l.event === 'count', 30_000, linesBefore);
    expect(c.lines.slice(linesBefore).some((l) => l.event === 'value')).toBe(false);
    expect(server.stats().monitorsSent).toBe(sentBefore);
  });

  it('rate-limits monitors per PV, the newest value winning', async () => {
    const { server, port } = await serve();
    const pv = server.getPv('T:COUNT')!;
    const c = new PyClient('monitor.py', ['T:COUNT'], port);
    clients.push(c);
    await c.next((l) => l.event === 'value' && l.value === 42);
    for (let v = 1; v <= 2000; v++) pv.set(v); // one burst, far faster than 10 Hz
    await c.next((l) => l.event === 'value' && l.value === 2000);
    const seen = c.lines.filter((l) => l.event === 'value').length;
    expect(seen).toBeLessThan(20);
  });

  it('lets a missing PV time out cleanly, and keeps serving', async () => {
    const { port } = await serve();
    const [missingPv, present] = await runPy('get.py', [JSON.stringify([{ name: 'T:NOPE', timeout: 1.5 }, { name: 'T:DT' }])], port);
    expect(missingPv.connected).toBe(false);
    expect(missingPv.elapsed as number).toBeLessThan(30);
    expect(present).toMatchObject({ connected: true, value: 1.5 });
  });

  it('reconnects a monitoring client after a server restart', async () => {
    const { server, port } = await serve();
    const repeater = new CaRepeater();
    await repeater.start(port + 1);
    try {
      const c = new PyClient('monitor.py', ['T:COUNT'], port);
      clients.push(c);
      await c.next((l) => l.event === 'conn' && l.conn === true);
      await c.next((l) => l.event === 'value' && l.value === 42);
      await server.stop();
      const down = await c.next((l) => l.event === 'conn' && l.conn === false, 60_000);
      expect(down).toBeTruthy();
      const from = c.lines.length;
      server.getPv('T:COUNT')!.set(43);
      await server.start({ port });
      await c.next((l) => l.event === 'conn' && l.conn === true, 120_000, from);
      await c.next((l) => l.event === 'value' && l.value === 43, 30_000, from);
    } finally {
      await repeater.stop();
    }
  });
});

async function waitUntil(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
