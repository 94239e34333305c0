// The setup editor and the look and feel, end to end: `ringscope serve` (the
// built CLI, the real engine and loader) in a child process, Debian's Chromium
// driven by playwright-core at 1280 × 800. Every wait is on what the page
// shows (paths, markers, run state), never a sleep.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { listPorts } from '../src-workers/serial/ports';
import { openPage as openPageIn, spawnServe } from '../test/support/browser';
import { browserSuite } from '../test/support/browser-suite';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const getComputedStyle: any;

const root = join(import.meta.dirname, '..');
const muonText = readFileSync(join(root, 'examples', 'muon', 'setup.yaml'), 'utf8');
const artifacts = join(root, 'test-results');
const WAIT = { timeout: 60_000 };

mkdirSync(artifacts, { recursive: true });
const suite = browserSuite('ringscope-editor-');
const tmp = suite.tmp;

const openPage = (url: string) => openPageIn(suite.browser, url, WAIT.timeout);

const editorPath = (p: Page) => p.textContent('[data-testid=editor-path]');

/** At 1280 px the editor column starts hidden (the plots keep the room): show it with the header's button. */
async function showEditor(p: Page): Promise<void> {
  expect(await p.locator('.setup-editor').count()).toBe(0);
  await p.click('[data-testid=editor-toggle]');
  await p.waitForSelector('.setup-editor', WAIT);
}
const param = (p: Page, fn: string, name: string) => p.locator(`[data-testid="param:${fn}.${name}"]`);

/** Opens a setup through the editor's Open dialog: an example by title, or a path on the server. */
async function openThroughDialog(p: Page, what: { example: string } | { path: string }): Promise<void> {
  await p.getByRole('button', { name: 'Open…' }).click();
  const dialog = p.getByRole('dialog', { name: 'Open a setup' });
  await dialog.waitFor(WAIT);
  if ('example' in what) await dialog.getByRole('button', { name: what.example, exact: true }).click();
  else {
    await dialog.getByLabel('Open path').fill(what.path);
    await dialog.getByRole('button', { name: 'Open', exact: true }).click();
  }
  await dialog.waitFor({ state: 'detached', ...WAIT });
}

describe('setup editor in the browser', () => {
  it('opens an example, changes a parameter, saves a copy, and reads it back with the change and every comment', async () => {
    const served = await spawnServe(['--root', tmp, '--output', join(tmp, 'out')]);
    const page = await openPage(served.url);
    await showEditor(page);

    await openThroughDialog(page, { example: 'Muon lifetime (simulated detector)' });
    await page.waitForFunction(() => document.querySelector('[data-testid=editor-path]')?.textContent === 'examples/muon/setup.yaml', null, WAIT);
    expect(await page.textContent('.setup-editor .badge')).toBe('example');
    expect(await page.locator('[data-testid=dirty-marker]').count()).toBe(0);

    // A parameter set in the config file: editing it writes the function's inline config.
    const prb = param(page, 'Fkt_1', 'prbInteraction');
    expect(await prb.locator('[data-testid=param-origin]').textContent()).toContain('config/muon_config.yaml');
    await prb.getByLabel('Fkt_1 prbInteraction').fill('0.9');
    await page.waitForSelector('[data-testid=dirty-marker]', WAIT);
    expect(await prb.locator('[data-testid=param-origin]').textContent()).toContain('this file (Fkt_1.config)');
    await page.screenshot({ path: join(artifacts, 'editor-form.png') });

    // Opening something else now asks first; declining keeps the edit.
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Open…' }).click();
    await page.getByRole('dialog', { name: 'Open a setup' }).getByRole('button', { name: 'Computer sensors', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('.setup-editor')?.dataset.busy === '', null, WAIT);
    expect(await editorPath(page)).toBe('examples/muon/setup.yaml');
    expect(await prb.getByLabel('Fkt_1 prbInteraction').inputValue()).toBe('0.9');

    // Save: an example is read-only, so Save asks where to put a copy (Ctrl+S from the page).
    const target = join(tmp, 'copies', 'muon.yaml');
    await page.locator('.app-header h1').click();
    await page.keyboard.press('Control+s');
    const saveAs = page.getByRole('dialog', { name: 'Save setup as' });
    await saveAs.waitFor(WAIT);
    expect(await saveAs.getByLabel('Save as path').inputValue()).toBe('muon.yaml');
    await saveAs.getByLabel('Save as path').fill(target);
    await saveAs.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForFunction((t) => document.querySelector('[data-testid=editor-path]')?.textContent === t, target, WAIT);
    await page.waitForSelector('[data-testid=dirty-marker]', { state: 'detached', ...WAIT });
    expect(await page.textContent('[data-testid=editor-message]')).toBe(`Saved ${target}.`);

    // On disk: the change, every comment of the example, and the config file still found from the new folder.
    const saved = readFileSync(target, 'utf8');
    expect(saved).toMatch(/Fkt_1:[\s\S]*config: \{prbInteraction: 0\.9\}|Fkt_1:[\s\S]*config:\n\s+prbInteraction: 0\.9/);
    const comments = (t: string) => t.split('\n').filter((l) => /(^|\s)#/.test(l)).map((l) => l.slice(l.indexOf('#')).trim());
    expect(comments(saved)).toEqual(comments(muonText));
    // The copy (in /tmp) and the program's examples share no folder but the root: the path is written absolute, not ../../…
    expect(saved).toContain(`config_file: ${join(root, 'examples', 'muon', 'config', 'muon_config.yaml')}`);
    expect(await page.locator('.problems.has-errors').count()).toBe(0);

    // Reload the page: the host has the copy open; the form shows the saved value from this file.
    await page.reload();
    await page.waitForSelector('.app[data-connection="open"]', WAIT);
    await page.waitForFunction((t) => document.querySelector('[data-testid=editor-path]')?.textContent === t, target, WAIT);
    expect(await param(page, 'Fkt_1', 'prbInteraction').getByLabel('Fkt_1 prbInteraction').inputValue()).toBe('0.9');
    // And open it again from disk by its path: the YAML tab shows the comments.
    await openThroughDialog(page, { path: target });
    await page.getByRole('tab', { name: 'YAML' }).click();
    const yaml = await page.locator('[data-testid=yaml-text]').inputValue();
    expect(yaml).toBe(saved);
    expect(yaml).toContain('# raw waveforms from the simulation (or a digitiser)');
    await page.getByRole('tab', { name: 'Form' }).click();

    // An invalid value: its message at the field, Start disabled with the reason; fixing it enables Start.
    const slots = page.locator('[data-testid="RB_1.number_of_slots"]');
    await slots.getByLabel('RB_1 number_of_slots').fill('-5');
    await slots.locator('[data-testid=field-problem]').waitFor(WAIT);
    expect(await slots.locator('[data-testid=field-problem]').textContent()).toContain('number_of_slots of RB_1 must be a whole number ≥ 1');
    const start = page.getByRole('button', { name: 'Start', exact: true });
    expect(await start.isDisabled()).toBe(true);
    expect(await page.textContent('[data-testid=start-blocked]')).toContain('the edited setup has 1 error');
    await page.screenshot({ path: join(artifacts, 'editor-invalid.png') });
    await slots.getByLabel('RB_1 number_of_slots').fill('128');
    await slots.locator('[data-testid=field-problem]').waitFor({ state: 'detached', ...WAIT });
    expect(await start.isEnabled()).toBe(true);
    expect(await page.locator('[data-testid=dirty-marker]').count()).toBe(0);

    expect(page.errors).toEqual([]);
    await page.close();
    expect(await served.stop()).toBe(0);
  });

  it("offers this machine's serial ports for a serial source's port, and writes the one picked", async () => {
    const served = await spawnServe([]);
    const page = await openPage(served.url);
    await showEditor(page);
    await openThroughDialog(page, { example: 'Arduino over USB serial' });
    await page.waitForFunction(() => document.querySelector('[data-testid=editor-path]')?.textContent === 'examples/serial/setup.yaml', null, WAIT);
    const field = param(page, 'Fkt_1', 'port');
    // The server's real listing (serialport, or the /dev scan without udevadm) is what this process finds too.
    const expected = await listPorts();
    const list = field.locator('[data-testid=port-list]');
    await page.waitForFunction(() => !/Looking/.test(document.querySelector('[data-testid="param:Fkt_1.port"] [data-testid=port-list]')?.textContent ?? 'Looking'), null, WAIT);
    const shown = await list.locator('li button').allTextContents();
    expect(shown).toEqual(expected.ports.map((p) => p.path));
    if (expected.ports.length === 0) expect(await list.textContent()).toContain('No serial ports found on the machine running RingScope');
    if (expected.warning) expect(await list.textContent()).toContain(`Note: ${expected.warning}.`);
    await field.screenshot({ path: join(artifacts, 'editor-serial-port.png') });
    if (expected.ports.length > 0) {
      await list.locator('li button').first().click();
      await page.getByRole('tab', { name: 'YAML' }).click();
      const yaml = await page.locator('[data-testid=yaml-text]').inputValue();
      expect(yaml).toContain(`port: ${expected.ports[0].path}`);
      await page.getByRole('tab', { name: 'Form' }).click();
    }
    await field.getByRole('button', { name: 'Find ports' }).click();
    await page.waitForFunction(() => /Find ports/.test(document.querySelector('[data-testid="param:Fkt_1.port"] button:not(.link)')?.textContent ?? ''), null, WAIT);
    expect(await list.locator('li button').allTextContents()).toEqual(expected.ports.map((p) => p.path));
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('switches the theme (and follows the system), and Space pauses and resumes a running run', async () => {
    const served = await spawnServe([join(root, 'examples', 'sensors', 'setup.yaml'), '--output', join(tmp, 'out-sensors')]);
    const page = await openPage(served.url);
    await showEditor(page);
    await page.waitForFunction(() => document.querySelector('[data-testid=editor-path]')?.textContent === 'examples/sensors/setup.yaml', null, WAIT);
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor as string);

    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.getAttribute('html', 'data-theme')).toBe('light');
    const light = await background();
    await page.selectOption('[data-testid=theme-switch]', 'dark');
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    const dark = await background();
    expect(dark).not.toBe(light);
    await page.screenshot({ path: join(artifacts, 'editor-dark.png') });
    // The choice is kept across a reload; "System" follows prefers-color-scheme.
    await page.reload();
    await page.waitForSelector('.app[data-connection="open"]', WAIT);
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    await page.selectOption('[data-testid=theme-switch]', 'system');
    expect(await page.getAttribute('html', 'data-theme')).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark', null, WAIT);
    expect(await background()).toBe(dark);
    await page.emulateMedia({ colorScheme: 'light' });

    // Space: pause and resume (not while typing in a field).
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.waitForSelector('.app[data-run-state="running"]', WAIT);
    await page.locator('.app-header h1').click();
    await page.keyboard.press('Space');
    await page.waitForSelector('.app[data-run-state="paused"]', WAIT);
    const dt = param(page, 'Fkt_1', 'dt').getByLabel('Fkt_1 dt');
    await dt.focus();
    await page.keyboard.press('Space');
    expect(await page.getAttribute('.app', 'data-run-state')).toBe('paused');
    await page.locator('.app-header h1').click();
    await page.keyboard.press('Space');
    await page.waitForSelector('.app[data-run-state="running"]', WAIT);

    // A live parameter applies to the running run at once; the form says the rest waits for the next Start.
    expect(await page.textContent('[data-testid=editor-running-note]')).toContain('changes apply at the next Start');
    await dt.fill('0.5');
    await dt.press('Enter');
    await page.waitForFunction(() => /Fkt_1\.dt = 0\.5 applied to the running run/.test(document.querySelector('[data-testid=editor-message]')?.textContent ?? ''), null, WAIT);

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.waitForSelector('.app[data-run-state="ended"]', WAIT);
    expect(page.errors).toEqual([]);
    await page.close();
    expect(await served.stop()).toBe(0);
  });

  it('Start on an unsaved draft of an example asks where to save it; Cancel starts nothing; the saved copy runs and the example folder stays as it was', async () => {
    const example = join(root, 'examples', 'sensors');
    const listing = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();
    const before = listing(example);
    // No --output: runs go next to the setup, as a user's would.
    const served = await spawnServe(['--root', tmp]);
    const page = await openPage(served.url);
    await showEditor(page);
    await openThroughDialog(page, { example: 'Computer sensors' });
    await page.waitForFunction(() => document.querySelector('[data-testid=editor-path]')?.textContent === 'examples/sensors/setup.yaml', null, WAIT);

    // An edit makes it a draft of a read-only example.
    const dt = param(page, 'Fkt_1', 'dt').getByLabel('Fkt_1 dt');
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
    expect(await editorPath(page)).toBe(target);
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
