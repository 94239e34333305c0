import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SNAPSHOT_WINDOW } from '../../../src-shared/bridge/protocol';
import { Page } from '../../../test/support/bridge-page';
import { FakeEngine } from '../../../test/support/fake-engine';
import { MAX_WAITING_COMMANDS } from '../../session/clients';
import { Session } from '../../session/session';
import { findRendererDir, type RunningServer, startServer } from './server';

const renderer = mkdtempSync(join(tmpdir(), 'rs-renderer-'));
mkdirSync(join(renderer, 'assets'));
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>RingScope</title>');
writeFileSync(join(renderer, 'assets', 'app-1234.js'), 'console.log(1)');
writeFileSync(join(renderer, '..', 'secret.txt'), 'no');
afterAll(() => rmSync(renderer, { recursive: true, force: true }));

const engines: FakeEngine[] = [];
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function serve(opts: { listenHost?: string; token?: string; noToken?: boolean; heartbeatMs?: number } = {}) {
  const host = new Session({
    version: '1.0.0',
    host: 'serve',
    load: async (p) => {
      const r = await FakeEngine.load(p, { samples: 8 });
      if (r.engine) engines.push(r.engine);
      return r;
    },
  });
  await host.open('setup.yaml');
  const server = await startServer({ host, port: 0, rendererDir: renderer, ...opts });
  open.push(server, { close: () => host.close() });
  return { host, server, engine: engines.at(-1)! };
}

/** A GET with the server's token in the query (pass `withToken` false to go without). */
function get(server: RunningServer, path: string, headers: Record<string, string> = {}, withToken = true) {
  if (withToken && server.token) path += `${path.includes('?') ? '&' : '?'}token=${server.token}`;
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => ok({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** The WebSocket address, with the server's token unless `q` says otherwise. */
const wsUrl = (s: RunningServer, q = s.token ? `?token=${s.token}` : '') => `ws://127.0.0.1:${s.port}/ws${q}`;

describe('static files', () => {
  it('serves the page and its assets, and nothing outside the renderer folder', async () => {
    const { server } = await serve();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    const page = await get(server, '/?x=1');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).toContain('<title>RingScope</title>');
    const js = await get(server, '/assets/app-1234.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(server, '/../secret.txt')).status).not.toBe(200);
    expect((await get(server, '/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get(server, '/%2F..%2Fsecret.txt')).status).toBe(403);
    expect((await get(server, '/missing.js')).status).toBe(404);
    expect((await get(server, '/', { host: 'evil.example' })).status).toBe(403);
  });

  it('explains a missing build', async () => {
    const host = new Session({ version: '1', host: 'serve', load: (p) => FakeEngine.load(p) });
    const server = await startServer({ host, port: 0, rendererDir: null });
    open.push(server);
    const r = await get(server, '/');
    expect(r.status).toBe(503);
    expect(r.body).toContain('npm run build');
  });

  it('finds out/renderer from the source tree or the build', () => {
    const root = mkdtempSync(join(tmpdir(), 'rs-find-'));
    mkdirSync(join(root, 'out', 'renderer'), { recursive: true });
    mkdirSync(join(root, 'out', 'main', 'chunks'), { recursive: true });
    mkdirSync(join(root, 'src-main', 'hosts', 'web'), { recursive: true });
    writeFileSync(join(root, 'out', 'renderer', 'index.html'), '');
    expect(findRendererDir(join(root, 'out', 'main', 'cli.js'))).toBe(join(root, 'out', 'renderer'));
    expect(findRendererDir(join(root, 'out', 'main', 'chunks', 'serve-x.js'))).toBe(join(root, 'out', 'renderer'));
    expect(findRendererDir(join(root, 'src-main', 'hosts', 'web', 'server.ts'))).toBe(join(root, 'out', 'renderer'));
    rmSync(root, { recursive: true, force: true });
  });
});

describe('WebSocket bridge', () => {
  it('greets a page and runs commands; two pages see the same run', async () => {
    const { server, engine } = await serve();
    const a = await Page.connect(wsUrl(server));
    const hello = await a.next('hello');
    expect(hello.setup!.runnable).toBe(true);
    a.send({ type: 'start', req: 1 });
    expect(await a.next('ack', (e) => e.req === 1)).toMatchObject({ ok: true });
    const b = await Page.connect(wsUrl(server));
    expect((await b.next('hello')).status!.state).toBe('running');
    engine.tick(30);
    engine.emitStatus();
    expect((await b.next('status', (e) => e.status.source_events === 30)).status.state).toBe('running');
    b.send({ type: 'stop', req: 2 });
    expect((await a.next('run_ended')).summary.buffers.RB_1.written).toBe(30);
    expect(await b.next('ack', (e) => e.req === 2)).toMatchObject({ ok: true });
  });

  it('sends snapshots as binary frames, no more than the window until acknowledged', async () => {
    const { server, engine } = await serve();
    const a = await Page.connect(wsUrl(server));
    await a.next('hello');
    a.send({ type: 'subscribe', req: 1, buffer: 'RB_2', hz: 240 });
    a.send({ type: 'start', req: 2 });
    await a.next('ack', (e) => e.req === 2);
    engine.tick(1);
    engine.deliverSnapshots();
    const first = await a.next('snapshot');
    expect(first.snapshot.fields[0].data).toBeInstanceOf(Float32Array);
    expect(first.snapshot.fields[0].data).toHaveLength(8);
    // Without acks, at most SNAPSHOT_WINDOW arrive however many the engine offers.
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 5));
      engine.tick(1);
      engine.deliverSnapshots();
    }
    // A ping round trip proves the server sent everything it was going to.
    a.send({ type: 'pause', req: 3 });
    await a.next('ack', (e) => e.req === 3);
    expect(a.events.filter((e) => e.type === 'snapshot')).toHaveLength(SNAPSHOT_WINDOW);
    a.send({ type: 'snapshot_ack', count: SNAPSHOT_WINDOW });
    a.send({ type: 'resume', req: 4 });
    await a.next('ack', (e) => e.req === 4);
    engine.tick(1);
    engine.deliverSnapshots();
    const third = await a.next('snapshot', (e) => e.snapshot.seq > first.snapshot.seq, a.events.length);
    expect(third.snapshot.buffer).toBe('RB_2');
  });

  it('answers malformed commands with an error and keeps the connection', async () => {
    const { server } = await serve();
    const a = await Page.connect(wsUrl(server));
    await a.next('hello');
    a.ws.send('{"type":"launch"}');
    expect((await a.next('error')).message).toBe('Bad command: unknown command "launch"');
    a.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await a.next('error', (e) => e.message.includes('binary'))).message).toContain('JSON text');
    a.send({ type: 'pause', req: 1 });
    expect(await a.next('ack')).toMatchObject({ ok: false, message: 'Cannot pause: no run is in progress.' });
  });

  it('refuses other paths, foreign origins and foreign Host headers', async () => {
    const { server } = await serve();
    await expect(Page.connect(`ws://127.0.0.1:${server.port}/other`)).rejects.toThrow('HTTP 404');
    await expect(Page.connect(wsUrl(server), { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(Page.connect(wsUrl(server), { host: 'evil.example' })).rejects.toThrow('HTTP 403');
    const ok = await Page.connect(wsUrl(server), { origin: `http://127.0.0.1:${server.port}` });
    await ok.next('hello');
    ok.ws.close();
  });

  it('requires the access token on loopback too, and keeps it in a cookie for reloads', async () => {
    const { server } = await serve();
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // Without the token: neither the page nor the WebSocket.
    const bare = await get(server, '/', {}, false);
    expect(bare.status).toBe(401);
    expect(bare.body).toContain('access token');
    await expect(Page.connect(wsUrl(server, ''))).rejects.toThrow('HTTP 401');
    await expect(Page.connect(wsUrl(server, '?token=wrong'))).rejects.toThrow('HTTP 401');
    // The printed address sets the cookie ...
    const first = await get(server, '/');
    expect(first.status).toBe(200);
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toContain(`ringscope-token-${server.port}=${server.token}`);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    // ... which a reload (and the page's WebSocket) presents instead of the address.
    const cookie = `other=1; ringscope-token-${server.port}=${server.token}`;
    expect((await get(server, '/', { cookie }, false)).status).toBe(200);
    const page = await Page.connect(wsUrl(server, ''), { cookie });
    expect((await page.next('hello')).control).toBe('all');
    page.ws.close();
    await expect(Page.connect(wsUrl(server, ''), { cookie: `ringscope-token-${server.port}=forged` })).rejects.toThrow('HTTP 401');
    // The hashed assets are the public app: served without the token.
    expect((await get(server, '/assets/app-1234.js', {}, false)).status).toBe(200);
  });

  it('goes without a token only when told to, and only on loopback', async () => {
    const { server } = await serve({ noToken: true });
    expect(server.token).toBeNull();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect((await get(server, '/', {}, false)).status).toBe(200);
    const page = await Page.connect(wsUrl(server, ''));
    await page.next('hello');
    page.ws.close();
    const host = new Session({ version: '1', host: 'serve', load: (p) => FakeEngine.load(p) });
    await expect(startServer({ host, port: 0, listenHost: '0.0.0.0', noToken: true, rendererDir: renderer })).rejects.toThrow('only a loopback address may go without one');
  });

  it('keeps a page that answers pings connected across many heartbeats', async () => {
    const { server } = await serve({ heartbeatMs: 40 });
    const a = await Page.connect(wsUrl(server));
    await a.next('hello');
    let pings = 0;
    let closed = false;
    a.ws.on('close', () => (closed = true));
    await new Promise<void>((ok) => {
      a.ws.on('ping', () => ++pings === 8 && ok());
      a.ws.on('close', () => ok());
    });
    // Eight heartbeats later the same connection still carries commands.
    expect(closed).toBe(false);
    expect(pings).toBe(8);
    a.send({ type: 'list_setups', req: 1 });
    expect(await a.next('ack', (e) => e.req === 1)).toMatchObject({ ok: true });
    expect(server.clients()).toBe(1);
    a.ws.close();
  });

  it('drops a page that stops answering pings, and only that one', async () => {
    const { server } = await serve({ heartbeatMs: 40 });
    const live = await Page.connect(wsUrl(server));
    const dead = await Page.connect(wsUrl(server), {}, { autoPong: false });
    await Promise.all([live.next('hello'), dead.next('hello')]);
    const code = await new Promise<number>((ok) => dead.ws.on('close', (c) => ok(c)));
    expect(code).toBe(1006); // terminated, no closing handshake
    // The server forgets the socket once its own side has closed.
    while (server.clients() !== 1) await new Promise((r) => setTimeout(r, 5));
    live.send({ type: 'list_setups', req: 1 });
    expect(await live.next('ack', (e) => e.req === 1)).toMatchObject({ ok: true });
    live.ws.close();
  });

  it('serves a second page while a first floods it with commands, and refuses a flood beyond what may wait', async () => {
    const examplesDir = join(import.meta.dirname, '..', '..', '..', 'examples');
    const host = new Session({ version: '1', host: 'serve', examplesDir, load: (p) => FakeEngine.load(p) });
    const server = await startServer({ host, port: 0, rendererDir: renderer });
    open.push(server, { close: () => host.close() });
    const lists = (p: Page) => p.events.filter((e) => e.type === 'setup_list').length;
    const a = await Page.connect(wsUrl(server));
    await a.next('hello');
    // Each list_setups reads every example: hundreds of them keep the server busy for a while.
    const flood = MAX_WAITING_COMMANDS - 100;
    for (let i = 0; i < flood; i++) a.send({ type: 'list_setups' });
    await a.next('setup_list');
    const b = await Page.connect(wsUrl(server));
    await b.next('hello');
    // B was greeted while A's flood was being worked through, not after it ...
    expect(lists(a)).toBeLessThan(flood / 4);
    // ... and B's own command is answered long before A's flood is.
    b.send({ type: 'list_setups', req: 1 });
    await b.next('ack', (e) => e.req === 1);
    expect(lists(a)).toBeLessThan(flood / 2);
    await a.next('setup_list', () => lists(a) === flood);
    expect(a.events.filter((e) => e.type === 'error')).toEqual([]);

    // More than may wait: the excess is refused at once, in words; the rest is answered.
    const excess = 300;
    for (let i = 0; i < MAX_WAITING_COMMANDS + excess; i++) a.send({ type: 'list_setups' });
    await a.next('setup_list', () => lists(a) + a.events.filter((e) => e.type === 'error').length === flood + MAX_WAITING_COMMANDS + excess);
    const refused = a.events.filter((e) => e.type === 'error');
    expect(refused.length).toBeGreaterThanOrEqual(excess - 1);
    expect(refused.every((e) => e.type === 'error' && e.message.startsWith('Too many commands at once'))).toBe(true);
    a.ws.close();
    b.ws.close();
    // Thousands of list_setups over every example (more of them now): fairness is asserted, not speed.
  }, 180_000);

  it('requires the access token beyond loopback', async () => {
    const { server } = await serve({ listenHost: '0.0.0.0', token: 'sesame-0123456789' });
    expect(server.token).toBe('sesame-0123456789');
    expect(server.url).toMatch(/^http:\/\/.+:\d+\/\?token=sesame-0123456789$/);
    await expect(Page.connect(wsUrl(server, ''))).rejects.toThrow('HTTP 401');
    await expect(Page.connect(wsUrl(server, '?token=sesame'))).rejects.toThrow('HTTP 401');
    const page = await Page.connect(wsUrl(server, '?token=sesame-0123456789'));
    expect((await page.next('hello')).control).toBe('all');
    page.ws.close();
  });
});
