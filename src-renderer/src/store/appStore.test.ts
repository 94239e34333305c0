// @vitest-environment jsdom
import { LOG_HISTORY } from '../../../src-shared/bridge/protocol';
import { describe, expect, it } from 'vitest';
import { MemoryBridge } from '../../../test/support/renderer/memory-bridge';
import { badSetup, buffers, hello, setup, status, summary } from '../../../test/support/renderer/fixtures';
import { createAppStore, defaultScopeBuffer, parseRunOption, RATE_HISTORY, runState } from './appStore';

const flush = () => new Promise((r) => setTimeout(r, 0));

function make() {
  const bridge = new MemoryBridge();
  const app = createAppStore(bridge);
  return { bridge, ...app, get: () => app.store.getState() };
}

describe('app store', () => {
  it('takes setup, status and last run from hello and subscribes to the observed waveform buffer', () => {
    const { bridge, get } = make();
    bridge.emit(hello({ lastRun: summary, statusSeq: 5 }));
    expect(get().setup).toEqual(setup);
    expect(get().statusSeq).toBe(5);
    expect(get().lastRun).toEqual(summary);
    expect(get().scopeBuffer).toBe('RB_2');
    expect(get().server).toEqual({ version: '0.1.0', host: 'serve' });
    expect(bridge.of('subscribe')).toEqual([{ type: 'subscribe', buffer: 'RB_2', hz: 30 }]);
  });

  it('keeps the chosen buffer across a reconnect, and re-subscribes', () => {
    const { bridge, get } = make();
    bridge.emit(hello());
    get().selectScopeBuffer('RB_1');
    bridge.emit(hello());
    expect(get().scopeBuffer).toBe('RB_1');
    expect(bridge.of('subscribe').map((c) => c.buffer)).toEqual(['RB_2', 'RB_1', 'RB_1']);
  });

  it('follows status reports: sequence, rate history per buffer, reset on a new run', () => {
    const { bridge, get } = make();
    bridge.emit(hello());
    for (let i = 0; i < RATE_HISTORY + 5; i++) bridge.emit({ type: 'status', seq: 10 + i, status: status({}, i) });
    expect(get().statusSeq).toBe(10 + RATE_HISTORY + 4);
    expect(get().rateHistory.RB_1).toHaveLength(RATE_HISTORY);
    expect(get().rateHistory.RB_1.at(-1)).toBe(RATE_HISTORY + 4);
    expect(runState(get())).toBe('running');
    bridge.emit({ type: 'run_ended', summary });
    bridge.emit({ type: 'status', seq: 100, status: status({ state: 'ended' }, 0) });
    expect(get().lastRun).toEqual(summary);
    // A new run starts with fresh history and no old summary.
    bridge.emit({ type: 'status', seq: 101, status: status({ state: 'starting' }, 0) });
    expect(get().rateHistory.RB_1).toEqual([0]);
    expect(get().lastRun).toBeNull();
  });

  it('sends start with the typed limits, and reports a refused command as a notice', async () => {
    const { bridge, get } = make();
    bridge.emit(hello());
    get().setRunOption('runevents', '2000');
    get().setRunOption('runtime', '');
    const p = get().start();
    expect(get().pending).toBe('start');
    await p;
    expect(get().pending).toBeNull();
    expect(bridge.of('start')).toEqual([{ type: 'start', runevents: 2000, runtime: undefined, req: expect.any(Number) }]);
    bridge.answer = () => ({ ok: false, message: 'Cannot pause: no run is in progress.' });
    await get().pause();
    expect(get().notices.at(-1)).toMatchObject({ level: 'error', text: 'Pause failed: Cannot pause: no run is in progress.' });
  });

  it('does not send start with an invalid limit', async () => {
    const { bridge, get } = make();
    bridge.emit(hello());
    get().setRunOption('runevents', '-3');
    await get().start();
    expect(bridge.of('start')).toHaveLength(0);
    expect(get().notices.at(-1)!.text).toBe('Events must be a number ≥ 0 (0 = no limit).');
  });

  it('turns function errors into plain-word notices, and keeps a bounded log', () => {
    const { bridge, get } = make();
    bridge.emit({
      type: 'error',
      message: 'x',
      function: { function: 'Fkt_2', fkt_name: 'lifetime', instance: 0, counter: 3, message: 'bad peak.', policy: 'stop' },
    });
    expect(get().notices[0].text).toBe('Fkt_2 (lifetime, thread 1) failed at event 3: bad peak. The run was stopped.');
    for (let i = 0; i < LOG_HISTORY + 50; i++) bridge.emit({ type: 'log', line: { time: i, level: 'info', source: 'e', message: String(i) } });
    expect(get().log).toHaveLength(LOG_HISTORY);
    expect(get().log.at(-1)!.message).toBe(String(LOG_HISTORY + 49));
    get().dismissNotice(get().notices[0].id);
    expect(get().notices).toHaveLength(0);
  });

  it('tells a page what another window did, and not what it did itself', () => {
    const { bridge, get } = make();
    bridge.emit(hello());
    bridge.emit({ type: 'control', command: 'pause', self: true });
    expect(get().notices).toHaveLength(0);
    bridge.emit({ type: 'control', command: 'pause', self: false });
    bridge.emit({ type: 'control', command: 'stop', self: false });
    expect(get().notices.map((n) => n.text)).toEqual(['Paused from another window.', 'Stopped from another window.']);
  });

  it('takes the log history and run files from hello, and run files as they change', () => {
    const { bridge, get } = make();
    const line = { time: 5, level: 'error' as const, source: 'Fkt_2#0', message: 'event 3: boom\nError: boom\n    at f (m.js:1:2)' };
    const files = { run_directory: '/r/muon_1', files: [{ path: 'run.log', size: 10, url: 'run-files/0/run.log' }], total: 10, growth: null, active: false };
    bridge.emit(hello({ log: [line], runFiles: files }));
    expect(get().log).toEqual([line]);
    expect(get().runFiles).toEqual(files);
    bridge.emit({ type: 'run_files', files: { ...files, total: 20 } });
    expect(get().runFiles!.total).toBe(20);
    // A new setup has no run files yet.
    bridge.emit({ type: 'setup', setup });
    expect(get().runFiles).toBeNull();
  });

  it('shows a bad setup and clears the scope buffer', () => {
    const { bridge, get } = make();
    bridge.emit(hello());
    bridge.emit({ type: 'setup', setup: badSetup });
    expect(get().setup!.runnable).toBe(false);
    expect(get().scopeBuffer).toBeNull();
    expect(get().status).toBeNull();
  });

  it('tracks the connection, with the reason when it closes', () => {
    const { bridge, get } = make();
    bridge.connect('closed', 'RingScope is not reachable');
    expect(get()).toMatchObject({ connection: 'closed', connectionDetail: 'RingScope is not reachable' });
    bridge.connect('open');
    expect(get()).toMatchObject({ connection: 'open', connectionDetail: null });
  });

  it('feeds snapshots past React and acknowledges them once consumed', async () => {
    const { bridge, feed } = make();
    bridge.emit(hello());
    const snap = { buffer: 'RB_2', seq: 1, counter: 1, timestamp: 0, deadtime: 0, fields: [] };
    bridge.emit({ type: 'snapshot', snapshot: snap });
    bridge.emit({ type: 'snapshot', snapshot: { ...snap, seq: 2 } });
    expect(feed.take()!.seq).toBe(2);
    expect(feed.take()).toBeNull();
    feed.consumed();
    feed.consumed();
    expect(bridge.of('snapshot_ack')).toEqual([{ type: 'snapshot_ack', count: 2 }]);
    await flush();
  });
});

describe('helpers', () => {
  it('parses run limits', () => {
    expect(parseRunOption('', 'Events')).toBeUndefined();
    expect(parseRunOption(' 10 ', 'Events')).toBe(10);
    expect(parseRunOption('1.5', 'Run time')).toBe(1.5);
    expect(parseRunOption('1.5', 'Events')).toBeInstanceOf(Error);
    expect(parseRunOption('abc', 'Run time')).toBeInstanceOf(Error);
  });

  it('picks the buffer the display hints name, else the observed waveform buffer, else the first (raw) waveform buffer', () => {
    expect(defaultScopeBuffer(buffers)).toBe('RB_2');
    expect(defaultScopeBuffer(buffers.map((b) => ({ ...b, observed: b.name === 'RB_1' })))).toBe('RB_1');
    expect(defaultScopeBuffer(buffers.map((b) => ({ ...b, observed: false })))).toBe('RB_1');
    expect(defaultScopeBuffer(buffers.map((b) => ({ ...b, observed: false, display: b.name === 'RB_2' ? { scope: true } : {} })))).toBe('RB_2');
    expect(defaultScopeBuffer([buffers[2]])).toBe('RB_3');
    expect(defaultScopeBuffer([])).toBeNull();
  });

  it('remembers the buffer chosen per setup, across pages', () => {
    localStorage.clear();
    const first = make();
    first.bridge.emit(hello());
    first.get().selectScopeBuffer('RB_1');
    const second = make();
    second.bridge.emit(hello());
    expect(second.get().scopeBuffer).toBe('RB_1');
    // Another setup has its own default.
    second.bridge.emit({ type: 'setup', setup: { ...setup, path: 'other/setup.yaml' } });
    expect(second.get().scopeBuffer).toBe('RB_2');
    localStorage.clear();
  });
});
