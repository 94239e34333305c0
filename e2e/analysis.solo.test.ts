// Histograms, fits, strip charts and exports end to end in browser mode:
// `ringscope serve` (built CLI, real engine) on a seeded muon setup, driven in
// Debian's Chromium. Every wait is on what the page shows (run state, the
// histogram's event count and final flag), never a sleep.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { spawnServe, type Served } from '../test/support/browser';
import { browserSuite } from '../test/support/browser-suite';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const createImageBitmap: any;
declare const Blob: any;
type HTMLElement = any;

const root = join(import.meta.dirname, '..');
const setup = join(root, 'test', 'fixtures', 'analysis', 'setup.yaml');
const artifacts = join(root, 'test-results');
const WAIT = { timeout: 120_000 };
const TAU = 2197;

mkdirSync(artifacts, { recursive: true });
const suite = browserSuite('ringscope-analysis-');
const tmp = suite.tmp;
let server: Served | null = null;

const runStateIs = (p: Page, state: string) => p.waitForSelector(`.app[data-run-state="${state}"]`, WAIT);
const histogram = (p: Page) =>
  p.$eval('[data-testid=histogram]', (e: HTMLElement) => ({
    events: Number(e.dataset.events),
    final: e.dataset.final === 'true',
    bins: Number(e.dataset.bins),
    field: e.dataset.field as string,
  }));
const written = (p: Page, buffer: string) => p.$eval(`tr[data-buffer=${buffer}]`, (r: HTMLElement) => Number(r.dataset.written));

/** Waits for the histogram's final update after a run ended; returns its events and RB_3's written count. */
async function finalCounts(p: Page): Promise<{ events: number; written: number }> {
  await p.waitForSelector('[data-testid=histogram][data-final="true"]', WAIT);
  return { events: (await histogram(p)).events, written: await written(p, 'RB_3') };
}

async function downloadOf(p: Page, button: ReturnType<Page['getByRole']>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = (await Promise.all([p.waitForEvent('download', WAIT), button.click()])) as [Download, unknown];
  const path = join(tmp, d.suggestedFilename());
  await d.saveAs(path);
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

/** PNG signature, and the size the page decodes it to. */
async function pngSize(p: Page, bytes: Buffer): Promise<{ width: number; height: number }> {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return p.evaluate(async (b64: string) => {
    const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const img = await createImageBitmap(new Blob([raw], { type: 'image/png' }));
    return { width: img.width as number, height: img.height as number };
  }, bytes.toString('base64'));
}

describe('histograms, fits and strip charts in the browser', () => {
  it('counts every event, fits the lifetime, re-bins while running, and exports CSV and PNG', async () => {
    server = await spawnServe([setup, '--output', join(tmp, 'runs')]);
    const url = server.url;
    const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('.app[data-connection="open"]', WAIT);
    await runStateIs(page, 'idle');
    await page.getByRole('tab', { name: 'Histogram' }).click();
    // The setup's display hint picks decay_time, 60 bins, with the fit on.
    await page.waitForSelector('[data-testid=histogram][data-field="decay_time"]', WAIT);
    expect(await histogram(page)).toMatchObject({ events: 0, bins: 60 });

    // Run 1: open-ended, re-binned while running, then stopped.
    await page.locator('.run-limits input').first().fill('1000000');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await runStateIs(page, 'running');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=histogram]').dataset.events) >= 50, null, WAIT);
    const bins = page.locator('[data-testid=histogram] input[aria-label=Bins]');
    await bins.fill('30');
    await bins.press('Enter');
    await page.waitForSelector('[data-testid=histogram][data-bins="30"]', WAIT);
    const rebinned = await histogram(page);
    expect(rebinned.events).toBeGreaterThanOrEqual(50); // re-binned from the kept values, not restarted
    await page.waitForFunction((n: number) => Number(document.querySelector('[data-testid=histogram]').dataset.events) > n, rebinned.events, WAIT);
    await page.screenshot({ path: join(artifacts, 'analysis-histogram-running.png') });
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await runStateIs(page, 'ended');
    const stopped = await finalCounts(page);
    expect(stopped.written).toBeGreaterThan(0);
    expect(stopped.events).toBe(stopped.written);

    // The strip charts of RB_3 counted the same events.
    await page.getByRole('tab', { name: 'Strip charts' }).click();
    await page.waitForFunction((n: number) => Number(document.querySelector('[data-testid=strip-events]')?.dataset.value) === n, stopped.written, WAIT);
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=strip-value][data-field="decay_time"]')?.textContent ?? ''), null, WAIT);
    const stripPng = await downloadOf(page, page.locator('.strip-charts').getByRole('button', { name: 'PNG' }));
    expect(stripPng.name).toBe('RB_3_strip_charts.png');
    const stripSize = await pngSize(page, stripPng.bytes);
    expect(stripSize.width).toBeGreaterThan(100);
    expect(stripSize.height).toBeGreaterThan(100);
    await page.screenshot({ path: join(artifacts, 'analysis-strip-charts.png') });
    await page.getByRole('tab', { name: 'Histogram' }).click();

    // Run 2: the seeded 8000 events of the setup, to the end.
    await bins.fill('60');
    await bins.press('Enter');
    await page.waitForSelector('[data-testid=histogram][data-bins="60"]', WAIT);
    await page.locator('.run-limits input').first().fill('');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.waitForSelector('[data-testid=histogram][data-final="false"]', WAIT);
    await runStateIs(page, 'ended');
    const full = await finalCounts(page);
    expect(full.events).toBe(full.written);
    expect(full.written).toBeGreaterThan(400); // about 8 % of 8000 are decays
    const fit = await page.$eval('[data-testid=histogram-fit]', (e: HTMLElement) => ({
      text: e.textContent as string,
      tau: Number(e.dataset.tau),
      sigma: Number(e.dataset.sigma),
      n: Number(e.dataset.n),
    }));
    // One unit: the axis's (ns); χ²/ndf and the expected lifetime (the setup's display hint) beside it.
    expect(fit.text).toMatch(/^τ = \d{4} ± \d{2,3} ns \(n = [\d,]+\)$/);
    expect(await page.textContent('[data-testid=histogram-chi2]')).toMatch(/^χ²\/ndf = \d+\.\d\/\d+$/);
    expect(await page.textContent('[data-testid=histogram-expected]')).toMatch(/^expected 2197 ns: \d+\.\d σ off$/);
    expect(fit.n).toBeGreaterThan(300);
    expect(Math.abs(fit.tau - TAU), JSON.stringify(fit)).toBeLessThan(3 * fit.sigma);
    await page.screenshot({ path: join(artifacts, 'analysis-histogram-fit.png') });

    // CSV: bin rows plus under/overflow and NaN; the counts sum to the events.
    const csv = await downloadOf(page, page.locator('[data-testid=histogram]').getByRole('button', { name: 'CSV' }));
    expect(csv.name).toMatch(/^analysis_[\dT-]+(-\d+)?_RB_3_decay_time_histogram\.csv$/);
    // Comment lines first: the run, the date, the fit.
    const all = csv.bytes.toString('utf8').trim().split('\n');
    const comments = all.filter((r) => r.startsWith('# '));
    expect(comments[0]).toMatch(/^# Muon lifetime, seeded \(analysis test\), run analysis_\S+, exported \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(comments.some((c) => /^# τ = \d{4} ± \d+ ns$/.test(c))).toBe(true);
    expect(comments.some((c) => c.startsWith('# χ²/ndf = '))).toBe(true);
    const rows = all.filter((r) => !r.startsWith('#'));
    expect(rows[0]).toBe('bin,low,high,count');
    expect(rows.length).toBe(1 + 60 + 3);
    expect(rows[1]).toMatch(/^underflow,,0,\d+$/);
    expect(rows[2]).toMatch(/^1,0,250,\d+$/);
    expect(rows.at(-2)).toMatch(/^overflow,15000,,\d+$/);
    expect(rows.slice(1).reduce((n, r) => n + Number(r.split(',')[3]), 0)).toBe(full.events);

    // PNG of the histogram; and of the oscilloscope (every plot exports).
    const png = await downloadOf(page, page.locator('[data-testid=histogram]').getByRole('button', { name: 'PNG' }));
    expect(png.name).toMatch(/^analysis_[\dT-]+(-\d+)?_RB_3_decay_time_histogram\.png$/);
    const size = await pngSize(page, png.bytes);
    expect(size.width).toBeGreaterThan(200);
    expect(size.height).toBeGreaterThan(200);
    await page.getByRole('tab', { name: 'Oscilloscope' }).click();
    const scope = await downloadOf(page, page.locator('.oscilloscope').getByRole('button', { name: 'PNG' }));
    expect(scope.name).toMatch(/^analysis_[\dT-]+(-\d+)?_RB_\d_oscilloscope\.png$/);
    expect((await pngSize(page, scope.bytes)).width).toBeGreaterThan(200);

    expect(errors).toEqual([]);
    await page.close();
    expect(await server!.stop()).toBe(0);
  });
});
