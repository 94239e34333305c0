// What an attacker can send through browser mode's WebSocket once in: malformed bridge
// messages (each answered, the connection kept, no prototype pollution), raw protocol
// violations and resets written on the TCP socket (the server closes that connection with
// the right code and keeps serving), and 200 pages at once. A security review found these held.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeEvent } from '../../../src-shared/bridge/codec';
import { Page } from '../../../test/support/bridge-page';
import { FakeEngine } from '../../../test/support/fake-engine';
import { Session } from '../../session/session';
import { type RunningServer, startServer } from './server';

const renderer = mkdtempSync(join(tmpdir(), 'rs-door-frames-'));
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>RingScope</title>');
afterAll(() => rmSync(renderer, { recursive: true, force: true }));

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function serve() {
  const host = new Session({ version: '1.0.0', host: 'serve', load: (p) => FakeEngine.load(p, { samples: 8 }) });
  open.push({ close: () => host.close() });
  await host.open('setup.yaml');
  const server = await startServer({ host, port: 0, rendererDir: renderer });
  open.push(server);
  return server;
}

const wsUrl = (s: RunningServer) => `ws://127.0.0.1:${s.port}/ws?token=${s.token}`;

/** Resolves once `cond` holds, checking every few milliseconds (the test's timeout bounds it). */
async function until(cond: () => boolean) {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

/** A page (test/support/bridge-page.ts) whose socket is ended after each test. */
async function connectPage(url: string): Promise<Page> {
  const page = await Page.connect(url);
  open.push({ close: async () => page.ws.terminate() });
  return page;
}

/** The answer a malformed message must get: an error naming the fault, or (carrying a req) a refusing ack. */
type Reply = { type: 'error'; message: string } | { type: 'ack'; req: number; message: string };
const error = (message: string): Reply => ({ type: 'error', message });
const refused = (req: number, message: string): Reply => ({ type: 'ack', req, message });

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const bad = (what: string) => error(`Bad command: ${what}`);

describe('malformed bridge messages', () => {
  const MALFORMED: [string, string | Buffer, Reply][] = [
    ['not JSON', 'start the run please', bad('a command is not valid JSON')],
    ['an empty text frame', '', bad('a command is not valid JSON')],
    ['a binary frame', Buffer.from('{"type":"stop","req":1}'), error('Commands are JSON text; binary messages are not accepted.')],
    ['JSON but a number', '42', bad('a command needs a "type"')],
    ['JSON null', 'null', bad('a command needs a "type"')],
    ['an array', '[]', bad('a command needs a "type"')],
    ['an object without type', '{"req":1}', refused(1, 'Bad command: a command needs a "type"')],
    ['a numeric type', '{"type":7}', bad('a command needs a "type"')],
    ['an unknown type', '{"type":"launch"}', bad('unknown command "launch"')],
    ['the type "__proto__"', '{"type":"__proto__"}', bad('unknown command "__proto__"')],
    ['open without a path', '{"type":"open","req":2}', refused(2, 'Bad command: "path" must be a string')],
    ['set_param without a value', '{"type":"set_param","function":"Fkt_1","name":"x"}', bad('"value" is missing')],
    ['a string req', '{"type":"pause","req":"1"}', bad('"req" must be a number')],
    ['a negative runevents', '{"type":"start","runevents":-5}', bad('"runevents" must be a non-negative number')],
    ['a number too big for a double (Infinity)', '{"type":"start","runtime":1e400}', bad('"runtime" must be a non-negative number')],
    ['a NaN-like string', '{"type":"snapshot_ack","count":"NaN"}', bad('"count" must be a non-negative integer')],
    ['a negative req', '{"type":"pause","req":-1}', refused(-1, 'Cannot pause: no run is in progress.')],
    ['a req beyond 2^53', '{"type":"pause","req":9007199254740993}', refused(2 ** 53, 'Cannot pause: no run is in progress.')],
    [
      'a "__proto__" key and function',
      '{"__proto__":{"polluted":true},"type":"set_param","req":3,"function":"__proto__","name":"polluted","value":true}',
      refused(3, 'There is no function "__proto__".'),
    ],
    [
      'constructor.prototype',
      '{"constructor":{"prototype":{"polluted":true}},"type":"set_param","req":4,"function":"constructor","name":"prototype","value":{"polluted":true}}',
      refused(4, 'There is no function "constructor".'),
    ],
    ['100 000 levels of nesting', `{"type":"start","req":5,"runevents":${deep(100_000)}}`, refused(5, 'Bad command: "runevents" must be a non-negative number')],
    ['an unknown buffer', '{"type":"subscribe","req":6,"buffer":"RB_9"}', refused(6, 'There is no buffer "RB_9" in this setup.')],
  ];

  it('has 22 distinct messages', () => {
    expect(new Set(MALFORMED.map(([, m]) => m.toString())).size).toBe(22);
    expect(MALFORMED.every(([, m]) => m.length < 1 << 20)).toBe(true);
  });

  it.each(MALFORMED)('%s: answered, and the connection stays usable', async (_name, message, reply) => {
    const server = await serve();
    const page = await connectPage(wsUrl(server));
    await page.next('hello');
    const from = page.events.length;
    page.ws.send(message, { binary: Buffer.isBuffer(message) });
    // Commands are answered in arrival order: the next command's ack comes after the reply.
    page.send({ type: 'list_setups', req: 1000 });
    expect(await page.next('ack', (e) => e.req === 1000)).toMatchObject({ ok: true });
    const replies = page.events.slice(from).filter((e) => e.type === 'error' || (e.type === 'ack' && e.req !== 1000));
    expect(replies).toEqual([reply.type === 'ack' ? { type: 'ack', req: reply.req, ok: false, message: reply.message } : reply]);
    expect(page.ws.readyState).toBe(WebSocket.OPEN);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves Object.prototype unpolluted after all of them', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });
});

/** One client frame; masked (as clients must) unless told otherwise. `declared`: the length the header states. */
function frame(opcode: number, payload = Buffer.alloc(0), o: { fin?: boolean; rsv?: number; masked?: boolean; declared?: bigint } = {}) {
  const { fin = true, rsv = 0, masked = true } = o;
  const len = o.declared ?? BigInt(payload.length);
  const head = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  let ext = Buffer.alloc(0);
  if (len < 126n) head.push(Number(len));
  else if (len < 65536n) {
    head.push(126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(len));
  } else {
    head.push(127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(len);
  }
  if (masked) head[1] |= 0x80;
  const key = masked ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (masked) for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);

/** A WebSocket client on a bare TCP socket: our own handshake, then the server's frames as they come. */
class RawClient {
  private buf = Buffer.alloc(0);
  private status: string | null = null;
  readonly frames: { opcode: number; payload: Buffer }[] = [];
  closed = false;
  private wake: () => void = () => {};

  private constructor(readonly sock: Socket) {
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.parse();
      this.wake();
    });
    // A server may reset a connection that breaks the protocol: that is a close too.
    sock.on('error', () => {});
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Connects, upgrades with the token and resolves once hello has arrived. */
  static async open(server: RunningServer): Promise<RawClient> {
    const sock = tcpConnect(server.port, '127.0.0.1');
    open.push({ close: async () => void sock.destroy() });
    const c = new RawClient(sock);
    const key = randomBytes(16).toString('base64');
    sock.write(
      `GET /ws?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`,
    );
    await c.until(() => c.closed || c.frames.some((f) => f.opcode === 1 && decodeEvent(f.payload.toString()).type === 'hello'));
    expect(c.status).toMatch(/^HTTP\/1\.1 101 /);
    expect(c.closed).toBe(false);
    return c;
  }

  until(cond: () => boolean): Promise<void> {
    return new Promise((ok) => {
      const check = () => (cond() ? ok() : (this.wake = check));
      check();
    });
  }

  /** The code of the server's close frame (null: it closed the socket without one). */
  async closeCode(): Promise<number | null> {
    await this.until(() => this.closed || this.frames.some((f) => f.opcode === 8));
    const close = this.frames.find((f) => f.opcode === 8);
    return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : null;
  }

  private parse() {
    if (this.status === null) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.status = this.buf.subarray(0, this.buf.indexOf('\r\n')).toString();
      this.buf = this.buf.subarray(end + 4);
    }
    // Server frames are never masked.
    while (this.buf.length >= 2) {
      let len = this.buf[1] & 0x7f;
      let at = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        at = 10;
      }
      if (this.buf.length < at + len) return;
      this.frames.push({ opcode: this.buf[0] & 0x0f, payload: this.buf.subarray(at, at + len) });
      this.buf = this.buf.subarray(at + len);
    }
  }
}

describe('raw WebSocket frames that break the protocol', () => {
  // [what, the close code the server answers with, the frame]
  const ATTACKS: [string, number, () => Buffer][] = [
    ['a 2 MiB text frame (over the 1 MiB limit)', 1009, () => frame(1, Buffer.alloc(2 << 20, 0x61))],
    ['a header declaring 100 MB', 1009, () => frame(1, Buffer.from('{"type"'), { declared: 100_000_000n })],
    ['a 64-bit length of 2^63', 1009, () => frame(2, Buffer.alloc(0), { declared: 1n << 63n })],
    ['invalid UTF-8 in a text frame', 1007, () => frame(1, Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0xff, 0x22, 0x7d]))],
    ['an unmasked client frame', 1002, () => frame(1, Buffer.from('{"type":"stop","req":1}'), { masked: false })],
    ['a reserved opcode (0x3)', 1002, () => frame(3, Buffer.from('x'))],
    ['RSV bits set without an extension', 1002, () => frame(1, Buffer.from('{"type":"stop"}'), { rsv: 0b111 })],
    ['a fragmented control frame (ping without FIN)', 1002, () => frame(9, Buffer.from('ping'), { fin: false })],
    ['a close frame with the invalid code 999', 1002, () => frame(8, u16(999))],
  ];

  it.each(ATTACKS)('%s: closed with %i, and the server serves the next page', async (_name, code, attack) => {
    const server = await serve();
    const raw = await RawClient.open(server);
    expect(server.clients()).toBe(1);
    raw.sock.write(attack());
    expect(await raw.closeCode()).toBe(code);
    // Our side goes too; the server then forgets the connection.
    raw.sock.end();
    await raw.until(() => raw.closed);
    await until(() => server.clients() === 0);
    // A fresh page is greeted and answered as if nothing had happened.
    const page = await connectPage(wsUrl(server));
    await page.next('hello');
    page.send({ type: 'list_setups', req: 1 });
    expect(await page.next('ack', (e) => e.req === 1)).toMatchObject({ ok: true });
    expect(server.clients()).toBe(1);
  });
});

describe('a client that resets a refused upgrade', () => {
  // [what, request target, extra headers, the refusal's status]
  const REFUSED: [string, string, Record<string, string>, number][] = [
    ['no token', '/ws', {}, 401],
    ['another path', '/other', {}, 404],
    ['a foreign Origin', '/ws?token=TOKEN', { Origin: 'http://evil.example' }, 403],
    ['a foreign Host', '/ws?token=TOKEN', { Host: 'evil.example' }, 403],
  ];

  it.each(REFUSED)('%s: the server survives a TCP reset after its refusal', async (_name, target, extra, status) => {
    const server = await serve();
    const crashes: unknown[] = [];
    const onCrash = (err: unknown) => crashes.push(err);
    process.on('uncaughtException', onCrash);
    try {
      const sock = tcpConnect(server.port, '127.0.0.1');
      open.push({ close: async () => void sock.destroy() });
      sock.on('error', () => {});
      const headers = { Host: `127.0.0.1:${server.port}`, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), ...extra };
      const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
      sock.write(`GET ${target.replace('TOKEN', server.token!)} HTTP/1.1\r\n${lines.join('')}\r\n`);
      const answer = await new Promise<string>((ok) => sock.once('data', (d) => ok(d.toString())));
      expect(answer.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
      // An abortive close (RST), as a crashed or hostile client leaves a connection.
      sock.resetAndDestroy();
      // A fresh page's handshake and round trip take the server well past the reset.
      const page = await connectPage(wsUrl(server));
      await page.next('hello');
      page.send({ type: 'list_setups', req: 1 });
      expect(await page.next('ack', (e) => e.req === 1)).toMatchObject({ ok: true });
      expect(crashes.map(String)).toEqual([]);
    } finally {
      process.off('uncaughtException', onCrash);
    }
  });
});

describe('many pages at once', () => {
  it('greets and answers 200 concurrent pages, and forgets them when they close', { timeout: 120_000 }, async () => {
    const server = await serve();
    const pages = await Promise.all(Array.from({ length: 200 }, () => connectPage(wsUrl(server))));
    const hellos = await Promise.all(pages.map((p) => p.next('hello')));
    expect(hellos.every((h) => h.setup?.runnable)).toBe(true);
    expect(server.clients()).toBe(200);
    pages.forEach((p, i) => p.send({ type: 'list_setups', req: i + 1 }));
    const acks = await Promise.all(pages.map((p, i) => p.next('ack', (e) => e.req === i + 1)));
    expect(acks.every((a) => a.ok)).toBe(true);
    const closed = pages.map((p) => new Promise((ok) => p.ws.once('close', ok)));
    for (const p of pages) p.ws.close();
    await Promise.all(closed);
    await until(() => server.clients() === 0);
    expect(server.clients()).toBe(0);
  });
});
