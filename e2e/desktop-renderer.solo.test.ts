// The desktop window's page in Chromium under exactly the response headers the
// app's app:// protocol sends (security.ts: appHeaders, the strict CSP), with a
// stand-in for the preload's API: window.ringscope as the preload exposes it,
// and an engine port that reaches a real Session in this test (relayed by
// Playwright, as the preload's port is by main). No CSP violation may occur,
// and the start panel must work: connected, a setup opened, a run started.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_PORT_MESSAGE } from '../src-shared/desktop/api';
import { APP_CSP, appHeaders, resolveAppRequest } from '../src-main/hosts/desktop/security';
import { Session } from '../src-main/session/session';
import { engineLoader } from '../src-main/session/engine-loader';
import { loaderWithOutputFolder } from '../src-main/hosts/desktop/engine-host/output';
import { attachPort } from '../src-main/hosts/desktop/engine-host/port-host';
import { launchChromium } from '../test/support/browser';

// page.evaluate callbacks run in the window; this file is type-checked for Node.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
declare const document: any;
declare const MessageChannel: any;

const ROOT = join(import.meta.dirname, '..');
const RENDERER = join(ROOT, 'out', 'renderer');
let server: Server;
let base = '';
let browser: Browser;

beforeAll(async () => {
  // The app:// handler's logic (window.ts) on http: the same file resolution, the same headers.
  server = createServer((req, res) => {
    const found = resolveAppRequest(`ringscope://app${req.url ?? '/'}`, RENDERER);
    if (!found) return void res.writeHead(404).end('Not Found');
    readFile(found.file).then(
      (body) => res.writeHead(200, appHeaders(found.contentType)).end(body),
      () => res.writeHead(404).end('Not Found'),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((ok) => server?.close(() => ok()));
});

describe('the desktop page under the app:// headers', () => {
  it('loads with no CSP violation and runs a setup through a preload-shaped API', async () => {
    // Runs go to a folder of the test's own, never next to the example.
    const out = mkdtempSync(join(tmpdir(), 'ringscope-desktop-page-'));
    const output = { directory: out, readOnlyRoots: [], fallback: null };
    const session = new Session({ load: loaderWithOutputFolder(engineLoader, () => output), version: 'test', host: 'electron', cwd: ROOT });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const consoleCsp: string[] = [];
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && consoleCsp.push(m.text()));

    // The engine side of the port: what the page posts reaches the Session; what it sends goes back.
    const link: { detach: (() => void) | null } = { detach: null };
    const toPage: Array<(data: unknown) => void> = [];
    const fromPage: Array<(data: unknown) => void> = [];
    await page.exposeBinding('__rsToEngine', (_src, data: unknown) => fromPage.forEach((l) => l(data)));
    await page.exposeBinding('__rsConnect', () => {
      link.detach?.();
      link.detach = attachPort(session, {
        post: (data) => toPage.forEach((l) => l(data)),
        onMessage: (l) => void fromPage.push(l),
        onClose: () => undefined,
        start: () => undefined,
        close: () => undefined,
      });
    });
    toPage.push((data) => {
      const d = typeof data === 'string' ? data : { bytes: Array.from(new Uint8Array(data as ArrayBuffer)) };
      void page.evaluate((m: any) => window.__rsDeliver(typeof m === 'string' ? m : new Uint8Array(m.bytes).buffer), d).catch(() => undefined);
    });

    // The stand-in preload (what src-preload/index.ts exposes), before any page script runs.
    await page.addInitScript((portMessage: string) => {
      const violations: string[] = [];
      (window as any).__cspViolations = violations;
      document.addEventListener('securitypolicyviolation', (e: any) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      let engineEnd: any = null;
      (window as any).__rsDeliver = (m: unknown) => engineEnd?.postMessage(m);
      const none = () => () => undefined;
      (window as any).ringscope = {
        host: 'electron',
        platform: 'linux',
        connectEngine: () => {
          const { port1, port2 } = new MessageChannel();
          engineEnd = port2;
          port2.onmessage = (e: any) => (window as any).__rsToEngine(e.data);
          void (window as any).__rsConnect().then(() => window.postMessage(portMessage, window.location.origin, [port1]));
        },
        onEngineStatus: (l: (s: unknown) => void) => (setTimeout(() => l({ state: 'running', host: 'utility' })), () => undefined),
        restartEngine: async () => undefined,
        chooseOpenPath: async () => null,
        chooseSavePath: async () => null,
        confirm: async () => true,
        setDocumentEdited: () => undefined,
        setTheme: () => undefined,
        recentFiles: async () => [],
        onRecentFiles: none,
        examples: async () => [],
        onRunMenu: none,
        onFileMenu: none,
        onTheme: none,
      };
    }, ENGINE_PORT_MESSAGE);

    const response = await page.goto(`${base}/index.html`);
    expect(response?.headers()['content-security-policy']).toBe(APP_CSP);
    await page.waitForSelector('.app[data-connection="open"]', { timeout: 60_000 });

    // The start panel works: open the counting example through the engine, start, see it run and end.
    await session.attach({ send: () => undefined, congested: () => false }).handle({ type: 'open', path: 'examples/counting/setup.yaml' });
    await page.waitForSelector('.app[data-run-state="idle"] .setup-name', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.waitForFunction(() => ['running', 'ended'].includes(document.querySelector('.app')?.getAttribute('data-run-state') ?? ''), undefined, { timeout: 60_000 });

    expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
    expect(consoleCsp).toEqual([]);
    expect(errors).toEqual([]);
    await session.close();
    link.detach?.();
    await page.close();
    rmSync(out, { recursive: true, force: true });
  });
});
