// The door of browser mode, as an attacker meets it over HTTP: path traversal on
// the static server, foreign Host headers (DNS rebinding), foreign Origins on the
// WebSocket upgrade, and the access token beyond loopback. A security review found
// each of these refused; these tables keep it so (door-frames.test.ts: the WebSocket).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeEvent } from '../../../src-shared/bridge/codec';
import type { HostEvent } from '../../../src-shared/bridge/protocol';
import { FakeEngine } from '../../../test/support/fake-engine';
import { Session } from '../../session/session';
import { type RunningServer, startServer } from './server';

// base/renderer is served; base/secret.txt and base/renderer-private/secret.txt must never be.
const SECRET = `door-secret-${randomUUID()}`;
const base = mkdtempSync(join(tmpdir(), 'rs-door-'));
const renderer = join(base, 'renderer');
mkdirSync(join(renderer, 'assets'), { recursive: true });
mkdirSync(join(base, 'renderer-private'));
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>RingScope</title>');
writeFileSync(join(renderer, 'assets', 'app-1234.js'), 'console.log(1)');
writeFileSync(join(base, 'secret.txt'), SECRET);
writeFileSync(join(base, 'renderer-private', 'secret.txt'), SECRET);
afterAll(() => rmSync(base, { recursive: true, force: true }));

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function serve(opts: { listenHost?: string; token?: string } = {}) {
  const host = new Session({ version: '1.0.0', host: 'serve', load: (p) => FakeEngine.load(p, { samples: 8 }) });
  open.push({ close: () => host.close() });
  await host.open('setup.yaml');
  const server = await startServer({ host, port: 0, rendererDir: renderer, ...opts });
  open.push(server);
  return server;
}

/** The cookie a page that once opened the printed address presents. */
const cookieOf = (s: RunningServer, token = s.token!) => `ringscope-token-${s.port}=${token}`;

/** A GET with exactly this request target and these headers (setHost false: no Host header unless given). */
function get(port: number, path: string, headers: Record<string, string> = {}, setHost = true) {
  return new Promise<{ status: number; body: string }>((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers, setHost, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => ok({ status: res.statusCode!, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** A WebSocket upgrade request: resolves 101 when the server accepts it, else the status of its refusal. */
function upgrade(port: number, path: string, headers: Record<string, string> = {}, setHost = true) {
  return new Promise<number>((ok, fail) => {
    const key = randomBytes(16).toString('base64');
    const all = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': key, ...headers };
    const req = request({ host: '127.0.0.1', port, path, headers: all, setHost, agent: false });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      ok(res.statusCode!);
    });
    req.on('response', (res) => {
      res.resume();
      ok(res.statusCode!);
    });
    req.on('error', fail);
    req.end();
  });
}

/** Connects a real WebSocket client and resolves with the server's first event (hello). */
function hello(url: string, headers: Record<string, string> = {}) {
  return new Promise<HostEvent>((ok, fail) => {
    const ws = new WebSocket(url, { headers });
    open.push({ close: async () => ws.terminate() });
    ws.once('message', (data: Buffer) => ok(decodeEvent(data.toString())));
    ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', fail);
  });
}

/** The body of a response must never carry a file from outside the renderer folder. */
function expectNoLeak(body: string) {
  expect(body).not.toContain(SECRET);
  expect(body).not.toMatch(/root:.*:0:0:/);
}

describe('the static server refuses path traversal', () => {
  // Each names secret.txt beside the renderer folder (or a system file); none may be served.
  const ATTEMPTS: [string, string][] = [
    ['plain ../', '/../secret.txt'],
    ['many ../ to /etc/passwd', '/../../../../../../etc/passwd'],
    ['encoded %2e%2e', '/%2e%2e/secret.txt'],
    ['encoded dots and slash', '/%2e%2e%2fsecret.txt'],
    ['double-encoded %252e', '/%252e%252e%252fsecret.txt'],
    ['a backslash', '/..\\secret.txt'],
    ['an encoded backslash %5c', '/%2e%2e%5csecret.txt'],
    ['an absolute /etc/passwd', '/etc/passwd'],
    ['a scheme-relative //etc/passwd', '//etc/passwd'],
    ['an encoded absolute path', '/%2fetc%2fpasswd'],
    ['a null byte', '/%2e%2e%2fsecret.txt%00.html'],
    ['overlong UTF-8 dots %c0%ae', '/%c0%ae%c0%ae/secret.txt'],
    ['unicode dots (one dot leader, fullwidth)', '/%E2%80%A4%E2%80%A4/%EF%BC%8E%EF%BC%8E/secret.txt'],
    ['./../', '/./../secret.txt'],
    ['trailing dots', '/..../secret.txt.'],
    ['via /assets/../../', '/assets/../../secret.txt'],
    ['via /assets/ with encoded slashes (no token needed there)', '/assets/..%2f..%2fsecret.txt'],
    ['mixed-case encodings', '/%2E%2e%2F%2e%2E%2Fsecret.txt'],
    ['query and hash tricks', '/nothing%3f/..%23/..%2fsecret.txt?/../../secret.txt#/../secret.txt'],
    ['a sibling folder sharing the prefix', '/%2e%2e%2frenderer-private%2fsecret.txt'],
    ['an absolute-form request target', 'http://127.0.0.1/%2e%2e%2fsecret.txt'],
  ];

  it('has 21 distinct attempts', () => {
    expect(new Set(ATTEMPTS.map(([, p]) => p)).size).toBe(21);
  });

  it.each(ATTEMPTS)('%s: %s', async (_name, path) => {
    const server = await serve();
    // With the token (a page's cookie): only the path stands between the attacker and the file.
    const withToken = await get(server.port, path, { cookie: cookieOf(server) });
    expect([400, 403, 404]).toContain(withToken.status);
    expectNoLeak(withToken.body);
    // Without it, the same (or 401).
    const without = await get(server.port, path);
    expect([400, 401, 403, 404]).toContain(without.status);
    expectNoLeak(without.body);
    // The server still serves the page afterwards.
    expect((await get(server.port, '/', { cookie: cookieOf(server) })).status).toBe(200);
  });
});

describe('a loopback server refuses foreign Host headers (DNS rebinding)', () => {
  // [what, Host header (PORT: the server's port; null: none at all), status of the page, of the upgrade]
  const HOSTS: [string, string | null, number, number][] = [
    ['a foreign name', 'evil.example', 403, 403],
    ['a foreign name with the port', 'evil.example:PORT', 403, 403],
    ['a name beginning with 127.0.0.1', '127.0.0.1.evil.example:PORT', 403, 403],
    ['a name beginning with localhost', 'localhost.evil.example:PORT', 403, 403],
    ['an empty Host', '', 403, 403],
    ['the any-address 0.0.0.0', '0.0.0.0:PORT', 403, 403],
    ['a LAN address', '192.168.1.2:PORT', 403, 403],
    ['a non-loopback IPv6 address', '[::2]:PORT', 403, 403],
    ['user info before 127.0.0.1', 'a@127.0.0.1:PORT', 403, 403],
    ['a path after the port', '127.0.0.1:PORT/evil', 403, 403],
    ['two ports', '127.0.0.1:PORT:PORT', 403, 403],
    // Node itself answers an HTTP/1.1 request without Host with 400 before the page handler; upgrades reach ours.
    ['no Host header at all', null, 400, 403],
  ];

  it.each(HOSTS)('%s (%j): the page and the WebSocket are refused', async (_name, host, pageStatus, wsStatus) => {
    const server = await serve();
    const headers: Record<string, string> = { cookie: cookieOf(server) };
    if (host !== null) headers.host = host.replaceAll('PORT', String(server.port));
    const page = await get(server.port, `/?token=${server.token}`, headers, false);
    expect(page.status).toBe(pageStatus);
    expectNoLeak(page.body);
    expect(page.body).not.toContain('<title>RingScope</title>');
    expect(await upgrade(server.port, `/ws?token=${server.token}`, headers, false)).toBe(wsStatus);
    expect(server.clients()).toBe(0);
  });

  it.each(['127.0.0.1:PORT', 'localhost:PORT', '127.0.0.2:PORT', '[::1]:PORT'])('accepts the loopback name %s', async (host) => {
    const server = await serve();
    const headers = { host: host.replaceAll('PORT', String(server.port)) };
    expect((await get(server.port, `/?token=${server.token}`, headers)).status).toBe(200);
    expect(await upgrade(server.port, `/ws?token=${server.token}`, headers)).toBe(101);
  });
});

describe('the WebSocket upgrade refuses foreign origins', () => {
  const ORIGINS: [string, string][] = [
    ['a foreign site', 'http://evil.example'],
    ['a sandboxed or file page (null)', 'null'],
    ['another port on this machine', 'http://127.0.0.1:1'],
    ['another loopback name', 'http://localhost:PORT'],
    ['a foreign site behind user info', 'http://127.0.0.1:PORT@evil.example'],
    ['a foreign name beginning with 127.0.0.1', 'http://127.0.0.1.evil.example:PORT'],
    ['a file URL', 'file://'],
    ['garbage', '%%%'],
  ];

  it.each(ORIGINS)('%s (%s): 403', async (_name, origin) => {
    const server = await serve();
    const headers = { origin: origin.replaceAll('PORT', String(server.port)) };
    expect(await upgrade(server.port, `/ws?token=${server.token}`, headers)).toBe(403);
    await expect(hello(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, headers)).rejects.toThrow('HTTP 403');
    expect(server.clients()).toBe(0);
  });

  it('refuses a DNS-rebinding Host even with the right token and a matching Origin', async () => {
    const server = await serve();
    const host = `evil.example:${server.port}`;
    const headers = { host, origin: `http://${host}`, cookie: cookieOf(server) };
    expect(await upgrade(server.port, `/ws?token=${server.token}`, headers)).toBe(403);
    expect((await get(server.port, `/?token=${server.token}`, headers)).status).toBe(403);
  });

  it('accepts its own origin', async () => {
    const server = await serve();
    const ev = await hello(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    expect(ev.type).toBe('hello');
  });
});

describe('off loopback, nothing without the access token', () => {
  const TOKEN = 'door-token-0123456789abcdef';
  // [what, query, cookie (PORT: the server's port)]
  const WRONG: [string, string, string | null][] = [
    ['no token', '', null],
    ['an empty token', '?token=', null],
    ['a wrong token', '?token=guess', null],
    ['a prefix of the token', `?token=${TOKEN.slice(0, -1)}`, null],
    ['the token and more', `?token=${TOKEN}x`, null],
    ['the token in other case', `?token=${TOKEN.toUpperCase()}`, null],
    ['a wrong token first, the right one second', `?token=guess&token=${TOKEN}`, null],
    ['a forged cookie', '', 'ringscope-token-PORT=forged'],
    ["the right token in another port's cookie", '', `ringscope-token-1=${TOKEN}`],
    ['the right token in a cookie of another name', '', `ringscope-token=${TOKEN}`],
  ];

  it.each(WRONG)('%s: 401 for the page and the WebSocket', async (_name, query, cookie) => {
    const server = await serve({ listenHost: '0.0.0.0', token: TOKEN });
    const headers: Record<string, string> = cookie === null ? {} : { cookie: cookie.replaceAll('PORT', String(server.port)) };
    const page = await get(server.port, `/${query}`, headers);
    expect(page.status).toBe(401);
    expect(page.body).not.toContain('<title>RingScope</title>');
    expect(await upgrade(server.port, `/ws${query}`, headers)).toBe(401);
    await expect(hello(`ws://127.0.0.1:${server.port}/ws${query}`, headers)).rejects.toThrow('HTTP 401');
    expect(server.clients()).toBe(0);
  });

  // Only the hashed assets go without the token; an encoded ../ must not turn /assets/ into the page.
  it.each(['/assets/..%2findex.html', '/assets/%2e%2e%2findex.html', '/assets/..%2f'])('%s: no page without the token', async (path) => {
    const server = await serve({ listenHost: '0.0.0.0', token: TOKEN });
    const page = await get(server.port, path);
    expect(page.status).toBe(401);
    expect(page.body).not.toContain('<title>RingScope</title>');
  });

  it('with the right token (address or cookie): the page and hello', async () => {
    const server = await serve({ listenHost: '0.0.0.0', token: TOKEN });
    expect((await get(server.port, `/?token=${TOKEN}`)).status).toBe(200);
    expect((await get(server.port, '/', { cookie: cookieOf(server) })).status).toBe(200);
    expect((await hello(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`)).type).toBe('hello');
    expect((await hello(`ws://127.0.0.1:${server.port}/ws`, { cookie: cookieOf(server) })).type).toBe('hello');
  });
});
