// Starting an unsaved draft of a read-only example (issue 18): Start asks where
// to save it, Cancel starts nothing, and the run of the saved copy writes
// nothing into the examples — `ringscope serve` (built CLI, real engine) in a
// child process, Debian's Chromium driven by playwright-core.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, spawnServe, stopServers } from '../test/support/browser';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

const root = join(import.meta.dirname, '..');
const example = join(root, 'examples', 'sensors');
const WAIT = { timeout: 60_000 };
const tmp = mkdtempSync(join(tmpdir(), 'ringscope-draft-'));
const listing = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await stopServers();
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Start on an unsaved draft of an example', () => {
  it('asks where to save it; Cancel starts nothing; the saved copy runs and the example folder stays as it was', async () => {
    const before = listing(example);
    // No --output: runs go next to the setup, as a user's would.
    const served = await spawnServe(['--root', tmp]);
    const page = await openPage(browser, served.url, WAIT.timeout);
    await page.click('[data-testid=editor-toggle]');
    await page.waitForSelector('.setup-editor', WAIT);
    await page.getByRole('button', { name: 'Open…' }).click();
    const open = page.getByRole('dialog', { name: 'Open a setup' });
    await open.getByRole('button', { name: 'Computer sensors', exact: true }).click();
    await open.waitFor({ state: 'detached', ...WAIT });
    await page.waitForFunction(() => document.querySelector('[data-testid=editor-path]')?.textContent === 'examples/sensors/setup.yaml', null, WAIT);

    // An edit makes it a draft of a read-only example.
    const dt = page.locator('[data-testid="param:Fkt_1.dt"]').getByLabel('Fkt_1 dt');
    await dt.fill('0.25');
    await page.waitForSelector('[data-testid=dirty-marker]', WAIT);

    // Start asks where to save it; Cancel: nothing starts, and the page says why.
    const start = page.getByRole('button', { name: 'Start', exact: true });
    await start.click();
    const saveAs = page.getByRole('dialog', { name: 'Save setup as' });
    await saveAs.waitFor(WAIT);
    expect(await saveAs.getByLabel('Save as path').inputValue()).toBe('sensors.yaml');
    await saveAs.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForFunction(() => /The run was not started: save the setup first/.test(document.querySelector('.notices')?.textContent ?? ''), null, WAIT);
    expect(await page.getAttribute('.app', 'data-run-state')).not.toBe('running');
    expect(listing(example)).toEqual(before);

    // Start again and save it: the copy is opened and runs.
    const target = join(tmp, 'mine', 'sensors.yaml');
    await start.click();
    await saveAs.waitFor(WAIT);
    await saveAs.getByLabel('Save as path').fill(target);
    await saveAs.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForSelector('.app[data-run-state="running"]', WAIT);
    expect(await page.textContent('[data-testid=editor-path]')).toBe(target);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.waitForSelector('.app[data-run-state="ended"]', WAIT);

    // The run lies next to the saved copy and keeps the edited setup; the example folder is unchanged.
    const runs = readdirSync(join(tmp, 'mine', 'target'));
    expect(runs).toHaveLength(1);
    expect(readFileSync(join(tmp, 'mine', 'target', runs[0], 'setup', 'sensors.yaml'), 'utf8')).toBe(readFileSync(target, 'utf8'));
    expect(readFileSync(target, 'utf8')).toMatch(/dt: 0\.25/);
    expect(listing(example)).toEqual(before);
    expect(existsSync(join(example, 'target'))).toBe(false);
    expect(page.errors).toEqual([]);
    await page.close();
    expect(await served.stop()).toBe(0);
  });
});
