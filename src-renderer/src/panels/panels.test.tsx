// @vitest-environment jsdom
import '../../../test/support/renderer/jsdom-stubs';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../App';
import { badSetup, hello, status, summary } from '../../../test/support/renderer/fixtures';
import { mount, type Mounted, type } from '../../../test/support/renderer/render';
import { BufferStatus } from './BufferStatus';
import { Problems } from './Problems';
import { RunControl } from './RunControl';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const idle = () => hello();
const running = (seq = 2, written = 1000) => ({ type: 'status' as const, seq, status: status({}, 500, written) });

describe('RunControl', () => {
  it('offers Start for a runnable setup and sends the typed limits', async () => {
    m = await mount(<RunControl />, [idle()]);
    expect(m.button('Start').disabled).toBe(false);
    expect(m.button('Pause').disabled).toBe(true);
    expect(m.button('Stop').disabled).toBe(true);
    const [events, runtime] = [...m.container.querySelectorAll('input')];
    await type(events, '5000');
    await type(runtime, '60');
    await m.click('Start');
    expect(m.bridge.of('start')[0]).toMatchObject({ runevents: 5000, runtime: 60 });
  });

  it('shows state, elapsed and events while running; Pause turns into Resume', async () => {
    m = await mount(<RunControl />, [idle(), running()]);
    expect(m.container.querySelector('[data-testid=run-state]')!.textContent).toBe('Running');
    expect(m.container.querySelector('[data-testid=elapsed]')!.textContent).toBe('0:12.5');
    expect(m.container.querySelector('[data-testid=source-events]')!.textContent).toBe('1,000');
    expect(m.container.querySelector('[data-testid=run-directory]')!.textContent).toBe('/tmp/target/muon_run');
    expect(m.button('Start').disabled).toBe(true);
    // limits are locked while a run is active
    expect([...m.container.querySelectorAll('input')].every((i) => i.disabled)).toBe(true);
    await m.click('Pause');
    expect(m.bridge.of('pause')).toHaveLength(1);
    await m.emit({ type: 'status', seq: 3, status: status({ state: 'paused' }) });
    await m.click('Resume');
    expect(m.bridge.of('resume')).toHaveLength(1);
    await m.emit(running(4));
    await m.click('Stop');
    expect(m.bridge.of('stop')).toHaveLength(1);
    await m.emit({ type: 'status', seq: 5, status: { ...status({}), disk: { free: 5e6, rate: 1e5, seconds_left: 50, warning: 'the output disk is full in about 50 s at this rate' } } });
    expect(m.container.querySelector('[data-testid=disk-warning]')!.textContent).toBe('Warning: the output disk is full in about 50 s at this rate.');
    // While the run stops (a function may not stop), the button aborts.
    await m.emit({ type: 'status', seq: 6, status: status({ state: 'stopping' }) });
    expect(m.button('Abort').disabled).toBe(false);
    await m.click('Abort');
    expect(m.bridge.of('abort')).toHaveLength(1);
  });

  it('shows the summary of the finished run', async () => {
    m = await mount(<RunControl />, [idle(), running(), { type: 'run_ended', summary }, { type: 'status', seq: 3, status: status({ state: 'ended' }) }]);
    const s = m.container.querySelector('[data-testid=run-summary]')!;
    expect(s.querySelector('h3')!.textContent).toBe('Last run: reached the number of events');
    expect(s.textContent).toContain('RB_12,000 events');
    expect(s.querySelector('[data-testid=summary-run-directory]')!.textContent).toBe('/tmp/target/muon_run');
    expect(s.textContent).toContain('Exports: Fkt_3_RB_3.csv, Fkt_4_RB_2.parquet');
    expect(m.button('Start').disabled).toBe(false);
  });

  it('disables Start for a setup with errors, and for an invalid limit', async () => {
    m = await mount(<RunControl />, [hello({ setup: badSetup, status: null })]);
    expect(m.button('Start').disabled).toBe(true);
    expect(m.container.textContent).toContain('Start is disabled: the setup has errors');
    m.unmount();
    m = await mount(<RunControl />, [idle()]);
    await type(m.container.querySelector('input')!, 'lots');
    expect(m.button('Start').disabled).toBe(true);
    expect(m.container.querySelector('.field-error')!.textContent).toBe('Events must be a number ≥ 0 (0 = no limit).');
  });

  it('disables everything while disconnected', async () => {
    m = await mount(<RunControl />, [idle(), running()]);
    await m.emit(); // no-op, keeps act() balanced
    m.bridge.connect('closed', 'gone');
    await m.emit();
    expect(m.button('Pause').disabled).toBe(true);
    expect(m.button('Stop').disabled).toBe(true);
  });
});

describe('BufferStatus', () => {
  it('lists each buffer with fill, written, rate history and deadtime', async () => {
    m = await mount(<BufferStatus />, [idle(), running(2, 1000), running(3, 2000)]);
    const rows = [...m.container.querySelectorAll('tr[data-buffer]')];
    expect(rows.map((r) => r.getAttribute('data-buffer'))).toEqual(['RB_1', 'RB_2']);
    const rb1 = rows[0];
    expect(rb1.getAttribute('data-written')).toBe('2000');
    expect(rb1.textContent).toContain('2,000');
    expect(rb1.textContent).toContain('500 Hz');
    expect(rb1.textContent).toContain('5.0 %');
    expect(rb1.querySelector('[role=meter]')!.getAttribute('aria-valuenow')).toBe('32');
    expect((rb1.querySelector('.fill') as HTMLElement).style.width).toBe('25%');
    expect(rb1.querySelector('polyline')!.getAttribute('points')!.split(' ')).toHaveLength(2);
  });

  it('shows no rate and the run\'s mean deadtime between runs', async () => {
    m = await mount(<BufferStatus />, [idle(), running(), { type: 'status', seq: 3, status: status({ state: 'ended' }) }]);
    const rb1 = m.container.querySelector('tr[data-buffer=RB_1]')!;
    expect(rb1.querySelector('.rate span')!.textContent).toBe('–');
    expect(rb1.textContent).toContain('4.0 %');
  });

  it('shows every function thread and a failure in plain words', async () => {
    m = await mount(<BufferStatus />, [idle(), running()]);
    const fn = m.container.querySelector('[data-function=Fkt_2]')!;
    expect([...fn.querySelectorAll('.instance')].map((i) => i.textContent)).toEqual(['running', 'failed']);
    expect(fn.querySelector('.function-error')!.textContent).toBe('Fkt_2 (lifetime, thread 2) failed at event 77: no peaks found. The run was stopped.');
  });

  it('lists the setup buffers before the first report', async () => {
    m = await mount(<BufferStatus />, [hello({ status: null })]);
    expect(m.container.querySelectorAll('tr[data-buffer]')).toHaveLength(3);
  });
});

describe('Problems', () => {
  it('lists a bad setup\'s problems with file, line, column and key', async () => {
    m = await mount(<Problems />, [hello({ setup: badSetup, status: null })]);
    expect(m.container.querySelector('h2')!.textContent).toBe('This setup cannot run: 1 error');
    const items = [...m.container.querySelectorAll('li')];
    expect(items.map((i) => i.getAttribute('data-severity'))).toEqual(['error', 'warning']);
    expect(items[0].querySelector('.where')!.textContent).toBe('ui-bad-setup.yaml:12:41 — Functions[2].Fkt_2.RB_assign.RB_9');
    expect(items[0].querySelector('.message')!.textContent).toBe('RB_assign names an unknown buffer "RB_9".');
  });

  it('shows nothing for a clean setup', async () => {
    m = await mount(<Problems />, [idle()]);
    expect(m.container.innerHTML).toBe('');
  });
});

describe('App', () => {
  it('exposes the run state and status sequence for tests, and the connection', async () => {
    m = await mount(<App />, [idle(), running(7)]);
    const root = m.container.querySelector('.app')!;
    expect(root.getAttribute('data-status-seq')).toBe('7');
    expect(root.getAttribute('data-run-state')).toBe('running');
    expect(root.getAttribute('data-connection')).toBe('open');
    expect(m.container.querySelector('.setup-name')!.textContent).toContain('Muon lifetime');
    await m.emit({ type: 'error', message: 'disk full' });
    expect(m.container.querySelector('.notice-error')!.textContent).toContain('disk full');
    await m.click('×');
    expect(m.container.querySelector('.notice-error')).toBeNull();
  });

  it('offers to open a setup when the host has none', async () => {
    m = await mount(<App />, [hello({ setup: null, status: null })]);
    await m.click('Open');
    expect(m.bridge.of('open')[0]).toMatchObject({ path: 'examples/muon/setup.yaml' });
  });
});
