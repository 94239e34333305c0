// The window as a student meets it (issue 20), in Debian's Chromium against
// `ringscope serve` (the built CLI, the real engine), at 1280×800 and at
// 1024×700: names that say what buffers and functions are, the oscilloscope
// (empty state, Run/Stop/Single, cursors, the trigger level dragged), keys S,
// E and ?, a second window's pause told to the first, the run's files with
// sizes, growth and downloads that match the disk, the log with a function's
// stack trace, the fit with χ²/ndf and one unit, a run column that folds.
// Waits are handshakes on what the page shows, never sleeps. Screenshots go
// to test-results/window-<width>-*.png.
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, relative } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, spawnServe } from '../test/support/browser';
import { browserSuite } from '../test/support/browser-suite';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

const root = join(import.meta.dirname, '..');
const muonDir = join(root, 'examples', 'muon');
const failingSetup = join(root, 'test', 'fixtures', 'window', 'setup.yaml');
const artifacts = join(root, 'test-results');
const WAIT = { timeout: 90_000 };
mkdirSync(artifacts, { recursive: true });
const suite = browserSuite('ringscope-window-');
const tmp = suite.tmp;

const open = (url: string, width: number, height: number) => openPage(suite.browser, url, WAIT.timeout, { width, height, downloads: true });

const runStateIs = (p: Page, state: string) => p.waitForSelector(`.app[data-run-state="${state}"]`, WAIT);
const frames = (p: Page) => p.$eval('[data-testid=scope-plot]', (e: any) => Number(e.dataset.frames ?? 0));
const counter = (p: Page) => p.$eval('[data-testid=scope-plot]', (e: any) => e.dataset.counter as string | undefined);
async function moreFrames(p: Page, n = 2): Promise<void> {
  const now = await frames(p);
  await p.waitForFunction((t: number) => Number(document.querySelector('[data-testid=scope-plot]')?.dataset.frames ?? 0) >= t, now + n, WAIT);
}
async function nextStatus(p: Page, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    const seq = await p.$eval('.app', (e: any) => Number(e.dataset.statusSeq));
    await p.waitForFunction((s: number) => Number(document.querySelector('.app').dataset.statusSeq) > s, seq, WAIT);
  }
}

/** Pixels of a colour (#rrggbb) on the oscilloscope canvas, and the rows they lie in. */
function colourRows(p: Page, hex: string): Promise<{ count: number; rows: number[] }> {
  return p.evaluate((h: string) => {
    const canvas = document.querySelector('[data-testid=scope-plot] canvas');
    const { data, width } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const rgb = [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
    const perRow = new Map<number, number>();
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 40) {
        count += 1;
        const row = Math.floor(i / 4 / width);
        perRow.set(row, (perRow.get(row) ?? 0) + 1);
      }
    }
    // Rows where the colour runs across much of the plot: a horizontal line.
    const rows = [...perRow.entries()].filter(([, n]) => n > width * 0.3).map(([r]) => r);
    return { count, rows };
  }, hex);
}

/** Every file under `dir` with its size, paths relative with '/'. */
function filesOnDisk(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p).split('\\').join('/')] = statSync(p).size;
    }
  };
  walk(dir);
  return out;
}

function httpGet(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((ok, fail) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode!, body: Buffer.concat(chunks) }));
    })
      .on('error', fail)
      .end();
  });
}

for (const [width, height] of [
  [1280, 800],
  [1024, 700],
] as const) {
  describe(`the window at ${width}×${height}`, () => {
    it('runs the muon setup as a student would: names, scope, keys, other windows, run files, fit', async () => {
      // The muon example, its source slowed to about 200 events/s so that the run lasts while the
      // test looks at it (the raw waveforms' Parquet export would otherwise take ~1 GB a minute).
      const copy = join(tmp, `muon-${width}`);
      cpSync(muonDir, copy, { recursive: true, filter: (src) => !src.includes('target') });
      const config = join(copy, 'config', 'muon_config.yaml');
      writeFileSync(config, readFileSync(config, 'utf8').replace(/sleeptime: 0 /, 'sleeptime: 0.005 '));
      const out = join(tmp, `runs-${width}`);
      const served = await spawnServe([join(copy, 'setup.yaml'), '--output', out]);
      const page = await open(served.url, width, height);
      await runStateIs(page, 'idle');

      // Nothing overflows the window sideways.
      const overflow = () => page.evaluate(() => ({ doc: document.documentElement.scrollWidth - window.innerWidth, buffers: [...document.querySelectorAll('.panel')].map((p: any) => p.scrollWidth - p.clientWidth) }));
      expect((await overflow()).doc).toBeLessThanOrEqual(0);

      // Names that say what things are: the buffers and functions describe themselves.
      expect(await page.textContent('tr[data-buffer=RB_1] th')).toContain('raw waveforms (every trigger)');
      expect(await page.textContent('tr[data-buffer=RB_3] th')).toContain('decay times and pulse parameters');
      expect(await page.getAttribute('.buffer-status th[title^="How full"]', 'title')).toContain('deadtime');
      // The oscilloscope opens on the raw waveforms and says what to do.
      expect(await page.$eval('select[aria-label="Buffer shown"]', (s: any) => s.value)).toBe('RB_1');
      expect(await page.textContent('[data-testid=scope-empty]')).toBe('Press Start to see the waveforms.');
      await page.locator('.oscilloscope').getByRole('button', { name: 'PNG' }).click();
      expect(await page.textContent('[data-testid=scope-png-refused]')).toContain('Nothing to export yet');
      // The run limit field shows the limit that applies.
      expect(await page.getAttribute('.run-limits input >> nth=0', 'placeholder')).toBe('setup: no limit');
      await page.screenshot({ path: join(artifacts, `window-${width}-idle.png`) });

      // S starts (the focus on the page, not in a field).
      await page.locator('h1').click();
      await page.keyboard.press('s');
      await runStateIs(page, 'running');
      await moreFrames(page, 3);
      expect(await page.locator('[data-testid=scope-empty]').count()).toBe(0);
      expect(await page.textContent('[data-testid=scope-event]')).toMatch(/^event [\d,]+ · \d\d:\d\d:\d\d\.\d{3}$/);
      // The run's files appear with their growth.
      await page.waitForSelector('[data-testid=run-files-growth]', WAIT);
      expect(await page.textContent('[data-testid=run-files-growth]')).toMatch(/^[\d.]+ (B|kB|MB|GB)\/min$/);

      // Stop keeps the picture while events go on; Single takes one more and stops.
      await page.getByRole('button', { name: 'Scope stop' }).click();
      const held = await counter(page);
      await nextStatus(page, 2);
      expect(await counter(page)).toBe(held);
      await page.getByRole('button', { name: 'Scope single' }).click();
      await page.waitForFunction((c: string | undefined) => document.querySelector('[data-testid=scope-plot]').dataset.counter !== c, held, WAIT);
      await page.waitForSelector('[aria-label=Acquisition][data-mode=stop]', WAIT);
      const single = await counter(page);
      await nextStatus(page, 2);
      expect(await counter(page)).toBe(single);

      // Two cursors: Δt in µs and ΔV in mV, drawn as lines.
      const box = (await page.locator('[data-testid=scope-plot] .u-over').boundingBox())!;
      await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.4);
      await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.7);
      expect(await page.textContent('[data-testid=scope-cursors]')).toMatch(/^A: -?[\d.]+ µs, -?[\d.]+ mV {3}B: -?[\d.]+ µs, -?[\d.]+ mV {3}Δt = [\d.]+ µs {3}1\/Δt = [\d.]+ MHz {3}ΔV = -?[\d.]+ mV$/);
      const dt = Number((await page.textContent('[data-testid=scope-cursors]'))!.match(/Δt = ([\d.]+) µs/)![1]);
      // 30 % of the 17 µs window: about 5.1 µs (the axis spans 4250 samples of 4 ns).
      expect(dt).toBeGreaterThan(4);
      expect(dt).toBeLessThan(6.5);

      // The trigger level is dragged on the plot (the picture held, so its y axis stays put).
      await page.getByRole('button', { name: 'Scope run' }).click();
      await moreFrames(page, 1);
      await page.getByRole('button', { name: 'Scope stop' }).click();
      const before = await colourRows(page, '#f28e00');
      expect(before.rows.length).toBeGreaterThan(0);
      const dpr = await page.evaluate(() => window.devicePixelRatio);
      const canvasBox = (await page.locator('[data-testid=scope-plot] canvas').boundingBox())!;
      const lineY = canvasBox.y + before.rows[0] / dpr;
      await page.mouse.move(box.x + box.width * 0.5, lineY);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.5, lineY + 40, { steps: 4 });
      await page.mouse.up();
      await page.waitForSelector('button:has-text("Reset trigger")', WAIT);
      // Dragged down by 40 px: a level below the setup's -440 mV (the y axis follows the data, so the value is what counts).
      const dragged = Number(await page.getAttribute('[data-testid=scope-plot]', 'data-level'));
      expect(dragged).toBeLessThan(-445);
      await page.getByRole('button', { name: 'Reset trigger' }).click();
      await page.waitForSelector('[data-testid=scope-plot][data-level="-440"]', WAIT);
      await page.getByRole('button', { name: 'Scope run' }).click();
      // Nothing sticks out of its panel while running (the buffer table with its big numbers included).
      expect(Math.max(...(await overflow()).buffers)).toBeLessThanOrEqual(1);
      await page.screenshot({ path: join(artifacts, `window-${width}-running.png`) });

      // A second window pauses: the first is told who did it.
      const second = await open(served.url, width, height);
      await runStateIs(second, 'running');
      await second.getByRole('button', { name: 'Pause', exact: true }).click();
      await runStateIs(page, 'paused');
      await page.waitForSelector('.notice:has-text("Paused from another window.")', WAIT);
      expect(await second.locator('.notice:has-text("from another window")').count()).toBe(0);
      await second.getByRole('button', { name: 'Resume', exact: true }).click();
      await runStateIs(page, 'running');
      await second.close();

      // ? lists the keys; E ends the run.
      await page.locator('h1').click();
      await page.keyboard.press('?');
      expect(await page.textContent('[role=dialog][aria-label="Keyboard shortcuts"]')).toContain('End the run');
      await page.keyboard.press('Escape');
      await page.keyboard.press('e');
      await runStateIs(page, 'ended');
      await page.waitForSelector('[data-testid=run-summary]', WAIT);

      // The run's files: every file on disk, with its size; a download equals the file.
      const dir = (await page.textContent('[data-testid=summary-run-directory]'))!.trim();
      await page.waitForFunction(() => document.querySelector('[data-testid=run-files]') && !document.querySelector('[data-testid=run-files-growth]'), null, WAIT);
      const disk = filesOnDisk(dir);
      const shown = await page.$$eval('tr[data-file]', (rows: any[]) => rows.map((r) => [r.dataset.file, Number(r.dataset.size)]));
      const byTop: Record<string, number> = {};
      // Hidden files (the engine's disk reserve) count in the total, but are not listed.
      for (const [p, s] of Object.entries(disk)) if (!p.startsWith('.')) byTop[p.split('/')[0]] = (byTop[p.split('/')[0]] ?? 0) + s;
      expect(Object.fromEntries(shown)).toEqual(byTop);
      expect(Number(await page.getAttribute('[data-testid=run-files]', 'data-total'))).toBe(Object.values(disk).reduce((a, b) => a + b, 0));
      const link = page.locator('[data-testid=run-file-link]', { hasText: /\.csv$/ }).first();
      const [d] = (await Promise.all([page.waitForEvent('download', WAIT), link.click()])) as [Download, unknown];
      const saved = join(tmp, `dl-${width}-${d.suggestedFilename()}`);
      await d.saveAs(saved);
      expect(readFileSync(saved).equals(readFileSync(join(dir, d.suggestedFilename())))).toBe(true);
      // Without the token, or outside the run, nothing is served.
      const href = (await link.getAttribute('href'))!;
      const base = served.url.replace(/\?token=.*$/, '');
      expect((await httpGet(base + href)).status).toBe(401);
      const token = served.url.match(/token=([^&]+)/)![1];
      expect((await httpGet(`${base}run-files/0/..%2F..%2Fsetup.yaml?token=${token}`)).status).toBe(404);
      expect((await httpGet(`${base}run-files/0/run.json?token=${token}`)).status).toBe(200);
      await page.screenshot({ path: join(artifacts, `window-${width}-ended.png`) });

      // The fit: one unit, χ²/ndf, the expected lifetime; no overlap of its text with under/overflow.
      await page.getByRole('tab', { name: 'Histogram' }).click();
      await page.waitForSelector('[data-testid=histogram][data-final="true"]', WAIT);
      expect(await page.textContent('[data-testid=histogram-fit]')).toMatch(/ ns \(n = [\d,]+\)$/);
      expect(await page.textContent('[data-testid=histogram-chi2]')).toMatch(/^χ²\/ndf = [\d.]+\/\d+$/);
      expect(await page.textContent('[data-testid=histogram-expected]')).toMatch(/^expected 2197 ns/);
      await page.screenshot({ path: join(artifacts, `window-${width}-histogram.png`) });

      // The log shows the run's lines, newest at the bottom.
      await page.getByRole('tab', { name: 'Log' }).click();
      const lines = await page.$$eval('.log-line .log-message', (l: any[]) => l.map((x) => x.textContent));
      expect(lines.some((l: string) => l.startsWith('run started'))).toBe(true);
      expect(lines.at(-1)).toMatch(/^run ended/);

      // Folding the run column gives the plots the room.
      await page.getByRole('tab', { name: 'Oscilloscope' }).click();
      const wide = (await page.locator('[data-testid=scope-plot]').boundingBox())!.width;
      await page.getByRole('button', { name: 'Fold the run column' }).click();
      await page.waitForSelector('[data-testid=side-folded] [data-state=ended]', WAIT);
      await page.waitForFunction((w: number) => document.querySelector('[data-testid=scope-plot]').getBoundingClientRect().width > w + 200, wide, WAIT);
      await page.screenshot({ path: join(artifacts, `window-${width}-folded.png`) });
      await page.getByRole('button', { name: 'Show the run column' }).click();
      expect((await overflow()).doc).toBeLessThanOrEqual(0);

      // Reload: the scope's buffer choice is remembered for this setup.
      await page.selectOption('select[aria-label="Buffer shown"]', 'RB_2');
      await page.reload();
      await page.waitForSelector('.app[data-connection="open"]', WAIT);
      await page.waitForFunction(() => document.querySelector('select[aria-label="Buffer shown"]')?.value === 'RB_2', null, WAIT);
      expect(page.errors).toEqual([]);
      await page.close();
      expect(await served.stop()).toBe(0);
    });
  });
}

describe('the log panel', () => {
  it("shows a function's error with its stack trace, line by line, and follows new lines", async () => {
    const served = await spawnServe([failingSetup, '--output', join(tmp, 'failing')]);
    const page = await open(served.url, 1280, 800);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await runStateIs(page, 'ended');
    await page.waitForSelector('[data-testid=log-errors]', WAIT);
    await page.getByRole('tab', { name: 'Log' }).click();
    const error = page.locator('.log-line[data-level=error]').first();
    const text = (await error.locator('.log-message').textContent())!;
    expect(text).toMatch(/^event 7: value 7 is unlucky\n/);
    expect(text).toMatch(/\n\s+at check \(.*picky_filter\.mjs:\d+:\d+\)/);
    // Each stack line on a line of its own on screen: the message is taller than one line.
    const h = (await error.locator('.log-message').boundingBox())!.height;
    expect(h).toBeGreaterThan(3 * 14);
    expect(await page.getAttribute('[data-testid=log-lines]', 'data-following')).toBe('true');
    await page.screenshot({ path: join(artifacts, 'window-log.png') });
    expect(page.errors).toEqual([]);
    await page.close();
    expect(await served.stop()).toBe(0);
  });
});

describe('the sensors at 1024×700', () => {
  it('fill the panel with strip charts, show the latest values as text (the time as a time), a correct rate, and say when there is no battery', async () => {
    const copy = join(tmp, 'sensors');
    cpSync(join(root, 'examples', 'sensors'), copy, { recursive: true, filter: (src) => !src.includes('target') });
    // Without Channel Access here: other tests (and other programs) may use its port.
    const setup = join(copy, 'setup.yaml');
    writeFileSync(setup, readFileSync(setup, 'utf8').replace(/epics:\n {2}enabled: true/, 'epics:\n  enabled: false'));
    const served = await spawnServe([setup, '--output', join(tmp, 'sensor-runs')]);
    const page = await open(served.url, 1024, 700);
    await page.waitForSelector('[data-testid=strip-charts]', WAIT);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await runStateIs(page, 'running');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=strip-events]').dataset.value) >= 4, null, WAIT);
    await nextStatus(page, 2);

    // The latest values as text; the time field as a time of day.
    const values = await page.$$eval('[data-testid=latest-value]', (v: any[]) => Object.fromEntries(v.map((x) => [x.dataset.field, x.textContent])));
    expect(values.time).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(values.cpu).toMatch(/^\d+(\.\d+)?$/);
    const hasBattery = readdirSync('/sys/class/power_supply', { withFileTypes: true }).some((e) => e.name.startsWith('BAT'));
    if (!hasBattery) {
      expect(values.battery).toBe('no battery');
      expect(await page.getAttribute('[data-testid=strip-plot][data-field=battery]', 'data-empty')).toBe('true');
    }
    // The charts share the panel's height: each taller than 90 px, together most of the rows' room.
    const sizes = await page.$$eval('.strip-row', (rows: any[]) => rows.map((r) => r.getBoundingClientRect().height));
    const room = await page.$eval('.strip-rows', (r: any) => r.getBoundingClientRect().height);
    expect(sizes.length).toBe(3); // cpu, memory, battery: the fields with a colour hint (time is a value, not a chart)
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(90);
    expect(sizes.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThan(room * 0.8);
    // One reading a second is a rate of about 1 Hz.
    await page.waitForFunction(() => Number(document.querySelector('tr[data-buffer=RB_1]').dataset.rate) > 0.7, null, WAIT);
    const rate = Number(await page.getAttribute('tr[data-buffer=RB_1]', 'data-rate'));
    expect(rate).toBeGreaterThan(0.7);
    expect(rate).toBeLessThan(1.4);
    await page.screenshot({ path: join(artifacts, 'window-1024-sensors.png') });
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await runStateIs(page, 'ended');
    expect(page.errors).toEqual([]);
    await page.close();
    expect(await served.stop()).toBe(0);
  });
});
