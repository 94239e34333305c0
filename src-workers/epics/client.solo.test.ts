// The CA client against our own CA server on loopback, with libca (pyepics)
// writing to the same server: values, alarms, time stamps, metadata, a
// 20,000-double waveform (extended header), caput with completion and refusal,
// and a server restart that the client survives by itself.
import { afterEach, describe, expect, it } from 'vitest';
import { CaServer } from '../../src-main/epics/server';
import { dtPv } from '../../test/support/epics/pvs';
import { pyepicsMissing, runPy } from '../../test/support/epics/py';
import { CaClient, type CaChannel, type CaValue } from './client';

const servers: CaServer[] = [];
const clients: CaClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function env(port: number): Record<string, string> {
  return { EPICS_CA_ADDR_LIST: '127.0.0.1', EPICS_CA_AUTO_ADDR_LIST: 'NO', EPICS_CA_SERVER_PORT: String(port), EPICS_CA_REPEATER_PORT: String(port + 1) };
}

async function serve(port = 0): Promise<{ server: CaServer; port: number; writes: unknown[] }> {
  const writes: unknown[] = [];
  const server = new CaServer({ monitorRate: 0 });
  servers.push(server);
  server.addPv(dtPv(writes));
  server.addPv({ name: 'T:TEXT', type: 'string', value: 'hello' });
  server.addPv({ name: 'T:STATE', type: 'enum', enumStrings: ['idle', 'running', 'paused'], value: 'running' });
  server.addPv({ name: 'T:WAVE', type: 'double', count: 20_000, value: Float64Array.from({ length: 20_000 }, (_, i) => i * 0.25) });
  const started = await server.start({ port });
  return { server, port: started.port, writes };
}

function client(port: number): CaClient {
  const c = new CaClient({ env: env(port) });
  clients.push(c);
  return c;
}

/** The next monitor update of a channel that satisfies `ok`. */
function nextValue(ch: CaChannel, ok: (v: CaValue) => boolean = () => true): Promise<CaValue> {
  return new Promise((resolve) => {
    let done = false;
    ch.monitor((v) => {
      if (!done && ok(v)) {
        done = true;
        resolve(v);
      }
    });
  });
}

function connected(ch: CaChannel, want = true): Promise<void> {
  if (ch.connected === want) return Promise.resolve();
  return new Promise((resolve) => ch.onConnection((c) => c === want && resolve()));
}

describe('the CA client against our CA server', () => {
  it('monitors a double with its alarm and time stamp, a string, an enum and a 20,000-double waveform', async () => {
    const { server, port } = await serve();
    const c = client(port);
    const before = Date.now();
    server.getPv('T:DT')!.set(6, before);
    const [dt, text, state, wave] = await Promise.all(['T:DT', 'T:TEXT', 'T:STATE', 'T:WAVE'].map((n) => nextValue(c.channel(n))));
    expect(Array.from(dt.numbers!)).toEqual([6]);
    expect(dt.severity).toBe(1); // above the warning limit 5: MINOR
    expect(Math.abs(dt.stampMs! - before)).toBeLessThan(0.001);
    expect(text.strings).toEqual(['hello']);
    expect(Array.from(state.numbers!)).toEqual([1]);
    expect(wave.count).toBe(20_000);
    expect(wave.numbers![19_999]).toBe(19_999 * 0.25);
    expect(wave.numbers!.every((x, i) => x === i * 0.25)).toBe(true);

    const meta = (await c.channel('T:DT').get()).meta!;
    expect(meta).toMatchObject({ units: 's', precision: 3, limits: { display: { low: 0, high: 10 }, alarm: { low: 0.01, high: 9 }, warning: { high: 5 }, control: { low: 0.01, high: 8 } } });
    expect((await c.channel('T:STATE').get()).meta!.enumStrings).toEqual(['idle', 'running', 'paused']);
  });

  it('puts with completion, and reports a refusal with the reason', async () => {
    const { server, port, writes } = await serve();
    const ch = client(port).channel('T:DT');
    await connected(ch);
    await ch.put(0.25);
    expect(writes).toEqual([0.25]);
    expect(server.getPv('T:DT')!.value).toBe(0.25);
    await expect(ch.put(100)).rejects.toThrow(/T:DT refused: the server refused the put \(PUTFAIL\)/);
    await expect(ch.put('abc')).rejects.toThrow(/refused/);
    expect(writes).toEqual([0.25]);
  });

  it('reconnects by itself after the server restarts, and says since when it was disconnected', async () => {
    const first = await serve();
    const c = client(first.port);
    const ch = c.channel('T:DT');
    const values: number[] = [];
    ch.monitor((v) => values.push(v.numbers![0]));
    await connected(ch);
    await c.barrier();
    await first.server.stop();
    await connected(ch, false);
    expect(ch.disconnectedSince).not.toBeNull();
    expect(ch.disconnects).toBe(1);
    const again = await serve(first.port);
    again.server.getPv('T:DT')!.set(2.5);
    await nextValue(ch, (v) => v.numbers![0] === 2.5);
    expect(ch.connected).toBe(true);
    expect(ch.disconnectedSince).toBeNull();
    expect(values[0]).toBe(1.5);
    expect(values.at(-1)).toBe(2.5);
  });
});

const missing = pyepicsMissing();
describe.skipIf(missing !== null)('with libca (pyepics) on the same server' + (missing ? ` (skipped: ${missing})` : ''), () => {
  it('sees a value pyepics put, and pyepics reads what our client put', async () => {
    const { port } = await serve();
    const ch = client(port).channel('T:DT');
    const seen = nextValue(ch, (v) => v.numbers![0] === 4.25);
    await connected(ch);
    const [put] = await runPy('put.py', ['T:DT', '4.25'], port);
    expect(put).toMatchObject({ connected: true, put_complete: true });
    expect((await seen).numbers![0]).toBe(4.25);
    await ch.put(3.5);
    const [got] = await runPy('get.py', [JSON.stringify([{ name: 'T:DT' }])], port);
    expect(got).toMatchObject({ value: 3.5 });
  });
});
