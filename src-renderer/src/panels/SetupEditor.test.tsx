// @vitest-environment jsdom
import '../../../test/support/renderer/jsdom-stubs';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { setup as fixtureSetup, status } from '../../../test/support/renderer/fixtures';
import { mount, type Mounted, type } from '../../../test/support/renderer/render';
import { shortcutFor } from '../look/shortcuts';
import { ThemeSwitch } from '../look/ThemeSwitch';
import { currentTheme } from '../look/theme';
import { App } from '../App';
import { RunControl } from './RunControl';
import { SetupEditor } from './SetupEditor';

const TEXT = `# sensors, with a comment
RingBuffer:
  - RB_1:
      number_of_slots: 16   # events
      channel_per_slot: 1
      data_type: {1: [cpu, float64]}
Functions:
  - Fkt_1:
      file_name: builtin:sources/sensors
      fkt_name: read_sensors
      RB_assign: {RB_1: write}
  - Fkt_2:
      file_name: builtin:sinks/csv
      fkt_name: save_to_txt
      RB_assign: {RB_1: read}
`;

const hello = () => ({
  type: 'hello' as const,
  protocol: 1,
  server: { name: 'ringscope' as const, version: '0.1.0', host: 'serve' as const },
  control: 'all' as const,
  maxHz: 30,
  setup: { ...fixtureSetup, path: 'sensors.yaml', text: TEXT },
  status: status({ state: 'idle' }),
  statusSeq: 1,
  lastRun: null,
});

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const input = (label: string) => m!.container.querySelector<HTMLInputElement>(`input[aria-label="${label}"]`)!;
const row = (testId: string) => m!.container.querySelector<HTMLElement>(`[data-testid="${testId}"]`)!;

describe('SetupEditor', () => {
  it('shows the setup as a form; an invalid value gets its message at the field and disables Start', async () => {
    m = await mount(
      <>
        <RunControl />
        <SetupEditor />
      </>,
      [hello()],
    );
    expect(m.container.querySelector('[data-testid=editor-path]')!.textContent).toBe('sensors.yaml');
    expect(input('RB_1 number_of_slots').value).toBe('16');
    expect(input('Fkt_1 dt').value).toBe('1');
    expect(row('param:Fkt_1.dt').textContent).toContain('from default');
    expect(m.button('Start').disabled).toBe(false);

    await type(input('RB_1 number_of_slots'), '-5');
    const problem = row('RB_1.number_of_slots').querySelector('[data-testid=field-problem]')!;
    expect(problem.textContent).toContain('number_of_slots of RB_1 must be a whole number ≥ 1');
    expect(input('RB_1 number_of_slots').getAttribute('aria-invalid')).toBe('true');
    expect(m.button('Start').disabled).toBe(true);
    expect(m.container.querySelector('[data-testid=start-blocked]')!.textContent).toMatch(/^Start is disabled: the edited setup has 1 error/);
    expect(m.container.querySelector('[data-testid=dirty-marker]')).not.toBeNull();
    // The YAML kept its comment; the value changed in place.
    expect(m.store.getState().editorDoc!.text).toContain('number_of_slots: -5   # events');

    await type(input('RB_1 number_of_slots'), '32');
    expect(row('RB_1.number_of_slots').querySelector('[data-testid=field-problem]')).toBeNull();
    expect(m.button('Start').disabled).toBe(false);
    expect(m.container.querySelector('[data-testid=editor-next-start]')!.textContent).toContain('Start runs this edited setup');
  });

  it('checks a built-in parameter against its range as it is typed', async () => {
    m = await mount(<SetupEditor />, [hello()]);
    await type(input('Fkt_1 dt'), '0');
    expect(row('param:Fkt_1.dt').querySelector('[data-testid=field-problem]')!.textContent).toContain('is 0 s, below the smallest allowed value 0.01 s');
    expect(row('param:Fkt_1.dt').textContent).toContain('from this file (Fkt_1.config)');
    await type(input('Fkt_1 dt'), '0.5');
    expect(row('param:Fkt_1.dt').querySelector('[data-testid=field-problem]')).toBeNull();
  });

  it('edits the raw YAML in its tab, and the form follows', async () => {
    m = await mount(<SetupEditor />, [hello()]);
    await m.click('YAML');
    const ta = m.container.querySelector<HTMLTextAreaElement>('[data-testid=yaml-text]')!;
    expect(ta.value).toBe(TEXT);
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
      setter.call(ta, TEXT.replace('number_of_slots: 16', 'number_of_slots: 64'));
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await m.click('Form');
    expect(input('RB_1 number_of_slots').value).toBe('64');
  });
});

describe('look and feel', () => {
  it('switches the theme on <html>', async () => {
    m = await mount(<ThemeSwitch />);
    const select = m.container.querySelector('select')!;
    await act(async () => {
      select.value = 'dark';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(currentTheme()).toBe('dark');
    await act(async () => {
      select.value = 'light';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('maps keys to shortcuts, leaving Space to fields and enabled buttons', () => {
    const key = (k: string, over: Partial<KeyboardEvent> & { target?: EventTarget | null } = {}) =>
      shortcutFor({ key: k, code: k === ' ' ? 'Space' : `Key${k.toUpperCase()}`, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, repeat: false, target: document.body, ...over });
    expect(key(' ')).toBe('pause-resume');
    expect(key('o', { ctrlKey: true })).toBe('open');
    expect(key('s', { ctrlKey: true })).toBe('save');
    expect(key('S', { ctrlKey: true, shiftKey: true })).toBe('save-as');
    expect(key('s', { metaKey: true })).toBe('save');
    expect(key(' ', { target: document.createElement('input') })).toBeNull();
    expect(key(' ', { target: document.createElement('textarea') })).toBeNull();
    const button = document.createElement('button');
    expect(key(' ', { target: button })).toBeNull();
    button.disabled = true;
    expect(key(' ', { target: button })).toBe('pause-resume');
    expect(key(' ', { repeat: true })).toBeNull();
  });

  it('pauses and resumes a running run with Space in the window', async () => {
    m = await mount(<App />, [hello(), { type: 'status', seq: 2, status: status({ state: 'running' }) }]);
    await act(async () => {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', code: 'Space', bubbles: true }));
    });
    expect(m.bridge.of('pause')).toHaveLength(1);
    await m.emit({ type: 'status', seq: 3, status: status({ state: 'paused' }) });
    await act(async () => {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', code: 'Space', bubbles: true }));
    });
    expect(m.bridge.of('resume')).toHaveLength(1);
  });
});
