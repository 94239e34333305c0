// The desktop app end to end. Part one runs everywhere: the build's preload.
// Part two drives the real app with Playwright's _electron where an Electron
// binary is on disk (RINGSCOPE_ELECTRON_PATH or the electron package's own; it
// cannot be downloaded on machines that reach only the npm registry, and there
// the tests report themselves skipped with that reason), in both engine modes,
// with ELECTRON_DISABLE_SANDBOX=1 on an X display (Xvfb where there is none).
// Its first assertions are the ones no test could make without the binary:
// worker threads created and ended again and again inside the utility process
// (electron#47986 reports crashes there).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src-shared/engine/status';
import { builtEntry } from '../test/support/engine-host';
import { electronBinary, electronTestEnv } from '../test/support/electron-binary';

// page.evaluate callbacks run in the window; this file is type-checked for Node.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

const root = join(import.meta.dirname, '..');
const muon = join(root, 'examples', 'muon', 'setup.yaml');
const artifacts = join(root, 'test-results');
const WAIT = { timeout: 60_000 };
const tmp = mkdtempSync(join(tmpdir(), 'ringscope-desktop-'));
mkdirSync(artifacts, { recursive: true });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('desktop build', () => {
  it('has the engine process entry and a CommonJS preload that exposes only the curated API', () => {
    expect(existsSync(builtEntry), `${builtEntry} (npm run build)`).toBe(true);
    const preload = readFileSync(join(root, 'out', 'preload', 'index.cjs'), 'utf8');
    expect(preload).toMatch(/require\(["']electron["']\)/);
    expect(preload).not.toMatch(/^\s*import\s/m);
    const exposed = [...preload.matchAll(/exposeInMainWorld\(\s*["'](\w+)["']\s*,\s*(\w+)/g)];
    expect(exposed.map((m) => m[1])).toEqual(['ringscope']);
    // The exposed object wraps calls; ipcRenderer itself is never handed to the page.
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    expect(preload).not.toMatch(/:\s*(electron\.)?ipcRenderer\s*[,}]/);
  });
  // Running the built engine host as a utility process: e2e/engine-host-utility.solo.test.ts.
});

// ------------------------------------------------------------ the Electron app

/** Pixels of each trace colour on the oscilloscope canvas (colours from the channel toggles). */
function tracePixels(p: Page): Promise<Record<string, number>> {
  return p.evaluate(() => {
    const canvas = document.querySelector('[data-testid=scope-plot] canvas');
    const ctx = canvas.getContext('2d');
    const probe = document.createElement('canvas').getContext('2d');
    const channels = [...document.querySelectorAll('.channel-toggle')].map((t: any) => {
      probe.fillStyle = t.dataset.color;
      const hex = String(probe.fillStyle);
      return { name: t.dataset.channel as string, rgb: [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) };
    });
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const result: Record<string, number> = Object.fromEntries(channels.map((c) => [c.name, 0]));
    for (let i = 0; i < data.length; i += 4) {
      for (const c of channels) {
        if (Math.abs(data[i] - c.rgb[0]) + Math.abs(data[i + 1] - c.rgb[1]) + Math.abs(data[i + 2] - c.rgb[2]) < 60) result[c.name] += 1;
      }
    }
    return result;
  });
}

async function moreFrames(p: Page, n: number): Promise<void> {
  const now = await p.$eval('[data-testid=scope-plot]', (e: any) => Number(e.dataset.frames ?? 0));
  await p.waitForFunction((target: number) => Number(document.querySelector('[data-testid=scope-plot]')?.dataset.frames ?? 0) >= target, now + n, WAIT);
}

/** Launches the built app with its own user-data folder (settings: runs go to `out`) in the given engine mode. */
async function launch(exe: string, display: Record<string, string>, userData: string, out: string, mode: 'utility' | 'main'): Promise<ElectronApplication> {
  mkdirSync(userData, { recursive: true });
  writeFileSync(join(userData, 'settings.json'), JSON.stringify({ outputDirectory: out }));
  return _electron.launch({
    executablePath: exe,
    args: [root],
    cwd: root,
    env: { ...process.env, ...display, RINGSCOPE_USER_DATA: userData, RINGSCOPE_ENGINE_HOST: mode, ELECTRON_RENDERER_URL: '' } as Record<string, string>,
    timeout: 60_000,
  });
}

const IDLE = '.app[data-connection="open"]:not([data-run-state="running"]):not([data-run-state="stopping"]):not([data-run-state="paused"])';

/** Every run's run.json under `out`, checked: counts reconcile. */
function reconciledRuns(out: string): RunSummary[] {
  return (existsSync(out) ? readdirSync(out) : []).sort().map((d) => {
    const summary = JSON.parse(readFileSync(join(out, d, 'run.json'), 'utf8')) as RunSummary;
    for (const b of Object.values(summary.buffers)) for (const r of Object.values(b.released)) expect(r).toBe(b.written);
    return summary;
  });
}

describe.each(['utility', 'main'] as const)('the Electron app, engine in %s', (mode) => {
  it('opens the muon setup with Open… (native dialog); runs started and stopped 5 times (worker threads made and ended each time) keep the engine alive; quitting during a run stops it gracefully', async (ctx) => {
    const found = electronBinary();
    if ('missing' in found) return ctx.skip(found.missing);
    const display = electronTestEnv();
    if ('missing' in display) return ctx.skip(display.missing);
    const out = join(tmp, `app-runs-${mode}`);
    const app = await launch(found.path, display.env, join(tmp, `user-data-${mode}`), out, mode);
    try {
      const page = await app.firstWindow();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.waitForSelector('.app[data-connection="open"]', WAIT);

      // Open… (the editor's action) with the native dialog answered in main.
      await app.evaluate(({ dialog }, path) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [path] })) as typeof dialog.showOpenDialog;
      }, muon);
      await page.getByRole('button', { name: 'Open…', exact: true }).click();
      await page.waitForSelector('.app[data-run-state="idle"] .setup-name', WAIT);

      // First: worker threads created and ended again and again inside the engine's process
      // (electron#47986: crashes reported when workers are created and ended repeatedly in a utility process).
      for (let i = 0; i < 5; i++) {
        await page.getByRole('button', { name: 'Start', exact: true }).click();
        await page.waitForSelector('.app[data-run-state="running"]', WAIT);
        await moreFrames(page, 2);
        await page.getByRole('button', { name: 'Stop', exact: true }).click();
        await page.waitForSelector(IDLE, WAIT);
      }
      const five = reconciledRuns(out);
      expect(five.map((r) => r.end_reason)).toEqual(['stop', 'stop', 'stop', 'stop', 'stop']);
      for (const r of five) expect(r.buffers.RB_1.written).toBeGreaterThan(0);
      expect(await page.locator('.app').getAttribute('data-connection')).toBe('open');

      // The page is isolated: no Node, the curated API only, served from app://.
      const isolation = await page.evaluate(() => ({
        url: window.location.href,
        require: typeof window.require,
        process: typeof window.process,
        api: Object.keys(window.ringscope).sort(),
      }));
      expect(isolation.url).toBe('ringscope://app/index.html');
      expect(isolation.require).toBe('undefined');
      expect(isolation.process).toBe('undefined');
      expect(isolation.api).toContain('connectEngine');
      expect(isolation.api).not.toContain('ipcRenderer');
      expect(await page.evaluate(() => window.open('https://example.org/'))).toBeNull();
      // Main learns of the setup on its own port.
      await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].getTitle()), WAIT).toBe('Muon lifetime (simulated detector) — RingScope');
      const recentFile = join(tmp, `user-data-${mode}`, 'recent-files.json');
      await expect.poll(() => existsSync(recentFile) && JSON.parse(readFileSync(recentFile, 'utf8')).files, WAIT).toEqual([muon]);

      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page.waitForSelector('.app[data-run-state="running"]', WAIT);
      await moreFrames(page, 3);
      const pixels = await tracePixels(page);
      expect(Object.values(pixels).reduce((a, b) => a + b, 0), JSON.stringify(pixels)).toBeGreaterThan(2000);
      await page.screenshot({ path: join(artifacts, `electron-muon-running-${mode}.png`) });
      expect(errors).toEqual([]);

      // Quit during the run: "Stop Run and Quit" is answered in main; the run is drained and written.
      await app.evaluate(({ dialog }) => {
        dialog.showMessageBox = (async () => ({ response: 0, checkboxChecked: false })) as typeof dialog.showMessageBox;
      });
      const closed = new Promise<void>((ok) => app.once('close', () => ok()));
      await app.evaluate(({ app: electronApp }) => electronApp.quit());
      await closed;
    } finally {
      await app.close().catch(() => undefined);
    }
    const runs = reconciledRuns(out);
    expect(runs).toHaveLength(6);
    expect(runs[5].end_reason).toBe('stop');
  });
});
