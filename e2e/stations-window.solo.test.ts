// The window's PV write control (src-renderer/src/panels/PvWrite.tsx) in real
// Chromium: station B's page puts station A's dt (A a process of its own);
// the control says when A has done it, and shows A's refusal with the reason;
// when A goes away the function's status names the PVs disconnected and since when.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium, openPage, spawnServe, stopServers } from '../test/support/browser';
import { repoRoot, startRun } from '../test/support/cli-run';
import { freePort, stationSetups } from '../test/support/epics/stations';

// page.evaluate's function runs in Chromium; this file is type-checked for Node (no DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

const tmp = mkdtempSync(join(tmpdir(), 'ringscope-pvwrite-'));
let browser: Browser | null = null;
afterAll(async () => {
  await browser?.close();
  await stopServers();
  rmSync(tmp, { recursive: true, force: true });
});

const reason = !existsSync(join(repoRoot, 'out/main/cli.js')) ? 'run npm run build first' : !existsSync(CHROMIUM) ? `${CHROMIUM} is missing` : null;

describe.skipIf(reason !== null)('the window writes a PV of another station' + (reason ? ` (skipped: ${reason})` : ''), () => {
  it('puts station A’s dt from station B’s page, shows a refusal with its reason, and shows A’s PVs disconnected when A goes away', async () => {
    const port = await freePort();
    const env = { EPICS_CA_ADDR_LIST: '127.0.0.1', EPICS_CA_AUTO_ADDR_LIST: 'NO', EPICS_CA_SERVER_PORT: String(port), EPICS_CA_REPEATER_PORT: String(await freePort()) };
    const setups = stationSetups(join(tmp, 'setups'), 0.5);
    const a = startRun([setups.a, '--output', join(tmp, 'a')], env);
    await a.started;
    const b = await spawnServe([setups.b, '--root', tmp, '--output', join(tmp, 'b')], env);
    browser = await launchChromium();
    const page = await openPage(browser, b.url);

    const form = page.getByRole('region', { name: 'Write a PV' });
    await form.getByLabel('PV name').fill('station_a:dt');
    await form.getByLabel('PV value').fill('0.25');
    await form.getByRole('button', { name: 'Put' }).click();
    await expect.poll(() => page.getByTestId('pv-write-result').textContent(), { timeout: 30_000 }).toBe('station_a:dt = 0.25: done');
    await a.printed(/EPICS: station_a:dt = 0\.25 → Fkt_1\.dt/);

    await form.getByLabel('PV value').fill('0');
    await form.getByRole('button', { name: 'Put' }).click();
    await expect.poll(() => page.getByTestId('pv-write-result').textContent(), { timeout: 30_000 }).toMatch(/put to station_a:dt refused/);

    // Recording, then A goes away: the function's status in the window says which PVs, since when.
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForSelector('.app[data-run-state="running"]', { timeout: 60_000 });

    // Strip charts with what A's server says of its PVs (station-b.yaml gives no units): CPU in %,
    // one decimal (precision 1), warning and alarm limits 80 and 95 drawn.
    await page.getByRole('tab', { name: 'Strip charts' }).click();
    const cpu = page.locator('.strip-row[data-field="cpu"]');
    await expect.poll(() => cpu.locator('.strip-unit').textContent(), { timeout: 60_000 }).toBe('%');
    await expect.poll(() => cpu.getByTestId('strip-plot').getAttribute('data-limits'), { timeout: 60_000 }).toBe('alarm:95 warning:80');
    await expect.poll(() => cpu.getByTestId('strip-value').textContent(), { timeout: 60_000 }).toMatch(/^\d{1,3}\.\d$/);
    expect(await page.locator('.strip-row[data-field="memory"] .strip-unit').textContent()).toBe('GiB');
    // The axis is A's display range 0–100, so both limit lines are on the canvas: red (alarm) and orange (warning) pixels.
    const dashes = () =>
      page.evaluate(() => {
        const canvas = document.querySelector('.strip-row[data-field="cpu"] canvas')!;
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let red = 0;
        let orange = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (Math.abs(data[i] - 214) < 20 && Math.abs(data[i + 1] - 39) < 20 && Math.abs(data[i + 2] - 40) < 20) red++;
          if (Math.abs(data[i] - 224) < 20 && Math.abs(data[i + 1] - 138) < 20 && data[i + 2] < 30) orange++;
        }
        return { red, orange };
      });
    await expect
      .poll(
        async () => {
          const p = await dashes();
          return p.red > 50 && p.orange > 50;
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    a.child.kill('SIGTERM');
    await a.exited;
    const alerts = page.getByTestId('function-alerts');
    await expect.poll(() => alerts.textContent(), { timeout: 60_000 }).toMatch(/disconnected: station_a:TIME since \d{4}-\d\d-\d\dT[\d:.]+Z, station_a:CPU since/);
    expect(page.errors).toEqual([]);
  });
});
