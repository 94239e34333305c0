// Browser mode over time: a page stays connected across many heartbeats and
// can still save a setup after them, and pages need the printed access token
// (kept in a cookie, so a reload at the bare address works). `ringscope serve`
// (the built CLI) in a child process with a short heartbeat, Debian's Chromium
// driven by playwright-core. A second, plain WebSocket client counts the
// server's pings, so the test waits on heartbeats, not on a clock.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openPage as openPageIn, spawnServe } from '../test/support/browser';
import { browserSuite } from '../test/support/browser-suite';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const MutationObserver: any;

const WAIT = { timeout: 60_000 };
const suite = browserSuite('ringscope-connection-');
const tmp = suite.tmp;

const openPage = (url: string) => openPageIn(suite.browser, url, WAIT.timeout);

/** Records every connection state the page shows from now on. */
async function recordConnection(page: Page): Promise<void> {
  await page.evaluate(() => {
    const app = document.querySelector('.app');
    window.__connection = [app.dataset.connection];
    new MutationObserver(() => window.__connection.push(app.dataset.connection)).observe(app, { attributes: true, attributeFilter: ['data-connection'] });
  });
}

/** Resolves after the server has pinged a plain client `n` times (n heartbeats). */
function heartbeats(url: string, n: number): Promise<void> {
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/ws${u.search}`);
  return new Promise<void>((ok, fail) => {
    let pings = 0;
    ws.on('ping', () => {
      if (++pings === n) {
        ws.close();
        ok();
      }
    });
    ws.on('close', () => pings < n && fail(new Error(`the witness was dropped after ${pings} pings`)));
    ws.on('error', fail);
  });
}

describe('a page left open', () => {
  it('stays connected across many heartbeats and saves a setup after them', async () => {
    // 1 s: a page must answer each ping within one heartbeat; 0.2 s was shorter than a loaded CI machine's
    // Chromium sometimes takes (the page reconnected once in CI). The real heartbeat is 30 s.
    const served = await spawnServe(['--heartbeat', '1', '--root', tmp, '--output', join(tmp, 'out')]);
    const page = await openPage(served.url);
    await recordConnection(page);

    await heartbeats(served.url, 8);
    expect(await page.evaluate(() => window.__connection)).toEqual(['open']);

    // Save As after the heartbeats: the editor shows the example, Ctrl+S asks where, the file appears.
    await page.click('[data-testid=editor-toggle]');
    await page.waitForSelector('.setup-editor', WAIT);
    await page.getByRole('button', { name: 'Open…' }).click();
    const open = page.getByRole('dialog', { name: 'Open a setup' });
    await open.getByRole('button', { name: 'Computer sensors', exact: true }).click();
    await open.waitFor({ state: 'detached', ...WAIT });
    await page.waitForFunction(() => document.querySelector('[data-testid=editor-path]')?.textContent === 'examples/sensors/setup.yaml', null, WAIT);
    const target = join(tmp, 'sensors-copy.yaml');
    await page.locator('.app-header h1').click();
    await page.keyboard.press('Control+s');
    const saveAs = page.getByRole('dialog', { name: 'Save setup as' });
    await saveAs.waitFor(WAIT);
    await saveAs.getByLabel('Save as path').fill(target);
    await saveAs.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForFunction((t: string) => document.querySelector('[data-testid=editor-message]')?.textContent === `Saved ${t}.`, target, WAIT);
    expect(readFileSync(target, 'utf8')).toContain('RingBuffer:');

    await heartbeats(served.url, 5);
    expect(await page.evaluate(() => window.__connection)).toEqual(['open']);
    expect(page.errors).toEqual([]);
    await page.close();
    expect(await served.stop()).toBe(0);
  });
});

describe('the access token', () => {
  it('is needed on loopback too; the page keeps it, so a reload at the bare address works', async () => {
    const served = await spawnServe(['--root', tmp]);
    const token = served.stdout.match(/Access token: (\S+)/)?.[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(served.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=${token}$`));
    const bare = served.url.replace(/\?token=.*$/, '');

    const stranger = await suite.browser.newPage();
    const refused = await stranger.goto(bare);
    expect(refused!.status()).toBe(401);
    expect(await stranger.textContent('body')).toContain('access token');
    await stranger.close();

    const page = await openPage(served.url);
    await page.goto(bare);
    await page.waitForSelector('.app[data-connection="open"]', WAIT);
    await page.waitForSelector('.open-setup', WAIT);
    expect(page.errors).toEqual([]);
    await page.close();
    expect(await served.stop()).toBe(0);
  });

  it('--no-token serves loopback without one, with a warning, and is refused beyond loopback', async () => {
    const served = await spawnServe(['--no-token', '--root', tmp]);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(served.stderr).toContain('warning: --no-token: any user of this computer can open this address and control RingScope.');
    const page = await openPage(served.url);
    await page.close();
    expect(await served.stop()).toBe(0);
    await expect(spawnServe(['--no-token', '--host', '0.0.0.0'])).rejects.toThrow('--no-token is for 127.0.0.1 only');
  });
});
