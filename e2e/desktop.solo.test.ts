// The desktop app end to end. Part one runs everywhere: the build's engine
// process entry, started exactly as main starts it but in a worker thread
// (worker_threads channels standing in for utilityProcess and
// MessageChannelMain), runs the muon setup. Part two drives the real app with
// Playwright's _electron where the Electron binary is on disk (it cannot be
// downloaded on machines that reach only the npm registry; there the tests
// report themselves skipped with that reason).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src-shared/engine/status';
import { EngineClient } from '../src-main/hosts/desktop/engine-client';
import { EngineSupervisor } from '../src-main/hosts/desktop/engine-supervisor';
import { acknowledgeSnapshots, builtEntry, nextEvent, workerEnvironment } from '../test/support/engine-host';
import { nodePort } from '../src-main/hosts/desktop/engine-host/ports';
import { electronBinary } from '../test/support/electron-binary';

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

  it('runs the muon setup in the built engine host: a window port, status, snapshots, quit during the run', async () => {
    const out = join(tmp, 'built-runs');
    const sup = new EngineSupervisor(workerEnvironment('built'), {
      version: 'test',
      cwd: root,
      output: { directory: out, readOnlyRoots: [], fallback: null },
    });
    await sup.start();
    await sup.client!.request({ type: 'open', path: muon });
    const port = sup.connectRenderer() as MessagePort;
    const win = new EngineClient(nodePort(port));
    await win.ready();
    expect(win.setup).toMatchObject({ path: 'examples/muon/setup.yaml', runnable: true });
    await win.request({ type: 'subscribe', buffer: 'RB_2' });
    acknowledgeSnapshots(win);
    const snapshot = nextEvent(win, 'snapshot');
    const flowing = nextEvent(win, 'status', (e) => e.status.state === 'running' && e.status.buffers[2].written > 0);
    await win.request({ type: 'start' });
    await flowing;
    const snap = (await snapshot).snapshot;
    expect(snap.buffer).toBe('RB_2');
    expect(snap.fields[0].data).toHaveLength(4250);

    const ended = nextEvent(win, 'run_ended');
    await sup.shutdown();
    const summary = (await ended).summary;
    expect(summary.end_reason).toBe('stop');
    expect(summary.run_directory.startsWith(out)).toBe(true);
    const onDisk = JSON.parse(readFileSync(join(summary.run_directory, 'run.json'), 'utf8')) as RunSummary;
    for (const b of Object.values(onDisk.buffers)) for (const r of Object.values(b.released)) expect(r).toBe(b.written);
    expect(sup.state).toBe('stopped');
  });
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

/** Launches the built app with its own user-data folder (settings: runs go to `out`). */
async function launch(exe: string, userData: string, out: string): Promise<ElectronApplication> {
  mkdirSync(userData, { recursive: true });
  writeFileSync(join(userData, 'settings.json'), JSON.stringify({ outputDirectory: out }));
  return _electron.launch({
    executablePath: exe,
    args: [root],
    cwd: root,
    env: { ...process.env, RINGSCOPE_USER_DATA: userData, ELECTRON_RENDERER_URL: '' } as Record<string, string>,
    timeout: 60_000,
  });
}

describe('the Electron app', () => {
  it('opens the muon setup with Open… (native dialog), starts, draws a trace; quitting during the run stops it gracefully', async (ctx) => {
    const found = electronBinary();
    if ('missing' in found) return ctx.skip(found.missing);
    const out = join(tmp, 'app-runs');
    const app = await launch(found.path, join(tmp, 'user-data'), out);
    try {
      const page = await app.firstWindow();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.waitForSelector('.app[data-connection="open"]', WAIT);

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

      // Open… (the editor's action) with the native dialog answered in main.
      await app.evaluate(({ dialog }, path) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [path] })) as typeof dialog.showOpenDialog;
      }, muon);
      await page.getByRole('button', { name: 'Open…', exact: true }).click();
      await page.waitForSelector('.app[data-run-state="idle"] .setup-name', WAIT);
      // Main learns of the setup on its own port; wait for it there.
      await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].getTitle()), WAIT).toBe('Muon lifetime (simulated detector) — RingScope');
      const recentFile = join(tmp, 'user-data', 'recent-files.json');
      await expect.poll(() => existsSync(recentFile) && JSON.parse(readFileSync(recentFile, 'utf8')).files, WAIT).toEqual([muon]);

      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page.waitForSelector('.app[data-run-state="running"]', WAIT);
      await moreFrames(page, 3);
      const pixels = await tracePixels(page);
      expect(Object.values(pixels).reduce((a, b) => a + b, 0), JSON.stringify(pixels)).toBeGreaterThan(2000);
      await page.screenshot({ path: join(artifacts, 'electron-muon-running.png') });
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
    const runs = existsSync(out) ? readdirSync(out) : [];
    expect(runs).toHaveLength(1);
    const summary = JSON.parse(readFileSync(join(out, runs[0], 'run.json'), 'utf8')) as RunSummary;
    expect(summary.end_reason).toBe('stop');
    for (const b of Object.values(summary.buffers)) for (const r of Object.values(b.released)) expect(r).toBe(b.written);
  });
});
