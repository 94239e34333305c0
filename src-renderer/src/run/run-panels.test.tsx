// @vitest-environment jsdom
// The keys S, E, P, R, ? and the overlay; the log panel; the run files panel — in the App, on the store.
import '../../../test/support/renderer/jsdom-stubs';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { hello, status } from '../../../test/support/renderer/fixtures';
import { mount, type Mounted } from '../../../test/support/renderer/render';
import { App } from '../App';
import { shortcutFor } from '../look/shortcuts';
import { groupRunFiles } from './RunFiles';
import { shownRate } from '../store/appStore';
import { formatValue, isClockField, noValueText } from '../analysis/StripCharts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const press = (key: string, init: KeyboardEventInit = {}) =>
  act(async () => {
    window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, ...init }));
  });

describe('keys', () => {
  it('maps S, E, P, R and ? (never on a text field, never with Ctrl)', () => {
    const key = (k: string, over: Partial<KeyboardEvent> & { target?: EventTarget | null } = {}) =>
      shortcutFor({ key: k, code: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, repeat: false, target: document.body, ...over });
    expect(['s', 'S', 'e', 'E', 'p', 'r'].map((k) => key(k))).toEqual(['start', 'start', 'end', 'end', 'pause', 'resume']);
    expect(key('?', { shiftKey: true })).toBe('help');
    expect(key('e', { target: document.createElement('input') })).toBeNull();
    expect(key('e', { ctrlKey: true })).toBeNull();
    expect(key('x')).toBeNull();
  });

  it('starts with S, ends with E, and lists the keys with ?', async () => {
    m = await mount(<App />, [hello(), { type: 'status', seq: 2, status: status({ state: 'idle' }) }]);
    await press('s');
    expect(m.bridge.of('start')).toHaveLength(1);
    await m.emit({ type: 'status', seq: 3, status: status({ state: 'running' }) });
    await press('e');
    expect(m.bridge.of('stop')).toHaveLength(1);
    await press('?', { shiftKey: true });
    const dialog = document.querySelector('[role=dialog][aria-label="Keyboard shortcuts"]')!;
    expect(dialog.textContent).toContain('End the run');
    expect(dialog.textContent).toContain('Start a run');
    await press('Escape');
    expect(document.querySelector('[role=dialog][aria-label="Keyboard shortcuts"]')).toBeNull();
  });
});

describe('log panel', () => {
  it('shows levels, newest at the bottom, and a function error with its stack on separate lines', async () => {
    const stack = 'Error: bad peak\n    at find (lifetime.ts:10:5)\n    at filter (io.ts:20:3)';
    m = await mount(<App />, [
      hello({
        log: [
          { time: 1, level: 'info', source: 'engine', message: 'run started' },
          { time: 2, level: 'error', source: 'Fkt_2#0', message: `event 3: bad peak\n${stack}` },
        ],
      }),
    ]);
    await act(async () => {
      (document.querySelector('[role=tab]:last-child') as HTMLButtonElement).click();
    });
    expect(document.querySelector('[data-testid=log-errors]')!.textContent).toBe('1');
    const lines = [...document.querySelectorAll('.log-line')];
    expect(lines.map((l) => l.getAttribute('data-level'))).toEqual(['info', 'error']);
    expect(lines[1].querySelector('.log-message')!.textContent).toBe(`event 3: bad peak\n${stack}`);
    await m.emit({ type: 'log', line: { time: 3, level: 'warn', source: 'engine', message: 'slow' } });
    expect([...document.querySelectorAll('.log-line')].at(-1)!.textContent).toContain('slow');
  });
});

describe('run files', () => {
  it('groups a Parquet dataset folder into one export with its parts', () => {
    const g = groupRunFiles([
      { path: 'a.csv', size: 5 },
      { path: 'w.parquet/part-1.parquet', size: 10 },
      { path: 'w.parquet/part-2.parquet', size: 20 },
    ]);
    expect(g.map((x) => [x.name, x.size, x.files.length])).toEqual([
      ['a.csv', 5, 1],
      ['w.parquet', 30, 2],
    ]);
  });

  it('lists the files with sizes and download links, and the growth while writing', async () => {
    const files = {
      run_directory: '/r/muon_1',
      files: [
        { path: 'pulse_parameters.csv', size: 2048, url: 'run-files/0/pulse_parameters.csv' },
        { path: 'run.log', size: 100, url: 'run-files/0/run.log' },
      ],
      total: 2148,
      growth: 20 * 2 ** 20,
      active: true,
    };
    m = await mount(<App />, [hello({ runFiles: files })]);
    const links = [...document.querySelectorAll('[data-testid=run-file-link]')] as HTMLAnchorElement[];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['pulse_parameters.csv', 'run-files/0/pulse_parameters.csv'],
      ['run.log', 'run-files/0/run.log'],
    ]);
    expect(document.querySelector('[data-testid=run-files-total]')!.textContent).toBe('2.1 kB');
    expect(document.querySelector('[data-testid=run-files-growth]')!.textContent).toBe('1.2 GB/min');
    expect(document.querySelector('[data-testid=run-files-warning]')!.textContent).toContain('an hour');
  });
});

describe('rates of slow buffers', () => {
  it('shows one event a second as 1.0 Hz, not the engine’s half-second windows of 0 and 2', () => {
    expect(shownRate(0.4, [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]])).toBe(1);
    // Fast buffers keep the engine's rate; too short a history too.
    expect(shownRate(5000, [[0, 0], [4, 10]])).toBe(5000);
    expect(shownRate(0.4, [[0, 0], [1, 1]])).toBe(0.4);
  });
});

describe('strip-chart values', () => {
  it('shows a clock field as the time of day and a missing battery in words', () => {
    expect(isClockField('time', 's')).toBe(true);
    expect(isClockField('cpu', '%')).toBe(false);
    const t = Date.UTC(2026, 11, 6, 6, 30, 5) / 1000;
    expect(formatValue(t, true)).toBe(new Date(t * 1000).toLocaleTimeString('en-GB', { hour12: false }));
    expect(formatValue(12.3456)).toBe('12.346');
    expect(noValueText('battery')).toBe('no battery');
  });
});
