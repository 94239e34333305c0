// mimoCoRB's demo_setup with built-ins (examples/mimocorb-demo) in the window:
// `ringscope serve` (built CLI, real engine) in Debian's Chromium shows the
// pulse-height spectrum of RB_2 as a histogram from the setup's display hint
// (mimoCoRB's plot_histograms line: chA_height, 50–1000 mV, 75 bins; no fit), counting
// every event the spectrum filter wrote, with bars drawn on the canvas.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, spawnServe, stopServers } from '../test/support/browser';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
type HTMLElement = any;

const root = join(import.meta.dirname, '..');
const WAIT = { timeout: 120_000 };
const tmp = mkdtempSync(join(tmpdir(), 'ringscope-mimocorb-demo-ui-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("mimoCoRB's demo with built-ins in the window", () => {
  it('shows the chA pulse-height spectrum as a histogram of every event RB_2 received', async () => {
    const d = join(tmp, 'demo');
    cpSync(join(root, 'examples/mimocorb-demo'), d, { recursive: true });
    const config = join(d, 'config/spectrum_config.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('sleeptime: 0.03', 'sleeptime: 0'));
    const browser = await launchChromium();
    try {
      const server = await spawnServe([join(d, 'setup.yaml'), '--output', join(tmp, 'runs')]);
      const page = await openPage(browser, server.url);
      await page.waitForSelector('.app[data-run-state="idle"]', WAIT);
      await page.getByRole('tab', { name: 'Histogram' }).click();
      await page.waitForSelector('[data-testid=histogram][data-field="chA_height"][data-bins="75"]', WAIT);
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page.waitForSelector('.app[data-run-state="ended"]', WAIT);
      await page.waitForSelector('[data-testid=histogram][data-final="true"]', WAIT);
      const events = await page.$eval('[data-testid=histogram]', (e: HTMLElement) => Number(e.dataset.events));
      const written = await page.$eval('tr[data-buffer=RB_2]', (r: HTMLElement) => Number(r.dataset.written));
      expect(written).toBeGreaterThan(800); // of the setup's 1000 events, those with a chA pulse
      expect(events).toBe(written);
      // Bars on the canvas: many pixels differ from the plot's background colour.
      const painted = await page.$eval('[data-testid=histogram] canvas', (c: HTMLElement) => {
        const ctx = c.getContext('2d');
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        const bg = [px[0], px[1], px[2]];
        let n = 0;
        for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i] - bg[0]) + Math.abs(px[i + 1] - bg[1]) + Math.abs(px[i + 2] - bg[2]) > 60) n++;
        return n;
      });
      expect(painted).toBeGreaterThan(1000);
      // the hint's fit: false — a spectrum gets no lifetime fit
      expect(await page.$('[data-testid=histogram-fit]')).toBeNull();
      await page.screenshot({ path: join(root, 'test-results', 'mimocorb-demo-histogram.png') });
      expect(page.errors).toEqual([]);
    } finally {
      await stopServers();
      await browser.close();
    }
  });
});
