// Malformed and hostile server replies never crash the client: junk search
// replies, truncated headers, payloads shorter than declared, unknown commands
// and DBR types, a 2 GB extended header. Each is counted and dropped, or closes
// that one circuit; the client reconnects and takes the next good value.
import { afterEach, describe, expect, it } from 'vitest';
import { Cmd, encodeHeader, encodeMessage } from './protocol';
import { HostileServer, timeDouble, update, type Script } from '../../test/support/epics/hostile-server';
import { CaClient, type CaChannel } from './client';

const servers: HostileServer[] = [];
const clients: CaClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function setUp(script: Script): Promise<{ client: CaClient; ch: CaChannel; values: number[]; logged: string[] }> {
  const server = new HostileServer(script);
  servers.push(server);
  const port = await server.start();
  const logged: string[] = [];
  const client = new CaClient({
    env: { EPICS_CA_ADDR_LIST: '127.0.0.1', EPICS_CA_AUTO_ADDR_LIST: 'NO', EPICS_CA_SERVER_PORT: String(port) },
    log: (_l, m) => logged.push(m),
  });
  clients.push(client);
  const ch = client.channel('H:X');
  const values: number[] = [];
  ch.monitor((v) => values.push(v.numbers![0]));
  return { client, ch, values, logged };
}

function valueReached(values: number[], want: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (values.includes(want)) {
        clearInterval(t);
        resolve();
      }
    }, 5);
  });
}

describe('the CA client against a hostile server', () => {
  it('drops malformed monitors, unknown commands and types; a 2 GB extended header closes only that circuit', async () => {
    const { client, ch, values, logged } = await setUp((conn, m) => {
      if (m.command === Cmd.CREATE_CHAN) conn.accept(m);
      if (m.command !== Cmd.EVENT_ADD) return;
      if (conn.number === 1) {
        // 100 doubles declared, one sent: the payload is 24 bytes where 816 are needed.
        conn.send(encodeMessage(Cmd.EVENT_ADD, 20, 100, 1, m.p2, timeDouble(-1)));
        conn.send(encodeHeader(999, 0, 0, 0, 0, 0));
        conn.send(encodeMessage(Cmd.EVENT_ADD, 99, 1, 1, m.p2, timeDouble(-2)));
        conn.send(encodeMessage(Cmd.EVENT_ADD, 20, 1, 160, m.p2, timeDouble(-3)));
        conn.send(encodeMessage(Cmd.CREATE_CHAN, 77, 1, 424242, 1, Buffer.alloc(0)));
        conn.send(update(m, 1));
        // A 2 GB extended header: 24 bytes that promise 2^31 more.
        const h = encodeHeader(Cmd.EVENT_ADD, 0x80000000, 20, 1, 1, m.p2);
        conn.send(h);
      } else if (conn.number === 2) {
        conn.send(encodeHeader(Cmd.EVENT_ADD, 24, 20, 1, 1, m.p2).subarray(0, 9));
        conn.close();
      } else {
        conn.send(update(m, 2));
      }
    });
    await valueReached(values, 2);
    expect(values).toEqual([1, 2]);
    expect(client.stats.badMessages).toBeGreaterThanOrEqual(5);
    expect(client.stats.protocolErrors).toBe(1);
    expect(client.searchErrors).toBeGreaterThanOrEqual(3);
    expect(ch.disconnects).toBe(2);
    expect(ch.connected).toBe(true);
    expect(logged.join('\n')).toMatch(/declares a 2147483648-byte payload, over the limit of 16777216 bytes \(EPICS_CA_MAX_ARRAY_BYTES\); circuit closed/);
    expect(logged.join('\n')).toMatch(/needs 816 bytes, the payload has 24/);
    expect(logged.join('\n')).toMatch(/unknown command 999/);
  });

  it('survives random messages (any command, type, count, payload) and random bytes', async () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const { client, values } = await setUp((conn, m) => {
      if (m.command === Cmd.CREATE_CHAN) conn.accept(m);
      if (m.command !== Cmd.EVENT_ADD) return;
      const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
      if (conn.number <= 3) {
        // Well-framed nonsense: every handler sees it. Commands 0–30 (the channel's own 18 and 1 among them),
        // any DBR type, counts up to 5000, the subscription's id half of the time, payloads of 0–64 bytes.
        for (let i = 0; i < 300; i++) {
          const size = Math.floor(rnd() * 9) * 8;
          const command = [Cmd.EVENT_ADD, Cmd.READ_NOTIFY, Cmd.CREATE_CHAN][i % 3] ?? 0;
          const type = Math.floor(rnd() * 40);
          const pick = rnd() < 0.5 ? m.p2 : Math.floor(rnd() * 2 ** 32);
          conn.send(encodeMessage(i % 5 === 4 ? Math.floor(rnd() * 31) : command, type, Math.floor(rnd() * 5000), rnd() < 0.5 ? 1 : Math.floor(rnd() * 400), pick, bytes(size)));
        }
        conn.send(bytes(200));
        conn.close();
      } else conn.send(update(m, 7));
    });
    await valueReached(values, 7);
    expect(values.at(-1)).toBe(7);
    expect(client.stats.badMessages + client.stats.protocolErrors).toBeGreaterThan(0);
  });
});
