// The CA server under hostile or careless traffic, from raw Node sockets:
// whatever one client sends, the server keeps answering the others.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Cmd, CA_MINOR_VERSION, DbrBase, Eca, encodeHeader, encodeMessage, stringPayload } from '../../src-workers/epics/protocol';
import { CaRepeater } from './repeater';
import { CaServer } from './server';
import { CaTestClient, parseAll, udpSearch } from '../../test/support/epics/ca-client';

const servers: CaServer[] = [];
const sockets: { destroy(): void }[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function serve(): Promise<{ server: CaServer; port: number; logs: string[] }> {
  const logs: string[] = [];
  const server = new CaServer({ log: (_l, m) => logs.push(m) });
  servers.push(server);
  server.addPv({ name: 'R:X', type: 'double', value: 1 });
  server.addPv({ name: 'R:S', type: 'string', value: 'text' });
  server.addPv({ name: 'R:W', type: 'float', count: 100, value: new Array(100).fill(0.5) });
  const { port } = await server.start({ port: 0 });
  return { server, port, logs };
}

/** A fresh client proves the server still serves: connect, create, read. */
async function stillServes(port: number): Promise<void> {
  const c = await CaTestClient.connect(port);
  sockets.push({ destroy: () => c.close() });
  const ch = await c.create('R:S');
  expect(ch).not.toBeNull();
  const m = await c.read(ch!.sid, DbrBase.STRING);
  expect(m.p1).toBe(Eca.NORMAL);
  expect(m.payload.toString('utf8', 0, 4)).toBe('text');
  c.close();
}

async function rawConnect(port: number): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  sockets.push(s);
  await new Promise<void>((r, j) => {
    s.once('connect', () => r());
    s.once('error', j);
  });
  return s;
}

function closed(s: net.Socket): Promise<void> {
  return new Promise((r) => {
    if (s.destroyed || s.readableEnded) r();
    s.once('close', () => r());
    s.once('end', () => r());
  });
}

async function waitUntil(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('CA server robustness', () => {
  it('answers searches, NOT_FOUND only when asked', async () => {
    const { port } = await serve();
    const found = await udpSearch(port, ['R:X', 'R:NOPE'], 500, 5);
    const search = found.filter((m) => m.command === Cmd.SEARCH);
    expect(search).toHaveLength(1);
    expect(search[0]).toMatchObject({ dataType: port, p1: 0xffffffff, p2: 1, payloadSize: 8 });
    expect(search[0].payload.readUInt16BE(0)).toBe(CA_MINOR_VERSION);
    expect(found[0]).toMatchObject({ command: Cmd.VERSION, count: CA_MINOR_VERSION, p1: 77 });
    expect(found.some((m) => m.command === Cmd.NOT_FOUND)).toBe(false);
    const asked = await udpSearch(port, ['R:NOPE'], 500, 10);
    expect(asked.filter((m) => m.command === Cmd.NOT_FOUND)).toHaveLength(1);
  });

  it('survives malformed and truncated datagrams', async () => {
    const { port } = await serve();
    const sock = dgram.createSocket('udp4');
    sockets.push({ destroy: () => sock.close() });
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const name = stringPayload('R:X');
    const junk = [
      Buffer.alloc(0),
      Buffer.from([1, 2, 3]),
      encodeHeader(Cmd.SEARCH, 0, 5, 13, 1, 1).subarray(0, 10),
      // Declares a payload past the datagram's end.
      Buffer.concat([encodeHeader(Cmd.SEARCH, 64, 5, 13, 1, 1), name]),
      // The extended form, which datagrams never use.
      Buffer.concat([encodeHeader(Cmd.SEARCH, 0x10000, 5, 13, 1, 1), name]),
      // A name without its NUL, filling the payload.
      Buffer.concat([encodeHeader(Cmd.SEARCH, 8, 5, 13, 1, 1), Buffer.from('R:XXXXXX')]),
      Buffer.from(Array.from({ length: 1400 }, (_, i) => (i * 37) & 255)),
      Buffer.concat([encodeHeader(99, 0, 0, 0, 0, 0), encodeHeader(Cmd.SEARCH, 8, 5, 13, 1, 1)]),
    ];
    for (const j of junk) sock.send(j, port, '127.0.0.1');
    const ok = await udpSearch(port, ['R:X'], 500);
    expect(ok.filter((m) => m.command === Cmd.SEARCH)).toHaveLength(1);
  });

  it('answers many searches in one datagram, split into replies that fit', async () => {
    const { server, port } = await serve();
    const names: string[] = [];
    for (let i = 0; i < 120; i++) {
      server.addPv({ name: `R:MANY:${i}`, type: 'long', value: i });
      names.push(`R:MANY:${i}`);
    }
    const replies = await udpSearch(port, names, 800);
    const ids = replies.filter((m) => m.command === Cmd.SEARCH).map((m) => m.p2);
    expect(new Set(ids).size).toBe(120);
  });

  it('closes a circuit that declares an oversized payload, and serves others', async () => {
    const { server, port, logs } = await serve();
    const s = await rawConnect(port);
    const h = Buffer.alloc(24);
    h.writeUInt16BE(Cmd.WRITE, 0);
    h.writeUInt16BE(0xffff, 2);
    h.writeUInt32BE(0xfffffff0, 16);
    h.writeUInt32BE(1, 20);
    s.write(h);
    await closed(s);
    expect(logs.some((l) => /payload/.test(l))).toBe(true);
    await waitUntil(() => server.stats().circuits === 0);
    await stillServes(port);
  });

  it('closes a circuit that sends garbage, and serves others', async () => {
    const { port } = await serve();
    const s = await rawConnect(port);
    s.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await closed(s);
    await stillServes(port);
  });

  it('forgets a client that vanishes mid-message', async () => {
    const { server, port } = await serve();
    const c = await CaTestClient.connect(port);
    const ch = await c.create('R:X');
    c.subscribe(ch!.sid, DbrBase.DOUBLE);
    await c.waitFor((m) => m.command === Cmd.EVENT_ADD);
    expect(server.stats()).toMatchObject({ circuits: 1, subscriptions: 1 });
    // Half a WRITE: header promises 8 bytes, 3 arrive, then the connection is gone.
    c.socket.write(Buffer.concat([encodeHeader(Cmd.WRITE, 8, DbrBase.DOUBLE, 1, ch!.sid, 1), Buffer.from([1, 2, 3])]));
    c.socket.destroy();
    await waitUntil(() => server.stats().circuits === 0);
    expect(server.stats().subscriptions).toBe(0);
    // Half a header, then gone.
    const s = await rawConnect(port);
    s.write(encodeHeader(Cmd.VERSION, 0, 0, 13, 0, 0).subarray(0, 7));
    s.destroy();
    server.getPv('R:X')!.set(2); // posting to nobody is fine
    server.getPv('R:X')!.set(1);
    await waitUntil(() => server.stats().circuits === 0);
    await stillServes(port);
  });

  it('reassembles messages split byte by byte and glued together', async () => {
    const { port } = await serve();
    const s = await rawConnect(port);
    const got: Buffer[] = [];
    s.on('data', (d) => got.push(d));
    const msgs = Buffer.concat([
      encodeHeader(Cmd.VERSION, 0, 0, 13, 0, 0),
      encodeMessage(Cmd.CREATE_CHAN, 0, 0, 5, 13, stringPayload('R:S')),
      encodeHeader(Cmd.READ_NOTIFY, 0, DbrBase.STRING, 0, 1, 9),
      encodeHeader(Cmd.ECHO, 0, 0, 0, 0, 0),
    ]);
    for (let i = 0; i < msgs.length; i++) {
      s.write(msgs.subarray(i, i + 1));
      if (i % 7 === 0) await new Promise((r) => setImmediate(r));
    }
    await waitUntil(() => parseAll(Buffer.concat(got)).some((m) => m.command === Cmd.ECHO));
    const all = parseAll(Buffer.concat(got));
    const read = all.find((m) => m.command === Cmd.READ_NOTIFY)!;
    expect(read.p1).toBe(Eca.NORMAL);
    expect(read.payload.toString('utf8', 0, 4)).toBe('text');
  });

  it('answers bad requests with status codes, keeping the circuit', async () => {
    const { port } = await serve();
    const c = await CaTestClient.connect(port);
    sockets.push({ destroy: () => c.close() });
    expect(await c.create('R:NOPE')).toBeNull();
    const s = (await c.create('R:S'))!;
    const x = (await c.create('R:X'))!;
    const w = (await c.create('R:W'))!;
    expect(w).toMatchObject({ type: DbrBase.FLOAT, count: 100, rights: 1 });
    expect((await c.read(s.sid, DbrBase.DOUBLE)).p1).toBe(Eca.BADTYPE); // text as a number
    expect((await c.read(x.sid, 35)).p1).toBe(Eca.BADTYPE);
    expect((await c.read(x.sid, DbrBase.DOUBLE, 2)).p1).toBe(Eca.BADCOUNT);
    expect((await c.read(12345, DbrBase.DOUBLE)).p1).toBe(Eca.BADCHID);
    const eight = Buffer.alloc(8);
    expect(await c.writeNotify(x.sid, DbrBase.DOUBLE, 1, eight)).toBe(Eca.NOWTACCESS);
    // A plain WRITE that fails answers with ERROR, naming the client's channel id.
    c.send(encodeMessage(Cmd.WRITE, DbrBase.DOUBLE, 1, x.sid, 1, eight));
    const err = await c.waitFor((m) => m.command === Cmd.ERROR);
    expect(err).toMatchObject({ p1: x.cid, p2: Eca.NOWTACCESS });
    expect(err.payload.readUInt16BE(0)).toBe(Cmd.WRITE);
    // Everything typed 0–34 converts: the float waveform as strings, as CTRL_LONG.
    const asText = await c.read(w.sid, DbrBase.STRING, 3);
    expect(asText).toMatchObject({ p1: Eca.NORMAL, count: 3 });
    expect(asText.payload.toString('utf8', 0, 3)).toBe('0.5');
    for (let t = 0; t <= 34; t++) expect((await c.read(w.sid, t)).p1).toBe(Eca.NORMAL);
    await c.echo();
  });

  it('stops reading from a client that does not read its replies, and catches up when it does', async () => {
    const { server, port } = await serve();
    server.addPv({ name: 'R:BIG', type: 'double', count: 20_000, value: new Float64Array(20_000).fill(2) });
    const c = await CaTestClient.connect(port);
    sockets.push({ destroy: () => c.close() });
    const big = (await c.create('R:BIG'))!;
    let replies = 0;
    c.onMessage((m) => {
      if (m.command === Cmd.READ_NOTIFY) replies++;
    });
    c.socket.pause(); // the client stops reading
    const N = 400; // 400 × 160 kB = 64 MB of replies asked for in one go
    c.send(Buffer.concat(Array.from({ length: N }, (_, i) => encodeHeader(Cmd.READ_NOTIFY, 0, DbrBase.DOUBLE, 0, big.sid, 1000 + i))));
    await new Promise((r) => setTimeout(r, 500));
    // The server answered only what fits its send window, then waited.
    expect(server.stats().bytesSent).toBeLessThan((N / 2) * 160_000);
    await stillServes(port);
    c.socket.resume();
    await waitUntil(() => replies === N, 60_000);
  });

  it('pauses monitors on EVENTS_OFF and sends the newest on EVENTS_ON', async () => {
    const { server, port } = await serve();
    const c = await CaTestClient.connect(port);
    sockets.push({ destroy: () => c.close() });
    const x = (await c.create('R:X'))!;
    const id = c.subscribe(x.sid, DbrBase.DOUBLE);
    await c.waitFor((m) => m.command === Cmd.EVENT_ADD && m.p2 === id);
    c.send(encodeHeader(Cmd.EVENTS_OFF, 0, 0, 0, 0, 0));
    await c.echo(); // EVENTS_OFF has arrived
    c.keepReceived = true;
    for (let v = 10; v <= 15; v++) {
      server.getPv('R:X')!.set(v);
      await new Promise((r) => setTimeout(r, 30));
    }
    await waitUntil(() => server.stats().monitorsDeferred > 0);
    await c.echo();
    expect(c.received.filter((m) => m.command === Cmd.EVENT_ADD)).toHaveLength(0);
    c.send(encodeHeader(Cmd.EVENTS_ON, 0, 0, 0, 0, 0));
    const m = await c.waitFor((m) => m.command === Cmd.EVENT_ADD && m.p2 === id);
    expect(m.payload.readDoubleBE(0)).toBe(15);
    // Cancel: confirmed by an empty EVENT_ADD.
    c.send(encodeHeader(Cmd.EVENT_CANCEL, 0, DbrBase.DOUBLE, 1, x.sid, id));
    const conf = await c.waitFor((m) => m.command === Cmd.EVENT_ADD && m.payloadSize === 0);
    expect(conf.p2).toBe(id);
    expect(server.stats().subscriptions).toBe(0);
  });

  it('keeps 50 monitoring clients up to date and still answers everyone', async () => {
    const { server, port } = await serve();
    const pv = server.getPv('R:X')!;
    const clients: CaTestClient[] = [];
    const last: number[] = [];
    for (let i = 0; i < 50; i++) {
      const c = await CaTestClient.connect(port);
      sockets.push({ destroy: () => c.close() });
      const ch = (await c.create('R:X'))!;
      const id = c.subscribe(ch.sid, 20 /* DBR_TIME_DOUBLE */);
      c.onMessage((m) => {
        if (m.command === Cmd.EVENT_ADD && m.p2 === id && m.payloadSize) last[i] = m.payload.readDoubleBE(16);
      });
      clients.push(c);
    }
    await waitUntil(() => last.filter((v) => v === 1).length === 50);
    expect(server.stats()).toMatchObject({ circuits: 50, subscriptions: 50 });
    for (let v = 2; v <= 20; v++) {
      pv.set(v);
      await waitUntil(() => last.every((x) => x === v));
    }
    await stillServes(port);
    for (const c of clients) c.close();
    await waitUntil(() => server.stats().circuits === 0);
  });

  it('stops cleanly with clients attached and starts again on the same port', async () => {
    const { server, port } = await serve();
    const c = await CaTestClient.connect(port);
    await c.create('R:X');
    await server.stop();
    await waitUntil(() => c.closed);
    await server.start({ port });
    await stillServes(port);
  });

  it('sends beacons (version, port, sequence, address), and a repeater fans them out to registered clients', async () => {
    // A registered client of our repeater; the server's beacons go to the repeater's port.
    const probe = dgram.createSocket('udp4');
    sockets.push({ destroy: () => probe.close() });
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    const repeaterPort = await new Promise<number>((resolve) => {
      const t = dgram.createSocket('udp4');
      t.bind(0, () => {
        const p = t.address().port;
        t.close(() => resolve(p));
      });
    });
    const repeater = new CaRepeater();
    expect(await repeater.start(repeaterPort)).toBe(true);
    expect(await new CaRepeater().start(repeaterPort)).toBe(false); // one per port
    try {
      const got: ReturnType<typeof parseAll> = [];
      probe.on('message', (m) => got.push(...parseAll(m)));
      probe.send(encodeHeader(Cmd.REPEATER_REGISTER, 0, 0, 0, 0, 0x7f000001), repeaterPort, '127.0.0.1');
      await waitUntil(() => got.some((m) => m.command === Cmd.REPEATER_CONFIRM));
      const server = new CaServer();
      servers.push(server);
      const { port } = await server.start({ port: 0, beaconAddresses: [`127.0.0.1:${repeaterPort}`] });
      await waitUntil(() => got.filter((m) => m.command === Cmd.RSRV_IS_UP).length >= 3);
      const beacons = got.filter((m) => m.command === Cmd.RSRV_IS_UP);
      expect(beacons[0]).toMatchObject({ dataType: CA_MINOR_VERSION, count: port });
      expect(beacons.slice(0, 3).map((b) => b.p1)).toEqual([0, 1, 2]);
      // The beacon named no address (bound to all interfaces): the repeater fills in the sender's.
      expect(beacons[0].p2).toBe(0x7f000001);
    } finally {
      await repeater.stop();
    }
  });

  it('refuses a port that is taken, naming it', async () => {
    const { port } = await serve();
    const other = new CaServer();
    await expect(other.start({ port })).rejects.toThrow(String(port));
  });
});
