// Browser mode's transport: a Node http server that serves the built renderer
// (out/renderer) and a WebSocket endpoint (/ws) speaking the bridge to each
// page. The engine logic lives in Session; this file only moves bytes and
// guards the door.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { basename, dirname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { BridgeDecodeError, decodeCommand, encodeEvent, requestIdOf } from '../../../src-shared/bridge/codec';
import type { HostEvent } from '../../../src-shared/bridge/protocol';
import { RUN_FILES_PATH } from '../../session/run-files';
import type { Session } from '../../session/session';
import { isLoopback, loopbackHostHeader, newToken, sameOrigin, tokenMatches } from './security';
import { contentTypeOf } from '../content-type';

export interface ServerOptions {
  host: Session;
  /** Address to listen on (default 127.0.0.1). */
  listenHost?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The access token pages must present (generated when omitted). */
  token?: string;
  /** No access token (loopback only: anyone who can use this computer may then control RingScope). */
  noToken?: boolean;
  /** Milliseconds between pings; a page that has not answered the previous ping by the next is dropped (default 30 s). */
  heartbeatMs?: number;
  /** Folder of the built renderer (found next to the running file when omitted). */
  rendererDir?: string | null;
}

export interface RunningServer {
  /** The address to open in a browser (with the token when one is required). */
  url: string;
  port: number;
  /** Null only with noToken. */
  token: string | null;
  /** Number of connected pages. */
  clients(): number;
  close(): Promise<void>;
}

/** Path of the WebSocket endpoint. */
export const WS_PATH = '/ws';

/** Default milliseconds between heartbeat pings. */
export const HEARTBEAT_MS = 30_000;

/** The cookie a page keeps its access token in (per port: cookies do not tell ports apart). */
export function tokenCookieName(port: number): string {
  return `ringscope-token-${port}`;
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'";

/** The built renderer's folder: out/renderer, found from out/main/…/cli.js or from src-main/hosts/web. */
export function findRendererDir(from: string = fileURLToPath(import.meta.url)): string | null {
  let dir = dirname(from);
  for (let i = 0; i < 5; i++) {
    for (const c of [join(dir, 'renderer'), join(dir, 'out', 'renderer')]) {
      if (existsSync(join(c, 'index.html'))) return c;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** Starts the http + WebSocket server and resolves once it listens. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const listenHost = opts.listenHost ?? '127.0.0.1';
  const local = isLoopback(listenHost);
  if (opts.noToken && !local) throw new Error(`an access token is required on ${listenHost}: only a loopback address may go without one`);
  const token = opts.noToken ? null : (opts.token ?? newToken());
  const rendererDir = opts.rendererDir === undefined ? findRendererDir() : opts.rendererDir;
  const heartbeatMs = opts.heartbeatMs && opts.heartbeatMs > 0 ? opts.heartbeatMs : HEARTBEAT_MS;
  let cookie = '';

  const server = createServer((req, res) => serveStatic(req, res, { dir: rendererDir, local, token, cookie, session: opts.host }));
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  // Pages that vanish without closing (laptop lid) are dropped after a missed ping.
  // A page counts as alive from its upgrade on: with noServer and a handleUpgrade
  // callback, the server's 'connection' event never fires.
  const alive = new WeakSet<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    // Node removes its own error listener from an upgrading socket: without one, a client that
    // resets the connection after (or before) our refusal would crash the whole process.
    socket.on('error', () => socket.destroy());
    const refusal = checkUpgrade(req, local, token, cookie);
    if (refusal) return refuse(socket, refusal);
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      connect(ws, opts.host);
    });
  });
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) ws.terminate();
      else {
        alive.delete(ws);
        ws.ping();
      }
    }
  }, heartbeatMs);
  heartbeat.unref();

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, listenHost, () => {
      server.off('error', fail);
      ok();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  cookie = tokenCookieName(port);
  const shown = listenHost === '0.0.0.0' || listenHost === '::' ? hostname() : listenHost;
  const hostPart = shown.includes(':') ? `[${shown}]` : shown;
  const url = `http://${hostPart}:${port}/` + (token ? `?token=${token}` : '');

  return {
    url,
    port,
    token,
    clients: () => wss.clients.size,
    close: async () => {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
      wss.close();
    },
  };
}

function checkUpgrade(req: IncomingMessage, local: boolean, token: string | null, cookie: string): { code: number; text: string } | null {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== WS_PATH) return { code: 404, text: 'Not Found' };
  if (local && !loopbackHostHeader(req.headers.host)) return { code: 403, text: 'Forbidden (host)' };
  if (!sameOrigin(req.headers.origin, req.headers.host)) return { code: 403, text: 'Forbidden (origin)' };
  if (token !== null && !presentsToken(req, url, token, cookie)) return { code: 401, text: 'Unauthorized (access token)' };
  return null;
}

/** True when the request carries the token in its query (?token=) or in the page's cookie. */
function presentsToken(req: IncomingMessage, url: URL, token: string, cookie: string): boolean {
  return tokenMatches(url.searchParams.get('token'), token) || tokenMatches(cookieValue(req.headers.cookie, cookie), token);
}

/** One cookie's value from a Cookie header (null when absent). */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function refuse(socket: Duplex, r: { code: number; text: string }): void {
  socket.end(`HTTP/1.1 ${r.code} ${r.text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

// Broadcast events reach every client as the same object: encode each once.
const encoded = new WeakMap<HostEvent, string | Uint8Array>();

function encodeOnce(ev: HostEvent): string | Uint8Array {
  let data = encoded.get(ev);
  if (data === undefined) {
    data = encodeEvent(ev);
    encoded.set(ev, data);
  }
  return data;
}

function connect(ws: WebSocket, host: Session): void {
  const attachment = host.attach({
    send(ev) {
      if (ws.readyState !== WebSocket.OPEN) return;
      const data = encodeOnce(ev);
      ws.send(data, { binary: typeof data !== 'string' });
    },
    // Anything still queued in user space means the page (or the network) is
    // behind: snapshots wait for the next one rather than pile up.
    congested: () => ws.bufferedAmount > 0,
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.send(JSON.stringify({ type: 'error', message: 'Commands are JSON text; binary messages are not accepted.' }));
      return;
    }
    let cmd;
    const text = data.toString();
    try {
      cmd = decodeCommand(text);
    } catch (err) {
      const message = err instanceof BridgeDecodeError ? `Bad command: ${err.message}` : String(err);
      // A request is answered by its ack (the page waits for it), anything else by an error.
      const req = requestIdOf(text);
      ws.send(JSON.stringify(req !== undefined ? { type: 'ack', req, ok: false, message } : { type: 'error', message }));
      return;
    }
    void attachment.handle(cmd);
  });
  ws.on('close', () => attachment.detach());
  ws.on('error', () => attachment.detach());
}

interface StaticContext {
  dir: string | null;
  local: boolean;
  token: string | null;
  cookie: string;
  session: Session;
}

function serveStatic(req: IncomingMessage, res: ServerResponse, ctx: StaticContext): void {
  const { dir, local, token, cookie } = ctx;
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', CSP);
  if (local && !loopbackHostHeader(req.headers.host)) return end(res, 403, 'Forbidden: unexpected Host header.');
  if (req.method !== 'GET' && req.method !== 'HEAD') return end(res, 405, 'Method Not Allowed');
  let url: URL;
  let pathname: string;
  try {
    url = new URL(req.url ?? '/', 'http://x');
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return end(res, 400, 'Bad Request');
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = dir === null ? null : normalize(join(dir, pathname));
  // The page needs the token (its hashed assets are the public app, served to anyone who may
  // see the page); one presented in the address is kept in a cookie, so reloads work without it.
  // Judged by the file the path leads to, so /assets/../index.html needs it too.
  const asset = dir !== null && file !== null && file.startsWith(join(resolve(dir), 'assets') + sep);
  if (token !== null && !asset) {
    if (!presentsToken(req, url, token, cookie)) {
      return end(res, 401, 'RingScope needs its access token: open the address that "ringscope serve" printed (it ends in ?token=…).');
    }
    if (tokenMatches(url.searchParams.get('token'), token)) res.setHeader('Set-Cookie', `${cookie}=${token}; Path=/; HttpOnly; SameSite=Strict`);
  }
  // A run's files: only this session's runs, behind the token like the page.
  if (pathname.startsWith(RUN_FILES_PATH)) return void serveRunFile(req, res, ctx.session, pathname.slice(RUN_FILES_PATH.length));
  if (!dir || !file) {
    return end(res, 503, 'The RingScope page is not built. Run "npm run build" in the RingScope folder, then reload.');
  }
  if (!file.startsWith(resolve(dir) + sep)) return end(res, 403, 'Forbidden');
  let body: Buffer;
  try {
    if (!statSync(file).isFile()) return end(res, 404, 'Not Found');
    body = readFileSync(file);
  } catch {
    return end(res, 404, 'Not Found');
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', contentTypeOf(file));
  res.setHeader('Content-Length', body.length);
  // Hashed asset names may be cached; the page itself never (a rebuild must show).
  res.setHeader('Cache-Control', asset ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.end(req.method === 'HEAD' ? undefined : body);
}

function end(res: ServerResponse, code: number, text: string): void {
  res.statusCode = code;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(text + '\n');
}

async function serveRunFile(req: IncomingMessage, res: ServerResponse, session: Session, rest: string): Promise<void> {
  const slash = rest.indexOf('/');
  const n = Number(rest.slice(0, slash));
  const file = slash > 0 && Number.isInteger(n) && n >= 0 ? await session.runFile(n, rest.slice(slash + 1)) : null;
  if (!file) return end(res, 404, 'Not Found: no such file in this session\'s runs.');
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return end(res, 404, 'Not Found');
  }
  res.statusCode = 200;
  // Never rendered by the browser, whatever a function named its export: always a download.
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Length', size);
  res.setHeader('Cache-Control', 'no-store');
  const name = basename(file);
  res.setHeader('Content-Disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
